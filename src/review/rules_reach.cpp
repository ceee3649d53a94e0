/*
 * rules_reach.cpp — statements on objects the script creates, judged by the
 * existing objects they reach.
 *
 * The guard exempts a relation created in the same transaction, and only it
 * (guard/exemptions.h): a statement on a new table is refused for each
 * existing object it really removes, empties or changes through what the
 * script hung under the new one (hangs.h), and for the new table itself once
 * the script's transaction that created it has ended.  Non-relation objects
 * (schemas, types, functions, policies and triggers of existing tables) are
 * never exempt as new.  For each such statement the review builds the
 * guard's matches for the objects reached -- by handing a statement written
 * for them (DROP TABLE t, TRUNCATE t, ALTER TABLE t DROP COLUMN c, ALTER
 * TABLE t ALTER COLUMN c TYPE ...) to the guard's own classifier, or, for
 * DELETE / UPDATE / MERGE, by the guard's DML classifier on the statement
 * analysed against a stand-in with the new table's columns -- and asks
 * decide() what the guard would do (rules_guard.cpp, report_guard()).
 */
#include "common/bridge.h"
#include "guard/classify.h"
#include "guard/exemptions.h"
#include "review/hangs.h"
#include "review/locks.h"
#include "review/rewrite.h"
#include "review/rules.h"
#include "review/subxact.h"

extern "C" {
#include "commands/extension.h"
#include "commands/policy.h"
#include "commands/trigger.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
}

