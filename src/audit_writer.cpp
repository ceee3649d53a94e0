/*
 * audit_writer.cpp — statement frames and writing rows into
 * migrate_guard.ddl_log.
 *
 * Rows are inserted with SPI through plans prepared once per backend, as the
 * owner of the log table (owner_sql.h), so that any role's DDL is logged
 * although PUBLIC has no right on the table.  The role that ran
 * the statement is passed in explicitly; session_user, the client address,
 * the application name, the backend pid and the transaction id are read by
 * the INSERT itself.
 */
#include "bridge.h"
#include "audit.h"
#include "ext_state.h"
#include "owner_sql.h"
#include "redact.h"
#include "settings.h"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "tcop/pquery.h"
#include "utils/portal.h"
}

namespace mg {
namespace {

constexpr int kMaxFrames = 64;
StatementFrame g_frames[kMaxFrames];
int g_depth = 0;
int g_internal = 0;

constexpr int kParams = 12;
Oid kParamTypes[kParams] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, BOOLOID, TEXTOID,
                            TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};

#define MG_LOG_COLUMNS                                                                   \
    "INSERT INTO migrate_guard.ddl_log(\"current_role\", application_name, client_addr, " \
    "command_tag, object_type, schema_name, object_identity, statement, top_statement, "  \
    "rule, overridden, reason, event, detail) "
#define MG_LOG_COMMON "$1::name, pg_catalog.current_setting('application_name'), pg_catalog.inet_client_addr(), "
#define MG_LOG_TAIL "$2, $3, $4, $5, $6, $11, "

const char *const kSingleSql =
    MG_LOG_COLUMNS "VALUES (" MG_LOG_COMMON "$7, $8, $9, $10, " MG_LOG_TAIL "$12)";
const char *const kDdlCommandsSql =
    MG_LOG_COLUMNS "SELECT " MG_LOG_COMMON "c.command_tag, c.object_type, c.schema_name, c.object_identity, "
    MG_LOG_TAIL "$12 FROM pg_catalog.pg_event_trigger_ddl_commands() c WHERE NOT c.in_extension";
const char *const kDroppedSql =
    MG_LOG_COLUMNS "SELECT " MG_LOG_COMMON "$7, d.object_type, d.schema_name, d.object_identity, "
    MG_LOG_TAIL
    "CASE WHEN d.original THEN 'dropped' WHEN d.normal THEN 'dropped by CASCADE' "
    "ELSE 'dropped with the object it belongs to' END "
    "FROM pg_catalog.pg_event_trigger_dropped_objects() d "
    "WHERE d.original OR d.normal OR ("
    /* leave out PostgreSQL's internal parts: TOAST, row and array types, foreign-key triggers */
    "  d.schema_name IS DISTINCT FROM 'pg_toast' AND d.object_type <> 'type' "
    "  AND NOT (d.object_type = 'trigger' AND d.object_identity LIKE '\"RI\\_ConstraintTrigger\\_%'))";
const char *const kRewriteSql =
    MG_LOG_COLUMNS "SELECT " MG_LOG_COMMON "$7, 'table', n.nspname, pg_catalog.format('%I.%I', n.nspname, c.relname), "
    MG_LOG_TAIL
    "'table rewrite, reason ' || pg_catalog.pg_event_trigger_table_rewrite_reason() "
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.oid = pg_catalog.pg_event_trigger_table_rewrite_oid()";

enum PlanId { kSingle, kDdlCommands, kDropped, kRewrite, kPlanCount };
SPIPlanPtr g_plans[kPlanCount] = {nullptr, nullptr, nullptr, nullptr};
const char *const kPlanSql[kPlanCount] = {kSingleSql, kDdlCommandsSql, kDroppedSql, kRewriteSql};

SPIPlanPtr plan_for(PlanId id)
{
    if (g_plans[id] == nullptr) {
        SPIPlanPtr plan = SPI_prepare(kPlanSql[id], kParams, kParamTypes);
        if (plan == nullptr)
            elog(ERROR, "migrate_guard: could not prepare audit statement: %s",
                 SPI_result_code_string(SPI_result));
        SPI_keepplan(plan);
        g_plans[id] = plan;
    }
    return g_plans[id];
}

Datum text_or_null(const char *s, char *null_flag)
{
    if (s == nullptr) {
        *null_flag = 'n';
        return (Datum) 0;
    }
    *null_flag = ' ';
    return CStringGetTextDatum(s);
}

/* The top-level statement that led to the one being run. */
const char *top_level_statement()
{
    if (ActivePortal != nullptr && ActivePortal->sourceText != nullptr && ActivePortal->stmts != NIL) {
        PlannedStmt *ps = linitial_node(PlannedStmt, ActivePortal->stmts);
        return statement_text(ActivePortal->sourceText, ps->stmt_location, ps->stmt_len);
    }
    return debug_query_string ? statement_text(debug_query_string, -1, 0) : nullptr;
}

StatementFrame fallback_frame()
{
    StatementFrame f;
    f.source = debug_query_string;
    f.location = -1;
    f.length = 0;
    f.verdict = Verdict{false, Rule::drop_table, nullptr, InvalidOid, false};
    return f;
}

/* Runs one of the plans as the owner of the log table. */
uint64 execute_plan(PlanId id, const AuditRow &row, const StatementFrame &frame)
{
    bool redacted = false;
    const char *statement = redact_passwords(statement_text(frame.source, frame.location, frame.length), &redacted);
    const char *top = redact_passwords(top_level_statement());
    if (redacted && top != nullptr && pg_strcasecmp(top, statement) != 0 && strcasestr(top, "password") != nullptr)
        top = "(hidden: the statement sets a password)";
    const char *reason_text = reason()[0] ? reason() : nullptr;
    const char *current_role = GetUserNameFromId(GetUserId(), true);

    Datum values[kParams];
    char nulls[kParams + 1];
    nulls[kParams] = '\0';
    values[0] = text_or_null(current_role, &nulls[0]);
    values[1] = text_or_null(statement, &nulls[1]);
    values[2] = text_or_null(top, &nulls[2]);
    values[3] = text_or_null(frame.verdict.matched ? rule_name(frame.verdict.rule) : nullptr, &nulls[3]);
    values[4] = BoolGetDatum(frame.verdict.overridden);
    nulls[4] = ' ';
    values[5] = text_or_null(reason_text, &nulls[5]);
    values[6] = text_or_null(row.command_tag, &nulls[6]);
    values[7] = text_or_null(row.object_type, &nulls[7]);
    values[8] = text_or_null(row.schema_name, &nulls[8]);
    values[9] = text_or_null(row.object_identity, &nulls[9]);
    values[10] = text_or_null(row.event, &nulls[10]);
    values[11] = text_or_null(row.detail, &nulls[11]);

    uint64 written = 0;
    as_extension_owner([&] {
        if (SPI_connect() != SPI_OK_CONNECT)
            elog(ERROR, "migrate_guard: SPI_connect failed");
        int rc = SPI_execute_plan(plan_for(id), values, nulls, false, 0);
        if (rc != SPI_OK_INSERT)
            elog(ERROR, "migrate_guard: could not write the audit log: %s", SPI_result_code_string(rc));
        written = SPI_processed;
        SPI_finish();
    });
    return written;
}

} // namespace

