/*
 * verify_rls.cpp — migrate_guard.verify_rls(schemas text[] DEFAULT NULL):
 * one row per table (ordinary and partitioned) of the scope, with its
 * row-level security state and policy count.
 *   PASS  RLS enabled and at least one policy
 *   FAIL  RLS disabled: every role with SELECT sees every row
 *   WARN  RLS enabled without any policy: queries by roles subject to RLS return nothing
 */
#include "common/bridge.h"
#include "verify/verify_common.h"

extern "C" {
#include "executor/spi.h"
}

using namespace mg;

namespace {

const char *const kRlsSql =
    "SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), c.relrowsecurity, c.relforcerowsecurity, "
    "       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_policy p "
    "         WHERE p.polrelid OPERATOR(pg_catalog.=) c.oid)::pg_catalog.int4 "
    "  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
    " WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::pg_catalog.\"char\"[]) AND " MG_SCOPE_SQL
    " ORDER BY 1";

} // namespace

MG_SQL_FUNCTION(mg_verify_rls)
{
    ArrayType *schemas = PG_ARGISNULL(0) ? nullptr : PG_GETARG_ARRAYTYPE_P(0);
    check_schemas_exist(schemas);
    mg_init_materialized_srf(fcinfo);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);

    spi_connect_or_fail();
    spi_query_with_schemas(kRlsSql, schemas);
    for (uint64 i = 0; i < SPI_processed; i++) {
        CHECK_FOR_INTERRUPTS();
        int row = static_cast<int>(i);
        bool isnull;
        bool enabled = DatumGetBool(spi_datum(row, 2, &isnull));
        bool forced = DatumGetBool(spi_datum(row, 3, &isnull));
        int policies = DatumGetInt32(spi_datum(row, 4, &isnull));
        const char *status;
        char *detail;
        if (!enabled) {
            status = "FAIL";
            detail = psprintf("row-level security is disabled: every role with SELECT sees every row%s",
                              policies > 0 ? psprintf(" (its %d policies are not applied)", policies) : "");
        } else if (policies == 0) {
            status = "WARN";
            detail = pstrdup("row-level security is enabled but no policy exists: every query by a role "
                             "subject to it returns no rows");
        } else {
            status = "PASS";
            detail = psprintf("%d %s; %s", policies, policies == 1 ? "policy" : "policies",
                              forced ? "forced: the table owner is subject to row-level security too"
                                     : "not forced: the table owner bypasses row-level security");
        }
        Datum values[6] = {CStringGetTextDatum(spi_text(row, 1)), BoolGetDatum(enabled), BoolGetDatum(forced),
                           Int32GetDatum(policies), CStringGetTextDatum(status), CStringGetTextDatum(detail)};
        bool nulls[6] = {false, false, false, false, false, false};
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    SPI_finish();
    return (Datum) 0;
}
