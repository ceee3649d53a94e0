/*
 * rules_volume.cpp — mass_delete / mass_update: the guard by volume
 * (migrate_guard.max_rows_changed), predicted.
 *
 * The guard counts the rows a statement really changes as it runs
 * (guard/volume.h); the review can only estimate them.  With the limit set,
 * each DELETE, UPDATE, MERGE (its DELETE and UPDATE actions) and INSERT ...
 * ON CONFLICT DO UPDATE of a statement -- writable CTEs and the queries rules
 * add included -- is planned by PostgreSQL's planner on the query parse
 * analysis and the rewriter made of it (parameters unknown), and the rows its
 * ModifyTable node reads are the estimate, per table the statement addresses
 * (as the guard counts them), capped by the table's size.  A statement whose
 * estimate passes the limit gets a `danger` finding that says what the guard
 * would do under the current mode, blocked_rules and flag (decide()): it is
 * decided on real counts when it runs, so never `blocked`.
 *
 * Planning evaluates what it can fold: only statements whose every function
 * is built in (common/user_code.h) are planned; one that calls anything else,
 * reads a foreign table (its wrapper may ask the remote server) or fails to
 * plan is judged on the size of its tables, and the message says so.  Exempt
 * tables (temporary, created in this transaction), tables created earlier in
 * the script and empty tables get no finding.  Foreign-key cascades and
 * triggers are not estimated.
 */
#include "common/bridge.h"
#include "common/settings.h"
#include "common/user_code.h"
#include "guard/classify.h"
#include "guard/exemptions.h"
#include "guard/verdict.h"
#include "review/rules.h"
#include "review/subxact.h"

extern "C" {
#include "access/relation.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_index.h"
}

