/*
 * object_access.h — the guard at the point of effect (object_access_hook).
 *
 * PostgreSQL calls object_access_hook for every object a statement really
 * acts on, after it resolved names and took its locks:
 *
 *   OAT_DROP       every object removed (cascades, partitions, inheritance
 *                  children, typed tables, owned sequences, columns, ...):
 *                  judged with the drop rules; "created in this transaction"
 *                  exempts only the object itself, never what hangs on it.
 *   OAT_TRUNCATE   every table emptied (inheritors and CASCADE targets).
 *   OAT_POST_CREATE, OAT_POST_ALTER
 *                  guard_tamper when the object belongs to migrate_guard
 *                  (ext_objects.h); the object is remembered so that the
 *                  statement is refused if it made a permanent object depend
 *                  on a temporary one, or on the extension's internal
 *                  functions (new_dependencies.h).
 *
 * Internal deletions (the transient heap of a rewrite, the indexes a type
 * change rebuilds, ON COMMIT DROP, the cleanup of a temporary schema) are not
 * judged, except that of a sequence: the identity sequence ALTER COLUMN ...
 * DROP IDENTITY drops is judged as a dropped sequence (drop_sequence), and
 * gets the audit row the sql_drop event trigger does not write for it.
 */
#pragma once

#include "common/pg.h"

extern "C" {
#include "catalog/objectaccess.h"
}

namespace mg {

void on_object_access(ObjectAccessType access, Oid classId, Oid objectId, int subId, void *arg);

} // namespace mg