namespace mg::review {
namespace {

constexpr unsigned bit(HangKind k)
{
    return 1u << static_cast<int>(k);
}
constexpr unsigned kChildren = bit(HangKind::inherits) | bit(HangKind::partition);

struct Reacher {
    Statement *st;
    ScriptState *state;
};

/* An existing relation reached, and the last link on the way. */
struct Reached {
    Oid relid;
    const Hang *via;
};

const char *kNotExempt = "the guard exempts a new object, never what the script hangs under it";

char *route_of(const Hang *h)
{
    return psprintf("%s, which this script creates: %s", hang_text(h), kNotExempt);
}

char *route_earlier(const ScriptRel *e)
{
    return psprintf("created by statement %d of this script, in an earlier transaction: the guard exempts a "
                    "relation only in the transaction that creates it",
                    e->created_stmt);
}

RangeVar *range_var_of(Oid relid, bool inh)
{
    RangeVar *rv = makeRangeVar(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid), -1);
    rv->inh = inh;
    return rv;
}

ObjectType object_type_of(char relkind)
{
    switch (relkind) {
    case RELKIND_FOREIGN_TABLE:
        return OBJECT_FOREIGN_TABLE;
    case RELKIND_SEQUENCE:
        return OBJECT_SEQUENCE;
    case RELKIND_MATVIEW:
        return OBJECT_MATVIEW;
    case RELKIND_VIEW:
        return OBJECT_VIEW;
    case RELKIND_INDEX:
    case RELKIND_PARTITIONED_INDEX:
        return OBJECT_INDEX;
    default:
        return OBJECT_TABLE;
    }
}

/* DROP <kind> relid [CASCADE], written for the guard's classifier. */
Node *drop_of(Oid relid, bool cascade)
{
    DropStmt *d = makeNode(DropStmt);
    d->removeType = object_type_of(get_rel_relkind(relid));
    d->objects = list_make1(
        list_make2(makeString(get_namespace_name(get_rel_namespace(relid))), makeString(get_rel_name(relid))));
    d->behavior = cascade ? DROP_CASCADE : DROP_RESTRICT;
    d->missing_ok = true;
    return reinterpret_cast<Node *>(d);
}

Node *alter_of(Oid relid, bool inh, AlterTableCmd *cmd)
{
    AlterTableStmt *at = makeNode(AlterTableStmt);
    at->relation = range_var_of(relid, inh);
    at->cmds = list_make1(copy_node(cmd));
    at->objtype = OBJECT_TABLE;
    at->missing_ok = true;
    return reinterpret_cast<Node *>(at);
}

/* The guard's classifier on a statement written for existing objects. */
void judge_built(const Reacher &r, Node *stmt, const char *route)
{
    report_guard(r.st, classify_utility(stmt, false, AccessShareLock), route);
}

void judge_match(const Reacher &r, Rule rule, char *object, Oid relid, const char *route, bool cascade = false,
                 const char *unevaluated = nullptr)
{
    List *matches = add_match(NIL, rule, object, relid);
    static_cast<Match *>(llast(matches))->unevaluated = unevaluated ? pstrdup(unevaluated) : nullptr;
    if (cascade)
        matches = add_match(matches, Rule::drop_cascade, object, relid);
    report_guard(r.st, matches, route);
}

/*
 * Existing relations under the created object id through links of the given
 * kinds, transitively through the relations the script creates; those met on
 * the way are added to *created (identities).
 */
List *reach_existing(const Reacher &r, int id, unsigned kinds, List **created)
{
    List *out = NIL;
    List *queue = list_make1_int(id);
    for (int i = 0; i < list_length(queue); i++) {
        ListCell *lc;
        foreach (lc, hangs_under(r.state, list_nth_int(queue, i))) {
            const Hang *h = static_cast<const Hang *>(lfirst(lc));
            if (!(kinds & bit(h->kind)))
                continue;
            if (h->child == 0) {
                bool seen = false;
                ListCell *oc;
                foreach (oc, out)
                    seen = seen || static_cast<Reached *>(lfirst(oc))->relid == h->child_relid;
                if (!seen && get_rel_relkind(h->child_relid) != '\0') {
                    Reached *x = static_cast<Reached *>(palloc(sizeof(Reached)));
                    *x = Reached{h->child_relid, h};
                    out = lappend(out, x);
                }
            } else if (!list_member_int(queue, h->child) && created_relation(r.state, h->child) != nullptr) {
                queue = lappend_int(queue, h->child);
                if (created != nullptr)
                    *created = lappend_int(*created, h->child);
            }
        }
    }
    return out;
}

/* The created relations in *ids that an earlier transaction of the script created: the guard judges them. */
void judge_earlier(const Reacher &r, List *ids, Rule rule)
{
    ListCell *lc;
    foreach (lc, ids) {
        ScriptRel *c = created_relation(r.state, lfirst_int(lc));
        if (c != nullptr && !created_in_current_xact(r.state, c))
            judge_match(r, rule, c->name, InvalidOid, route_earlier(c));
    }
}

/* ---- DROP ---- */

void drop_closure(const Reacher &r, int id, bool cascade, int depth);

/* The guard's drop rule for a relation the script created in an earlier transaction. */
void drop_created_earlier(const Reacher &r, ScriptRel *e, bool cascade)
{
    Rule rule;
    bool has_rule = drop_rule_of(object_type_of(e->relkind), &rule);
    if (e->relkind == RELKIND_COMPOSITE_TYPE)
        has_rule = false; /* its type: judged as a type */
    if (has_rule)
        judge_match(r, rule, e->name, InvalidOid, route_earlier(e), cascade);
    else if (cascade)
        judge_match(r, Rule::drop_cascade, e->name, InvalidOid, route_earlier(e));
}

/*
 * What goes with the created object id when it is dropped: its partitions
 * and the sequences owned by its columns always; with CASCADE also its
 * inheritance children and typed tables, the foreign keys referencing it and
 * the columns of its type.
 */
void drop_closure(const Reacher &r, int id, bool cascade, int depth)
{
    if (depth > 32)
        return;
    ListCell *lc;
    foreach (lc, hangs_under(r.state, id)) {
        const Hang *h = static_cast<const Hang *>(lfirst(lc));
        bool whole = h->kind == HangKind::partition || h->kind == HangKind::inherits || h->kind == HangKind::typed ||
                     h->kind == HangKind::owned_by;
        bool goes = h->kind == HangKind::partition || h->kind == HangKind::owned_by || cascade;
        if (!goes)
            continue;
        char *route = route_of(h);
        if (h->child == 0) {
            if (get_rel_relkind(h->child_relid) == '\0')
                continue;
            note_lock(r.st, h->child_relid, AccessExclusiveLock);
            if (whole) {
                judge_built(r, drop_of(h->child_relid, cascade), route);
            } else if (!relation_is_exempt(h->child_relid)) {
                if (h->kind == HangKind::foreign_key)
                    judge_match(r, Rule::drop_cascade,
                                psprintf("constraint %s on %s", quote_identifier(h->constraint),
                                         relation_identity(h->child_relid)),
                                h->child_relid, route);
                else if (get_attnum(h->child_relid, h->column) != InvalidAttrNumber ||
                         find_added_column(r.state, h->child_relid, h->column) != nullptr)
                    judge_match(r, Rule::drop_column, column_identity(h->child_relid, h->column), h->child_relid,
                                route, true);
            }
            continue;
        }
        ScriptRel *c = created_relation(r.state, h->child);
        if (c == nullptr)
            continue;
        if (whole) {
            if (!created_in_current_xact(r.state, c))
                drop_created_earlier(r, c, cascade);
            drop_closure(r, c->id, cascade, depth + 1);
        } else if (!created_in_current_xact(r.state, c)) {
            if (h->kind == HangKind::foreign_key)
                judge_match(r, Rule::drop_cascade, psprintf("constraint %s on %s", quote_identifier(h->constraint), c->name),
                            InvalidOid, route_earlier(c));
            else
                judge_match(r, Rule::drop_column, psprintf("%s.%s", c->name, quote_identifier(h->column)), InvalidOid,
                            route_earlier(c), true);
        }
    }
}

const char *object_word(ObjectType type)
{
    switch (type) {
    case OBJECT_DOMAIN:
        return "domain";
    case OBJECT_FUNCTION:
        return "function";
    case OBJECT_PROCEDURE:
        return "procedure";
    case OBJECT_AGGREGATE:
        return "aggregate";
    case OBJECT_POLICY:
        return "policy";
    case OBJECT_TRIGGER:
        return "trigger";
    case OBJECT_EXTENSION:
        return "extension";
    default:
        return "type";
    }
}

char *object_text(ScriptState *state, const ScriptObject *o)
{
    const char *word = object_word(o->type);
    if (o->type == OBJECT_POLICY || o->type == OBJECT_TRIGGER)
        return psprintf("%s %s on %s", word, quote_identifier(o->name), o->table.name);
    if (o->type == OBJECT_EXTENSION)
        return psprintf("%s %s", word, quote_identifier(o->name));
    return psprintf("%s %s", word, o->schema ? quote_qualified_identifier(o->schema, o->name) : quote_identifier(o->name));
}

/* DROP of a non-relation object the script creates: the guard never exempts it as new. */
void drop_object(const Reacher &r, ScriptObject *o, ObjectType drop_type, bool cascade)
{
    if (o->type == OBJECT_POLICY || o->type == OBJECT_TRIGGER) {
        /* a part of its table: exempt with a table created in this transaction */
        if (o->table.state == RelState::missing)
            return;
        if (o->table.state == RelState::created) {
            ScriptRel *t = created_relation(r.state, o->table.entry->id);
            if (t == nullptr || created_in_current_xact(r.state, t))
                return;
        }
    }
    const char *route = psprintf("created by statement %d of this script: the guard exempts only relations created "
                                 "in the same transaction, never a new %s",
                                 o->created_stmt, object_word(o->type));
    Rule rule;
    if (drop_rule_of(drop_type, &rule))
        judge_match(r, rule, object_text(r.state, o), InvalidOid, route, cascade);
    else if (cascade)
        judge_match(r, Rule::drop_cascade, object_text(r.state, o), InvalidOid, route);
    if (o->type == OBJECT_TYPE || o->type == OBJECT_DOMAIN)
        drop_closure(r, o->id, cascade, 0);
}

bool schema_created(const ScriptState *state, const char *name)
{
    ListCell *lc;
    foreach (lc, state->created_schemas)
        if (strcmp(static_cast<char *>(lfirst(lc)), name) == 0)
            return true;
    return false;
}

void drop_schema(const Reacher &r, const char *name, bool cascade)
{
    char *what = psprintf("schema %s", quote_identifier(name));
    judge_match(r, Rule::drop_schema, what, InvalidOid,
                "created by this script: the guard exempts only relations created in the same transaction, never a new schema", cascade);
    if (!cascade)
        return; /* it fails unless the schema is empty */
    HASH_SEQ_STATUS seq;
    hash_seq_init(&seq, r.state->rels);
    List *existing = NIL;
    List *created = NIL;
    while (ScriptRel *e = static_cast<ScriptRel *>(hash_seq_search(&seq))) {
        if (e->dropped || strcmp(e->key.nsp, name) != 0)
            continue;
        if (OidIsValid(e->existing))
            existing = lappend_oid(existing, e->existing);
        else
            created = lappend_int(created, e->id);
    }
    ListCell *lc;
    foreach (lc, existing) {
        note_lock(r.st, lfirst_oid(lc), AccessExclusiveLock);
        judge_built(r, drop_of(lfirst_oid(lc), true),
                    psprintf("this script moved it into schema %s, which it creates: %s", quote_identifier(name),
                             kNotExempt));
    }
    foreach (lc, created) {
        ScriptRel *c = created_relation(r.state, lfirst_int(lc));
        if (c == nullptr)
            continue;
        if (!created_in_current_xact(r.state, c))
            drop_created_earlier(r, c, true);
        drop_closure(r, c->id, true, 0);
    }
    foreach (lc, r.state->objects) {
        ScriptObject *o = static_cast<ScriptObject *>(lfirst(lc));
        if (!o->dropped && o->schema != nullptr && strcmp(o->schema, name) == 0)
            drop_object(r, o, o->type, true);
    }
}

void reach_drop(const Reacher &r, DropStmt *ds)
{
    bool cascade = ds->behavior == DROP_CASCADE;
    ListCell *lc;
    foreach (lc, ds->objects) {
        Node *obj = static_cast<Node *>(lfirst(lc));
        switch (ds->removeType) {
        case OBJECT_TABLE:
        case OBJECT_VIEW:
        case OBJECT_MATVIEW:
        case OBJECT_SEQUENCE:
        case OBJECT_FOREIGN_TABLE:
        case OBJECT_INDEX: {
            RelRef ref = resolve_name_list(r.state, castNode(List, obj));
            if (ref.state != RelState::created)
                break;
            ScriptRel *e = ref.entry;
            if (!created_in_current_xact(r.state, e))
                drop_created_earlier(r, e, cascade);
            drop_closure(r, e->id, cascade, 0);
            break;
        }
        case OBJECT_TYPE:
        case OBJECT_DOMAIN: {
            TypeName *type = castNode(TypeName, obj);
            ScriptRel *rel = nullptr;
            int id = created_type_id(r.state, type, &rel);
            if (id == 0)
                break;
            if (rel != nullptr) {
                /* a composite type the script creates: a relation, but the guard judges it as a type */
                if (cascade)
                    judge_match(r, Rule::drop_cascade, psprintf("type %s", rel->name), InvalidOid,
                                "created by this script: the guard exempts only relations created in the same transaction, never a new type");
                drop_closure(r, id, cascade, 0);
            } else if (ScriptObject *o = find_object(r.state, ds->removeType, type->names)) {
                drop_object(r, o, ds->removeType, cascade);
            }
            break;
        }
        case OBJECT_SCHEMA: {
            const char *name = strVal(obj);
            if (schema_created(r.state, name) && !OidIsValid(get_namespace_oid(name, true)))
                drop_schema(r, name, cascade);
            break;
        }
        case OBJECT_FUNCTION:
        case OBJECT_PROCEDURE:
        case OBJECT_ROUTINE:
        case OBJECT_AGGREGATE: {
            ObjectWithArgs *owa = castNode(ObjectWithArgs, obj);
            if (OidIsValid(LookupFuncWithArgs(ds->removeType, owa, true)))
                break; /* in the catalog: the guard's classifier judged it */
            if (ScriptObject *o = find_object(r.state, ds->removeType, owa->objname))
                drop_object(r, o, ds->removeType, cascade);
            break;
        }
        case OBJECT_POLICY:
        case OBJECT_TRIGGER: {
            List *names = castNode(List, obj);
            if (list_length(names) < 2)
                break;
            List *table = list_truncate(list_copy(names), list_length(names) - 1);
            RelRef t = resolve_name_list(r.state, table);
            ScriptObject *o = find_object(r.state, ds->removeType, list_make1(llast(names)));
            if (o == nullptr || t.state == RelState::missing || strcmp(t.name, o->table.name) != 0)
                break;
            if (t.state == RelState::existing) {
                /* in the catalog already (created before the review): the guard's classifier judged it */
                Oid relid = t.relid;
                bool in_catalog = ds->removeType == OBJECT_POLICY
                                      ? OidIsValid(get_relation_policy_oid(relid, o->name, true))
                                      : OidIsValid(get_trigger_oid(relid, o->name, true));
                if (in_catalog)
                    break;
            }
            drop_object(r, o, ds->removeType, cascade);
            break;
        }
        case OBJECT_EXTENSION: {
            const char *name = strVal(obj);
            if (OidIsValid(get_extension_oid(name, true)))
                break;
            if (ScriptObject *o = find_object(r.state, OBJECT_EXTENSION, list_make1(obj)))
                drop_object(r, o, OBJECT_EXTENSION, cascade);
            break;
        }
        default:
            break;
        }
    }
}

/* ---- TRUNCATE ---- */

Node *truncate_of(Oid relid, bool inh, bool cascade)
{
    TruncateStmt *t = makeNode(TruncateStmt);
    t->relations = list_make1(range_var_of(relid, inh));
    t->behavior = cascade ? DROP_CASCADE : DROP_RESTRICT;
    return reinterpret_cast<Node *>(t);
}

void reach_truncate(const Reacher &r, TruncateStmt *ts)
{
    bool cascade = ts->behavior == DROP_CASCADE;
    ListCell *lc;
    foreach (lc, ts->relations) {
        RangeVar *rv = lfirst_node(RangeVar, lc);
        RelRef ref = resolve_relation(r.state, rv);
        if (ref.state != RelState::created)
            continue;
        ScriptRel *e = ref.entry;
        List *ids = list_make1_int(e->id); /* created relations it empties */
        ListCell *xc;
        if (rv->inh) {
            List *created = NIL;
            foreach (xc, reach_existing(r, e->id, kChildren, &created)) {
                const Reached *x = static_cast<const Reached *>(lfirst(xc));
                note_lock(r.st, x->relid, AccessExclusiveLock);
                judge_built(r, truncate_of(x->relid, true, cascade), route_of(x->via));
            }
            ids = list_concat(ids, created);
        }
        if (cascade) {
            /* the tables whose foreign keys reference one it empties, until no new one turns up */
            for (int i = 0; i < list_length(ids); i++) {
                foreach (xc, hangs_under(r.state, list_nth_int(ids, i))) {
                    const Hang *h = static_cast<const Hang *>(lfirst(xc));
                    if (h->kind != HangKind::foreign_key)
                        continue;
                    if (h->child == 0) {
                        if (get_rel_relkind(h->child_relid) == '\0')
                            continue;
                        note_lock(r.st, h->child_relid, AccessExclusiveLock);
                        judge_built(r, truncate_of(h->child_relid, false, true), route_of(h));
                    } else if (created_relation(r.state, h->child) != nullptr && !list_member_int(ids, h->child)) {
                        ids = lappend_int(ids, h->child);
                    }
                }
            }
        }
        judge_earlier(r, ids, Rule::truncate);
    }
}

/* ---- DELETE, UPDATE, MERGE ---- */

/* What the statement does to every row of the table it names, as the guard's classifier sees it. */
struct AllRows {
    bool analysed;     /* false: the review could not tell (see why) */
    bool deletes;      /* it deletes every row (delete_without_where) */
    bool updates;      /* it updates every row (update_without_where) */
    char *unevaluated; /* the answer hangs on a function the review does not call */
    List *others;      /* matches on other tables (writable CTEs) */
    char *why;
};

const char *serial_base(const char *name)
{
    if (strcmp(name, "serial") == 0 || strcmp(name, "serial4") == 0)
        return "int4";
    if (strcmp(name, "bigserial") == 0 || strcmp(name, "serial8") == 0)
        return "int8";
    if (strcmp(name, "smallserial") == 0 || strcmp(name, "serial2") == 0)
        return "int2";
    return nullptr;
}

/* The created table's rows, as a row source for parse analysis (see analyze_on_columns()). */
RangeSubselect *rows_of(const ScriptRel *e, const char *alias)
{
    Node *def = e->definition;
    RangeSubselect *source = makeNode(RangeSubselect);
    if (def != nullptr && IsA(def, CreateTableAsStmt) && castNode(CreateTableAsStmt, def)->query != nullptr &&
        IsA(castNode(CreateTableAsStmt, def)->query, SelectStmt)) {
        /* CREATE TABLE ... AS: its query, under the table's name (and column names) */
        CreateTableAsStmt *ct = castNode(CreateTableAsStmt, def);
        source->subquery = copy_node(ct->query);
        source->alias = makeAlias(alias, list_copy(ct->into->colNames));
        return source;
    }
    if (def != nullptr && IsA(def, SelectStmt) && castNode(SelectStmt, def)->intoClause != nullptr) {
        /* SELECT ... INTO */
        SelectStmt *sel = copy_node(castNode(SelectStmt, def));
        List *names = sel->intoClause->colNames;
        sel->intoClause = nullptr;
        source->subquery = reinterpret_cast<Node *>(sel);
        source->alias = makeAlias(alias, names);
        return source;
    }
    const CreateStmt *cs = def && IsA(def, CreateStmt) ? castNode(CreateStmt, def) : nullptr;
    if (cs == nullptr || cs->inhRelations != NIL || cs->ofTypename != nullptr)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("the columns of %s are not all written in the statement that creates it", e->name)));
    /* CREATE TABLE (columns): a VALUES list of typed NULLs */
    List *names = NIL;
    List *values = NIL;
    ListCell *lc;
    foreach (lc, cs->tableElts) {
        Node *elt = static_cast<Node *>(lfirst(lc));
        if (IsA(elt, TableLikeClause))
            ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                            errmsg("%s copies the columns of another table (LIKE)", e->name)));
        if (!IsA(elt, ColumnDef))
            continue;
        ColumnDef *col = castNode(ColumnDef, elt);
        TypeName *type = copy_node(col->typeName);
        if (list_length(type->names) == 1 && type->arrayBounds == NIL)
            if (const char *base = serial_base(strVal(linitial(type->names))))
                type->names = list_make1(makeString(pstrdup(base)));
        names = lappend(names, makeString(pstrdup(col->colname)));
        A_Const *null = makeNode(A_Const);
        mg_set_aconst_null(null);
        null->location = -1;
        TypeCast *cast = makeNode(TypeCast);
        cast->arg = reinterpret_cast<Node *>(null);
        cast->typeName = type;
        cast->location = -1;
        values = lappend(values, cast);
    }
    SelectStmt *row = makeNode(SelectStmt);
    row->valuesLists = list_make1(values);
    source->subquery = reinterpret_cast<Node *>(row);
    source->alias = makeAlias(alias, names);
    return source;
}

