/* scope.cpp — see scope.h. */
#include "common/bridge.h"

extern "C" {
#include "catalog/pg_attrdef.h"
}
#include "guard/classify.h"
#include "guard/scope.h"
#include "guard/new_dependencies.h"
#include "guard/verdict.h"

namespace mg {
namespace {

/*
 * One scope per utility statement being run, innermost last.  The array
 * grows with the nesting (DO blocks and functions running DDL can nest as
 * deep as the stack allows): a scope that could not be recorded would let a
 * statement drop or create objects unjudged.
 */
UtilityScope *g_scopes = nullptr;
int g_capacity = 0;
int g_depth = 0;

void reserve_scope(int depth)
{
    if (depth < g_capacity)
        return;
    int capacity = g_capacity == 0 ? 16 : g_capacity * 2;
    size_t bytes = sizeof(UtilityScope) * static_cast<size_t>(capacity);
    g_scopes = static_cast<UtilityScope *>(g_scopes == nullptr ? MemoryContextAlloc(TopMemoryContext, bytes)
                                                                : repalloc(g_scopes, bytes));
    g_capacity = capacity;
}

bool cmd_cascades(const AlterTableCmd *cmd)
{
    return cmd->behavior == DROP_CASCADE &&
           (cmd->subtype == AT_DropColumn || cmd->subtype == AT_DropConstraint || cmd->subtype == AT_AlterColumnType);
}

} // namespace

bool statement_cascades(const Node *stmt)
{
    switch (nodeTag(stmt)) {
    case T_DropStmt:
        return castNode(DropStmt, stmt)->behavior == DROP_CASCADE;
    case T_DropOwnedStmt:
        return castNode(DropOwnedStmt, stmt)->behavior == DROP_CASCADE;
    case T_AlterTableStmt: {
        ListCell *lc;
        foreach (lc, castNode(AlterTableStmt, stmt)->cmds)
            if (cmd_cascades(lfirst_node(AlterTableCmd, lc)))
                return true;
        return false;
    }
    case T_AlterDomainStmt:
        return castNode(AlterDomainStmt, stmt)->behavior == DROP_CASCADE;
    default:
        return false;
    }
}

int open_scope(Node *stmt, const char *source, int location, int length, bool warned)
{
    reserve_scope(g_depth); /* before anything changes: an out-of-memory ERROR leaves the depth as it was */
    {
        UtilityScope &s = g_scopes[g_depth];
        s.stmt = stmt;
        s.source = source;
        s.location = location;
        s.length = length;
        s.cascade = statement_cascades(stmt);
        s.warned = warned;
        s.touched = NIL;
        s.pending = NIL;
    }
    return ++g_depth;
}

void close_scope(int depth, bool completed)
{
    if (depth != g_depth || depth <= 0)
        return; /* already reset (transaction end) */
    UtilityScope *s = current_scope();
    UtilityScope done = s ? *s : UtilityScope{nullptr, nullptr, -1, 0, false, false, NIL, NIL};
    if (s) {
        s->touched = NIL;
        s->pending = NIL;
    }
    g_depth--;
    if (completed && done.pending != NIL) {
        List *matches = NIL;
        ListCell *lc;
        foreach (lc, done.pending)
            matches = list_concat(matches, static_cast<PendingPart *>(lfirst(lc))->matches);
        Verdict v = judge(matches, done.source, done.location, done.length, done.warned);
        done.warned |= v.warned;
    }
    if (completed && done.touched != NIL)
        check_new_dependencies(done);
    list_free_deep(done.touched);
}

UtilityScope *current_scope()
{
    return g_depth > 0 ? &g_scopes[g_depth - 1] : nullptr;
}

void reset_scopes()
{
    g_depth = 0; /* the touched lists lived in TopTransactionContext */
}

void add_pending_part(Oid owner, List *matches)
{
    UtilityScope *s = current_scope();
    if (s == nullptr || matches == NIL)
        return;
    MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
    PendingPart *p = static_cast<PendingPart *>(palloc(sizeof(PendingPart)));
    p->owner = owner;
    p->matches = NIL;
    ListCell *lc;
    foreach (lc, matches) {
        const Match *m = static_cast<const Match *>(lfirst(lc));
        Match *copy = static_cast<Match *>(palloc(sizeof(Match)));
        *copy = *m;
        copy->object = pstrdup(m->object);
        copy->detail = m->detail ? pstrdup(m->detail) : nullptr;
        copy->unevaluated = m->unevaluated ? pstrdup(m->unevaluated) : nullptr;
        p->matches = lappend(p->matches, copy);
    }
    s->pending = lappend(s->pending, p);
    MemoryContextSwitchTo(old);
}

void forget_pending_parts(Oid owner)
{
    UtilityScope *s = current_scope();
    if (s == nullptr)
        return;
    ListCell *lc;
    foreach (lc, s->pending)
        if (static_cast<PendingPart *>(lfirst(lc))->owner == owner)
            s->pending = foreach_delete_current(s->pending, lc);
}

void note_touched(const ObjectAddress &addr)
{
    UtilityScope *s = current_scope();
    if (s == nullptr)
        return;
    ListCell *lc;
    foreach (lc, s->touched) {
        const ObjectAddress *a = static_cast<const ObjectAddress *>(lfirst(lc));
        if (a->classId == addr.classId && a->objectId == addr.objectId &&
            (addr.classId != AttrDefaultRelationId || a->objectSubId == addr.objectSubId))
            return; /* pg_depend is read per object, all sub-ids at once */
    }
    MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
    ObjectAddress *copy = static_cast<ObjectAddress *>(palloc(sizeof(ObjectAddress)));
    *copy = addr;
    s->touched = lappend(s->touched, copy);
    MemoryContextSwitchTo(old);
}

} // namespace mg
