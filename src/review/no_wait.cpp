/* no_wait.cpp — see no_wait.h. */
#include "common/bridge.h"
#include "review/no_wait.h"

extern "C" {
#include "nodes/nodeFuncs.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "utils/guc.h"
}

namespace mg::review {
namespace {

struct Claim {
    ScriptState *state;
    const RangeVar *target;
};

void claim(ScriptState *state, const RangeVar *rv, LOCKMODE mode)
{
    RelRef ref = resolve_relation(state, rv);
    if (ref.state != RelState::existing)
        return;
    if (!ConditionalLockRelationOid(ref.relid, mode))
        ereport(ERROR, (errcode(ERRCODE_LOCK_NOT_AVAILABLE),
                        errmsg("another session holds a lock on %s that conflicts with the %s its parse analysis "
                               "takes",
                               ref.name, mode == RowExclusiveLock ? "RowExclusiveLock" : "AccessShareLock")));
}

bool claim_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    Claim *c = static_cast<Claim *>(context);
    if (IsA(node, RangeVar)) {
        claim(c->state, castNode(RangeVar, node), node == reinterpret_cast<const Node *>(c->target) ? RowExclusiveLock : AccessShareLock);
        return false;
    }
    return raw_expression_tree_walker(node, MG_WALKER(claim_walker), context);
}

/* The statement whose parse analysis opens relations, and its target (nullptr: none). */
Node *analyzed_query(Node *stmt, const RangeVar **target)
{
    *target = nullptr;
    switch (nodeTag(stmt)) {
    case T_InsertStmt:
        *target = castNode(InsertStmt, stmt)->relation;
        return stmt;
    case T_UpdateStmt:
        *target = castNode(UpdateStmt, stmt)->relation;
        return stmt;
    case T_DeleteStmt:
        *target = castNode(DeleteStmt, stmt)->relation;
        return stmt;
#if MG_HAVE_MERGE
    case T_MergeStmt:
        *target = castNode(MergeStmt, stmt)->relation;
        return stmt;
#endif
    case T_SelectStmt:
        return stmt;
    case T_ExplainStmt:
        return analyzed_query(castNode(ExplainStmt, stmt)->query, target);
    case T_CopyStmt:
        return castNode(CopyStmt, stmt)->query ? analyzed_query(castNode(CopyStmt, stmt)->query, target) : nullptr;
    case T_CreateTableAsStmt:
        return analyzed_query(castNode(CreateTableAsStmt, stmt)->query, target);
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
    const RangeVar *target;
    Node *query = analyzed_query(st->stmt, &target);
    if (query == nullptr)
        return;
    Claim c = {state, target};
    claim_walker(query, &c);
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