void push_statement(const StatementFrame &frame)
{
    if (g_depth < kMaxFrames)
        g_frames[g_depth] = frame;
    g_depth++;
}

void pop_statement()
{
    if (g_depth > 0)
        g_depth--;
}

const StatementFrame *current_statement()
{
    if (g_depth == 0 || g_depth > kMaxFrames)
        return nullptr;
    return &g_frames[g_depth - 1];
}

void reset_statements()
{
    g_depth = 0;
    g_internal = 0;
}

bool running_internal_sql() { return g_internal > 0; }
void begin_internal_sql() { g_internal++; }
void end_internal_sql()
{
    if (g_internal > 0)
        g_internal--;
}

bool audit_enabled()
{
    const ExtState &s = ext_state();
    return s.present && OidIsValid(s.ddl_log_oid) && OidIsValid(s.ddl_log_owner) && !IsBinaryUpgrade;
}

void audit_write(const AuditRow &row, const StatementFrame *frame)
{
    if (frame == nullptr)
        frame = current_statement();
    StatementFrame fallback = fallback_frame();
    execute_plan(kSingle, row, frame ? *frame : fallback);
}

uint64 audit_write_from(AuditSource source, const char *command_tag)
{
    const StatementFrame *frame = current_statement();
    StatementFrame fallback = fallback_frame();
    AuditRow row = {command_tag, nullptr, nullptr, nullptr, nullptr, nullptr};
    PlanId id = kDdlCommands;
    switch (source) {
    case AuditSource::ddl_commands:
        id = kDdlCommands;
        row.event = "ddl_command_end";
        break;
    case AuditSource::dropped_objects:
        id = kDropped;
        row.event = "sql_drop";
        break;
    case AuditSource::table_rewrite:
        id = kRewrite;
        row.event = "table_rewrite";
        break;
    }
    return execute_plan(id, row, frame ? *frame : fallback);
}

} // namespace mg