/*
 * The DML's WHERE (FROM/USING and WITH included) analysed over the created
 * table's rows (rows_of(): its defining query, or a row of typed NULLs),
 * then shaped as the DELETE/UPDATE the guard classifies: its target is that
 * row source.  Only the guard's WHERE classification reads it.
 */
Query *analyze_on_columns(const Reacher &r, Node *stmt, const RangeVar *rv, const ScriptRel *e)
{
    RangeSubselect *source = rows_of(e, rv->alias ? rv->alias->aliasname : rv->relname);
    SelectStmt *sel = makeNode(SelectStmt);
    CmdType cmd;
    if (IsA(stmt, DeleteStmt)) {
        DeleteStmt *d = castNode(DeleteStmt, stmt);
        sel->fromClause = lcons(source, list_copy(d->usingClause));
        sel->whereClause = d->whereClause;
        sel->withClause = d->withClause;
        cmd = CMD_DELETE;
    } else if (IsA(stmt, UpdateStmt)) {
        UpdateStmt *u = castNode(UpdateStmt, stmt);
        sel->fromClause = lcons(source, list_copy(u->fromClause));
        sel->whereClause = u->whereClause;
        sel->withClause = u->withClause;
        cmd = CMD_UPDATE;
    } else {
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("a MERGE into a table the script creates is not analysed")));
    }
    Query *q = linitial_node(Query, analyze_statement(reinterpret_cast<Node *>(sel), r.st));
    q->commandType = cmd;
    q->resultRelation = 1;
    RangeTblEntry *target = rt_fetch(1, q->rtable);
    target->rtekind = RTE_RELATION;
    target->relid = RelationRelationId; /* a stand-in: only the WHERE classification is read */
    target->relkind = RELKIND_RELATION;
    return q;
}

