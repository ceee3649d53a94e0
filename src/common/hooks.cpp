/*
 * hooks.cpp — where statements meet the guard.
 *
 *   ProcessUtility_hook : DDL and other utility statements, from every route
 *                         (top level, multi-statement strings, DO blocks,
 *                         functions, extension scripts), judged before they
 *                         run; a scope is open while they run (guard/scope.h).
 *   object_access_hook  : what a utility statement really drops, truncates,
 *                         creates or alters (guard/object_access.h).
 *   planner_hook        : DELETE / UPDATE / MERGE classified on the rewritten
 *                         query, the result attached to the plan ...
 *   ExecutorStart_hook  : ... and judged each time the plan runs
 *                         (guard/dml_check.h).
 *                         setval()/nextval() on migrate_guard's sequences
 *                         are refused when planned (guard/seq_guard.h).
 *                         The guard by volume instruments the plan to count
 *                         the rows each statement really changes
 *   ExecutorFinish_hook : (guard/volume.h).
 *   shmem hooks         : the ring of refused statements.
 *   xact callback       : forget statement frames and scopes.
 *
 * Every hook chains to the previous one, also when the guard is off or the
 * extension is not installed in the current database.
 */
#include "common/bridge.h"
#include "audit/audit.h"
#include "guard/blocked_log.h"
#include "guard/classify.h"
#include "guard/dml_check.h"
#include "common/ext_state.h"
#include "common/hooks.h"
#include "guard/object_access.h"
#include "guard/scope.h"
#include "guard/seq_guard.h"
#include "guard/verdict.h"
#include "guard/volume.h"

extern "C" {
#include "executor/executor.h"
}

namespace mg {
namespace {

ProcessUtility_hook_type prev_process_utility = nullptr;
planner_hook_type prev_planner = nullptr;
ExecutorStart_hook_type prev_executor_start = nullptr;
ExecutorFinish_hook_type prev_executor_finish = nullptr;
object_access_hook_type prev_object_access = nullptr;

shmem_startup_hook_type prev_shmem_startup = nullptr;
#if MG_HAVE_SHMEM_REQUEST_HOOK
shmem_request_hook_type prev_shmem_request = nullptr;
#endif
bool g_installed = false;

bool guard_applies()
{
    return !IsBinaryUpgrade && IsTransactionState() && ext_state().present;
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
                                Verdict{false, Rule::drop_table, nullptr, InvalidOid, false, false}};
        if (applies && utility_may_match(stmt))
            frame.verdict = judge(classify_utility(stmt, true), query_string, pstmt->stmt_location, pstmt->stmt_len);
        bool push = applies && !is_trivial_utility(stmt);
        if (!push) {
            run_next_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
            audit_utility_done(stmt, frame);
            return;
        }
        if (audit_enabled())
            audit_utility_statement(stmt, frame);
        push_statement(frame);
        int scope = open_scope(stmt, query_string, pstmt->stmt_location, pstmt->stmt_len, frame.verdict.warned);
        volatile bool completed = false; /* read after a longjmp */
        PG_TRY();
        {
            run_next_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
            completed = true;
            close_scope(scope, true); /* may refuse: a permanent object now depends on a temporary one */
        }
        PG_FINALLY();
        {
            if (!completed)
                close_scope(scope, false);
            pop_statement();
        }
        PG_END_TRY();
    });
}

PlannedStmt *mg_planner(Query *parse, const char *query_string, int cursor_options, ParamListInfo bound_params)
{
    return guarded("planner hook", [&] {
        List *candidates = NIL;
        if (query_may_match(parse) && !running_internal_sql() && guard_applies())
            candidates = dml_plan_candidates(parse); /* before planning: the planner rewrites parse in place */
        PlannedStmt *plan = prev_planner ? prev_planner(parse, query_string, cursor_options, bound_params)
                                         : standard_planner(parse, query_string, cursor_options, bound_params);
        attach_dml_candidates(plan, candidates);
        if (plan->relationOids != NIL && !running_internal_sql() && guard_applies())
            check_sequence_writes(parse, plan, query_string);
        return plan;
    });
}

void mg_executor_start(QueryDesc *query, int eflags)
{
    guarded("ExecutorStart hook", [&] {
        audit_executor_starting(query, eflags); /* direct catalog writes: logged before they run */
        if (prev_executor_start)
            prev_executor_start(query, eflags);
        else
            standard_ExecutorStart(query, eflags);
        /*
         * After PostgreSQL's own start: its permission checks come first, the
         * relations written are locked, and nothing has run yet.
         */
        CmdType cmd = query->plannedstmt ? query->plannedstmt->commandType : CMD_UNKNOWN;
        bool writes = cmd == CMD_DELETE || cmd == CMD_UPDATE || cmd == CMD_INSERT || cmd == CMD_MERGE ||
                      (cmd == CMD_SELECT && query->plannedstmt->hasModifyingCTE);
        if (writes && !running_internal_sql() && guard_applies())
            check_dml_execution(query, eflags);
        volume_executor_started(query, eflags);
    });
}

void mg_executor_finish(QueryDesc *query)
{
    guarded("ExecutorFinish hook", [&] {
        if (prev_executor_finish)
            prev_executor_finish(query);
        else
            standard_ExecutorFinish(query);
        volume_executor_finished(query);
    });
}

void mg_object_access(ObjectAccessType access, Oid classId, Oid objectId, int subId, void *arg)
{
    if (prev_object_access)
        prev_object_access(access, classId, objectId, subId, arg);
    /* namespace searches and function executions are frequent and never judged */
    if (access == OAT_NAMESPACE_SEARCH || access == OAT_FUNCTION_EXECUTE)
        return;
    guarded("object access hook", [&] {
        if (guard_applies())
            on_object_access(access, classId, objectId, subId, arg);
        audit_object_access(access, classId, objectId, subId);
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
        reset_scopes(); /* audit frames are popped by their own statements (they outlive internal commits) */
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
    prev_executor_start = ExecutorStart_hook;
    ExecutorStart_hook = mg_executor_start;
    prev_executor_finish = ExecutorFinish_hook;
    ExecutorFinish_hook = mg_executor_finish;
    prev_object_access = object_access_hook;
    object_access_hook = mg_object_access;

    prev_shmem_startup = shmem_startup_hook;
    shmem_startup_hook = mg_shmem_startup;
#if MG_HAVE_SHMEM_REQUEST_HOOK
    prev_shmem_request = shmem_request_hook;
    shmem_request_hook = mg_shmem_request;
#else
    blocked_log_request_shmem();
#endif
    RegisterXactCallback(mg_xact_callback, nullptr);
    register_concurrent_callbacks();
    register_ext_state_callbacks();
    register_volume_callbacks();
    g_installed = true;
}

bool hooks_installed() { return g_installed; }

} // namespace mg
