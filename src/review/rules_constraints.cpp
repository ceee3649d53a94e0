/*
 * rules_constraints.cpp — constraints added to (or validated on) a table.
 *
 *   validating_constraint  FOREIGN KEY or CHECK added without NOT VALID to an
 *                          existing, non-empty table: every row is checked
 *                          under the statement's lock
 *   unique_scan            UNIQUE / PRIMARY KEY / EXCLUDE built under the
 *                          table's lock instead of USING INDEX
 *   set_not_null_scan      SET NOT NULL (and PRIMARY KEY on a nullable column)
 *                          with no validated CHECK (col IS NOT NULL) that lets
 *                          PostgreSQL skip the scan — the same implication
 *                          test PostgreSQL makes (predicate_implied_by over
 *                          the validated CHECK constraints)
 *   fk_without_index       a foreign key whose columns no index leads with (in
 *                          the catalog or created anywhere in the script)
 */
#include "common/bridge.h"
#include "review/locks.h"
#include "review/probes.h"
#include "review/rewrite.h"
#include "review/rules.h"
#include "review/sql_text.h"
#include "review/subxact.h"

extern "C" {
#include "access/relation.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "commands/defrem.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "parser/parse_collate.h"
#include "parser/parse_expr.h"
#include "utils/array.h"
}