/* A column reference outside sub-queries (raw tree)? */
bool names_a_column_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    if (IsA(node, ColumnRef))
        return true;
    if (IsA(node, SubLink))
        return false;
    return raw_expression_tree_walker(node, MG_WALKER(names_a_column_walker), context);
}

void note_candidate(AllRows &a, const DmlCandidate *c)
{
    if (c->unevaluated == nullptr && !conditions_hold(c->conditions, nullptr))
        return;
    if (c->rule == Rule::delete_without_where)
        a.deletes = true;
    else
        a.updates = true;
    if (a.unevaluated == nullptr && c->unevaluated != nullptr)
        a.unevaluated = pstrdup(c->unevaluated);
}

/*
 * Does the DML change every row of the created table it names?  Analysed
 * against an existing table hung under it (same columns: an inheritance child
 * or partition) when there is one, else against its columns.
 */
AllRows classify_all_rows(const Reacher &r, Node *stmt, const RangeVar *rv, const ScriptRel *e, Oid stand_in)
{
    AllRows a = {false, false, false, nullptr, NIL, nullptr};
    MemoryContext cxt = CurrentMemoryContext;
    ErrorData *err = attempt([&] {
        if (OidIsValid(stand_in)) {
            Node *copy = copy_node(stmt);
            Node *where;
            bool has_where;
            RangeVar *target = const_cast<RangeVar *>(dml_target(copy, &where, &has_where));
            target->schemaname = get_namespace_name(get_rel_namespace(stand_in));
            target->relname = get_rel_name(stand_in);
            target->catalogname = nullptr;
            if (target->alias == nullptr)
                target->alias = makeAlias(rv->relname, NIL);
            ListCell *lc;
            foreach (lc, analyze_statement(copy, r.st)) {
                Query *q = lfirst_node(Query, lc);
                if (q->commandType == CMD_UTILITY || !query_may_match(q))
                    continue;
                ListCell *cc;
                foreach (cc, dml_candidates(q)) {
                    const DmlCandidate *c = static_cast<const DmlCandidate *>(lfirst(cc));
                    if (c->relid == stand_in)
                        note_candidate(a, c);
                    else if (!relation_is_exempt(c->relid) && (c->unevaluated || conditions_hold(c->conditions, nullptr)))
                        a.others = add_match(a.others, c->rule, relation_identity(c->relid), c->relid);
                }
            }
        } else {
            Query *q = analyze_on_columns(r, stmt, rv, e);
            ListCell *cc;
            foreach (cc, dml_candidates(q)) {
                const DmlCandidate *c = static_cast<const DmlCandidate *>(lfirst(cc));
                if (c->relid == RelationRelationId)
                    note_candidate(a, c);
                else if (!relation_is_exempt(c->relid) && (c->unevaluated || conditions_hold(c->conditions, nullptr)))
                    a.others = add_match(a.others, c->rule, relation_identity(c->relid), c->relid);
            }
        }
        a.analysed = true;
    });
    MemoryContextSwitchTo(cxt);
    if (err != nullptr) {
        a = AllRows{false, false, false, nullptr, NIL, pstrdup(err->message)};
        Node *where;
        bool has_where;
        dml_target(stmt, &where, &has_where);
        bool sources = (IsA(stmt, DeleteStmt) && castNode(DeleteStmt, stmt)->usingClause != NIL) ||
                       (IsA(stmt, UpdateStmt) && castNode(UpdateStmt, stmt)->fromClause != NIL);
        bool plain = IsA(stmt, DeleteStmt) || IsA(stmt, UpdateStmt);
        if (plain && !has_where)
            a = AllRows{true, IsA(stmt, DeleteStmt), IsA(stmt, UpdateStmt), nullptr, NIL, nullptr};
        else if (plain && !sources && names_a_column_walker(where, nullptr))
            /* with no other table to read, a column it names is one of the target's: it restricts the rows */
            a = AllRows{true, false, false, nullptr, NIL, nullptr};
    }
    return a;
}

