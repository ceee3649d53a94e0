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
#include "bridge.h"
#include "blocked_log.h"
#include "classify.h"
#include "exemptions.h"
#include "ext_state.h"
#include "hooks.h"
#include "verdict.h"

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

void mg_process_utility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                        ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                        DestReceiver *dest, QueryCompletion *qc)
{
    guarded("ProcessUtility hook", [&] {
        Node *stmt = pstmt->utilityStmt;
        if (utility_may_match(stmt) && guard_applies()) {
            List *matches = classify_utility(stmt);
            judge(matches, statement_text(query_string, pstmt->stmt_location, pstmt->stmt_len));
        }
        if (!is_explain_without_analyze(stmt)) {
            run_next_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
            return;
        }
        g_explain_only_depth++;
        PG_TRY();
        {
            run_next_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        }
        PG_FINALLY();
        {
            g_explain_only_depth--;
        }
        PG_END_TRY();
    });
}

PlannedStmt *mg_planner(Query *parse, const char *query_string, int cursor_options, ParamListInfo bound_params)
{
    return guarded("planner hook", [&] {
        if (g_explain_only_depth == 0 && query_may_match(parse) && guard_applies()) {
            List *matches = classify_query(parse);
            judge(matches, statement_text(query_string, parse->stmt_location, parse->stmt_len));
        }
        if (prev_planner)
            return prev_planner(parse, query_string, cursor_options, bound_params);
        return standard_planner(parse, query_string, cursor_options, bound_params);
    });
}

#if MG_HAVE_SHMEM_REQUEST_HOOK
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
    register_ext_state_callbacks();
    g_installed = true;
}

bool hooks_installed() { return g_installed; }

} // namespace mg
