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
 *   xact callback       : forget statement frames, scopes and row counters.
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
#include "common/settings.h"
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

/* Judged, audited, with a frame and a scope: out of line (see mg_process_utility). */
pg_noinline void process_utility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
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

/*
 * BEGIN, COMMIT, SET, SHOW, PREPARE, EXECUTE, FETCH, ...: no rule matches
 * them (utility_may_match), they get no frame, and the audit has nothing to
 * add (audit_utility_done: CREATE EXTENSION only) -- straight through.  COPY
 * is not among them: COPY FROM may write a protected table.
 * mg-lint: no-throw (a test; the extension's work runs under guarded() in process_utility())
 */
void mg_process_utility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                        ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                        DestReceiver *dest, QueryCompletion *qc)
{
    if (is_trivial_utility(pstmt->utilityStmt) && !IsA(pstmt->utilityStmt, CopyStmt))
        run_next_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
    else
        process_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
}

/* The planner hook's own work, out of line: the hook itself stays a few tests. */
pg_noinline List *plan_candidates(Query *parse)
{
    return guarded("planner hook", [&] { return dml_plan_candidates(parse); });
}

pg_noinline void after_planning(Query *parse, PlannedStmt *plan, const char *query_string, List *candidates)
{
    guarded("planner hook", [&] {
        attach_dml_candidates(plan, candidates);
        /* only a relation the plan does not scan (a regclass constant) can be a sequence it writes */
        if (plan_mentions_unscanned_relation(plan) && !running_internal_sql() && guard_applies())
            check_sequence_writes(parse, plan, query_string);
    });
}

/*
 * PostgreSQL's planner is called outside guarded() (its errors are longjmps
 * either way), so a statement that nothing can concern costs a few tests.
 * mg-lint: no-throw (tests and PostgreSQL calls; the extension's work runs
 * under guarded() in plan_candidates() and after_planning())
 */
PlannedStmt *mg_planner(Query *parse, const char *query_string, int cursor_options, ParamListInfo bound_params)
{
    List *candidates = NIL;
    if (query_may_match(parse) && !dml_restricted_by_target_column(parse) && !running_internal_sql() &&
        guard_applies())
        candidates = plan_candidates(parse); /* before planning: the planner rewrites parse in place */
    PlannedStmt *plan = prev_planner ? prev_planner(parse, query_string, cursor_options, bound_params)
                                     : standard_planner(parse, query_string, cursor_options, bound_params);
    if (candidates != NIL || plan_mentions_unscanned_relation(plan))
        after_planning(parse, plan, query_string, candidates);
    return plan;
}

/*
 * Can the plan write?  A plain SELECT (no writable CTE) has no result
 * relation: no catalog write to audit, no DML rule, no row to count.
 */
bool plan_writes(const PlannedStmt *plan)
{
    switch (plan->commandType) {
    case CMD_DELETE:
    case CMD_UPDATE:
    case CMD_INSERT:
#if MG_HAVE_MERGE
    case CMD_MERGE:
#endif
        return true;
    case CMD_SELECT:
        return plan->hasModifyingCTE;
    default:
        return plan->resultRelations != NIL;
    }
}

void run_next_executor_start(QueryDesc *query, int eflags)
{
    if (prev_executor_start)
        prev_executor_start(query, eflags);
    else
        standard_ExecutorStart(query, eflags);
}

/* A plan that writes: audit, judge, count. */
pg_noinline void start_writing_plan(QueryDesc *query, int eflags)
{
    if (plan_may_write_catalog(query->plannedstmt)) /* direct catalog writes: logged before they run */
        guarded("ExecutorStart hook", [&] { audit_executor_starting(query, eflags); });
    run_next_executor_start(query, eflags);
    /*
     * After PostgreSQL's own start: its permission checks come first, the
     * relations written are locked, and nothing has run yet.
     */
    bool check = !running_internal_sql() && guard_applies() && dml_execution_needs_check(query, eflags);
    if (check || max_rows_changed() != 0)
        guarded("ExecutorStart hook", [&] {
            if (check)
                check_dml_execution(query, eflags);
            volume_executor_started(query, eflags);
        });
}

/* mg-lint: no-throw (a test; the extension's work runs under guarded() in start_writing_plan()) */
void mg_executor_start(QueryDesc *query, int eflags)
{
    if (query->plannedstmt != nullptr && plan_writes(query->plannedstmt))
        start_writing_plan(query, eflags);
    else
        run_next_executor_start(query, eflags);
}

/* mg-lint: no-throw (PostgreSQL calls and a test; volume_executor_finished() runs its work under guarded()) */
void mg_executor_finish(QueryDesc *query)
{
    if (prev_executor_finish)
        prev_executor_finish(query);
    else
        standard_ExecutorFinish(query);
    /* only runs whose rows are being counted have anything to do here */
    if (volume_counting())
        volume_executor_finished(query);
}

/* The part of the object access hook that judges: out of line, the hot path stays small. */
pg_noinline void judge_object_access(ObjectAccessType access, Oid classId, Oid objectId, int subId, void *arg)
{
    if (prev_object_access)
        prev_object_access(access, classId, objectId, subId, arg);
    guarded("object access hook", [&] {
        if (guard_applies())
            on_object_access(access, classId, objectId, subId, arg);
        audit_object_access(access, classId, objectId, subId);
    });
}

/* mg-lint: no-throw (filters and chains; what it judges runs under guarded() in judge_object_access) */
void mg_object_access(ObjectAccessType access, Oid classId, Oid objectId, int subId, void *arg)
{
    /* namespace searches and function executions are frequent and never judged: only chained */
    if (likely(access == OAT_NAMESPACE_SEARCH || access == OAT_FUNCTION_EXECUTE)) {
        if (prev_object_access)
            prev_object_access(access, classId, objectId, subId, arg);
    } else
        judge_object_access(access, classId, objectId, subId, arg); /* chains first, then judges */
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

/*
 * The one transaction callback (one entry in PostgreSQL's list, called on
 * every transaction event): the guard by volume forgets its runs, the audit
 * writes the row of a DROP INDEX CONCURRENTLY, the scopes are reset.
 * mg-lint: no-throw (resets counters; the audit's part runs under guarded())
 */
void mg_xact_callback(XactEvent event, void *)
{
    switch (event) {
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PARALLEL_ABORT:
        volume_xact_event(event);
        audit_concurrent_xact(event);
        reset_scopes(); /* audit frames are popped by their own statements (they outlive internal commits) */
        break;
    case XACT_EVENT_PREPARE:
        volume_xact_event(event);
        break;
    case XACT_EVENT_PRE_COMMIT:
        audit_concurrent_xact(event);
        break;
    default:
        break; /* none of the three acts on the other events */
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
    register_ext_state_callbacks();
    register_volume_callbacks();
    g_installed = true;
}

bool hooks_installed() { return g_installed; }

} // namespace mg
