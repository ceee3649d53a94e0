/*
 * audit_function_writes.cpp — rows for catalog changes that functions make,
 * outside any statement event triggers report.
 *
 * pg_import_system_collations() (superusers only) creates one collation per
 * locale of the operating system, from a SELECT: no DDL statement runs, no
 * event trigger fires.  The object_access_hook sees each collation created,
 * so each gets its row, in the transaction that creates it, unless the
 * innermost statement is a CREATE COLLATION (the event triggers report
 * that) or an extension's script (its CREATE/ALTER EXTENSION row covers it).
 *
 * The collation's catalog row is not visible to the catalog caches before
 * the next command: it is read with SnapshotSelf.
 */
#include "common/bridge.h"
#include "audit/audit.h"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_collation.h"
#include "commands/extension.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
}

namespace mg {
namespace {

/* schema and name of a collation created by the current command; false if not found */
bool collation_name(Oid collid, char **schema, char **name)
{
    Relation rel = table_open(CollationRelationId, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_collation_oid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(collid));
    SysScanDesc scan = systable_beginscan(rel, CollationOidIndexId, true, SnapshotSelf, 1, &key);
    HeapTuple tuple = systable_getnext(scan);
    bool found = HeapTupleIsValid(tuple);
    if (found) {
        Form_pg_collation c = reinterpret_cast<Form_pg_collation>(GETSTRUCT(tuple));
        *name = pstrdup(NameStr(c->collname));
        *schema = get_namespace_name(c->collnamespace);
    }
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    return found && *schema != nullptr;
}

} // namespace

void audit_collation_created(Oid collid)
{
    guarded("object_access hook", [&] {
        if (creating_extension || running_internal_sql() || !audit_enabled())
            return;
        const StatementFrame *frame = current_statement();
        if (frame != nullptr && frame->defines_collation)
            return;
        char *schema = nullptr, *name = nullptr;
        if (!collation_name(collid, &schema, &name))
            return;
        AuditRow row = {"CREATE COLLATION", "collation", schema, quote_qualified_identifier(schema, name),
                        "object_access", "created by a function, not a statement (pg_import_system_collations())"};
        audit_write(row);
    });
}

} // namespace mg
