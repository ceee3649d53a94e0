/*
 * snapshot_store.cpp — schema_snapshot(), compare_schema(text, text) and the
 * storage behind them (see snapshot_store.h).
 */
#include "common/bridge.h"
#include "common/ext_version.h"
#include "common/ext_state.h"
#include "common/owner_sql.h"
#include "schema/compare.h"
#include "schema/export.h"
#include "schema/fingerprint.h"
#include "schema/pinned_settings.h"
#include "schema/snapshot_store.h"
#include "verify/verify_common.h"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/acl.h"
}

namespace mg {
namespace {

const char *const kSelectColumns =
    "SELECT snapshot_id, label, taken_by::text, export FROM migrate_guard.schema_snapshots ";

void require_extension()
{
    if (!ext_state().present)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("migrate_guard: the extension is not installed in this database")));
}

/* Runs a statement as the owner of the extension's tables (owner_sql.h: search_path pinned). */
int run_as_owner(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls, bool read_only)
{
    int rc = 0;
    as_extension_owner([&] { rc = SPI_execute_with_args(sql, nargs, types, values, nulls, read_only, 0); });
    return rc;
}

void check_may_read(const StoredSnapshot &s)
{
    if (superuser())
        return;
    Oid taker = get_role_oid(s.taken_by, true);
    if (OidIsValid(taker) && has_privs_of_role(GetUserId(), taker))
        return;
    Oid rel = get_relname_relid("schema_snapshots", ext_state().schema_oid);
    AttrNumber att = OidIsValid(rel) ? get_attnum(rel, "export") : InvalidAttrNumber;
    /* SELECT on the table, or on its column export (pg_attribute_aclcheck looks at the column's ACL only) */
    if (OidIsValid(rel) && pg_class_aclcheck(rel, GetUserId(), ACL_SELECT) == ACLCHECK_OK)
        return;
    if (att != InvalidAttrNumber && pg_attribute_aclcheck(rel, att, GetUserId(), ACL_SELECT) == ACLCHECK_OK)
        return;
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("migrate_guard: you may not read schema snapshot %lld%s%s%s", static_cast<long long>(s.id),
                           s.label ? " (\"" : "", s.label ? s.label : "", s.label ? "\")" : ""),
                    errdetail("A stored export shows the schema as it was, dropped objects included: it is readable "
                              "by role \"%s\" who took it, superusers and roles with SELECT on "
                              "migrate_guard.schema_snapshots.", s.taken_by),
                    errhint("Ask a member of the admin role, or take your own snapshot with "
                            "migrate_guard.schema_snapshot().")));
}

StoredSnapshot from_row(const char *argname)
{
    bool isnull;
    StoredSnapshot s;
    s.id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
    s.label = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
    s.taken_by = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
    check_may_read(s);
    Datum exp = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &isnull);
    s.export_ = parse_export(DatumGetJsonbP(exp), argname);
    return s;
}

} // namespace

StoredSnapshot load_schema_snapshot(const char *which, const char *argname)
{
    Oid types[1] = {TEXTOID};
    Datum values[1] = {CStringGetTextDatum(which)};
    int rc = run_as_owner(psprintf("%s WHERE label = $1 "
                                   "UNION ALL %s WHERE $1 ~ '^[0-9]{1,18}$' AND snapshot_id = $1::bigint "
                                   "AND NOT EXISTS (SELECT FROM migrate_guard.schema_snapshots WHERE label = $1) "
                                   "LIMIT 1",
                                   kSelectColumns, kSelectColumns),
                          1, types, values, nullptr, true);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "migrate_guard: could not look up schema snapshot: %s", SPI_result_code_string(rc));
    if (SPI_processed == 0)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                        errmsg("migrate_guard: %s: no schema snapshot labelled or numbered \"%s\"", argname, which),
                        errhint("SELECT snapshot_id, label, taken_at FROM migrate_guard.schema_snapshots lists them; "
                                "migrate_guard.schema_snapshot('<label>') takes one.")));
    return from_row(argname);
}