namespace mg::review {
namespace {

char *joined(List *cols, const char *sep)
{
    StringInfoData buf;
    initStringInfo(&buf);
    ListCell *lc;
    foreach (lc, cols)
        appendStringInfo(&buf, "%s%s", buf.len ? sep : "", static_cast<char *>(lfirst(lc)));
    return buf.data;
}

const char *relname_of(const ConstraintSite &site)
{
    return target_exists(site.table) ? get_rel_name(site.table.ref.relid) : site.rv->relname;
}

/* The name PostgreSQL would give an unnamed constraint (or index). */
char *choose_name(const ConstraintSite &site, const char *name2, const char *label, bool index = false)
{
    if (!target_exists(site.table))
        return psprintf("%s_%s_%s", site.rv->relname, name2 ? name2 : "", label);
    Oid nsp = get_rel_namespace(site.table.ref.relid);
    if (index)
        return ChooseRelationName(relname_of(site), name2, label, nsp, false);
    return ChooseConstraintName(relname_of(site), name2, label, nsp, NIL);
}

const char *action_text(char action)
{
    switch (action) {
    case FKCONSTR_ACTION_RESTRICT:
        return "RESTRICT";
    case FKCONSTR_ACTION_CASCADE:
        return "CASCADE";
    case FKCONSTR_ACTION_SETNULL:
        return "SET NULL";
    case FKCONSTR_ACTION_SETDEFAULT:
        return "SET DEFAULT";
    default:
        return nullptr;
    }
}

List *fk_columns(const ConstraintSite &site, Constraint *fk)
{
    if (fk->fk_attrs != NIL)
        return string_names(fk->fk_attrs);
    return site.column ? list_make1(const_cast<char *>(site.column)) : NIL;
}

char *fk_definition(List *cols, Constraint *fk, const char *ref_name)
{
    StringInfoData buf;
    initStringInfo(&buf);
    appendStringInfo(&buf, "FOREIGN KEY (%s) REFERENCES %s", column_list_text(cols), ref_name);
    if (fk->pk_attrs != NIL)
        appendStringInfo(&buf, " (%s)", column_list_text(string_names(fk->pk_attrs)));
    if (const char *a = action_text(fk->fk_upd_action))
        appendStringInfo(&buf, " ON UPDATE %s", a);
    if (const char *a = action_text(fk->fk_del_action))
        appendStringInfo(&buf, " ON DELETE %s", a);
    return buf.data;
}

/* Column names of an int2[] of attnums (conkey, confkey). */
List *attnames_of(Oid relid, Datum int2array)
{
    ArrayType *arr = DatumGetArrayTypeP(int2array);
    Datum *items;
    bool *nulls;
    int n;
    deconstruct_array(arr, INT2OID, 2, true, TYPALIGN_SHORT, &items, &nulls, &n);
    List *out = NIL;
    for (int i = 0; i < n; i++)
        out = lappend(out, get_attname(relid, DatumGetInt16(items[i]), false));
    return out;
}

/* Does a valid, non-partial index of relid lead with exactly these columns (any order)? */
bool catalog_index_leads_with(Oid relid, List *cols)
{
    int n = list_length(cols);
    AttrNumber attnums[INDEX_MAX_KEYS];
    if (n == 0 || n > INDEX_MAX_KEYS)
        return true;
    for (int i = 0; i < n; i++) {
        attnums[i] = get_attnum(relid, static_cast<char *>(list_nth(cols, i)));
        if (attnums[i] == InvalidAttrNumber)
            return false; /* a column the script adds: only a script index can cover it */
    }
    if (!ConditionalLockRelationOid(relid, AccessShareLock))
        return true; /* cannot look now: say nothing */
    Relation rel = relation_open(relid, NoLock);
    List *indexes = RelationGetIndexList(rel);
    relation_close(rel, NoLock);
    ListCell *lc;
    foreach (lc, indexes) {
        HeapTuple tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
        if (!HeapTupleIsValid(tup))
            continue;
        Form_pg_index ix = reinterpret_cast<Form_pg_index>(GETSTRUCT(tup));
        bool usable = ix->indisvalid && ix->indnkeyatts >= n && heap_attisnull(tup, Anum_pg_index_indpred, nullptr);
        for (int i = 0; usable && i < n; i++) {
            bool found = false;
            for (int j = 0; j < n; j++)
                found = found || ix->indkey.values[i] == attnums[j];
            usable = found;
        }
        ReleaseSysCache(tup);
        if (usable)
            return true;
    }
    return false;
}

/*
 * Which validated CHECK constraint proves column attnum IS NOT NULL, as
 * NotNullImpliedByRelConstraints() decides it when SET NOT NULL runs
 * (NULL: none).  The catalog's validated constraints, then those the script
 * adds earlier and validates.  Constant folding only for built-in functions.
 */
char *not_null_proof(Oid relid, AttrNumber attnum, const ScriptState *state)
{
    Relation rel;
    ParseState *pstate = parse_state_for(relid, &rel);
    if (rel == nullptr) {
        parse_state_done(pstate, rel);
        return nullptr;
    }
    Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), attnum - 1);
    NullTest *nt = makeNode(NullTest);
    nt->arg = reinterpret_cast<Expr *>(makeVar(1, attnum, att->atttypid, att->atttypmod, att->attcollation, 0));
    nt->nulltesttype = IS_NOT_NULL;
    nt->argisrow = false;
    nt->location = -1;
    List *goal = list_make1(nt);
    char *proof = nullptr;
    TupleConstr *constr = RelationGetDescr(rel)->constr;
    for (int i = 0; constr != nullptr && i < constr->num_check && proof == nullptr; i++) {
        if (!constr->check[i].ccvalid)
            continue;
        Node *e = static_cast<Node *>(stringToNode(constr->check[i].ccbin));
        if (only_builtin_functions(e))
            e = eval_const_expressions(nullptr, e);
        e = reinterpret_cast<Node *>(canonicalize_qual(reinterpret_cast<Expr *>(e), true));
        if (predicate_implied_by(goal, make_ands_implicit(reinterpret_cast<Expr *>(e)), true))
            proof = psprintf("validated CHECK constraint %s", quote_identifier(constr->check[i].ccname));
    }
    ListCell *lc;
    foreach (lc, state->checks) {
        const ScriptCheck *k = static_cast<const ScriptCheck *>(lfirst(lc));
        if (proof != nullptr || k->relid != relid || !k->validated)
            continue;
        Node *cooked = nullptr;
        attempt([&] { cooked = cook_check_expression(pstate, k->raw_expr); });
        if (cooked != nullptr && predicate_implied_by(goal, make_ands_implicit(reinterpret_cast<Expr *>(cooked)), true))
            proof = psprintf("CHECK constraint %s (added and validated earlier in this script)",
                             k->name ? quote_identifier(k->name) : "(unnamed)");
    }
    parse_state_done(pstate, rel);
    return proof;
}

