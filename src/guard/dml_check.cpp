/*
 * dml_check.cpp — see dml_check.h.
 *
 * Where the plan carries the candidates: a ModifyTable node never evaluates
 * its own plan.qual (its quals live in the nodes below it; the executor,
 * EXPLAIN and setrefs leave ModifyTable.plan.qual alone), so the planner hook
 * stores there, after planning, one List per candidate:
 *   (Const int4 rule, condition, ...)       conditions as in classify_dml.cpp
 * This travels with the plan wherever PostgreSQL copies it (plan cache, SPI
 * plans, SQL and PL/pgSQL functions) and is read back in ExecutorStart.
 */
#include "common/bridge.h"
#include "audit/audit.h"
#include "common/ext_state.h"
#include "guard/classify.h"
#include "guard/dml_check.h"
#include "guard/exemptions.h"
#include "guard/ext_objects.h"
#include "guard/fk_actions.h"
#include "guard/verdict.h"

extern "C" {
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
}

namespace mg {
namespace {

/* The ModifyTable nodes of a plan: the top node, and those of writable CTEs. */
template <typename Fn>
void for_each_modify_table(PlannedStmt *plan, Fn &&fn)
{
    if (plan->planTree != nullptr && IsA(plan->planTree, ModifyTable))
        fn(castNode(ModifyTable, plan->planTree));
    ListCell *lc;
    foreach (lc, plan->subplans) {
        Plan *sub = static_cast<Plan *>(lfirst(lc));
        if (sub != nullptr && IsA(sub, ModifyTable))
            fn(castNode(ModifyTable, sub));
    }
}

Oid rti_relid(PlannedStmt *plan, Index rti)
{
    if (rti == 0 || rti > static_cast<Index>(list_length(plan->rtable)))
        return InvalidOid;
    RangeTblEntry *rte = rt_fetch(rti, plan->rtable);
    return rte->rtekind == RTE_RELATION ? rte->relid : InvalidOid;
}

Node *encode(const DmlCandidate *c)
{
    Node *rule = reinterpret_cast<Node *>(
        makeConst(INT4OID, -1, InvalidOid, sizeof(int32), Int32GetDatum(static_cast<int32>(c->rule)), false, true));
    return reinterpret_cast<Node *>(list_concat(list_make1(rule), list_copy(c->conditions)));
}

const char *command_tag(CmdType cmd)
{
    switch (cmd) {
    case CMD_DELETE:
        return "DELETE";
    case CMD_UPDATE:
        return "UPDATE";
    case CMD_INSERT:
        return "INSERT";
    default:
        return "MERGE";
    }
}

/* The relations a ModifyTable node writes: the named one first, then each result relation. */
List *written_relations(PlannedStmt *plan, ModifyTable *mt)
{
    List *rels = NIL;
    Oid nominal = rti_relid(plan, mt->nominalRelation);
    if (OidIsValid(nominal))
        rels = lappend_oid(rels, nominal);
    Oid root = rti_relid(plan, mt->rootRelation);
    if (OidIsValid(root))
        rels = list_append_unique_oid(rels, root);
    ListCell *lc;
    foreach (lc, mt->resultRelations) {
        Oid relid = rti_relid(plan, static_cast<Index>(lfirst_int(lc)));
        if (OidIsValid(relid))
            rels = list_append_unique_oid(rels, relid);
    }
    return rels;
}

struct Found {
    List *matches;
    CmdType cmd; /* the command of the first node that matched */
};

/* Is the relation at rti (opened by the executor when it can) in schema migrate_guard? */
bool in_extension_schema(EState *estate, PlannedStmt *plan, Index rti)
{
    Relation rel = estate != nullptr && rti > 0 && rti <= estate->es_range_table_size
                       ? estate->es_relations[rti - 1]
                       : nullptr;
    if (rel != nullptr)
        return RelationGetNamespace(rel) == ext_state().schema_oid;
    return is_extension_relation(rti_relid(plan, rti));
}

void check_modify_table(QueryDesc *query, PlannedStmt *plan, ModifyTable *mt, ParamListInfo params, Found &found)
{
    /* guard_tamper: a write to one of migrate_guard's relations (INSERT included) */
    ListCell *lc;
    foreach (lc, mt->resultRelations) {
        Index rti = static_cast<Index>(lfirst_int(lc));
        if (!in_extension_schema(query->estate, plan, rti))
            continue;
        Oid relid = rti_relid(plan, rti);
        if (OidIsValid(relid) && is_protected_relation(relid)) {
            found.matches = add_match(found.matches, Rule::guard_tamper, relation_identity(relid), relid);
            if (found.cmd == CMD_UNKNOWN)
                found.cmd = mt->operation;
            break;
        }
    }
    if (mt->plan.qual == NIL)
        return;
    foreach (lc, mt->plan.qual) {
        List *cand = castNode(List, lfirst(lc));
        Rule rule = static_cast<Rule>(DatumGetInt32(castNode(Const, linitial(cand))->constvalue));
        if (!conditions_hold(list_delete_first(list_copy(cand)), params))
            continue;
        /* "created in this transaction" exempts a relation, never the ones under it */
        ListCell *rc;
        foreach (rc, written_relations(plan, mt)) {
            Oid relid = lfirst_oid(rc);
            if (relation_is_exempt(relid))
                continue;
            found.matches = add_match(found.matches, rule, relation_identity(relid), relid);
            if (found.cmd == CMD_UNKNOWN)
                found.cmd = mt->operation;
            break;
        }
        if (rc != nullptr)
            continue;
        /* ... nor the existing tables its foreign-key actions reach (fk_actions.h) */
        int before = list_length(found.matches);
        found.matches = fk_action_matches(found.matches, plan, mt, rule);
        if (list_length(found.matches) > before && found.cmd == CMD_UNKNOWN)
            found.cmd = mt->operation;
    }
}

/*
 * The common case, in a few tests: no ModifyTable node carries candidates,
 * and every relation written is open (es_relations) and outside schema
 * migrate_guard -- check_modify_table() would find nothing.  The plan's
 * resultRelations hold those of every ModifyTable node (and their root
 * relations: a superset, which only makes the test more cautious).
 */
bool anything_to_judge(EState *estate, PlannedStmt *plan)
{
    if (estate == nullptr)
        return true;
    Oid schema = ext_state().schema_oid;
    const ListCell *lc;
    foreach (lc, plan->resultRelations) {
        Index rti = static_cast<Index>(lfirst_int(lc));
        Relation rel = rti > 0 && rti <= estate->es_range_table_size ? estate->es_relations[rti - 1] : nullptr;
        if (rel == nullptr || RelationGetNamespace(rel) == schema)
            return true;
    }
    if (plan->planTree != nullptr && IsA(plan->planTree, ModifyTable) &&
        castNode(ModifyTable, plan->planTree)->plan.qual != NIL)
        return true;
    foreach (lc, plan->subplans) {
        const Plan *sub = static_cast<const Plan *>(lfirst(lc));
        if (sub != nullptr && IsA(sub, ModifyTable) && sub->qual != NIL)
            return true;
    }
    return false;
}

} // namespace

List *dml_plan_candidates(Query *parse)
{
    return dml_candidates(parse);
}

void attach_dml_candidates(PlannedStmt *plan, List *candidates)
{
    if (candidates == NIL)
        return;
    for_each_modify_table(plan, [&](ModifyTable *mt) {
        Oid nominal = rti_relid(plan, mt->nominalRelation);
        ListCell *lc;
        foreach (lc, candidates) {
            const DmlCandidate *c = static_cast<const DmlCandidate *>(lfirst(lc));
            if (c->command == mt->operation && c->relid == nominal)
                mt->plan.qual = lappend(mt->plan.qual, encode(c));
        }
    });
}

bool dml_execution_needs_check(QueryDesc *query, int eflags)
{
    if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
        return false; /* EXPLAIN without ANALYZE: the plan never runs */
    PlannedStmt *plan = query->plannedstmt;
    if (plan == nullptr || plan->commandType == CMD_UTILITY ||
        (plan->commandType == CMD_SELECT && !plan->hasModifyingCTE))
        return false;
    return anything_to_judge(query->estate, plan);
}

void check_dml_execution(QueryDesc *query, int eflags)
{
    if (!dml_execution_needs_check(query, eflags))
        return;
    PlannedStmt *plan = query->plannedstmt;
    Found found = {NIL, CMD_UNKNOWN};
    for_each_modify_table(plan, [&](ModifyTable *mt) { check_modify_table(query, plan, mt, query->params, found); });
    if (found.matches == NIL)
        return;
    /* guard_tamper first */
    List *ordered = NIL;
    ListCell *lc;
    foreach (lc, found.matches)
        if (static_cast<Match *>(lfirst(lc))->rule == Rule::guard_tamper)
            ordered = lappend(ordered, lfirst(lc));
    foreach (lc, found.matches)
        if (static_cast<Match *>(lfirst(lc))->rule != Rule::guard_tamper)
            ordered = lappend(ordered, lfirst(lc));
    Verdict v = judge(ordered, query->sourceText, plan->stmt_location, plan->stmt_len);
    if (v.matched && audit_enabled()) {
        /* DML that matched a rule and runs (overridden, warned or not blocked) is audited, per execution */
        StatementFrame frame = {query->sourceText, plan->stmt_location, plan->stmt_len, v};
        const char *schema = OidIsValid(v.relid) ? get_namespace_name(get_rel_namespace(v.relid)) : nullptr;
        AuditRow row = {v.rule == Rule::delete_without_where   ? "DELETE"
                                      : v.rule == Rule::update_without_where ? "UPDATE"
                                                                             : command_tag(found.cmd), "table", schema, v.object, "guard", nullptr};
        audit_write(row, &frame);
    }
}

} // namespace mg