StoredSnapshot load_schema_snapshot_by_id(int64 id)
{
    Oid types[1] = {INT8OID};
    Datum values[1] = {Int64GetDatum(id)};
    int rc = run_as_owner(psprintf("%s WHERE snapshot_id = $1", kSelectColumns), 1, types, values, nullptr, true);
    if (rc != SPI_OK_SELECT || SPI_processed != 1)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                        errmsg("migrate_guard: schema snapshot %lld is missing", static_cast<long long>(id))));
    return from_row(psprintf("schema snapshot %lld", static_cast<long long>(id)));
}

void check_schema_label_free(const char *label)
{
    Oid types[1] = {TEXTOID};
    Datum values[1] = {CStringGetTextDatum(label)};
    int rc = run_as_owner("SELECT FROM migrate_guard.schema_snapshots WHERE label = $1", 1, types, values, nullptr,
                          true);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "migrate_guard: could not look up schema snapshot: %s", SPI_result_code_string(rc));
    if (SPI_processed > 0)
        ereport(ERROR, (errcode(ERRCODE_UNIQUE_VIOLATION),
                        errmsg("migrate_guard: a schema snapshot labelled \"%s\" already exists", label),
                        errhint("Labels are unique: choose another one, or compare with it: "
                                "SELECT * FROM migrate_guard.compare_schema('%s');", label)));
}

int64 store_schema_snapshot(const char *label, ArrayType *schemas, int *objects, const char **fingerprint)
{
    Jsonb *exp = export_live_schema(schemas, objects);
    *fingerprint = export_fingerprint(exp);
    Oid types[6] = {TEXTOID, TEXTOID, TEXTARRAYOID, INT4OID, TEXTOID, JSONBOID};
    Datum values[6] = {label ? CStringGetTextDatum(label) : (Datum) 0,
                       CStringGetTextDatum(GetUserNameFromId(GetUserId(), false)), PointerGetDatum(schemas),
                       Int32GetDatum(*objects), CStringGetTextDatum(*fingerprint), JsonbPGetDatum(exp)};
    char nulls[7] = {label ? ' ' : 'n', ' ', schemas ? ' ' : 'n', ' ', ' ', ' ', '\0'};
    int rc = run_as_owner("INSERT INTO migrate_guard.schema_snapshots(label, taken_by, schemas, objects, fingerprint, "
                          "export) VALUES ($1, $2, $3, $4, $5, $6) RETURNING snapshot_id",
                          6, types, values, nulls, false);
    if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
        elog(ERROR, "migrate_guard: could not store the schema snapshot: %s", SPI_result_code_string(rc));
    bool isnull;
    return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

} // namespace mg

using namespace mg;

MG_SQL_FUNCTION(mg_schema_snapshot)
{
    const char *label = PG_ARGISNULL(0) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(0));
    ArrayType *schemas = PG_ARGISNULL(1) ? nullptr : PG_GETARG_ARRAYTYPE_P(1);
    require_extension();
    require_extension_version("schema_snapshot()", "0.2.0");
    check_schemas_exist(schemas);
    mg_init_materialized_srf(fcinfo);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);

    spi_connect_or_fail();
    if (label != nullptr)
        check_schema_label_free(label);
    int objects;
    const char *fingerprint;
    int64 id = store_schema_snapshot(label, schemas, &objects, &fingerprint);
    Datum values[4] = {Int64GetDatum(id), label ? CStringGetTextDatum(label) : (Datum) 0, Int32GetDatum(objects),
                       CStringGetTextDatum(fingerprint)};
    bool nulls[4] = {false, label == nullptr, false, false};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    SPI_finish();
    return (Datum) 0;
}

MG_SQL_FUNCTION(mg_compare_schema_snapshots)
{
    if (PG_ARGISNULL(0))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("migrate_guard: before must name a schema snapshot (label or id)")));
    const char *before = text_to_cstring(PG_GETARG_TEXT_PP(0));
    const char *after = PG_ARGISNULL(1) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(1));
    require_extension();
    require_extension_version("compare_schema()", "0.2.0");
    mg_init_materialized_srf(fcinfo);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);

    spi_connect_or_fail();
    StoredSnapshot b = load_schema_snapshot(before, "before");
    ParsedExport a = after ? load_schema_snapshot(after, "after").export_ : export_live_like(b.export_);
    notice_version_mismatch(b.export_, a);
    put_differences(rsinfo, compare_exports(b.export_, a));
    SPI_finish();
    return (Datum) 0;
}