bool column_ref_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    if (IsA(node, ColumnRef)) {
        Node *last = static_cast<Node *>(llast(castNode(ColumnRef, node)->fields));
        if (IsA(last, String)) {
            List **names = static_cast<List **>(context);
            bool seen = false;
            ListCell *lc;
            foreach (lc, *names)
                seen = seen || strcmp(static_cast<char *>(lfirst(lc)), strVal(last)) == 0;
            if (!seen)
                *names = lappend(*names, strVal(last));
        }
        return false;
    }
    return raw_expression_tree_walker(node, MG_WALKER(column_ref_walker), context);
}

/* The column an unnamed CHECK is named after: its only column, as AddRelationNewConstraints() does. */
const char *check_name_column(const ConstraintSite &site, Constraint *con)
{
    if (site.column != nullptr)
        return site.column;
    List *names = NIL;
    column_ref_walker(con->raw_expr, &names);
    return list_length(names) == 1 ? static_cast<char *>(linitial(names)) : nullptr;
}

/* Does a raw CHECK expression say `column IS NOT NULL` (alone or in an AND)? */
bool raw_says_not_null(Node *expr, const char *column)
{
    if (expr == nullptr)
        return false;
    if (IsA(expr, NullTest)) {
        NullTest *nt = castNode(NullTest, expr);
        if (nt->nulltesttype != IS_NOT_NULL || nt->arg == nullptr || !IsA(nt->arg, ColumnRef))
            return false;
        Node *last = static_cast<Node *>(llast(castNode(ColumnRef, nt->arg)->fields));
        return IsA(last, String) && strcmp(strVal(last), column) == 0;
    }
    if (IsA(expr, BoolExpr) && castNode(BoolExpr, expr)->boolop == AND_EXPR) {
        ListCell *lc;
        foreach (lc, castNode(BoolExpr, expr)->args)
            if (raw_says_not_null(static_cast<Node *>(lfirst(lc)), column))
                return true;
    }
    return false;
}

/*
 * A column the script adds is not in the catalog, so no expression can be
 * cooked against it: a validated CHECK of the script that says `col IS NOT
 * NULL` in so many words is the proof then.
 */
char *script_not_null_proof(Oid relid, const char *column, const ScriptState *state)
{
    ListCell *lc;
    foreach (lc, state->checks) {
        const ScriptCheck *k = static_cast<const ScriptCheck *>(lfirst(lc));
        if (k->relid == relid && k->validated && raw_says_not_null(k->raw_expr, column))
            return psprintf("CHECK constraint %s (added and validated earlier in this script)",
                            k->name ? quote_identifier(k->name) : "(unnamed)");
    }
    return nullptr;
}

void probe_nulls(const ConstraintSite &site, const char *column, const char *what)
{
    ProbeRequest req = {};
    req.kind = ProbeKind::nulls;
    req.relid = site.table.ref.relid;
    req.columns = list_make1(const_cast<char *>(column));
    req.what = const_cast<char *>(what);
    req.include_children = true;
    request_probe(site.st, req);
}

void review_foreign_key(const ConstraintSite &site, Constraint *con)
{
    Statement *st = site.st;
    const Target &t = site.table;
    List *cols = fk_columns(site, con);
    Target ref = target_of(site.state, con->pktable);
    if (ref.ref.state == RelState::missing)
        report_missing(st, ref, false);
    else if (target_exists(ref))
        note_lock(st, ref.ref.relid, kForeignKeyReferencedLock);
    review_fk_index(site, con);
    if (!target_exists(t) || con->skip_validation)
        return; /* a new table has nothing to validate; NOT VALID is the safe form */
    char *name = con->conname ? pstrdup(quote_identifier(con->conname))
                              : pstrdup(quote_identifier(choose_name(site, joined(cols, "_"), "fkey")));
    if (target_is_trivial(t)) {
        add_finding(st, "validating_constraint", Severity::ok,
                    psprintf("FOREIGN KEY %s is validated against %s; %s", name, ref.ref.name, why_ok(t)));
        return;
    }
    add_finding(st, "validating_constraint", Severity::danger,
                psprintf("FOREIGN KEY %s validates every row of %s against %s while holding %s on both: every "
                         "write to either waits until the check ends, for a time that grows with the table",
                         name, target_text(t), ref.ref.name, a_lock(kForeignKeyReferencedLock)),
                psprintf("ALTER TABLE %s ADD CONSTRAINT %s %s NOT VALID; then, in its own transaction, ALTER TABLE "
                         "%s VALIDATE CONSTRAINT %s; (ShareUpdateExclusiveLock: reads and writes go on)",
                         t.ref.name, name, fk_definition(cols, con, ref.ref.name), t.ref.name, name));
    if (ref.ref.state != RelState::missing) {
        ProbeRequest req = {};
        req.kind = ProbeKind::orphans;
        req.relid = t.ref.relid;
        req.columns = cols;
        req.ref_relid = target_exists(ref) ? ref.ref.relid : InvalidOid;
        req.ref_columns = con->pk_attrs ? string_names(con->pk_attrs) : NIL;
        req.what = psprintf("FOREIGN KEY %s", name);
        req.include_children = true;
        request_probe(st, req);
    }
}

