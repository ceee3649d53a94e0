/*
 * review.h — the migration review (migrate_guard.check_migration() and
 * migration_verdict()): one reviewed statement, its findings, and the memory
 * they live in.  Shared by every file of src/review/.
 *
 * The review never runs a statement of the script.  Each statement is judged
 * inside a subtransaction that is always rolled back, so that every lock the
 * judging takes (AccessShareLock to read a table's size, the guard's name
 * lookups) and every catalog cache reference is released, whatever happens.
 */
#pragma once

#include "common/pg.h"

#include <cstdint>

namespace mg::review {

enum class Severity : uint8_t { ok, warn, danger, blocked };

const char *severity_name(Severity s);

struct Finding {
    const char *rule;   /* nullptr: the "nothing found" row of a statement */
    Severity severity;
    char *message;
    char *hint;         /* nullptr: nothing to do */
};

struct Statement {
    int number;            /* statement_no, from 1 */
    int line;              /* line of its first token, from 1 */
    int location;          /* byte offset of its first token in the script */
    int length;            /* bytes, up to (not including) its semicolon */
    char *text;
    Node *stmt;            /* raw parse tree */
    const char *command_tag;
    LOCKMODE lock_mode;    /* strongest lock on an existing relation; NoLock: none */
    List *locked_oids;     /* existing relations it locks ... */
    List *locked_modes;    /* ... and the lock on each (int list, same order) */
    bool rewrites;         /* rewrites an existing table or index */
    List *findings;        /* Finding * */
    List *probes;          /* ProbeRequest * (probes.h), run when probe => true */
};

/*
 * The memory context results live in for the whole review (statements,
 * findings, replayed script state).  Analysis runs in a scratch context that
 * is reset after each statement; these helpers copy into the kept one.
 */
MemoryContext keep_context();
void set_keep_context(MemoryContext cxt);
char *keep_str(const char *s);

void add_finding(Statement *st, const char *rule, Severity severity, const char *message,
                 const char *hint = nullptr);
bool has_finding(const Statement *st, const char *rule);

/* The statement locks existing relation relid in mode (keeps the strongest per relation). */
void note_lock(Statement *st, Oid relid, LOCKMODE mode);

/* copyObject() for C++ (the macro needs GNU C's typeof). */
template <typename T>
T *copy_node(const T *node)
{
    return static_cast<T *>(copyObjectImpl(node));
}

/*
 * The longest the review waits for a lock, in ms (lock_timeout, pinned for
 * the whole call and restored after it; lower when the caller's is): it never
 * queues behind another session's lock, nor makes later queries queue behind
 * its own request.  What it could not read in time is reported, not waited for.
 */
constexpr int kLockWaitMs = 50;
int review_lock_wait_ms();

/* "public.orders" (always schema-qualified, quoted where needed). */
char *qualified_name(Oid relid);

} // namespace mg::review