namespace mg::review {
namespace {

/* What one statement would change in one table, by one rule. */
struct VolumeEstimate {
    Oid relid;
    Rule rule;
    double rows;
    bool up_to;        /* an upper bound (MERGE, upsert, table size), not an estimate of the rows matched */
    const char *what;  /* "DELETE", "UPDATE", "MERGE ... DELETE", ... */
    char *key;         /* a single-column primary key, for the hint (nullptr: none) */
};

struct Volume {
    List *estimates;   /* VolumeEstimate * */
    char *not_planned; /* why the estimates come from the tables' sizes (nullptr: planned) */
};

const char *merge_action_text(CmdType cmd)
{
    return cmd == CMD_DELETE ? "MERGE ... THEN DELETE" : "MERGE ... THEN UPDATE";
}

Rule rule_of(CmdType cmd)
{
    return cmd == CMD_DELETE ? Rule::mass_delete : Rule::mass_update;
}

/* The single column of relid's primary key (nullptr: none, or several). */
char *key_column(Oid relid)
{
    Relation rel = try_relation_open(relid, NoLock); /* locked by parse analysis */
    if (rel == nullptr)
        return nullptr;
    Oid pk = RelationGetPrimaryKeyIndex(rel);
    relation_close(rel, NoLock);
    char *key = nullptr;
    HeapTuple tup = OidIsValid(pk) ? SearchSysCache1(INDEXRELID, ObjectIdGetDatum(pk)) : nullptr;
    if (tup != nullptr && HeapTupleIsValid(tup)) {
        Form_pg_index ix = reinterpret_cast<Form_pg_index>(GETSTRUCT(tup));
        if (ix->indnkeyatts == 1 && ix->indkey.values[0] != 0)
            key = get_attname(relid, ix->indkey.values[0], true);
        ReleaseSysCache(tup);
    }
    return key;
}

/* Adds rows to the estimate of (relid, rule), or starts one: two CTEs on one table add up, as the guard counts. */
void add_estimate(Volume *v, Oid relid, Rule rule, double rows, bool up_to, const char *what)
{
    ListCell *lc;
    foreach (lc, v->estimates) {
        VolumeEstimate *e = static_cast<VolumeEstimate *>(lfirst(lc));
        if (e->relid == relid && e->rule == rule) {
            e->rows += rows;
            e->up_to = e->up_to || up_to;
            return;
        }
    }
    VolumeEstimate *e = static_cast<VolumeEstimate *>(palloc0(sizeof(VolumeEstimate)));
    e->relid = relid;
    e->rule = rule;
    e->rows = rows;
    e->up_to = up_to;
    e->what = what;
    v->estimates = lappend(v->estimates, e);
}

/* A table the guard by volume would judge, and that holds rows. */
bool judged(Oid relid)
{
    if (!OidIsValid(relid) || relation_is_exempt(relid))
        return false;
    const TableFacts *f = table_facts(relid);
    return !f->empty;
}

/* What the query itself changes, from its parse tree: each table with its size (sized) or 0 rows. */
void query_targets(Volume *v, Query *q, bool sized)
{
    ListCell *lc;
    foreach (lc, q->cteList) {
        CommonTableExpr *cte = lfirst_node(CommonTableExpr, lc);
        if (cte->ctequery != nullptr && IsA(cte->ctequery, Query))
            query_targets(v, castNode(Query, cte->ctequery), sized);
    }
    if (q->resultRelation <= 0)
        return;
    RangeTblEntry *rte = rt_fetch(q->resultRelation, q->rtable);
    if (rte->rtekind != RTE_RELATION || !judged(rte->relid))
        return;
    double rows = sized ? table_facts(rte->relid)->rows : 0;
    switch (q->commandType) {
    case CMD_DELETE:
        add_estimate(v, rte->relid, Rule::mass_delete, rows, true, "DELETE");
        break;
    case CMD_UPDATE:
        add_estimate(v, rte->relid, Rule::mass_update, rows, true, "UPDATE");
        break;
    case CMD_INSERT:
        if (q->onConflict != nullptr && q->onConflict->action == ONCONFLICT_UPDATE)
            add_estimate(v, rte->relid, Rule::mass_update, rows, true, "INSERT ... ON CONFLICT DO UPDATE");
        break;
#if MG_HAVE_MERGE
    case CMD_MERGE:
        foreach (lc, q->mergeActionList) {
            MergeAction *a = lfirst_node(MergeAction, lc);
            if (a->commandType == CMD_DELETE || a->commandType == CMD_UPDATE)
                add_estimate(v, rte->relid, rule_of(a->commandType), rows, true, merge_action_text(a->commandType));
        }
        break;
#endif
    default:
        break;
    }
}

/* The rows each ModifyTable node of a plan reads: what it deletes or updates at most. */
void plan_targets(Volume *v, PlannedStmt *plan, Plan *node)
{
    if (node == nullptr || !IsA(node, ModifyTable))
        return;
    ModifyTable *mt = castNode(ModifyTable, node);
    if (mt->nominalRelation == 0 || outerPlan(mt) == nullptr)
        return;
    RangeTblEntry *rte = rt_fetch(mt->nominalRelation, plan->rtable);
    if (rte->rtekind != RTE_RELATION || !judged(rte->relid))
        return;
    double rows = outerPlan(mt)->plan_rows;
    switch (mt->operation) {
    case CMD_DELETE:
        add_estimate(v, rte->relid, Rule::mass_delete, rows, false, "DELETE");
        break;
    case CMD_UPDATE:
        add_estimate(v, rte->relid, Rule::mass_update, rows, false, "UPDATE");
        break;
    case CMD_INSERT:
        if (mt->onConflictAction == ONCONFLICT_UPDATE) /* every row it inserts may conflict */
            add_estimate(v, rte->relid, Rule::mass_update, rows, true, "INSERT ... ON CONFLICT DO UPDATE");
        break;
#if MG_HAVE_MERGE
    case CMD_MERGE: {
        /* the rows it joins may all match */
        bool seen[2] = {false, false};
        ListCell *ll;
        foreach (ll, mt->mergeActionLists) {
            ListCell *lc;
            foreach (lc, castNode(List, lfirst(ll))) {
                MergeAction *a = lfirst_node(MergeAction, lc);
                int k = a->commandType == CMD_DELETE ? 0 : 1;
                if ((a->commandType != CMD_DELETE && a->commandType != CMD_UPDATE) || seen[k])
                    continue;
                seen[k] = true;
                add_estimate(v, rte->relid, rule_of(a->commandType), rows, true, merge_action_text(a->commandType));
            }
        }
        break;
    }
#endif
    default:
        break;
    }
}

/* A foreign table anywhere in the query (partitions and children included)? */
bool foreign_table_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    if (IsA(node, RangeTblEntry)) {
        RangeTblEntry *rte = castNode(RangeTblEntry, node);
        if (rte->rtekind != RTE_RELATION)
            return false;
        if (rte->relkind == RELKIND_FOREIGN_TABLE)
            return true;
        if (rte->inh && has_subclass(rte->relid)) {
            ListCell *lc;
            foreach (lc, find_all_inheritors(rte->relid, NoLock, nullptr))
                if (get_rel_relkind(lfirst_oid(lc)) == RELKIND_FOREIGN_TABLE)
                    return true;
        }
        return false;
    }
    if (IsA(node, Query))
        return query_tree_walker(castNode(Query, node), MG_WALKER(foreign_table_walker), context,
                                 QTW_EXAMINE_RTES_BEFORE);
    return expression_tree_walker(node, MG_WALKER(foreign_table_walker), context);
}

/* Why the statement is not planned (nullptr: it may be). */
char *why_not_planned(List *queries)
{
    ListCell *lc;
    foreach (lc, queries) {
        Query *q = lfirst_node(Query, lc);
        if (char *f = user_function_text(reinterpret_cast<Node *>(q)))
            return psprintf("it calls %s, which planning could run and the review does not", f);
    }
    foreach (lc, queries)
        if (foreign_table_walker(reinterpret_cast<Node *>(lfirst(lc)), nullptr))
            return pstrdup("it reads a foreign table, whose wrapper may consult the remote server to plan it");
    return nullptr;
}

bool changes_rows(const Query *q)
{
    switch (q->commandType) {
    case CMD_DELETE:
    case CMD_UPDATE:
#if MG_HAVE_MERGE
    case CMD_MERGE:
#endif
        return true;
    case CMD_INSERT:
        return q->onConflict != nullptr && q->onConflict->action == ONCONFLICT_UPDATE;
    default:
        return q->hasModifyingCTE;
    }
}

char *amount_text(const VolumeEstimate *e, const Volume *v)
{
    return psprintf("%s %s rows of %s", e->up_to || v->not_planned ? "up to" : "about", grouped_number(e->rows),
                    qualified_name(e->relid));
}

const char *verb(Rule rule)
{
    return rule == Rule::mass_delete ? "delete" : "update";
}

char *batch_hint(const VolumeEstimate *e, int limit)
{
    char *rel = qualified_name(e->relid);
    const char *key = e->key ? quote_identifier(e->key) : "<key>";
    char *flag = psprintf("or, if one statement must do it, a member of role \"%s\" runs it after SET LOCAL "
                          "migrate_guard.allow_destructive = on%s (in the same transaction).",
                          admin_role_name(),
                          require_reason() ? " and SET LOCAL migrate_guard.reason = '<ticket>'" : "");
    if (strcmp(e->what, "DELETE") == 0)
        return psprintf("Delete in batches of at most %d rows, one statement each, repeated until it deletes "
                        "nothing: DELETE FROM %s WHERE %s IN (SELECT %s FROM %s WHERE <condition> LIMIT %d); %s",
                        limit, rel, key, key, rel, limit, flag);
    if (strcmp(e->what, "UPDATE") == 0)
        return psprintf("Update in batches of at most %d rows, one statement each, repeated until it updates "
                        "nothing: UPDATE %s SET ... WHERE %s IN (SELECT %s FROM %s WHERE <condition> AND <not yet "
                        "updated> LIMIT %d); %s",
                        limit, rel, key, key, rel, limit, flag);
    return psprintf("Feed it its source in batches of at most %d rows, one statement each; %s", limit, flag);
}

void report_estimate(Statement *st, const VolumeEstimate *e, const Volume *v, int limit)
{
    const RuleInfo &ri = rule_info(e->rule);
    List *matches = add_match(NIL, e->rule, relation_identity(e->relid), e->relid);
    Decision d = decide(matches);
    char *amount = amount_text(e, v);
    char *basis;
    if (v->not_planned != nullptr)
        basis = psprintf("The review did not plan it (%s): the number is the size of the table, the most it can %s.",
                         v->not_planned, verb(e->rule));
    else if (strncmp(e->what, "INSERT", 6) == 0)
        basis = pstrdup("The number is the planner's estimate of the rows it proposes (each one that conflicts is "
                        "updated), at most the size of the table.");
    else if (strncmp(e->what, "MERGE", 5) == 0)
        basis = psprintf("The number is the planner's estimate of the rows its join produces (each one that matches "
                         "is %sd), at most the size of the table.",
                         verb(e->rule));
    else
        basis = psprintf("The number is the planner's estimate; the guard counts the rows really %sd, as they change.",
                         verb(e->rule));
    char *limit_text = psprintf("limit %s (migrate_guard.max_rows_changed)", grouped_number(limit));
    switch (d.outcome) {
    case Outcome::refused:
        add_finding(st, ri.name.data(), Severity::danger,
                    psprintf("%s would be refused by the guard by volume at run time (%s): %s, %s%s. %s %s", e->what,
                             ri.name.data(), amount, limit_text,
                             d.reason_missing ? "; migrate_guard.allow_destructive is in force, but "
                                                "migrate_guard.require_reason is on and migrate_guard.reason is empty"
                                              : "",
                             basis, ri.danger),
                    batch_hint(e, limit));
        break;
    case Outcome::overridden:
        add_finding(st, ri.name.data(), Severity::danger,
                    psprintf("%s passes the guard's limit (%s): %s, %s; the guard lets it run only because "
                             "migrate_guard.allow_destructive is in force in this session. %s %s",
                             e->what, ri.name.data(), amount, limit_text, basis, ri.danger),
                    "Make sure this is intended: the flag is per session and per transaction (SET LOCAL).");
        break;
    case Outcome::warned:
        add_finding(st, ri.name.data(), Severity::danger,
                    psprintf("%s passes the guard's limit (%s): %s, %s; migrate_guard.mode = warn, so the guard lets "
                             "it run with a WARNING. %s %s",
                             e->what, ri.name.data(), amount, limit_text, basis, ri.danger),
                    batch_hint(e, limit));
        break;
    default:
        add_finding(st, ri.name.data(), Severity::danger,
                    psprintf("%s passes the guard's limit (%s): %s, %s; the guard lets it run (%s). %s %s", e->what,
                             ri.name.data(), amount, limit_text,
                             mode() == Mode::off ? "migrate_guard.mode = off"
                                                 : psprintf("%s is not in migrate_guard.blocked_rules, so it is only "
                                                            "audited",
                                                            ri.name.data()),
                             basis, ri.danger),
                    batch_hint(e, limit));
        break;
    }
}

} // namespace

