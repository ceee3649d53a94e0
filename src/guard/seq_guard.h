/*
 * seq_guard.h — setval() and nextval() on migrate_guard's sequences.
 *
 * They change a sequence outside any transaction (a rollback does not undo
 * them), so a call naming one of the extension's protected sequences is
 * refused (guard_tamper) when the statement is planned.  PostgreSQL records
 * every regclass constant of a plan in PlannedStmt.relationOids — also those
 * of column defaults, rules and SQL function bodies inlined by the planner —
 * which makes the common case (no such sequence in the plan) one cheap test;
 * only then is the planned query searched for the calls themselves.  Builtin
 * functions bypass fmgr_hook, so a call whose sequence is computed at run
 * time (a regclass read from a table) is not seen: see README, Limits.
 */
#pragma once

#include "common/pg.h"

namespace mg {

/*
 * Does plan->relationOids name a relation other than the tables the plan
 * scans (a regclass constant, a sequence)?  If not, the plan calls no
 * sequence writer on a sequence it names, and check_sequence_writes() has
 * nothing to look at.  Inline: it runs after every planning.
 */
inline bool plan_mentions_unscanned_relation(const PlannedStmt *plan)
{
    const ListCell *lc;
    foreach (lc, plan->relationOids) {
        Oid relid = lfirst_oid(lc);
        bool scanned_table = false;
        const ListCell *rc;
        foreach (rc, plan->rtable) {
            const RangeTblEntry *rte = static_cast<const RangeTblEntry *>(lfirst(rc));
            if (rte->rtekind == RTE_RELATION && rte->relid == relid && rte->relkind != RELKIND_SEQUENCE) {
                scanned_table = true;
                break;
            }
        }
        if (!scanned_table)
            return true;
    }
    return false;
}

/* After planning: refuse a sequence write on one of migrate_guard's sequences. */
/*
 * The protected sequence that a setval()/nextval() of the (analysed or
 * planned) tree is called on by a constant regclass (InvalidOid: none).  The
 * migration review asks it about queries it does not plan.
 */
Oid protected_sequence_written(Node *tree);

void check_sequence_writes(Query *planned_query, PlannedStmt *plan, const char *query_string);

} // namespace mg