/* The primary key columns a created table is given where it is created (NIL: unknown or none). */
List *created_primary_key(const ScriptRel *e)
{
    if (e == nullptr || e->definition == nullptr || !IsA(e->definition, CreateStmt))
        return NIL;
    ListCell *lc;
    foreach (lc, castNode(CreateStmt, e->definition)->tableElts) {
        Node *elt = static_cast<Node *>(lfirst(lc));
        if (IsA(elt, ColumnDef)) {
            ColumnDef *col = castNode(ColumnDef, elt);
            if (column_constraint(col, CONSTR_PRIMARY) != nullptr)
                return list_make1(col->colname);
        } else if (IsA(elt, Constraint) && castNode(Constraint, elt)->contype == CONSTR_PRIMARY) {
            return string_names(castNode(Constraint, elt)->keys);
        }
    }
    return NIL;
}

bool lists_overlap(List *a, List *b)
{
    ListCell *x, *y;
    foreach (x, a)
        foreach (y, b)
            if (strcmp(static_cast<char *>(lfirst(x)), static_cast<char *>(lfirst(y))) == 0)
                return true;
    return false;
}

/* The columns an UPDATE (or MERGE ... UPDATE) assigns; *all: not known. */
List *assigned_columns(Node *stmt, bool *all)
{
    *all = false;
    List *cols = NIL;
    List *targets = NIL;
    if (IsA(stmt, UpdateStmt)) {
        targets = castNode(UpdateStmt, stmt)->targetList;
    }
#if MG_HAVE_MERGE
    else if (IsA(stmt, MergeStmt)) {
        ListCell *lc;
        foreach (lc, castNode(MergeStmt, stmt)->mergeWhenClauses) {
            MergeWhenClause *w = lfirst_node(MergeWhenClause, lc);
            if (w->commandType == CMD_UPDATE)
                targets = list_concat(targets, list_copy(w->targetList));
        }
    }
#endif
    else {
        *all = true;
    }
    ListCell *lc;
    foreach (lc, targets) {
        ResTarget *t = lfirst_node(ResTarget, lc);
        if (t->name != nullptr)
            cols = lappend(cols, t->name);
    }
    return cols;
}

