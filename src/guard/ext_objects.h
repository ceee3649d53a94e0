/*
 * ext_objects.h — what belongs to migrate_guard, for rule guard_tamper.
 *
 * Everything in schema migrate_guard belongs to the extension (its tables,
 * sequences, views, functions, types), and so do its members elsewhere (the
 * event triggers), the schema and the extension itself.  A sub-object hung on
 * one of its relations (trigger, rule, policy, index, constraint — also a
 * foreign key referencing it —, column default, extended statistics,
 * publication membership, an inheritance child) touches it too.
 *
 * Users may change none of it, whatever their privileges, while the flag is
 * off; the library's own SQL (running_internal_sql()) and the extension's own
 * CREATE/ALTER EXTENSION script may.  One exception: the rows of the
 * configuration table fk_expectations (and its id sequence) are the users'
 * to write — verify_fk_rules() reads its expectations from there.
 */
#pragma once

#include "common/pg.h"

namespace mg {

/* A relation in schema migrate_guard. */
bool is_extension_relation(Oid relid);

/* A relation whose rows users may write (fk_expectations and its sequence). */
bool is_user_editable_relation(Oid relid);

/* Rows of this relation may only be written by the library (or under the flag). */
inline bool is_protected_relation(Oid relid)
{
    return is_extension_relation(relid) && !is_user_editable_relation(relid);
}

/*
 * Does creating/altering/dropping the object at addr touch the extension?
 * new_version: read the object's catalog row as the current command left it
 * (SnapshotSelf: right after OAT_POST_CREATE / OAT_POST_ALTER, when the new
 * row is not visible to catalog snapshots yet).  auxiliary_id: the second
 * object of OAT_POST_ALTER (the parent of a pg_inherits row).
 */
bool touches_extension(const ObjectAddress &addr, bool new_version, Oid auxiliary_id = InvalidOid);

/*
 * One of the extension's functions that only the extension itself may call or
 * reference: its trigger and event trigger functions (the audit's), and those
 * whose name starts with an underscore (_blocked_attempts, _count_visible, ...).
 * Its other functions (status(), verify_rls(), ...) are for everyone.
 */
bool is_internal_extension_function(Oid funcid);

/* A C function whose code is in migrate_guard's own shared library. */
bool is_library_function(Oid funcid);

/* A library name as CREATE FUNCTION ... LANGUAGE c AS '<library>' gives it: is it migrate_guard's own file? */
bool is_library_file(const char *library);

/* Is migrate_guard's own CREATE/ALTER EXTENSION script running? */
bool running_own_extension_script();

/*
 * Is this type the row type of a relation (or the array type of one)?  Read
 * as the current command left it: right after OAT_POST_CREATE too.
 */
bool is_relation_row_type(Oid type);

/* The schema of a type (InvalidOid when there is no such type). */
Oid type_namespace(Oid type);

/* "table migrate_guard.ddl_log", "function migrate_guard.status()", ... */
char *describe_object(const ObjectAddress &addr);

/*
 * The relation a sub-object belongs to (trigger, rule, policy, constraint,
 * column default, statistics object, publication membership), read with the
 * given snapshot (nullptr: catalog snapshot); InvalidOid when there is none.
 * A column (RelationRelationId with objectSubId) belongs to its relation.
 */
Oid owning_relation(const ObjectAddress &addr, bool new_version);

} // namespace mg