void review_check(const ConstraintSite &site, Constraint *con)
{
    const Target &t = site.table;
    if (!target_exists(t) || con->skip_validation)
        return;
    char *name = con->conname ? pstrdup(quote_identifier(con->conname))
                              : pstrdup(quote_identifier(choose_name(site, check_name_column(site, con), "check")));
    if (target_is_trivial(t)) {
        add_finding(site.st, "validating_constraint", Severity::ok,
                    psprintf("CHECK %s is validated on %s; %s", name, t.ref.name, why_ok(t)));
        return;
    }
    char *expr = paren_group_text(site.state->sql + con->location, 0);
    add_finding(site.st, "validating_constraint", Severity::danger,
                psprintf("CHECK %s scans every row of %s under %s: %s waits until the scan ends, for a time that "
                         "grows with the table",
                         name, target_text(t), a_lock(site.table_lock), who_waits(site.table_lock)),
                psprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s) NOT VALID; then, in its own transaction, ALTER "
                         "TABLE %s VALIDATE CONSTRAINT %s; (ShareUpdateExclusiveLock: reads and writes go on)",
                         t.ref.name, name, expr ? expr : "...", t.ref.name, name));
    ProbeRequest req = {};
    req.kind = ProbeKind::check;
    req.relid = t.ref.relid;
    req.raw_check = con->raw_expr;
    req.what = psprintf("CHECK %s", name);
    req.include_children = !con->is_no_inherit;
    request_probe(site.st, req);
}

void review_unique(const ConstraintSite &site, Constraint *con)
{
    const Target &t = site.table;
    if (!target_exists(t))
        return;
    bool pk = con->contype == CONSTR_PRIMARY;
    const char *kind = pk ? "PRIMARY KEY" : "UNIQUE";
    List *cols = con->keys ? string_names(con->keys) : (site.column ? list_make1(const_cast<char *>(site.column)) : NIL);
    if (con->indexname != nullptr) {
        /* USING INDEX: no build; a primary key still makes its columns NOT NULL */
        if (pk) {
            Oid nsp = get_rel_namespace(t.ref.relid);
            Oid idx = get_relname_relid(con->indexname, nsp);
            if (OidIsValid(idx)) {
                HeapTuple tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(idx));
                if (HeapTupleIsValid(tup)) {
                    Form_pg_index ix = reinterpret_cast<Form_pg_index>(GETSTRUCT(tup));
                    for (int i = 0; i < ix->indnkeyatts; i++)
                        if (ix->indkey.values[i] > 0)
                            review_set_not_null(site, get_attname(t.ref.relid, ix->indkey.values[i], false), true);
                    ReleaseSysCache(tup);
                }
            }
        }
        return;
    }
    if (con->contype == CONSTR_EXCLUSION) {
        if (target_is_trivial(t))
            add_finding(site.st, "unique_scan", Severity::ok,
                        psprintf("EXCLUDE builds its index on %s; %s", t.ref.name, why_ok(t)));
        else
            add_finding(site.st, "unique_scan", Severity::danger,
                        psprintf("EXCLUDE builds its index on %s under %s: %s waits until the build ends",
                                 target_text(t), a_lock(site.table_lock), who_waits(site.table_lock)),
                        "There is no online form: run it in a maintenance window, or build the constraint on a new "
                        "table and switch over.");
        return;
    }
    char *name = con->conname ? pstrdup(quote_identifier(con->conname))
                              : pstrdup(quote_identifier(choose_name(site, pk ? nullptr : joined(cols, "_"), pk ? "pkey" : "key")));
    if (target_is_trivial(t)) {
        add_finding(site.st, "unique_scan", Severity::ok,
                    psprintf("%s %s builds its index on %s; %s", kind, name, t.ref.name, why_ok(t)));
    } else {
        add_finding(site.st, "unique_scan", Severity::danger,
                    psprintf("%s %s builds a unique index on %s under %s: %s waits until the build ends, for a "
                             "time that grows with the table",
                             kind, name, target_text(t), a_lock(site.table_lock), who_waits(site.table_lock)),
                    psprintf("CREATE UNIQUE INDEX CONCURRENTLY %s ON %s (%s); -- outside a transaction block; then "
                             "ALTER TABLE %s ADD CONSTRAINT %s %s USING INDEX %s;%s",
                             name, t.ref.name, column_list_text(cols), t.ref.name, name, kind, name,
                             pk ? " (make its columns NOT NULL first, through a validated CHECK (... IS NOT NULL), or "
                                  "the primary key scans the table for NULLs)"
                                : ""));
        ProbeRequest req = {};
        req.kind = ProbeKind::duplicates;
        req.relid = t.ref.relid;
        req.columns = cols;
        req.what = psprintf("%s (%s)", kind, column_list_text(cols));
        req.include_children = true;
        request_probe(site.st, req);
    }
    if (pk) {
        ListCell *lc;
        foreach (lc, cols)
            review_set_not_null(site, static_cast<char *>(lfirst(lc)), true);
    }
}

} // namespace