const char *action_words(char action, bool on_delete)
{
    const char *what = action == FKCONSTR_ACTION_CASCADE    ? "CASCADE"
                       : action == FKCONSTR_ACTION_SETNULL  ? "SET NULL"
                       : action == FKCONSTR_ACTION_SETDEFAULT ? "SET DEFAULT"
                                                              : "NO ACTION";
    return psprintf("ON %s %s", on_delete ? "DELETE" : "UPDATE", what);
}

struct RowChange {
    int id;         /* created relation whose rows change */
    bool deleted;   /* deleted, else updated */
    List *columns;  /* updated: the columns assigned */
    bool all;       /* updated: any column may change */
};

/*
 * The referential actions PostgreSQL runs when the rows of the created
 * relations in queue are deleted or updated: each existing table whose
 * foreign key has an ON DELETE / ON UPDATE action (CASCADE, SET NULL, SET
 * DEFAULT) is judged like a DELETE or UPDATE without WHERE on it.
 */
void reach_fk_actions(const Reacher &r, List *queue, const char *unevaluated)
{
    List *seen = NIL;
    for (int i = 0; i < list_length(queue) && i < 256; i++) {
        const RowChange *rc = static_cast<const RowChange *>(list_nth(queue, i));
        ScriptRel *parent = created_relation(r.state, rc->id);
        ListCell *lc;
        foreach (lc, hangs_under(r.state, rc->id)) {
            const Hang *h = static_cast<const Hang *>(lfirst(lc));
            if (h->kind != HangKind::foreign_key)
                continue;
            char action = rc->deleted ? h->del_action : h->upd_action;
            if (action != FKCONSTR_ACTION_CASCADE && action != FKCONSTR_ACTION_SETNULL &&
                action != FKCONSTR_ACTION_SETDEFAULT)
                continue;
            if (!rc->deleted && !rc->all) {
                List *key = h->ref_columns ? h->ref_columns : created_primary_key(parent);
                if (key != NIL && !lists_overlap(key, rc->columns))
                    continue; /* the referenced key does not change */
            }
            bool child_deleted = rc->deleted && action == FKCONSTR_ACTION_CASCADE;
            Rule rule = child_deleted ? Rule::delete_without_where : Rule::update_without_where;
            char *route = psprintf("%s %s, so PostgreSQL %s every row of %s that references one: %s", hang_text(h),
                                   action_words(action, rc->deleted), child_deleted ? "deletes" : "overwrites the key of",
                                   h->child_name, kNotExempt);
            if (h->child == 0) {
                if (get_rel_relkind(h->child_relid) == '\0' || relation_is_exempt(h->child_relid))
                    continue;
                note_lock(r.st, h->child_relid, RowExclusiveLock);
                judge_match(r, rule, relation_identity(h->child_relid), h->child_relid, route, false, unevaluated);
                continue;
            }
            ScriptRel *c = created_relation(r.state, h->child);
            if (c == nullptr)
                continue;
            if (!created_in_current_xact(r.state, c))
                judge_match(r, rule, c->name, InvalidOid, route, false, unevaluated);
            int key = h->child * 2 + (child_deleted ? 1 : 0);
            if (list_member_int(seen, key) && child_deleted)
                continue;
            seen = lappend_int(seen, key);
            RowChange *next = static_cast<RowChange *>(palloc(sizeof(RowChange)));
            *next = RowChange{h->child, child_deleted, h->fk_columns, false};
            queue = lappend(queue, next);
            /* the action's statement reaches the partitions of a partitioned table */
            List *created = NIL;
            ListCell *xc;
            foreach (xc, reach_existing(r, h->child, bit(HangKind::partition), &created)) {
                const Reached *x = static_cast<const Reached *>(lfirst(xc));
                note_lock(r.st, x->relid, RowExclusiveLock);
                judge_match(r, rule, relation_identity(x->relid), x->relid, route_of(x->via), false, unevaluated);
            }
        }
    }
}

