/*
 * locks.h — which lock a statement takes on the relations it names, as
 * PostgreSQL takes them: AlterTableGetLockLevel() for ALTER TABLE (the same
 * call ProcessUtility makes before it opens the table), and for every other
 * statement the lock its command takes (CREATE INDEX: ShareLock, with
 * CONCURRENTLY ShareUpdateExclusiveLock; DROP: AccessExclusiveLock; ...).
 */
#pragma once

#include "common/pg.h"

namespace mg::review {

/* Lock on the statement's own (main) relation; NoLock when it takes none worth naming. */
LOCKMODE statement_lock(Node *stmt);

/* A foreign key's referenced table (both sides get triggers): ShareRowExclusiveLock. */
constexpr LOCKMODE kForeignKeyReferencedLock = ShareRowExclusiveLock;

/* "AccessExclusiveLock", ... */
const char *lock_name(LOCKMODE mode);
/* "an AccessExclusiveLock", "a ShareLock" */
char *a_lock(LOCKMODE mode);

/* Does a session waiting for / holding this lock keep writers (or readers) out? */
bool blocks_writes(LOCKMODE mode);
bool blocks_reads(LOCKMODE mode);

/* "every read and write", "every write (INSERT, UPDATE, DELETE)", ... */
const char *who_waits(LOCKMODE mode);

} // namespace mg::review