void review_constraint(const ConstraintSite &site, Constraint *con)
{
    switch (con->contype) {
    case CONSTR_FOREIGN:
        review_foreign_key(site, con);
        break;
    case CONSTR_CHECK:
        review_check(site, con);
        break;
    case CONSTR_PRIMARY:
    case CONSTR_UNIQUE:
    case CONSTR_EXCLUSION:
        review_unique(site, con);
        break;
    default:
        break;
    }
}

void review_set_not_null(const ConstraintSite &site, const char *column, bool for_primary_key)
{
    const Target &t = site.table;
    if (!target_exists(t) || column == nullptr)
        return;
    AttrNumber attnum = InvalidAttrNumber;
    /* a column the script renamed: the catalog (and a probe) knows it by its old name */
    const char *live = live_column_name(site.state, t.ref.relid, column);
    HeapTuple tup = SearchSysCacheAttName(t.ref.relid, live);
    if (HeapTupleIsValid(tup)) {
        Form_pg_attribute att = reinterpret_cast<Form_pg_attribute>(GETSTRUCT(tup));
        bool already = att->attnotnull;
        attnum = att->attnum;
        ReleaseSysCache(tup);
        if (already)
            return; /* nothing to check */
    } else if (find_added_column(site.state, t.ref.relid, column) == nullptr) {
        return; /* PostgreSQL reports the missing column */
    }
    const char *col = quote_identifier(column);
    const char *what = for_primary_key ? psprintf("PRIMARY KEY makes column %s NOT NULL: it", col)
                                       : psprintf("SET NOT NULL on column %s", col);
    if (target_is_trivial(t)) {
        add_finding(site.st, "set_not_null_scan", Severity::ok,
                    psprintf("%s of %s; %s", for_primary_key ? psprintf("the PRIMARY KEY's NOT NULL on column %s", col)
                                                             : psprintf("SET NOT NULL on column %s", col),
                             t.ref.name, why_ok(t)));
        return;
    }
    char *proof = attnum != InvalidAttrNumber ? not_null_proof(t.ref.relid, attnum, site.state)
                                              : script_not_null_proof(t.ref.relid, column, site.state);
    if (proof != nullptr) {
        add_finding(site.st, "set_not_null_scan", Severity::ok,
                    psprintf("%s of %s skips the scan: %s proves %s IS NOT NULL",
                             for_primary_key ? psprintf("the PRIMARY KEY's NOT NULL on column %s", col)
                                             : psprintf("SET NOT NULL on column %s", col),
                             target_text(t), proof, col));
        return;
    }
    char *check = pstrdup(quote_identifier(choose_name(site, column, "not_null")));
    add_finding(site.st, "set_not_null_scan", Severity::danger,
                psprintf("%s scans every row of %s under %s to prove it holds no NULL (no validated CHECK (%s IS NOT "
                         "NULL) lets PostgreSQL skip the scan): %s waits until the scan ends",
                         what, target_text(t), a_lock(AccessExclusiveLock), col, who_waits(AccessExclusiveLock)),
                psprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID; ALTER TABLE %s VALIDATE "
                         "CONSTRAINT %s; (reads and writes go on) then ALTER TABLE %s ALTER COLUMN %s SET NOT NULL; "
                         "(no scan) and ALTER TABLE %s DROP CONSTRAINT %s;",
                         t.ref.name, check, col, t.ref.name, check, t.ref.name, col, t.ref.name, check));
    probe_nulls(site, live, psprintf("NOT NULL on column %s", col));
}