bool has_fk_actions(const ScriptState *state, List *ids)
{
    ListCell *lc, *hc;
    foreach (lc, ids)
        foreach (hc, hangs_under(state, lfirst_int(lc))) {
            const Hang *h = static_cast<const Hang *>(lfirst(hc));
            if (h->kind == HangKind::foreign_key &&
                ((h->del_action != FKCONSTR_ACTION_NOACTION && h->del_action != FKCONSTR_ACTION_RESTRICT) ||
                 (h->upd_action != FKCONSTR_ACTION_NOACTION && h->upd_action != FKCONSTR_ACTION_RESTRICT)))
                return true;
        }
    return false;
}

void reach_dml(const Reacher &r, Node *stmt)
{
    Node *where;
    bool has_where;
    const RangeVar *rv = dml_target(stmt, &where, &has_where);
    if (rv == nullptr || IsA(stmt, InsertStmt))
        return;
    RelRef ref = resolve_relation(r.state, rv);
    if (ref.state != RelState::created)
        return;
    ScriptRel *e = ref.entry;
    List *created = NIL;
    List *reached = rv->inh ? reach_existing(r, e->id, kChildren, &created) : NIL;
    List *ids = lcons_int(e->id, created);
    bool earlier = false;
    ListCell *lc;
    foreach (lc, ids) {
        ScriptRel *c = created_relation(r.state, lfirst_int(lc));
        earlier = earlier || (c != nullptr && !created_in_current_xact(r.state, c));
    }
    if (reached == NIL && !earlier && !has_fk_actions(r.state, ids))
        return; /* new tables only, and nothing hangs under them: exempt */

    Oid stand_in = reached != NIL ? static_cast<Reached *>(linitial(reached))->relid : InvalidOid;
    AllRows a = classify_all_rows(r, stmt, rv, e, stand_in);
    report_guard(r.st, a.others);
    foreach (lc, reached)
        note_lock(r.st, static_cast<Reached *>(lfirst(lc))->relid, RowExclusiveLock);
    if (!a.analysed) {
        /* the rules it would match if its condition lets every row through */
        const char *rule = IsA(stmt, UpdateStmt) ? "update_without_where" : "delete_without_where";
        foreach (lc, reached) {
            const Reached *x = static_cast<const Reached *>(lfirst(lc));
            add_finding(r.st, rule, Severity::danger,
                        psprintf("the review could not analyse the condition of this statement (%s): if it lets "
                                 "every row through, the guard refuses it as %s on %s (%s)",
                                 a.why, rule, relation_identity(x->relid), route_of(x->via)),
                        "Make the condition name the columns that select the rows.");
        }
        if (reached == NIL)
            add_finding(r.st, rule, Severity::danger,
                        psprintf("the review could not analyse the condition of this statement (%s): if it lets "
                                 "every row through, the guard judges what it reaches in existing tables (%s)",
                                 a.why, e->name),
                        "Make the condition name the columns that select the rows.");
        return;
    }
    for (int pass = 0; pass < 2; pass++) {
        bool deletes = pass == 0;
        if (deletes ? !a.deletes : !a.updates)
            continue;
        Rule rule = deletes ? Rule::delete_without_where : Rule::update_without_where;
        foreach (lc, reached) {
            const Reached *x = static_cast<const Reached *>(lfirst(lc));
            judge_match(r, rule, relation_identity(x->relid), x->relid, route_of(x->via), false, a.unevaluated);
        }
        foreach (lc, ids) {
            ScriptRel *c = created_relation(r.state, lfirst_int(lc));
            if (c != nullptr && !created_in_current_xact(r.state, c))
                judge_match(r, rule, c->name, InvalidOid, route_earlier(c), false, a.unevaluated);
        }
        bool all = false;
        List *cols = deletes ? NIL : assigned_columns(stmt, &all);
        List *queue = NIL;
        foreach (lc, ids) {
            RowChange *rc = static_cast<RowChange *>(palloc(sizeof(RowChange)));
            *rc = RowChange{lfirst_int(lc), deletes, cols, all};
            queue = lappend(queue, rc);
        }
        reach_fk_actions(r, queue, a.unevaluated);
    }
}

