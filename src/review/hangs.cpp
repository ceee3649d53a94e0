/* hangs.cpp — see hangs.h. */
#include "common/bridge.h"
#include "review/hangs.h"

extern "C" {
#include "nodes/makefuncs.h"
#include "parser/parse_type.h"
}

namespace mg::review {
namespace {

/* The relation as the script knows it now: existing (relid) or created (identity). */
struct Side {
    Oid relid;
    int id;
    char *name;
};

bool side_of(ScriptState *state, const RangeVar *rv, Side *out)
{
    if (rv == nullptr)
        return false;
    RelRef ref = resolve_relation(state, rv);
    if (ref.state == RelState::existing) {
        *out = Side{ref.relid, 0, pstrdup(ref.name)};
        return true;
    }
    if (ref.state == RelState::created) {
        *out = Side{InvalidOid, ref.entry->id, pstrdup(ref.name)};
        return true;
    }
    return false;
}

/* The created relation rv names (nullptr: existing or missing). */
ScriptRel *created_of(ScriptState *state, const RangeVar *rv)
{
    if (rv == nullptr)
        return nullptr;
    RelRef ref = resolve_relation(state, rv);
    return ref.state == RelState::created ? ref.entry : nullptr;
}

bool same_child(const Hang *h, const Side &child)
{
    return child.id != 0 ? h->child == child.id : (h->child == 0 && h->child_relid == child.relid);
}

Hang *add_hang(ScriptState *state, const Statement *st, HangKind kind, int parent, const char *parent_name,
               const Side &child)
{
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    Hang *h = static_cast<Hang *>(palloc0(sizeof(Hang)));
    h->kind = kind;
    h->parent = parent;
    h->parent_name = pstrdup(parent_name);
    h->child_relid = child.relid;
    h->child = child.id;
    h->child_name = pstrdup(child.name);
    h->stmt = st->number;
    state->hangs = lappend(state->hangs, h);
    MemoryContextSwitchTo(old);
    return h;
}

/* Drops the links for which drop(h) holds. */
template <typename Pred>
void remove_hangs(ScriptState *state, Pred &&drop)
{
    List *kept = NIL;
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    ListCell *lc;
    foreach (lc, state->hangs) {
        Hang *h = static_cast<Hang *>(lfirst(lc));
        if (!drop(h))
            kept = lappend(kept, h);
    }
    MemoryContextSwitchTo(old);
    state->hangs = kept;
}

List *string_list(List *strings)
{
    List *out = NIL;
    ListCell *lc;
    foreach (lc, strings)
        out = lappend(out, pstrdup(strVal(lfirst(lc))));
    return out;
}

bool names_column(const char *columns, const char *column)
{
    /* columns: "a, b" as made by fk_link() */
    if (columns == nullptr || column == nullptr)
        return false;
    List *names = NIL;
    char *copy = pstrdup(columns);
    if (!SplitIdentifierString(copy, ',', &names))
        return false;
    ListCell *lc;
    foreach (lc, names)
        if (strcmp(static_cast<char *>(lfirst(lc)), column) == 0)
            return true;
    return false;
}

/* child's FOREIGN KEY con (its own columns: fk_columns, or column for a column constraint) */
void fk_link(ScriptState *state, const Statement *st, const Side &child, const char *child_relname, Constraint *con,
             const char *column)
{
    if (con->contype != CONSTR_FOREIGN)
        return;
    ScriptRel *parent = created_of(state, con->pktable);
    if (parent == nullptr)
        return;
    List *fk_columns = column ? list_make1(pstrdup(column)) : string_list(con->fk_attrs);
    StringInfoData cols;
    initStringInfo(&cols);
    StringInfoData under;
    initStringInfo(&under);
    ListCell *lc;
    foreach (lc, fk_columns) {
        appendStringInfo(&cols, "%s%s", cols.len ? ", " : "", quote_identifier(static_cast<char *>(lfirst(lc))));
        appendStringInfo(&under, "_%s", static_cast<char *>(lfirst(lc)));
    }
    /* PostgreSQL's name for an unnamed one: <table>_<columns>_fkey */
    char *name = con->conname ? pstrdup(con->conname) : psprintf("%s%s_fkey", child_relname, under.data);
    Hang *h = add_hang(state, st, HangKind::foreign_key, parent->id, parent->name, child);
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    h->column = pstrdup(cols.data);
    h->constraint = pstrdup(name);
    h->del_action = con->fk_del_action;
    h->upd_action = con->fk_upd_action;
    h->fk_columns = NIL;
    foreach (lc, fk_columns)
        h->fk_columns = lappend(h->fk_columns, pstrdup(static_cast<char *>(lfirst(lc))));
    h->ref_columns = string_list(con->pk_attrs);
    MemoryContextSwitchTo(old);
}

/* A column of child is of a type the script creates (a table's row type included). */
void type_link(ScriptState *state, const Statement *st, const Side &child, const char *column, const TypeName *type)
{
    if (type == nullptr)
        return;
    ScriptRel *rel = nullptr;
    int id = created_type_id(state, type, &rel);
    if (id == 0)
        return;
    Hang *h = add_hang(state, st, HangKind::column_type, id, rel ? rel->name : TypeNameToString(type), child);
    h->column = keep_str(column);
}

void column_links(ScriptState *state, const Statement *st, const Side &child, const char *child_relname,
                  ColumnDef *col)
{
    type_link(state, st, child, col->colname, col->typeName);
    ListCell *lc;
    foreach (lc, col->constraints)
        if (IsA(lfirst(lc), Constraint))
            fk_link(state, st, child, child_relname, castNode(Constraint, lfirst(lc)), col->colname);
}

void create_table_links(ScriptState *state, Statement *st, CreateStmt *cs)
{
    Side child;
    if (!side_of(state, cs->relation, &child))
        return;
    ListCell *lc;
    foreach (lc, cs->inhRelations) {
        ScriptRel *parent = created_of(state, lfirst_node(RangeVar, lc));
        if (parent != nullptr)
            add_hang(state, st, cs->partbound ? HangKind::partition : HangKind::inherits, parent->id, parent->name,
                     child);
    }
    if (cs->ofTypename != nullptr) {
        ScriptRel *type = nullptr;
        if (created_type_id(state, cs->ofTypename, &type) != 0 && type != nullptr)
            add_hang(state, st, HangKind::typed, type->id, type->name, child);
    }
    foreach (lc, cs->tableElts) {
        Node *elt = static_cast<Node *>(lfirst(lc));
        if (IsA(elt, ColumnDef))
            column_links(state, st, child, cs->relation->relname, castNode(ColumnDef, elt));
        else if (IsA(elt, Constraint))
            fk_link(state, st, child, cs->relation->relname, castNode(Constraint, elt), nullptr);
    }
}

void alter_table_links(ScriptState *state, Statement *st, AlterTableStmt *at)
{
    Side self;
    if (!side_of(state, at->relation, &self))
        return;
    ScriptRel *self_created = self.id != 0 ? created_relation(state, self.id) : nullptr;
    const char *relname = at->relation->relname;
    ListCell *lc;
    foreach (lc, at->cmds) {
        AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
        switch (cmd->subtype) {
        case AT_AddInherit:
        case AT_DropInherit: {
            Side parent;
            if (!side_of(state, castNode(RangeVar, cmd->def), &parent) || parent.id == 0)
                break;
            if (cmd->subtype == AT_AddInherit)
                add_hang(state, st, HangKind::inherits, parent.id, parent.name, self);
            else
                remove_hangs(state, [&](const Hang *h) {
                    return h->kind == HangKind::inherits && h->parent == parent.id && same_child(h, self);
                });
            break;
        }
        case AT_AttachPartition:
        case AT_DetachPartition: {
            if (self_created == nullptr || at->objtype != OBJECT_TABLE)
                break;
            Side part;
            if (!side_of(state, castNode(PartitionCmd, cmd->def)->name, &part))
                break;
            if (cmd->subtype == AT_AttachPartition)
                add_hang(state, st, HangKind::partition, self.id, self.name, part);
            else
                remove_hangs(state, [&](const Hang *h) {
                    return h->kind == HangKind::partition && h->parent == self.id && same_child(h, part);
                });
            break;
        }
        case AT_AddOf: {
            ScriptRel *type = nullptr;
            if (created_type_id(state, castNode(TypeName, cmd->def), &type) != 0 && type != nullptr)
                add_hang(state, st, HangKind::typed, type->id, type->name, self);
            break;
        }
        case AT_DropOf:
            remove_hangs(state, [&](const Hang *h) { return h->kind == HangKind::typed && same_child(h, self); });
            break;
        case AT_AddConstraint:
            if (cmd->def != nullptr && IsA(cmd->def, Constraint))
                fk_link(state, st, self, relname, castNode(Constraint, cmd->def), nullptr);
            break;
        case AT_AddColumn:
            if (cmd->def != nullptr && IsA(cmd->def, ColumnDef))
                column_links(state, st, self, relname, castNode(ColumnDef, cmd->def));
            break;
        case AT_AlterColumnType:
        case AT_DropColumn: {
            const char *col = cmd->name;
            remove_hangs(state, [&](const Hang *h) {
                if (!same_child(h, self))
                    return false;
                if (h->kind == HangKind::column_type)
                    return h->column != nullptr && strcmp(h->column, col) == 0;
                /* a foreign key goes with (or is rebuilt with) its column */
                return h->kind == HangKind::foreign_key && cmd->subtype == AT_DropColumn &&
                       names_column(h->column, col);
            });
            if (cmd->subtype == AT_AlterColumnType && cmd->def != nullptr && IsA(cmd->def, ColumnDef))
                type_link(state, st, self, col, castNode(ColumnDef, cmd->def)->typeName);
            break;
        }
        case AT_DropConstraint: {
            const char *name = cmd->name;
            remove_hangs(state, [&](const Hang *h) {
                return h->kind == HangKind::foreign_key && same_child(h, self) && h->constraint != nullptr &&
                       strcmp(h->constraint, name) == 0;
            });
            break;
        }
        default:
            break;
        }
    }
}

/* OWNED BY in CREATE/ALTER SEQUENCE options. */
void owned_by_links(ScriptState *state, Statement *st, const RangeVar *seq, List *options)
{
    ListCell *lc;
    foreach (lc, options) {
        DefElem *opt = lfirst_node(DefElem, lc);
        if (strcmp(opt->defname, "owned_by") != 0 || opt->arg == nullptr || !IsA(opt->arg, List))
            continue;
        Side child;
        if (!side_of(state, seq, &child))
            return;
        /* a sequence has one owner at most: the new one replaces it */
        remove_hangs(state, [&](const Hang *h) { return h->kind == HangKind::owned_by && same_child(h, child); });
        List *names = castNode(List, opt->arg);
        if (list_length(names) < 2)
            return; /* OWNED BY NONE */
        List *table = list_copy(names);
        table = list_truncate(table, list_length(table) - 1);
        ScriptRel *owner = created_of(state, makeRangeVarFromNameList(table));
        if (owner == nullptr)
            return;
        Hang *h = add_hang(state, st, HangKind::owned_by, owner->id, owner->name, child);
        h->column = keep_str(strVal(llast(names)));
    }
}

char *object_schema(ScriptState *state, List *names, char **name)
{
    char *schema = nullptr;
    DeconstructQualifiedName(names, &schema, name);
    return schema;
}

void record_object(ScriptState *state, Statement *st, ObjectType type, List *names, const RangeVar *table)
{
    char *name = nullptr;
    char *schema = names ? object_schema(state, names, &name) : nullptr;
    if (names == nullptr)
        return;
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    ScriptObject *o = static_cast<ScriptObject *>(palloc0(sizeof(ScriptObject)));
    o->type = type;
    o->schema = schema ? pstrdup(schema) : nullptr;
    o->name = pstrdup(name);
    o->id = ++state->next_id;
    o->created_stmt = st->number;
    o->created_xact = state->xact;
    o->dropped = false;
    MemoryContextSwitchTo(old);
    if (table != nullptr) {
        RelRef ref = resolve_relation(state, table);
        old = MemoryContextSwitchTo(keep_context());
        o->table = ref;
        o->table.name = pstrdup(ref.name);
        MemoryContextSwitchTo(old);
    }
    old = MemoryContextSwitchTo(keep_context());
    state->objects = lappend(state->objects, o);
    MemoryContextSwitchTo(old);
}

bool type_matches(ObjectType wanted, ObjectType have)
{
    if (wanted == have)
        return true;
    switch (wanted) {
    case OBJECT_TYPE:
        return have == OBJECT_DOMAIN; /* DROP TYPE also drops a domain */
    case OBJECT_ROUTINE:
    case OBJECT_FUNCTION:
        return have == OBJECT_FUNCTION || have == OBJECT_PROCEDURE || have == OBJECT_AGGREGATE;
    case OBJECT_PROCEDURE:
        return have == OBJECT_FUNCTION;
    default:
        return false;
    }
}

} // namespace

List *hangs_under(const ScriptState *state, int parent)
{
    List *out = NIL;
    ListCell *lc;
    foreach (lc, state->hangs) {
        Hang *h = static_cast<Hang *>(lfirst(lc));
        if (h->parent == parent)
            out = lappend(out, h);
    }
    return out;
}

ScriptObject *find_object(ScriptState *state, ObjectType type, List *names)
{
    char *name = nullptr;
    char *schema = nullptr;
    DeconstructQualifiedName(names, &schema, &name);
    ScriptObject *found = nullptr;
    ListCell *lc;
    foreach (lc, state->objects) {
        ScriptObject *o = static_cast<ScriptObject *>(lfirst(lc));
        if (o->dropped || !type_matches(type, o->type) || strcmp(o->name, name) != 0)
            continue;
        if (schema != nullptr && o->schema != nullptr && strcmp(schema, o->schema) != 0)
            continue;
        found = o; /* the latest one */
    }
    return found;
}

int created_type_id(ScriptState *state, const TypeName *type, ScriptRel **rel)
{
    *rel = nullptr;
    if (type == nullptr || type->names == NIL)
        return 0;
    /* a composite type, or a table's row type: a relation of the script */
    RangeVar *rv = makeRangeVarFromNameList(type->names);
    RelRef ref = resolve_relation(state, rv);
    if (ref.state == RelState::created) {
        *rel = ref.entry;
        return ref.entry->id;
    }
    if (ref.state == RelState::existing)
        return 0;
    if (ScriptObject *o = find_object(state, OBJECT_TYPE, type->names))
        return o->id;
    return 0;
}

char *hang_text(const Hang *h)
{
    switch (h->kind) {
    case HangKind::inherits:
        return psprintf("statement %d made %s an inheritance child of %s", h->stmt, h->child_name, h->parent_name);
    case HangKind::partition:
        return psprintf("statement %d attached %s as a partition of %s", h->stmt, h->child_name, h->parent_name);
    case HangKind::typed:
        return psprintf("statement %d made %s a typed table of %s", h->stmt, h->child_name, h->parent_name);
    case HangKind::owned_by:
        return psprintf("statement %d made %s owned by %s.%s", h->stmt, h->child_name, h->parent_name,
                        quote_identifier(h->column));
    case HangKind::foreign_key:
        return psprintf("statement %d gave %s the foreign key %s (%s) referencing %s", h->stmt, h->child_name,
                        quote_identifier(h->constraint), h->column, h->parent_name);
    case HangKind::column_type:
        return psprintf("statement %d gave %s column %s of type %s", h->stmt, h->child_name,
                        quote_identifier(h->column), h->parent_name);
    }
    return pstrdup("");
}

void replay_hangs(ScriptState *state, Statement *st)
{
    Node *stmt = st->stmt;
    switch (nodeTag(stmt)) {
    case T_CreateStmt:
        create_table_links(state, st, castNode(CreateStmt, stmt));
        break;
    case T_AlterTableStmt:
        alter_table_links(state, st, castNode(AlterTableStmt, stmt));
        break;
    case T_AlterSeqStmt:
        owned_by_links(state, st, castNode(AlterSeqStmt, stmt)->sequence, castNode(AlterSeqStmt, stmt)->options);
        break;
    case T_CreateSeqStmt:
        owned_by_links(state, st, castNode(CreateSeqStmt, stmt)->sequence, castNode(CreateSeqStmt, stmt)->options);
        break;
    case T_CreateEnumStmt:
        record_object(state, st, OBJECT_TYPE, castNode(CreateEnumStmt, stmt)->typeName, nullptr);
        break;
    case T_CreateRangeStmt:
        record_object(state, st, OBJECT_TYPE, castNode(CreateRangeStmt, stmt)->typeName, nullptr);
        break;
    case T_CreateDomainStmt:
        record_object(state, st, OBJECT_DOMAIN, castNode(CreateDomainStmt, stmt)->domainname, nullptr);
        break;
    case T_DefineStmt: {
        DefineStmt *d = castNode(DefineStmt, stmt);
        if (d->kind == OBJECT_TYPE || d->kind == OBJECT_AGGREGATE)
            record_object(state, st, d->kind, d->defnames, nullptr);
        break;
    }
    case T_CreateFunctionStmt: {
        CreateFunctionStmt *f = castNode(CreateFunctionStmt, stmt);
        if (!f->replace || find_object(state, OBJECT_ROUTINE, f->funcname) == nullptr)
            record_object(state, st, f->is_procedure ? OBJECT_PROCEDURE : OBJECT_FUNCTION, f->funcname, nullptr);
        break;
    }
    case T_CreatePolicyStmt: {
        CreatePolicyStmt *p = castNode(CreatePolicyStmt, stmt);
        record_object(state, st, OBJECT_POLICY, list_make1(makeString(p->policy_name)), p->table);
        break;
    }
    case T_CreateTrigStmt: {
        CreateTrigStmt *t = castNode(CreateTrigStmt, stmt);
        record_object(state, st, OBJECT_TRIGGER, list_make1(makeString(t->trigname)), t->relation);
        break;
    }
    case T_CreateExtensionStmt:
        record_object(state, st, OBJECT_EXTENSION, list_make1(makeString(castNode(CreateExtensionStmt, stmt)->extname)),
                      nullptr);
        break;
    case T_DropStmt: {
        DropStmt *ds = castNode(DropStmt, stmt);
        ListCell *lc;
        foreach (lc, ds->objects) {
            Node *obj = static_cast<Node *>(lfirst(lc));
            List *names = nullptr;
            if (IsA(obj, TypeName))
                names = castNode(TypeName, obj)->names;
            else if (IsA(obj, ObjectWithArgs))
                names = castNode(ObjectWithArgs, obj)->objname;
            else if (IsA(obj, String))
                names = list_make1(obj);
            else if (IsA(obj, List) && (ds->removeType == OBJECT_POLICY || ds->removeType == OBJECT_TRIGGER))
                names = list_make1(llast(castNode(List, obj)));
            if (names == nullptr)
                continue;
            if (ScriptObject *o = find_object(state, ds->removeType, names))
                o->dropped = true;
        }
        break;
    }
    default:
        break;
    }
}

} // namespace mg::review