void review_validate_constraint(const ConstraintSite &site, const char *name)
{
    const Target &t = site.table;
    if (!target_exists(t) || name == nullptr)
        return;
    ProbeRequest req = {};
    req.relid = t.ref.relid;
    req.include_children = true;
    req.what = psprintf("constraint %s", quote_identifier(name));
    Oid conoid = get_relation_constraint_oid(t.ref.relid, name, true);
    if (OidIsValid(conoid)) {
        HeapTuple tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conoid));
        if (!HeapTupleIsValid(tup))
            return;
        Form_pg_constraint c = reinterpret_cast<Form_pg_constraint>(GETSTRUCT(tup));
        bool isnull;
        if (c->contype == CONSTRAINT_FOREIGN) {
            /* VALIDATE takes ShareUpdateExclusiveLock here and RowShareLock on the referenced table */
            note_lock(site.st, c->confrelid, RowShareLock);
            req.kind = ProbeKind::orphans;
            req.columns = attnames_of(t.ref.relid, SysCacheGetAttr(CONSTROID, tup, Anum_pg_constraint_conkey, &isnull));
            req.ref_relid = c->confrelid;
            req.ref_columns = attnames_of(c->confrelid,
                                          SysCacheGetAttr(CONSTROID, tup, Anum_pg_constraint_confkey, &isnull));
            request_probe(site.st, req);
        } else if (c->contype == CONSTRAINT_CHECK) {
            req.kind = ProbeKind::check;
            req.check_oid = conoid;
            req.include_children = !c->connoinherit;
            request_probe(site.st, req);
        }
        ReleaseSysCache(tup);
        return;
    }
    ListCell *lc;
    foreach (lc, site.state->checks) {
        const ScriptCheck *k = static_cast<const ScriptCheck *>(lfirst(lc));
        if (k->relid == t.ref.relid && k->name && strcmp(k->name, name) == 0) {
            req.kind = ProbeKind::check;
            req.raw_check = k->raw_expr;
            request_probe(site.st, req);
            return;
        }
    }
}

void review_fk_index(const ConstraintSite &site, Constraint *fk)
{
    const Target &t = site.table;
    List *cols = fk_columns(site, fk);
    if (cols == NIL)
        return;
    if (target_exists(t) && catalog_index_leads_with(t.ref.relid, cols))
        return;
    if (planned_index_leads_with(site.state, t.ref, site.rv, cols))
        return;
    RelRef ref = resolve_relation(site.state, fk->pktable);
    char *index = pstrdup(quote_identifier(choose_name(site, joined(cols, "_"), "idx", true)));
    add_finding(site.st, "fk_without_index", Severity::warn,
                psprintf("no index of %s leads with (%s), the columns of its foreign key to %s: every DELETE of a row "
                         "of %s, or change of its key, scans %s for referencing rows",
                         target_exists(t) ? target_text(t) : t.ref.name, column_list_text(cols), ref.name, ref.name,
                         t.ref.name),
                psprintf("CREATE INDEX%s %s ON %s (%s);%s", target_exists(t) ? " CONCURRENTLY" : "", index, t.ref.name,
                         column_list_text(cols), target_exists(t) ? " -- outside a transaction block" : ""));
}

} // namespace mg::review
