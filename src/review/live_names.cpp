/* live_names.cpp — see live_names.h. */
#include "common/bridge.h"
#include "review/live_names.h"

extern "C" {
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
}

namespace mg::review {
namespace {

struct Renamer {
    ScriptState *state;
    List *cte_names; /* char *: unqualified names that are CTEs, not relations */
    bool changed;
};

bool cte_name_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    if (IsA(node, CommonTableExpr))
        *static_cast<List **>(context) = lappend(*static_cast<List **>(context), castNode(CommonTableExpr, node)->ctename);
    return raw_expression_tree_walker(node, MG_WALKER(cte_name_walker), context);
}

bool is_cte_name(const Renamer *r, const RangeVar *rv)
{
    if (rv->schemaname != nullptr)
        return false;
    ListCell *lc;
    foreach (lc, r->cte_names)
        if (strcmp(static_cast<char *>(lfirst(lc)), rv->relname) == 0)
            return true;
    return false;
}

/* The existing relation rv resolves to, or InvalidOid. */
Oid existing_relid(Renamer *r, const RangeVar *rv)
{
    if (rv == nullptr || rv->relname == nullptr || is_cte_name(r, rv))
        return InvalidOid;
    RelRef ref = resolve_relation(r->state, rv);
    return ref.state == RelState::existing ? ref.relid : InvalidOid;
}

char *live_schema(Oid relid)
{
    Oid nsp = get_rel_namespace(relid);
    return isTempNamespace(nsp) ? pstrdup("pg_temp") : get_namespace_name(nsp);
}

/* Names rv (in place) by the catalog name of the existing relation it resolves to; returns that relation. */
Oid rename_range_var(Renamer *r, RangeVar *rv)
{
    Oid relid = existing_relid(r, rv);
    if (!OidIsValid(relid)) {
        /* a temporary relation of the script's own, which may shadow an existing one: name its schema */
        if (r->state->created_temp && rv != nullptr && rv->relname != nullptr && rv->schemaname == nullptr &&
            !is_cte_name(r, rv)) {
            RelRef ref = resolve_relation(r->state, rv);
            if (ref.state == RelState::created && strcmp(ref.entry->key.nsp, "pg_temp") == 0) {
                rv->schemaname = pstrdup("pg_temp");
                r->changed = true;
            }
        }
        return InvalidOid;
    }
    char *nsp = live_schema(relid);
    char *rel = get_rel_name(relid);
    if (nsp == nullptr || rel == nullptr)
        return InvalidOid;
    if (rv->catalogname != nullptr || rv->schemaname == nullptr || strcmp(rv->schemaname, nsp) != 0 ||
        strcmp(rv->relname, rel) != 0)
        r->changed = true;
    rv->catalogname = nullptr;
    rv->schemaname = nsp;
    rv->relname = rel;
    return relid;
}

/* DROP of relations: each object is a name list; rebuild them qualified. */
void rename_drop_objects(Renamer *r, DropStmt *ds, bool member)
{
    List *out = NIL;
    ListCell *lc;
    foreach (lc, ds->objects) {
        List *names = castNode(List, lfirst(lc));
        List *rel = list_copy(names);
        Node *member_name = nullptr;
        if (member) {
            if (list_length(rel) < 2) {
                out = lappend(out, names);
                continue;
            }
            member_name = static_cast<Node *>(llast(rel));
            rel = list_truncate(rel, list_length(rel) - 1);
        }
        RangeVar *rv = makeRangeVarFromNameList(rel);
        bool qualified = rv->schemaname != nullptr;
        if (OidIsValid(rename_range_var(r, rv)) || (!qualified && rv->schemaname != nullptr)) {
            rel = list_make2(makeString(rv->schemaname), makeString(rv->relname));
            if (member_name != nullptr)
                rel = lappend(rel, member_name);
            out = lappend(out, rel);
        } else {
            out = lappend(out, names);
        }
    }
    ds->objects = out;
}

bool is_column_command(AlterTableType t)
{
    switch (t) {
    case AT_DropColumn:
    case AT_AlterColumnType:
    case AT_SetNotNull:
    case AT_DropNotNull:
    case AT_ColumnDefault:
    case AT_SetStatistics:
    case AT_SetStorage:
    case AT_SetOptions:
    case AT_ResetOptions:
    case AT_AddIdentity:
    case AT_SetIdentity:
    case AT_DropIdentity:
    case AT_DropExpression:
        return true;
    default:
        return false;
    }
}

void rename_alter_table(Renamer *r, AlterTableStmt *at)
{
    Oid relid = rename_range_var(r, at->relation);
    if (!OidIsValid(relid))
        return;
    ListCell *lc;
    foreach (lc, at->cmds) {
        AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
        if (cmd->name == nullptr || !is_column_command(cmd->subtype))
            continue;
        const char *live = live_column_name(r->state, relid, cmd->name);
        if (live != cmd->name) {
            cmd->name = pstrdup(live);
            r->changed = true;
        }
    }
}

bool range_var_walker(Node *node, void *context)
{
    /* (raw_expression_tree_walker knows every node of a DML or query parse tree) */
    if (node == nullptr)
        return false;
    Renamer *r = static_cast<Renamer *>(context);
    if (IsA(node, RangeVar)) {
        rename_range_var(r, castNode(RangeVar, node));
        return false;
    }
    return raw_expression_tree_walker(node, MG_WALKER(range_var_walker), context);
}

void rename_statement(Renamer *r, Node *stmt)
{
    if (stmt == nullptr)
        return;
    switch (nodeTag(stmt)) {
    case T_DropStmt: {
        DropStmt *ds = castNode(DropStmt, stmt);
        switch (ds->removeType) {
        case OBJECT_TABLE:
        case OBJECT_VIEW:
        case OBJECT_MATVIEW:
        case OBJECT_SEQUENCE:
        case OBJECT_FOREIGN_TABLE:
            rename_drop_objects(r, ds, false);
            break;
        case OBJECT_TRIGGER:
        case OBJECT_POLICY:
        case OBJECT_RULE:
            rename_drop_objects(r, ds, true);
            break;
        default:
            break;
        }
        break;
    }
    case T_AlterTableStmt:
        rename_alter_table(r, castNode(AlterTableStmt, stmt));
        break;
    case T_RenameStmt: {
        RenameStmt *rs = castNode(RenameStmt, stmt);
        if (rs->relation == nullptr)
            break;
        Oid relid = rename_range_var(r, rs->relation);
        if (OidIsValid(relid) && rs->renameType == OBJECT_COLUMN && rs->subname != nullptr) {
            const char *live = live_column_name(r->state, relid, rs->subname);
            if (live != rs->subname) {
                rs->subname = pstrdup(live);
                r->changed = true;
            }
        }
        break;
    }
    case T_AlterObjectSchemaStmt:
        if (castNode(AlterObjectSchemaStmt, stmt)->relation != nullptr)
            rename_range_var(r, castNode(AlterObjectSchemaStmt, stmt)->relation);
        break;
    case T_TruncateStmt: {
        ListCell *lc;
        foreach (lc, castNode(TruncateStmt, stmt)->relations)
            rename_range_var(r, lfirst_node(RangeVar, lc));
        break;
    }
    case T_CopyStmt: {
        CopyStmt *c = castNode(CopyStmt, stmt);
        if (c->relation != nullptr)
            rename_range_var(r, c->relation);
        rename_statement(r, c->query);
        break;
    }
    case T_AlterSeqStmt:
        rename_range_var(r, castNode(AlterSeqStmt, stmt)->sequence);
        break;
    case T_AlterPolicyStmt:
        rename_range_var(r, castNode(AlterPolicyStmt, stmt)->table);
        break;
    case T_LockStmt: {
        ListCell *lc;
        foreach (lc, castNode(LockStmt, stmt)->relations)
            rename_range_var(r, lfirst_node(RangeVar, lc));
        break;
    }
    case T_ExplainStmt:
        rename_statement(r, castNode(ExplainStmt, stmt)->query);
        break;
    case T_CreateTableAsStmt:
        rename_statement(r, castNode(CreateTableAsStmt, stmt)->query);
        break;
    case T_SelectStmt: {
        /* SELECT ... INTO names a table to create: leave it as written */
        SelectStmt *sel = castNode(SelectStmt, stmt);
        IntoClause *into = sel->intoClause;
        sel->intoClause = nullptr;
        cte_name_walker(stmt, &r->cte_names);
        range_var_walker(stmt, r);
        sel->intoClause = into;
        break;
    }
    case T_InsertStmt:
    case T_UpdateStmt:
    case T_DeleteStmt:
#if MG_HAVE_MERGE
    case T_MergeStmt:
#endif
        cte_name_walker(stmt, &r->cte_names);
        range_var_walker(stmt, r);
        break;
    default:
        break;
    }
}

} // namespace

Node *with_live_names(ScriptState *state, Node *stmt)
{
    if (stmt == nullptr)
        return nullptr;
    /* nothing renamed or moved, the session's search_path: the catalog reads the names as the review does */
    if (!state->renamed && !state->created_temp && state->path == state->session_path)
        return stmt;
    Renamer r = {state, NIL, false};
    Node *copy = copy_node(stmt);
    rename_statement(&r, copy);
    return r.changed ? copy : stmt;
}

} // namespace mg::review