/* ---- ALTER TABLE / ALTER TYPE ---- */

void reach_alter(const Reacher &r, AlterTableStmt *at)
{
    RelRef ref = resolve_relation(r.state, at->relation);
    if (ref.state != RelState::created)
        return;
    ScriptRel *e = ref.entry;
    bool is_type = at->objtype == OBJECT_TYPE;
    ListCell *lc;
    foreach (lc, at->cmds) {
        AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
        bool cascade = cmd->behavior == DROP_CASCADE;
        ListCell *xc;
        if (cmd->subtype == AT_DropColumn) {
            if (is_type) {
                if (!cascade)
                    continue; /* it fails while a table is typed by it */
                foreach (xc, reach_existing(r, e->id, bit(HangKind::typed), nullptr)) {
                    const Reached *x = static_cast<const Reached *>(lfirst(xc));
                    note_lock(r.st, x->relid, AccessExclusiveLock);
                    judge_built(r, alter_of(x->relid, false, cmd), route_of(x->via));
                }
                continue;
            }
            if (!created_in_current_xact(r.state, e))
                judge_match(r, Rule::drop_column, psprintf("%s.%s", e->name, quote_identifier(cmd->name)), InvalidOid,
                            route_earlier(e), cascade);
            /* partitions lose the column with their parent (inheritance children keep theirs) */
            foreach (xc, reach_existing(r, e->id, bit(HangKind::partition), nullptr)) {
                const Reached *x = static_cast<const Reached *>(lfirst(xc));
                note_lock(r.st, x->relid, AccessExclusiveLock);
                judge_built(r, alter_of(x->relid, false, cmd), route_of(x->via));
            }
            foreach (xc, hangs_under(r.state, e->id)) {
                const Hang *h = static_cast<const Hang *>(lfirst(xc));
                if (h->child != 0 || get_rel_relkind(h->child_relid) == '\0')
                    continue;
                if (h->kind == HangKind::owned_by && strcmp(h->column, cmd->name) == 0) {
                    note_lock(r.st, h->child_relid, AccessExclusiveLock);
                    judge_built(r, drop_of(h->child_relid, cascade), route_of(h));
                } else if (h->kind == HangKind::foreign_key && cascade && !relation_is_exempt(h->child_relid)) {
                    List *key = h->ref_columns ? h->ref_columns : created_primary_key(e);
                    if (key == NIL || lists_overlap(key, list_make1(cmd->name))) {
                        note_lock(r.st, h->child_relid, AccessExclusiveLock);
                        judge_match(r, Rule::drop_cascade,
                                    psprintf("constraint %s on %s", quote_identifier(h->constraint),
                                             relation_identity(h->child_relid)),
                                    h->child_relid, route_of(h));
                    }
                }
            }
        } else if (cmd->subtype == AT_AlterColumnType) {
            List *reached;
            if (is_type)
                reached = cascade ? reach_existing(r, e->id, bit(HangKind::typed), nullptr) : NIL;
            else
                reached = at->relation->inh ? reach_existing(r, e->id, kChildren, nullptr) : NIL;
            foreach (xc, reached) {
                const Reached *x = static_cast<const Reached *>(lfirst(xc));
                note_lock(r.st, x->relid, AccessExclusiveLock);
                judge_built(r, alter_of(x->relid, true, cmd), route_of(x->via));
                if (get_attnum(x->relid, cmd->name) == InvalidAttrNumber)
                    continue;
                RewriteDecision d = type_change_rewrite(x->relid, cmd, r.state);
                if (d.rewrite == Rewrite::yes)
                    report_rewrite(r.st, target_of_relid(x->relid), AccessExclusiveLock,
                                   psprintf("ALTER COLUMN %s TYPE through %s", quote_identifier(cmd->name), e->name),
                                   d.why,
                                   "Expand and contract instead: add a new column of the new type, backfill it in "
                                   "batches, switch the readers, then drop the old column.");
            }
        }
    }
}

} // namespace

void review_reach(Statement *st, ScriptState *state)
{
    /* nothing created by the script yet: nothing to reach */
    if (state->next_id == 0 && state->created_schemas == NIL)
        return;
    Reacher r = {st, state};
    Node *stmt = st->stmt;
    switch (nodeTag(stmt)) {
    case T_DropStmt:
        reach_drop(r, castNode(DropStmt, stmt));
        break;
    case T_TruncateStmt:
        reach_truncate(r, castNode(TruncateStmt, stmt));
        break;
    case T_AlterTableStmt:
        reach_alter(r, castNode(AlterTableStmt, stmt));
        break;
    default:
        if (Node *dml = statement_dml(st, state))
            reach_dml(r, dml);
        break;
    }
}

} // namespace mg::review