void review_volume(Statement *st, List *queries)
{
    int limit = max_rows_changed();
    if (limit <= 0)
        return;
    List *changing = NIL;
    ListCell *lc;
    foreach (lc, queries) {
        Query *q = lfirst_node(Query, lc);
        if (q->commandType != CMD_UTILITY && changes_rows(q))
            changing = lappend(changing, q);
    }
    /* nothing to estimate: no table that holds rows and that the guard would judge */
    Volume targets = {NIL, nullptr};
    foreach (lc, changing)
        query_targets(&targets, lfirst_node(Query, lc), false);
    if (targets.estimates == NIL)
        return;

    Volume v = {NIL, why_not_planned(changing)};
    if (v.not_planned == nullptr) {
        ErrorData *err = attempt([&] {
            foreach (lc, changing) {
                Query *q = copy_node(lfirst_node(Query, lc)); /* the planner scribbles on its input */
                /* no planner_hook: the estimate, not what other modules make of the plan */
                PlannedStmt *plan = standard_planner(q, st->text, 0, nullptr);
                plan_targets(&v, plan, plan->planTree);
                ListCell *sc;
                foreach (sc, plan->subplans)
                    plan_targets(&v, plan, static_cast<Plan *>(lfirst(sc)));
            }
        });
        if (err != nullptr) {
            v.estimates = NIL;
            v.not_planned = psprintf("planning it failed: %s", err->message);
        }
    }
    if (v.not_planned != nullptr)
        foreach (lc, changing)
            query_targets(&v, lfirst_node(Query, lc), true);

    foreach (lc, v.estimates) {
        VolumeEstimate *e = static_cast<VolumeEstimate *>(lfirst(lc));
        double size = table_facts(e->relid)->rows;
        if (size > 0 && e->rows > size)
            e->rows = size; /* no statement changes a row twice */
        if (e->rows <= limit)
            continue;
        e->key = key_column(e->relid);
        report_estimate(st, e, &v, limit);
    }
}

} // namespace mg::review
