/*
 * hooks.cpp — where statements meet the guard.
 *
 *   ProcessUtility_hook : DDL and other utility statements, from every route
 *                         (top level, multi-statement strings, DO blocks,
 *                         functions, extension scripts).
 *   planner_hook        : DELETE / UPDATE / MERGE, judged on the rewritten
 *                         query each time it is planned (see classify_dml.cpp).
 *   shmem hooks         : the ring of refused statements.
 *   xact callback       : plan-cache reset after transaction-scoped exemptions.
 *
 * Every hook chains to the previous one, also when the guard is off or the
 * extension is not installed in the current database.
 */
#include "common/bridge.h"
#include "audit/audit.h"
#include "guard/blocked_log.h"
#include "guard/classify.h"
#include "guard/exemptions.h"
#include "common/ext_state.h"
#include "common/hooks.h"
#include "guard/verdict.h"

extern "C" {
#include "commands/defrem.h"
}

namespace mg {
namespace {

ProcessUtility_hook_type prev_process_utility = nullptr;
planner_hook_type prev_planner = nullptr;
shmem_startup_hook_type prev_shmem_startup = nullptr;
#if MG_HAVE_SHMEM_REQUEST_HOOK
shmem_request_hook_type prev_shmem_request = nullptr;
#endif
bool g_installed = false;

/* > 0 while a plain EXPLAIN (no ANALYZE) runs: its plans are never executed */
int g_explain_only_depth = 0;

bool guard_applies()
{
    return !IsBinaryUpgrade && IsTransactionState() && ext_state().present;
}

bool is_explain_without_analyze(const Node *stmt)
{
    if (!IsA(stmt, ExplainStmt))
        return false;
    ListCell *lc;
    foreach (lc, castNode(ExplainStmt, stmt)->options) {
        DefElem *opt = lfirst_node(DefElem, lc);
        if (strcmp(opt->defname, "analyze") == 0)
            return !defGetBoolean(opt);
    }
    return true;
}

void run_next_utility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                      ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                      DestReceiver *dest, QueryCompletion *qc)
{
    if (prev_process_utility)
        prev_process_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
    else
        standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
}

/* Statements that never change the schema: no audit frame for them. */
bool is_trivial_utility(const Node *stmt)
{
    switch (nodeTag(stmt)) {
    case T_TransactionStmt:
    case T_VariableSetStmt:
    case T_VariableShowStmt:
    case T_PrepareStmt:
    case T_ExecuteStmt:
    case T_DeallocateStmt:
    case T_FetchStmt:
    case T_ClosePortalStmt:
    case T_DeclareCursorStmt:
    case T_ListenStmt:
    case T_NotifyStmt:
    case T_UnlistenStmt:
    case T_CheckPointStmt:
    case T_DiscardStmt:
    case T_LockStmt:
    case T_VacuumStmt:
    case T_CopyStmt:
        return true;
    default:
        return false;
    }
}

void mg_process_utility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                        ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                        DestReceiver *dest, QueryCompletion *qc)
{
    guarded("ProcessUtility hook", [&] {
        Node *stmt = pstmt->utilityStmt;
        bool applies = !running_internal_sql() && guard_applies();
        StatementFrame frame = {query_string, pstmt->stmt_location, pstmt->stmt_len,
                                Verdict{false, Rule::drop_table, nullptr, InvalidOid, false}};
        if (applies && utility_may_match(stmt))
            frame.verdict = judge(classify_utility(stmt), query_string, pstmt->stmt_location, pstmt->stmt_len);
        bool push = applies && !is_trivial_utility(stmt);
        if (push && audit_enabled())
            audit_utility_statement(stmt, frame);
        bool explain_only = is_explain_without_analyze(stmt);
        if (!push && !explain_only) {
            run_next_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
            audit_utility_done(stmt, frame);
            return;
        }
        if (push)
            push_statement(frame);
        if (explain_only)
            g_explain_only_depth++;
        PG_TRY();
        {
            run_next_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        }
        PG_FINALLY();
        {
            if (push)
                pop_statement();
            if (explain_only)
                g_explain_only_depth--;
        }
        PG_END_TRY();
    });
}

const char *dml_tag(const Verdict &v, const Query *q)
{
    if (v.rule == Rule::delete_without_where)
        return "DELETE";
    if (v.rule == Rule::update_without_where)
        return "UPDATE";
    switch (q->commandType) {
    case CMD_DELETE:
        return "DELETE";
    case CMD_UPDATE:
        return "UPDATE";
    default:
        return "MERGE";
    }
}

PlannedStmt *mg_planner(Query *parse, const char *query_string, int cursor_options, ParamListInfo bound_params)
{
    return guarded("planner hook", [&] {
        if (g_explain_only_depth == 0 && query_may_match(parse) && !running_internal_sql() && guard_applies()) {
            List *matches = classify_query(parse);
            Verdict v = judge(matches, query_string, parse->stmt_location, parse->stmt_len);
            if (v.matched && audit_enabled()) {
                /* DML that matched a rule (and ran: overridden, warned or not blocked) is audited */
                StatementFrame frame = {query_string, parse->stmt_location, parse->stmt_len, v};
                const char *schema = OidIsValid(v.relid) ? get_namespace_name(get_rel_namespace(v.relid)) : nullptr;
                AuditRow row = {dml_tag(v, parse), "table", schema, v.object, "guard", nullptr};
                audit_write(row, &frame);
            }
        }
        if (prev_planner)
            return prev_planner(parse, query_string, cursor_options, bound_params);
        return standard_planner(parse, query_string, cursor_options, bound_params);
    });
}

#if MG_HAVE_SHMEM_REQUEST_HOOK
/* mg-lint: no-throw (C calls only; runs in the postmaster) */
void mg_shmem_request()
{
    if (prev_shmem_request)
        prev_shmem_request();
    blocked_log_request_shmem();
}
#endif

void mg_shmem_startup()
{
    if (prev_shmem_startup)
        prev_shmem_startup();
    guarded("shmem startup", [] { blocked_log_init_shmem(); });
}

/* mg-lint: no-throw (resets counters, C calls only) */
void mg_xact_callback(XactEvent event, void *)
{
    switch (event) {
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PARALLEL_ABORT:
        g_explain_only_depth = 0;
        if (take_transient_exemption_note())
            ResetPlanCache();
        break;
    default:
        break;
    }
}

} // namespace

void install_hooks()
{
    prev_process_utility = ProcessUtility_hook;
    ProcessUtility_hook = mg_process_utility;
    prev_planner = planner_hook;
    planner_hook = mg_planner;
    prev_shmem_startup = shmem_startup_hook;
    shmem_startup_hook = mg_shmem_startup;
#if MG_HAVE_SHMEM_REQUEST_HOOK
    prev_shmem_request = shmem_request_hook;
    shmem_request_hook = mg_shmem_request;
#else
    blocked_log_request_shmem();
#endif
    RegisterXactCallback(mg_xact_callback, nullptr);
    install_audit_hooks();
    register_ext_state_callbacks();
    g_installed = true;
}

bool hooks_installed() { return g_installed; }

} // namespace mg
