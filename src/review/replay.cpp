/* replay.cpp — see replay.h. */
#include "common/bridge.h"
#include "review/hangs.h"
#include "review/replay.h"
#include "review/script_code.h"

extern "C" {
#include "nodes/makefuncs.h"
}

namespace mg::review {
namespace {

void make_hkey(const char *nsp, const char *rel, char *out)
{
    size_t n = strnlen(nsp ? nsp : "", NAMEDATALEN - 1);
    size_t r = strnlen(rel ? rel : "", NAMEDATALEN - 1);
    memcpy(out, nsp ? nsp : "", n);
    out[n] = '\x1f';
    memcpy(out + n + 1, rel ? rel : "", r);
    out[n + 1 + r] = '\0';
}

ScriptRel *lookup(ScriptState *state, const char *nsp, const char *rel)
{
    char k[2 * NAMEDATALEN + 2];
    make_hkey(nsp, rel, k);
    return static_cast<ScriptRel *>(hash_search(state->rels, k, HASH_FIND, nullptr));
}

ScriptRel *enter(ScriptState *state, const char *nsp, const char *rel)
{
    state->memo_count = 0;
    char k[2 * NAMEDATALEN + 2];
    make_hkey(nsp, rel, k);
    bool found;
    ScriptRel *e = static_cast<ScriptRel *>(hash_search(state->rels, k, HASH_ENTER, &found));
    if (!found) {
        memset(&e->key, 0, sizeof e->key);
        strlcpy(e->key.nsp, nsp ? nsp : "", NAMEDATALEN);
        strlcpy(e->key.rel, rel ? rel : "", NAMEDATALEN);
        e->existing = InvalidOid;
        e->dropped = false;
        e->relkind = RELKIND_RELATION;
        e->created_stmt = 0;
        e->created_xact = 0;
        e->id = 0;
        e->definition = nullptr;
        e->name = nullptr;
    }
    return e;
}

/* A schema's OID (InvalidOid: none), looked up once per review. */
Oid namespace_oid(ScriptState *state, const char *nsp)
{
    ListCell *nc, *oc;
    forboth (nc, state->nsp_names, oc, state->nsp_oids)
        if (strcmp(static_cast<char *>(lfirst(nc)), nsp) == 0)
            return lfirst_oid(oc);
    Oid oid = strcmp(nsp, "pg_temp") == 0 ? LookupExplicitNamespace("pg_temp", true) : get_namespace_oid(nsp, true);
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    state->nsp_names = lappend(state->nsp_names, pstrdup(nsp));
    state->nsp_oids = lappend_oid(state->nsp_oids, oid);
    MemoryContextSwitchTo(old);
    return oid;
}

char *namespace_name_for_key(Oid nspoid)
{
    if (isTempNamespace(nspoid))
        return pstrdup("pg_temp");
    return get_namespace_name(nspoid);
}

RelRef missing_ref(const char *nsp, const char *rel)
{
    RelRef r = {RelState::missing, InvalidOid, '\0', nullptr, nullptr};
    r.name = nsp ? quote_qualified_identifier(nsp, rel) : pstrdup(quote_identifier(rel));
    return r;
}

struct IdEntry {
    int id;
    ScriptRel *rel;
};

void index_id(ScriptState *state, ScriptRel *e)
{
    bool found;
    IdEntry *x = static_cast<IdEntry *>(hash_search(state->by_id, &e->id, HASH_ENTER, &found));
    x->rel = e;
}

struct RelInfo {
    Oid relid;
    char relkind;
    char *name;
};

RelRef existing_ref(ScriptState *state, Oid relid)
{
    bool found;
    RelInfo *info = static_cast<RelInfo *>(hash_search(state->relinfo, &relid, HASH_ENTER, &found));
    if (!found) {
        info->relkind = get_rel_relkind(relid);
        info->name = MemoryContextStrdup(keep_context(), qualified_name(relid));
    }
    RelRef r = {RelState::existing, relid, info->relkind, info->name, nullptr};
    return r;
}

RelRef created_ref(ScriptRel *e)
{
    if (e->name == nullptr)
        e->name = MemoryContextStrdup(keep_context(), quote_qualified_identifier(e->key.nsp, e->key.rel));
    RelRef r = {RelState::created, InvalidOid, e->relkind, e->name, e};
    return r;
}

/* Resolve rel in schema nsp: the script's changes first, then the catalog. *dropped: the script dropped it there. */
bool resolve_in(ScriptState *state, const char *nsp, const char *rel, RelRef *out, bool *dropped)
{
    *dropped = false;
    if (ScriptRel *e = lookup(state, nsp, rel)) {
        if (e->dropped) {
            *dropped = true;
            return false;
        }
        if (OidIsValid(e->existing)) {
            /* an existing relation this script renames or moves: name it both ways */
            *out = existing_ref(state, e->existing);
            char *now = quote_qualified_identifier(e->key.nsp, e->key.rel);
            if (strcmp(now, out->name) != 0)
                out->name = psprintf("%s (%s until this script renames or moves it)", now, out->name);
        } else {
            *out = created_ref(e);
        }
        out->key_nsp = e->key.nsp;
        out->key_rel = e->key.rel;
        return true;
    }
    Oid nspoid = namespace_oid(state, nsp);
    if (!OidIsValid(nspoid))
        return false;
    Oid relid = get_relname_relid(rel, nspoid);
    if (!OidIsValid(relid))
        return false;
    *out = existing_ref(state, relid);
    out->key_nsp = nsp;
    out->key_rel = rel;
    return true;
}

bool list_has_name(List *names, const char *name)
{
    ListCell *lc;
    foreach (lc, names)
        if (strcmp(static_cast<char *>(lfirst(lc)), name) == 0)
            return true;
    return false;
}

/* Where an unqualified CREATE puts its object: the first schema of the path that exists. */
const char *creation_schema(ScriptState *state)
{
    ListCell *lc;
    foreach (lc, state->path) {
        const char *nsp = static_cast<char *>(lfirst(lc));
        if (strcmp(nsp, "pg_temp") != 0 &&
            (OidIsValid(get_namespace_oid(nsp, true)) || list_has_name(state->created_schemas, nsp)))
            return nsp;
    }
    return "public";
}

const char *schema_of_new(ScriptState *state, const RangeVar *rv)
{
    if (rv->schemaname)
        return rv->schemaname;
    if (rv->relpersistence == RELPERSISTENCE_TEMP)
        return "pg_temp";
    return creation_schema(state);
}

void record_created(ScriptState *state, Statement *st, const RangeVar *rv, char relkind, bool if_not_exists)
{
    if (if_not_exists && resolve_relation(state, rv).state != RelState::missing)
        return; /* the statement does nothing */
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    ScriptRel *e = enter(state, schema_of_new(state, rv), rv->relname);
    e->existing = InvalidOid;
    e->dropped = false;
    e->relkind = relkind;
    e->created_stmt = st->number;
    e->created_xact = state->xact;
    e->id = ++state->next_id;
    e->definition = st->stmt;
    e->name = nullptr;
    index_id(state, e);
    MemoryContextSwitchTo(old);
}

void record_dropped(ScriptState *state, const RelRef &ref)
{
    state->memo_count = 0;
    if (ref.state == RelState::created) {
        ref.entry->dropped = true;
    } else if (ref.state == RelState::existing) {
        MemoryContext old = MemoryContextSwitchTo(keep_context());
        /* the name it answers to now (after the script's earlier renames and moves), else its catalog name */
        ScriptRel *e = ref.key_rel != nullptr
                           ? enter(state, ref.key_nsp, ref.key_rel)
                           : enter(state, namespace_name_for_key(get_rel_namespace(ref.relid)), get_rel_name(ref.relid));
        e->existing = ref.relid;
        e->dropped = true;
        state->renamed = true; /* an unqualified name may now mean a relation further down the path */
        MemoryContextSwitchTo(old);
    }
}

/*
 * Temporary relations the script created that PostgreSQL drops on its own:
 * every one (DISCARD TEMP / ALL), those created ON COMMIT DROP (their
 * transaction ended), those a rolled-back block created.  Their names then
 * mean the permanent relations again.
 */
void forget_temporary(ScriptState *state, bool on_commit_drop_only, bool rolled_back = false)
{
    HASH_SEQ_STATUS seq;
    hash_seq_init(&seq, state->rels);
    while (ScriptRel *e = static_cast<ScriptRel *>(hash_seq_search(&seq))) {
        if (OidIsValid(e->existing) || e->dropped || strcmp(e->key.nsp, "pg_temp") != 0)
            continue;
        const Node *def = e->definition;
        const IntoClause *into = def == nullptr                  ? nullptr
                                 : IsA(def, CreateTableAsStmt) ? castNode(CreateTableAsStmt, def)->into
                                 : IsA(def, SelectStmt)        ? castNode(SelectStmt, def)->intoClause
                                                               : nullptr;
        OnCommitAction action = def != nullptr && IsA(def, CreateStmt) ? castNode(CreateStmt, def)->oncommit
                                : into != nullptr                      ? into->onCommit
                                                                       : ONCOMMIT_NOOP;
        /* a rolled-back block takes the temporary tables it created with it */
        if (on_commit_drop_only && action != ONCOMMIT_DROP && !(rolled_back && e->created_xact == state->xact))
            continue;
        e->dropped = true;
        state->renamed = true;
    }
    state->memo_count = 0;
}

/* The relation now answers to (nsp, rel). */
void record_moved(ScriptState *state, const RelRef &ref, const char *nsp, const char *rel)
{
    if (ref.state == RelState::missing)
        return;
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    ScriptRel moved;
    if (ref.state == RelState::created)
        moved = *ref.entry;
    record_dropped(state, ref);
    const char *to_nsp = nsp                              ? nsp
                         : ref.state == RelState::created ? moved.key.nsp
                         : ref.key_nsp != nullptr         ? ref.key_nsp
                                                          : namespace_name_for_key(get_rel_namespace(ref.relid));
    ScriptRel *e = enter(state, to_nsp, rel);
    if (ref.state == RelState::created) {
        e->existing = InvalidOid;
        e->relkind = moved.relkind;
        e->created_stmt = moved.created_stmt;
        e->created_xact = moved.created_xact;
        e->id = moved.id;
        e->definition = moved.definition;
        e->name = nullptr;
        index_id(state, e);
    } else {
        e->existing = ref.relid;
        state->renamed = true;
    }
    e->dropped = false;
    MemoryContextSwitchTo(old);
}

/* RENAME COLUMN of an existing table: later statements name the column by its new name. */
void record_column_renamed(ScriptState *state, const RelRef &ref, const char *from, const char *to)
{
    if (ref.state != RelState::existing || to == nullptr)
        return;
    const char *live = live_column_name(state, ref.relid, from);
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    ListCell *lc;
    foreach (lc, state->renamed_columns) {
        RenamedColumn *r = static_cast<RenamedColumn *>(lfirst(lc));
        if (r->relid == ref.relid && strcmp(r->script, from) == 0) {
            r->script = pstrdup(to);
            MemoryContextSwitchTo(old);
            return;
        }
    }
    state->renamed = true;
    RenamedColumn *r = static_cast<RenamedColumn *>(palloc(sizeof(RenamedColumn)));
    r->relid = ref.relid;
    r->live = pstrdup(live);
    r->script = pstrdup(to);
    state->renamed_columns = lappend(state->renamed_columns, r);
    MemoryContextSwitchTo(old);
}

bool is_relation_type(ObjectType t)
{
    switch (t) {
    case OBJECT_TABLE:
    case OBJECT_VIEW:
    case OBJECT_MATVIEW:
    case OBJECT_INDEX:
    case OBJECT_SEQUENCE:
    case OBJECT_FOREIGN_TABLE:
        return true;
    default:
        return false;
    }
}

List *index_columns(List *index_params)
{
    List *cols = NIL;
    ListCell *lc;
    foreach (lc, index_params) {
        IndexElem *e = lfirst_node(IndexElem, lc);
        cols = lappend(cols, e->name ? pstrdup(e->name) : nullptr);
    }
    return cols;
}

List *key_columns(List *keys)
{
    List *cols = NIL;
    ListCell *lc;
    foreach (lc, keys)
        cols = lappend(cols, pstrdup(strVal(lfirst(lc))));
    return cols;
}

void plan_index(ScriptState *state, const RangeVar *rv, List *columns, int stmt)
{
    PlannedIndex *p = static_cast<PlannedIndex *>(palloc(sizeof(PlannedIndex)));
    p->schema = rv->schemaname ? pstrdup(rv->schemaname) : nullptr;
    p->table = pstrdup(rv->relname);
    p->columns = columns;
    p->stmt = stmt;
    state->planned_indexes = lappend(state->planned_indexes, p);
}

void plan_constraint_indexes(ScriptState *state, const RangeVar *rv, Node *elt, int stmt)
{
    if (IsA(elt, ColumnDef)) {
        ColumnDef *col = castNode(ColumnDef, elt);
        ListCell *lc;
        foreach (lc, col->constraints) {
            Constraint *c = lfirst_node(Constraint, lc);
            if (c->contype == CONSTR_PRIMARY || c->contype == CONSTR_UNIQUE)
                plan_index(state, rv, list_make1(pstrdup(col->colname)), stmt);
        }
    } else if (IsA(elt, Constraint)) {
        Constraint *c = castNode(Constraint, elt);
        if ((c->contype == CONSTR_PRIMARY || c->contype == CONSTR_UNIQUE) && c->keys != NIL)
            plan_index(state, rv, key_columns(c->keys), stmt);
    }
}

/* First pass: every index the script creates, wherever it comes in the script. */
void collect_planned_indexes(ScriptState *state, List *raw_stmts)
{
    int n = 0;
    ListCell *lc;
    foreach (lc, raw_stmts) {
        Node *stmt = lfirst_node(RawStmt, lc)->stmt;
        n++;
        if (IsA(stmt, IndexStmt)) {
            IndexStmt *is = castNode(IndexStmt, stmt);
            plan_index(state, is->relation, index_columns(is->indexParams), n);
        } else if (IsA(stmt, CreateStmt)) {
            CreateStmt *cs = castNode(CreateStmt, stmt);
            ListCell *ec;
            foreach (ec, cs->tableElts)
                plan_constraint_indexes(state, cs->relation, static_cast<Node *>(lfirst(ec)), n);
        } else if (IsA(stmt, AlterTableStmt)) {
            AlterTableStmt *at = castNode(AlterTableStmt, stmt);
            ListCell *cc;
            foreach (cc, at->cmds) {
                AlterTableCmd *cmd = lfirst_node(AlterTableCmd, cc);
                if ((cmd->subtype == AT_AddConstraint || cmd->subtype == AT_AddColumn) && cmd->def != nullptr)
                    plan_constraint_indexes(state, at->relation, cmd->def, n);
            }
        }
    }
}

List *current_path()
{
    List *names = NIL;
    ListCell *lc;
    foreach (lc, fetch_search_path(false)) {
        Oid nsp = lfirst_oid(lc);
        char *name = namespace_name_for_key(nsp);
        if (name != nullptr)
            names = lappend(names, name);
    }
    return names;
}

void replay_alter_table(ScriptState *state, AlterTableStmt *at)
{
    RelRef t = resolve_relation(state, at->relation);
    if (t.state != RelState::existing)
        return;
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    ListCell *lc;
    foreach (lc, at->cmds) {
        AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
        if (cmd->subtype == AT_AddColumn && cmd->def != nullptr && IsA(cmd->def, ColumnDef)) {
            ColumnDef *col = castNode(ColumnDef, cmd->def);
            AddedColumn *a = static_cast<AddedColumn *>(palloc(sizeof(AddedColumn)));
            a->relid = t.relid;
            a->name = pstrdup(col->colname);
            a->type = col->typeName;
            state->added_columns = lappend(state->added_columns, a);
        } else if (cmd->subtype == AT_AddConstraint && cmd->def != nullptr && IsA(cmd->def, Constraint)) {
            Constraint *c = castNode(Constraint, cmd->def);
            if (c->contype != CONSTR_CHECK)
                continue;
            ScriptCheck *k = static_cast<ScriptCheck *>(palloc(sizeof(ScriptCheck)));
            k->relid = t.relid;
            k->name = c->conname ? pstrdup(c->conname) : nullptr;
            k->raw_expr = c->raw_expr;
            k->validated = !c->skip_validation;
            state->checks = lappend(state->checks, k);
        } else if (cmd->subtype == AT_ValidateConstraint && cmd->name != nullptr) {
            ListCell *kc;
            foreach (kc, state->checks) {
                ScriptCheck *k = static_cast<ScriptCheck *>(lfirst(kc));
                if (k->relid == t.relid && k->name && strcmp(k->name, cmd->name) == 0)
                    k->validated = true;
            }
        }
    }
    MemoryContextSwitchTo(old);
}

void replay_schema(ScriptState *state, Statement *st, CreateSchemaStmt *cs)
{
    const char *name = cs->schemaname;
    if (name == nullptr && cs->authrole != nullptr)
        name = get_rolespec_name(cs->authrole);
    if (name == nullptr)
        return;
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    state->created_schemas = lappend(state->created_schemas, pstrdup(name));
    MemoryContextSwitchTo(old);
    ListCell *lc;
    foreach (lc, cs->schemaElts) {
        Node *elt = static_cast<Node *>(lfirst(lc));
        RangeVar *rv = nullptr;
        char kind = RELKIND_RELATION;
        if (IsA(elt, CreateStmt)) {
            rv = castNode(CreateStmt, elt)->relation;
        } else if (IsA(elt, ViewStmt)) {
            rv = castNode(ViewStmt, elt)->view;
            kind = RELKIND_VIEW;
        } else if (IsA(elt, CreateSeqStmt)) {
            rv = castNode(CreateSeqStmt, elt)->sequence;
            kind = RELKIND_SEQUENCE;
        }
        if (rv == nullptr)
            continue;
        RangeVar *in_schema = makeRangeVar(pstrdup(name), rv->relname, -1);
        record_created(state, st, in_schema, kind, false);
    }
}

} // namespace

ScriptState *script_state_create(List *raw_stmts)
{
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    ScriptState *state = static_cast<ScriptState *>(palloc0(sizeof(ScriptState)));
    HASHCTL ctl;
    memset(&ctl, 0, sizeof ctl);
    ctl.keysize = 2 * NAMEDATALEN + 2;
    ctl.entrysize = sizeof(ScriptRel);
    ctl.hcxt = keep_context();
    state->rels = hash_create("migrate_guard review relations", 256, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
    HASHCTL ictl;
    memset(&ictl, 0, sizeof ictl);
    ictl.keysize = sizeof(Oid);
    ictl.entrysize = sizeof(RelInfo);
    ictl.hcxt = keep_context();
    state->relinfo = hash_create("migrate_guard review relation names", 256, &ictl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    HASHCTL bctl;
    memset(&bctl, 0, sizeof bctl);
    bctl.keysize = sizeof(int);
    bctl.entrysize = sizeof(IdEntry);
    bctl.hcxt = keep_context();
    state->by_id = hash_create("migrate_guard review created relations", 256, &bctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    state->path = current_path();
    state->session_path = state->path;
    collect_planned_indexes(state, raw_stmts);
    timeouts_init(state);
    MemoryContextSwitchTo(old);
    return state;
}

RelRef resolve_uncached(ScriptState *state, const RangeVar *rv);

RelRef resolve_relation(ScriptState *state, const RangeVar *rv)
{
    for (int i = 0; i < state->memo_count; i++)
        if (state->memo_keys[i] == rv)
            return state->memo_refs[i];
    RelRef out = resolve_uncached(state, rv);
    if (state->memo_count < 16) {
        MemoryContext old = MemoryContextSwitchTo(keep_context());
        out.name = pstrdup(out.name);
        if (out.key_nsp != nullptr)
            out.key_nsp = pstrdup(out.key_nsp);
        if (out.key_rel != nullptr)
            out.key_rel = pstrdup(out.key_rel);
        MemoryContextSwitchTo(old);
        state->memo_keys[state->memo_count] = rv;
        state->memo_refs[state->memo_count] = out;
        state->memo_count++;
    }
    return out;
}

RelRef resolve_uncached(ScriptState *state, const RangeVar *rv)
{
    bool dropped;
    RelRef out;
    if (rv->catalogname != nullptr && strcmp(rv->catalogname, get_database_name(MyDatabaseId)) != 0)
        return missing_ref(rv->schemaname, rv->relname);
    if (rv->schemaname != nullptr) {
        if (resolve_in(state, rv->schemaname, rv->relname, &out, &dropped))
            return out;
        return missing_ref(rv->schemaname, rv->relname);
    }
    /* temporary schema first, then pg_catalog, unless the path places them */
    if (!list_has_name(state->path, "pg_temp") && resolve_in(state, "pg_temp", rv->relname, &out, &dropped))
        return out;
    if (!list_has_name(state->path, "pg_catalog") && resolve_in(state, "pg_catalog", rv->relname, &out, &dropped))
        return out;
    ListCell *lc;
    foreach (lc, state->path)
        if (resolve_in(state, static_cast<char *>(lfirst(lc)), rv->relname, &out, &dropped))
            return out;
    return missing_ref(nullptr, rv->relname);
}

const char *new_relation_schema(ScriptState *state, const RangeVar *rv)
{
    return schema_of_new(state, rv);
}

char *new_relation_name(ScriptState *state, const RangeVar *rv)
{
    return quote_qualified_identifier(schema_of_new(state, rv), rv->relname);
}

RelRef resolve_name_list(ScriptState *state, List *names)
{
    return resolve_relation(state, makeRangeVarFromNameList(names));
}

void replay_begin_statement(ScriptState *state)
{
    state->memo_count = 0;
    if (!state->in_block)
        state->xact++;
}

const AddedColumn *find_added_column(const ScriptState *state, Oid relid, const char *name)
{
    ListCell *lc;
    foreach (lc, state->added_columns) {
        const AddedColumn *a = static_cast<const AddedColumn *>(lfirst(lc));
        if (a->relid == relid && strcmp(a->name, name) == 0)
            return a;
    }
    return nullptr;
}

const char *live_column_name(const ScriptState *state, Oid relid, const char *name)
{
    ListCell *lc;
    foreach (lc, state->renamed_columns) {
        const RenamedColumn *r = static_cast<const RenamedColumn *>(lfirst(lc));
        if (r->relid == relid && strcmp(r->script, name) == 0)
            return r->live;
    }
    return name;
}

bool table_has_added_columns(const ScriptState *state, Oid relid)
{
    ListCell *lc;
    foreach (lc, state->added_columns)
        if (static_cast<const AddedColumn *>(lfirst(lc))->relid == relid)
            return true;
    return false;
}

bool planned_index_leads_with(const ScriptState *state, const RelRef &table, const RangeVar *rv, List *columns)
{
    const char *real_name = table.state == RelState::existing ? get_rel_name(table.relid) : nullptr;
    int n = list_length(columns);
    ListCell *lc;
    foreach (lc, state->planned_indexes) {
        const PlannedIndex *p = static_cast<const PlannedIndex *>(lfirst(lc));
        bool same_table = strcmp(p->table, rv->relname) == 0 || (real_name && strcmp(p->table, real_name) == 0);
        if (!same_table || (p->schema && rv->schemaname && strcmp(p->schema, rv->schemaname) != 0))
            continue;
        if (list_length(p->columns) < n)
            continue;
        bool all = true;
        for (int i = 0; i < n && all; i++) {
            const char *col = static_cast<const char *>(list_nth(p->columns, i));
            bool found = false;
            ListCell *cc;
            foreach (cc, columns)
                if (col != nullptr && strcmp(col, static_cast<char *>(lfirst(cc))) == 0)
                    found = true;
            all = found;
        }
        if (all)
            return true;
    }
    return false;
}

void replay_effects(ScriptState *state, Statement *st);

ScriptRel *created_relation(ScriptState *state, int id)
{
    if (id == 0)
        return nullptr;
    IdEntry *x = static_cast<IdEntry *>(hash_search(state->by_id, &id, HASH_FIND, nullptr));
    ScriptRel *e = x ? x->rel : nullptr;
    if (e == nullptr || e->dropped || e->id != id || OidIsValid(e->existing))
        return nullptr;
    if (e->name == nullptr)
        e->name = MemoryContextStrdup(keep_context(), quote_qualified_identifier(e->key.nsp, e->key.rel));
    return e;
}

bool created_in_current_xact(const ScriptState *state, const ScriptRel *e)
{
    /* the guard never judges a temporary relation: as exempt as a new one, whatever the transaction */
    return e->created_xact == state->xact || strcmp(e->key.nsp, "pg_temp") == 0;
}

void replay_statement(ScriptState *state, Statement *st)
{
    state->memo_count = 0;
    Node *stmt = st->stmt;
    /* links are made once the objects they join exist, and undone while their names still resolve */
    bool links_after = IsA(stmt, CreateStmt) || IsA(stmt, CreateSeqStmt);
    if (!links_after)
        replay_hangs(state, st);
    replay_effects(state, st);
    state->memo_count = 0;
    if (links_after)
        replay_hangs(state, st);
    replay_script_code(state, st);
}

void replay_effects(ScriptState *state, Statement *st)
{
    Node *stmt = st->stmt;
    switch (nodeTag(stmt)) {
    case T_CreateStmt: {
        CreateStmt *cs = castNode(CreateStmt, stmt);
        record_created(state, st, cs->relation, cs->partspec ? RELKIND_PARTITIONED_TABLE : RELKIND_RELATION,
                       cs->if_not_exists);
        if (cs->oncommit == ONCOMMIT_DROP && !state->in_block)
            forget_temporary(state, true); /* its own transaction ended with the statement */
        break;
    }
    case T_CreateForeignTableStmt: {
        CreateStmt *cs = &castNode(CreateForeignTableStmt, stmt)->base;
        record_created(state, st, cs->relation, RELKIND_FOREIGN_TABLE, cs->if_not_exists);
        break;
    }
    case T_CreateTableAsStmt: {
        CreateTableAsStmt *ct = castNode(CreateTableAsStmt, stmt);
        record_created(state, st, ct->into->rel, ct->objtype == OBJECT_MATVIEW ? RELKIND_MATVIEW : RELKIND_RELATION,
                       ct->if_not_exists);
        if (ct->into->onCommit == ONCOMMIT_DROP && !state->in_block)
            forget_temporary(state, true);
        break;
    }
    case T_SelectStmt: {
        SelectStmt *sel = castNode(SelectStmt, stmt);
        if (sel->intoClause != nullptr) {
            record_created(state, st, sel->intoClause->rel, RELKIND_RELATION, false);
            if (sel->intoClause->onCommit == ONCOMMIT_DROP && !state->in_block)
                forget_temporary(state, true);
        }
        replay_set_config_calls(state, stmt, st);
        break;
    }
    case T_ViewStmt: {
        ViewStmt *vs = castNode(ViewStmt, stmt);
        record_created(state, st, vs->view, RELKIND_VIEW, vs->replace);
        break;
    }
    case T_CreateSeqStmt: {
        CreateSeqStmt *cs = castNode(CreateSeqStmt, stmt);
        record_created(state, st, cs->sequence, RELKIND_SEQUENCE, cs->if_not_exists);
        break;
    }
    case T_IndexStmt: {
        IndexStmt *is = castNode(IndexStmt, stmt);
        if (is->idxname == nullptr)
            break;
        RelRef table = resolve_relation(state, is->relation);
        const char *nsp = is->relation->schemaname;
        if (nsp == nullptr && table.state == RelState::existing)
            nsp = namespace_name_for_key(get_rel_namespace(table.relid));
        else if (nsp == nullptr && table.state == RelState::created)
            nsp = table.entry->key.nsp;
        RangeVar *rv = makeRangeVar(nsp ? pstrdup(nsp) : nullptr, is->idxname, -1);
        record_created(state, st, rv, RELKIND_INDEX, is->if_not_exists);
        break;
    }
    case T_DropStmt: {
        DropStmt *ds = castNode(DropStmt, stmt);
        ListCell *lc;
        if (ds->removeType == OBJECT_TYPE) {
            /* a composite type is a relation too */
            foreach (lc, ds->objects) {
                RelRef ref = resolve_name_list(state, castNode(TypeName, lfirst(lc))->names);
                if (ref.relkind == RELKIND_COMPOSITE_TYPE)
                    record_dropped(state, ref);
            }
        }
        if (!is_relation_type(ds->removeType))
            break;
        foreach (lc, ds->objects)
            record_dropped(state, resolve_name_list(state, castNode(List, lfirst(lc))));
        break;
    }
    case T_RenameStmt: {
        RenameStmt *rs = castNode(RenameStmt, stmt);
        if (rs->renameType == OBJECT_COLUMN && rs->relation != nullptr && rs->subname != nullptr) {
            record_column_renamed(state, resolve_relation(state, rs->relation), rs->subname, rs->newname);
            break;
        }
        if (!is_relation_type(rs->renameType) || rs->relation == nullptr)
            break;
        record_moved(state, resolve_relation(state, rs->relation), nullptr, rs->newname);
        break;
    }
    case T_AlterObjectSchemaStmt: {
        AlterObjectSchemaStmt *as = castNode(AlterObjectSchemaStmt, stmt);
        if (!is_relation_type(as->objectType) || as->relation == nullptr)
            break;
        record_moved(state, resolve_relation(state, as->relation), as->newschema, as->relation->relname);
        break;
    }
    case T_CompositeTypeStmt:
        record_created(state, st, castNode(CompositeTypeStmt, stmt)->typevar, RELKIND_COMPOSITE_TYPE, false);
        break;
    case T_CreateSchemaStmt:
        replay_schema(state, st, castNode(CreateSchemaStmt, stmt));
        break;
    case T_AlterTableStmt:
        replay_alter_table(state, castNode(AlterTableStmt, stmt));
        break;
    case T_TransactionStmt: {
        TransactionStmt *ts = castNode(TransactionStmt, stmt);
        switch (ts->kind) {
        case TRANS_STMT_BEGIN:
        case TRANS_STMT_START:
            if (!state->in_block) {
                state->in_block = true;
                state->block_line = st->line;
                timeouts_begin(state);
            }
            break;
        case TRANS_STMT_COMMIT:
        case TRANS_STMT_PREPARE:
        case TRANS_STMT_ROLLBACK:
            if (state->in_block) {
                forget_temporary(state, true, ts->kind == TRANS_STMT_ROLLBACK);
                timeouts_end(state, ts->kind != TRANS_STMT_ROLLBACK);
                state->in_block = ts->chain;
                if (ts->chain) {
                    state->block_line = st->line;
                    state->xact++;
                    timeouts_begin(state);
                }
            }
            break;
        case TRANS_STMT_SAVEPOINT:
        case TRANS_STMT_RELEASE:
        case TRANS_STMT_ROLLBACK_TO:
            timeouts_savepoint(state, ts->kind, ts->savepoint_name);
            break;
        default:
            break;
        }
        break;
    }
    case T_DiscardStmt: {
        DiscardMode target = castNode(DiscardStmt, stmt)->target;
        /* inside a block PostgreSQL refuses DISCARD ALL */
        if (target == DISCARD_ALL && !state->in_block)
            timeouts_reset_all(state);
        if (target == DISCARD_TEMP || (target == DISCARD_ALL && !state->in_block))
            forget_temporary(state, false);
        break;
    }
    case T_VariableSetStmt:
        replay_set(state, castNode(VariableSetStmt, stmt), st);
        break;
    case T_PrepareStmt: {
        PrepareStmt *ps = castNode(PrepareStmt, stmt);
        MemoryContext old = MemoryContextSwitchTo(keep_context());
        Prepared *p = static_cast<Prepared *>(palloc(sizeof(Prepared)));
        p->name = pstrdup(ps->name);
        p->query = ps->query;
        p->argtypes = ps->argtypes;
        state->prepared = lcons(p, state->prepared);
        MemoryContextSwitchTo(old);
        break;
    }
    default:
        break;
    }
}

const Prepared *find_prepared(const ScriptState *state, const char *name)
{
    ListCell *lc;
    foreach (lc, state->prepared) { /* newest first */
        const Prepared *p = static_cast<const Prepared *>(lfirst(lc));
        if (strcmp(p->name, name) == 0)
            return p;
    }
    return nullptr;
}

} // namespace mg::review
