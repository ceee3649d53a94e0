/*
 * audit_events.cpp — the extension's event triggers, in C++.
 *
 * They are created by the install script, owned by the extension and enabled
 * ALWAYS, so session_replication_role = replica does not silence them.
 * Commands run inside an extension's own script are left out (the CREATE or
 * ALTER EXTENSION command itself is logged), and so are statements whose row
 * was written earlier, in the first of their own transactions
 * (audit_concurrent.cpp).
 */
#include "common/bridge.h"
#include "audit/audit.h"

extern "C" {
#include "commands/event_trigger.h"
}

using namespace mg;

namespace {

EventTriggerData *event_data(FunctionCallInfo fcinfo)
{
    if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("migrate_guard: function can only be called as an event trigger")));
    return reinterpret_cast<EventTriggerData *>(fcinfo->context);
}

bool should_log()
{
    return audit_enabled() && !running_internal_sql() && !creating_extension && !current_statement_logged();
}

} // namespace

MG_SQL_FUNCTION(mg_on_ddl_command_end)
{
    EventTriggerData *trig = event_data(fcinfo);
    if (!should_log())
        PG_RETURN_NULL();
    const char *tag = GetCommandTagName(trig->tag);
    uint64 rows = audit_write_from(AuditSource::ddl_commands, tag);
    if (rows == 0) {
        /* DROP and a few others report no command here: log the command itself */
        AuditRow row = {tag, nullptr, nullptr, nullptr, "ddl_command_end", nullptr};
        audit_write(row);
    }
    PG_RETURN_NULL();
}

MG_SQL_FUNCTION(mg_on_sql_drop)
{
    EventTriggerData *trig = event_data(fcinfo);
    if (should_log())
        audit_write_from(AuditSource::dropped_objects, GetCommandTagName(trig->tag));
    PG_RETURN_NULL();
}

MG_SQL_FUNCTION(mg_on_table_rewrite)
{
    EventTriggerData *trig = event_data(fcinfo);
    if (should_log())
        audit_write_from(AuditSource::table_rewrite, GetCommandTagName(trig->tag));
    PG_RETURN_NULL();
}
