/*
 * preflight.cpp — migrate_guard.preflight(label, schemas): the "before"
 * half of a migration checklist in one call.
 *
 *   row counts       an exact row-count snapshot under `label` (snapshot_row_counts)
 *   schema snapshot  the schema export under `label` (schema_snapshot)
 *   fk rules, rls    verify_fk_rules() and verify_rls() as they stand now
 * and a row in migrate_guard.preflights tying them together with the last
 * id of the audit log, so that postflight(label) can compare with all of it.
 */
#include "common/bridge.h"
#include "common/pinned_sql.h"
#include "common/owner_sql.h"
#include "common/ext_version.h"
#include "schema/flight_report.h"
#include "schema/snapshot_store.h"
#include "verify/verify_common.h"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
}

using namespace mg;

namespace {

int run_as_owner(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls, bool read_only)
{
    int rc = 0;
    as_extension_owner([&] { rc = SPI_execute_with_args(sql, nargs, types, values, nulls, read_only, 0); });
    return rc;
}

void check_label_free(const char *label)
{
    Oid types[1] = {TEXTOID};
    Datum values[1] = {CStringGetTextDatum(label)};
    int rc = run_as_owner("SELECT FROM migrate_guard.preflights WHERE label = $1", 1, types, values, nullptr, true);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "migrate_guard: could not look up preflights: %s", SPI_result_code_string(rc));
    if (SPI_processed > 0)
        ereport(ERROR, (errcode(ERRCODE_UNIQUE_VIOLATION),
                        errmsg("migrate_guard: a preflight labelled \"%s\" already exists", label),
                        errhint("Labels are unique: choose another one, or run "
                                "SELECT * FROM migrate_guard.postflight('%s');", label)));
    check_schema_label_free(label);
}

/* Takes the exact row-count snapshot; returns its id. */
int64 snapshot_rows(Report *r, const char *label, ArrayType *schemas)
{
    Oid types[2] = {TEXTOID, TEXTARRAYOID};
    Datum values[2] = {CStringGetTextDatum(label), PointerGetDatum(schemas)};
    char nulls[3] = {' ', schemas ? ' ' : 'n', '\0'};
    int rc = spi_exec("SELECT pg_catalog.count(*)::int, pg_catalog.count(row_count)::int, "
                      "       coalesce(pg_catalog.sum(row_count), 0)::bigint "
                      "  FROM migrate_guard.snapshot_row_counts($1, $2, true)",
                      2, types, values, nulls, false);
    if (rc != SPI_OK_SELECT || SPI_processed != 1)
        elog(ERROR, "migrate_guard: could not take the row-count snapshot: %s", SPI_result_code_string(rc));
    bool isnull;
    int tables = DatumGetInt32(spi_datum(0, 1, &isnull));
    int counted = DatumGetInt32(spi_datum(0, 2, &isnull));
    int64 rows = DatumGetInt64(spi_datum(0, 3, &isnull));
    rc = spi_exec("SELECT snapshot_id FROM migrate_guard.row_count_snapshots "
                  " WHERE label OPERATOR(pg_catalog.=) $1",
                  1, types, values, nulls, false);
    if (rc != SPI_OK_SELECT || SPI_processed != 1)
        elog(ERROR, "migrate_guard: could not find the row-count snapshot just taken");
    int64 id = DatumGetInt64(spi_datum(0, 1, &isnull));
    report_add(r, "row counts", counted < tables ? Status::warn : Status::pass,
               psprintf("%d tables, " INT64_FORMAT " rows counted exactly%s (row-count snapshot %lld \"%s\")", tables,
                        rows,
                        counted < tables ? psprintf("; %d could not be counted (see migrate_guard.row_counts.note)",
                                                    tables - counted)
                                         : "",
                        static_cast<long long>(id), label));
    return id;
}

int64 last_audit_id()
{
    int rc = run_as_owner("SELECT max(id) FROM migrate_guard.ddl_log", 0, nullptr, nullptr, nullptr, true);
    if (rc != SPI_OK_SELECT || SPI_processed != 1)
        elog(ERROR, "migrate_guard: could not read the audit log");
    bool isnull;
    Datum d = spi_datum(0, 1, &isnull);
    return isnull ? 0 : DatumGetInt64(d);
}

} // namespace

MG_SQL_FUNCTION(mg_preflight)
{
    if (PG_ARGISNULL(0) || VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(0)) == 0)
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("migrate_guard: preflight needs a label"),
                        errhint("SELECT * FROM migrate_guard.preflight('release-42'); later "
                                "SELECT * FROM migrate_guard.postflight('release-42');")));
    const char *label = text_to_cstring(PG_GETARG_TEXT_PP(0));
    ArrayType *schemas = PG_ARGISNULL(1) ? nullptr : PG_GETARG_ARRAYTYPE_P(1);
    require_extension_here();
    require_extension_version("preflight()", "0.2.0");
    check_schemas_exist(schemas);
    mg_init_materialized_srf(fcinfo);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);

    spi_connect_or_fail();
    check_label_free(label);
    Report report;
    report_init(&report);

    int64 rows_id = snapshot_rows(&report, label, schemas);
    int objects;
    const char *fingerprint;
    int64 schema_id = store_schema_snapshot(label, schemas, &objects, &fingerprint);
    report_add(&report, "schema snapshot", Status::pass,
               psprintf("%d objects, fingerprint %.16s... (schema snapshot %lld \"%s\")", objects, fingerprint,
                        static_cast<long long>(schema_id), label));
    int64 audit_id = last_audit_id();

    Oid types[6] = {TEXTOID, TEXTOID, TEXTARRAYOID, INT8OID, INT8OID, INT8OID};
    Datum values[6] = {CStringGetTextDatum(label), CStringGetTextDatum(GetUserNameFromId(GetUserId(), false)),
                       PointerGetDatum(schemas), Int64GetDatum(rows_id), Int64GetDatum(schema_id),
                       Int64GetDatum(audit_id)};
    char nulls[7] = {' ', ' ', schemas ? ' ' : 'n', ' ', ' ', ' ', '\0'};
    int rc = run_as_owner("INSERT INTO migrate_guard.preflights(label, taken_by, schemas, row_count_snapshot_id, "
                          "schema_snapshot_id, ddl_log_last_id) VALUES ($1, $2, $3, $4, $5, $6)",
                          6, types, values, nulls, false);
    if (rc != SPI_OK_INSERT)
        elog(ERROR, "migrate_guard: could not store the preflight: %s", SPI_result_code_string(rc));

    check_fk_rules(&report, schemas);
    check_rls(&report, schemas);
    report_emit(&report, rsinfo, psprintf("preflight \"%s\"", label));
    SPI_finish();
    return (Datum) 0;
}
