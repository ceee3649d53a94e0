/*
 * purge.cpp — migrate_guard.purge_ddl_log(older_than interval): the one
 * sanctioned way to delete audit rows.  It needs the flag (it is guarded as
 * guard_tamper, in every mode) and leaves a row saying what it purged.
 */
#include "common/bridge.h"
#include "audit/audit.h"
#include "guard/blocked_log.h"
#include "common/ext_state.h"
#include "common/owner_sql.h"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
}

using namespace mg;

MG_SQL_FUNCTION(mg_purge_ddl_log)
{
    Interval *older_than = PG_GETARG_INTERVAL_P(0);
    if (older_than->time < 0 || older_than->day < 0 || older_than->month < 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("migrate_guard: older_than must not be negative"),
                        errhint("purge_ddl_log('90 days') deletes the rows logged more than 90 days ago.")));
    if (!audit_enabled())
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("migrate_guard: the audit log is not available in this database")));

    StatementFrame frame;
    frame.source = debug_query_string;
    frame.location = -1;
    frame.length = 0;
    List *matches = add_match(NIL, Rule::guard_tamper, pstrdup("migrate_guard.ddl_log"));
    frame.verdict = judge(matches, debug_query_string, -1, 0); /* refuses without the flag */

    TimestampTz cutoff = DatumGetTimestampTz(
        DirectFunctionCall2(timestamptz_mi_interval, TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
                            IntervalPGetDatum(older_than)));

    uint64 purged = 0;
    as_extension_owner([&] {
        if (SPI_connect() != SPI_OK_CONNECT)
            elog(ERROR, "migrate_guard: SPI_connect failed");
        Oid types[1] = {TIMESTAMPTZOID};
        Datum values[1] = {TimestampTzGetDatum(cutoff)};
        int rc = SPI_execute_with_args("DELETE FROM migrate_guard.ddl_log WHERE logged_at < $1", 1, types,
                                       values, nullptr, false, 0);
        if (rc != SPI_OK_DELETE)
            elog(ERROR, "migrate_guard: could not purge the audit log: %s", SPI_result_code_string(rc));
        purged = SPI_processed;
        SPI_finish();
    });

    AuditRow row = {"SELECT", "table", "migrate_guard", "migrate_guard.ddl_log", "purge",
                    psprintf("purged " UINT64_FORMAT " rows logged before %s", purged,
                             timestamptz_to_str(cutoff))};
    audit_write(row, &frame);
    PG_RETURN_INT64(static_cast<int64>(purged));
}
