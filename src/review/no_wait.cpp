/* no_wait.cpp — see no_wait.h. */
#include "common/bridge.h"
#include "review/no_wait.h"

extern "C" {
#include "access/relation.h"
#include "nodes/nodeFuncs.h"
#include "rewrite/rewriteHandler.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "utils/guc.h"
}

namespace mg::review {
namespace {

constexpr int kMaxViewDepth = 16;
/* views expanded per statement at most (views of views of many views): the rest is left to lock_timeout */
constexpr int kMaxViews = 200;
int g_views = 0;

void claim_oid(Oid relid, const char *name, LOCKMODE mode, int depth);

/* The relations a view's query reads (the rewriter locks them): its base relation too when it is written through. */
void claim_view(Oid viewid, LOCKMODE mode, int depth)
{
    if (depth >= kMaxViewDepth || ++g_views > kMaxViews)
        return;
    Relation view = try_relation_open(viewid, NoLock); /* locked by claim_oid() */
    if (view == nullptr)
        return;
    Query *q = copy_node(get_view_query(view));
    relation_close(view, NoLock);
    /* an auto-updatable view has one base relation: the one written through */
    int written = -1;
    if (mode == RowExclusiveLock && q->jointree != nullptr && list_length(q->jointree->fromlist) == 1 &&
        IsA(linitial(q->jointree->fromlist), RangeTblRef))
        written = castNode(RangeTblRef, linitial(q->jointree->fromlist))->rtindex;
    int index = 0;
    ListCell *lc;
    foreach (lc, q->rtable) {
        index++;
        RangeTblEntry *rte = lfirst_node(RangeTblEntry, lc);
        /* (before PostgreSQL 16 the view itself is in its query, as OLD and NEW) */
        if (rte->rtekind == RTE_RELATION && rte->relid != viewid)
            claim_oid(rte->relid, nullptr, index == written ? RowExclusiveLock : AccessShareLock, depth + 1);
    }
}

void claim_oid(Oid relid, const char *name, LOCKMODE mode, int depth)
{
    if (!ConditionalLockRelationOid(relid, mode))
        ereport(ERROR, (errcode(ERRCODE_LOCK_NOT_AVAILABLE),
                        errmsg("another session holds a lock on %s that conflicts with the %s its parse analysis "
                               "takes",
                               name ? name : qualified_name(relid),
                               mode == RowExclusiveLock ? "RowExclusiveLock" : "AccessShareLock")));
    if (get_rel_relkind(relid) == RELKIND_VIEW)
        claim_view(relid, mode, depth);
}

List *g_cte_names = NIL; /* the statement's CTE names: an unqualified RangeVar of one is no relation */

bool cte_name_walker(Node *node, void *)
{
    if (node == nullptr)
        return false;
    if (IsA(node, CommonTableExpr))
        g_cte_names = lappend(g_cte_names, castNode(CommonTableExpr, node)->ctename);
    return raw_expression_tree_walker(node, MG_WALKER(cte_name_walker), nullptr);
}

bool is_cte_name(const RangeVar *rv)
{
    if (rv->schemaname != nullptr)
        return false;
    ListCell *lc;
    foreach (lc, g_cte_names)
        if (strcmp(static_cast<const char *>(lfirst(lc)), rv->relname) == 0)
            return true;
    return false;
}

void claim(ScriptState *state, const RangeVar *rv, LOCKMODE mode)
{
    if (rv == nullptr || is_cte_name(rv))
        return;
    RelRef ref = resolve_relation(state, rv);
    if (ref.state == RelState::existing)
        claim_oid(ref.relid, ref.name, mode, 0);
}

bool claim_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    ScriptState *state = static_cast<ScriptState *>(context);
    /* the relation a statement writes (a writable CTE's too): RowExclusiveLock, before any other visit */
    switch (nodeTag(node)) {
    case T_InsertStmt:
        claim(state, castNode(InsertStmt, node)->relation, RowExclusiveLock);
        break;
    case T_UpdateStmt:
        claim(state, castNode(UpdateStmt, node)->relation, RowExclusiveLock);
        break;
    case T_DeleteStmt:
        claim(state, castNode(DeleteStmt, node)->relation, RowExclusiveLock);
        break;
#if MG_HAVE_MERGE
    case T_MergeStmt:
        claim(state, castNode(MergeStmt, node)->relation, RowExclusiveLock);
        break;
#endif
    case T_RangeVar:
        claim(state, castNode(RangeVar, node), AccessShareLock);
        return false;
    default:
        break;
    }
    return raw_expression_tree_walker(node, MG_WALKER(claim_walker), context);
}

/* The statement whose parse analysis opens relations (nullptr: none). */
Node *analyzed_query(Node *stmt)
{
    switch (nodeTag(stmt)) {
    case T_InsertStmt:
    case T_UpdateStmt:
    case T_DeleteStmt:
#if MG_HAVE_MERGE
    case T_MergeStmt:
#endif
    case T_SelectStmt:
        return stmt;
    case T_ExplainStmt:
        return analyzed_query(castNode(ExplainStmt, stmt)->query);
    case T_CopyStmt:
        return castNode(CopyStmt, stmt)->query ? analyzed_query(castNode(CopyStmt, stmt)->query) : nullptr;
    case T_CreateTableAsStmt:
        return analyzed_query(castNode(CreateTableAsStmt, stmt)->query);
    default:
        return nullptr;
    }
}

} // namespace

int review_lock_wait_ms()
{
    return LockTimeout > 0 && LockTimeout < kLockWaitMs ? LockTimeout : kLockWaitMs;
}

int pin_lock_wait()
{
    /* AtEOXact_GUC(true, level) restores the caller's value; an ERROR leaving the review aborts the level */
    int level = NewGUCNestLevel();
    set_config_option("lock_timeout", psprintf("%d", review_lock_wait_ms()), PGC_USERSET, PGC_S_SESSION,
                      GUC_ACTION_SAVE, true, 0, false);
    return level;
}

void unpin_lock_wait(int level)
{
    AtEOXact_GUC(true, level);
}

void claim_relations(const Statement *st, ScriptState *state)
{
    Node *query = analyzed_query(st->stmt);
    g_views = 0;
    g_cte_names = NIL;
    if (query != nullptr) {
        cte_name_walker(query, nullptr);
        claim_walker(query, state);
    }
    g_cte_names = NIL;
}

void report_not_reviewed(Statement *st, const ErrorData *err)
{
    if (err->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE)
        add_finding(st, "not_reviewed", Severity::warn,
                    psprintf("the review could not inspect this statement without waiting: %s (the review never "
                             "waits for a lock longer than %d ms), so it was not judged",
                             err->message, review_lock_wait_ms()),
                    "Review the migration again once that session's transaction has ended (pg_locks and "
                    "pg_stat_activity show who holds the lock); deployed now, the statement would wait for the same "
                    "lock.");
    else
        add_finding(st, "not_reviewed", Severity::warn,
                    psprintf("the review could not judge this statement: %s", err->message));
}

} // namespace mg::review
