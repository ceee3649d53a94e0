/*
 * classify.h — which rules a statement matches (the guard's classifier).
 *
 * The classifiers read a parse tree and the catalog; they never execute the
 * statement.  Classifiers return a List of Match (palloc'd), already filtered
 * by the exemptions (exemptions.h); guard_tamper comes first, then the most
 * specific rule of each object.  judge() (verdict.h) turns a list of matches
 * into a decision under the current settings.
 *
 * How the guard enforces (for callers that predict, e.g. a migration review):
 *
 *   utility statements  classify_utility() before the statement runs (the
 *                       ProcessUtility hook; with take_locks for ALTER TABLE,
 *                       which then decides on the objects it really acts on),
 *                       and at the point of effect (object_access.h): every
 *                       object really dropped or truncated (cascades,
 *                       partitions, inheritance children, typed tables, owned
 *                       and identity sequences), everything created or
 *                       altered in or on migrate_guard's objects, a policy
 *                       that lets every row through and a parent that shows
 *                       a table's rows without its policies (rls_exposure.h),
 *                       and — after the statement — a permanent object made
 *                       to depend on a temporary one or an object using the
 *                       extension's internal functions (new_dependencies.h).
 *                       Those are only known at execution: a caller
 *                       predicting from the parse tree alone sees the named
 *                       objects (classify_utility) but not what a CASCADE
 *                       reaches or what a new parent's children are.
 *   DML                 classify_query() on the rewritten Query, or
 *                       dml_candidates() + conditions_hold() with the
 *                       parameters of an execution; the guard itself decides
 *                       in ExecutorStart on every relation the plan modifies
 *                       (dml_check.h), and on the existing tables foreign-key
 *                       actions reach from an all-rows statement on new ones
 *                       (fk_actions.h).  Writes of sequences (setval, nextval)
 *                       are judged when called (seq_guard.h).
 *
 * While the user-code barrier is raised (a migration review runs,
 * common/user_code.h) the classifiers evaluate nothing that is not built in:
 * a WHERE clause is constant-folded with each call of such a function
 * replaced by an unknown value, a type conversion that calls one is not
 * planned.  A match that then depends on what such a function would return
 * says so (Match.unevaluated).  Enforcement is unchanged: there the planner
 * folds the same expressions anyway.
 */
#pragma once

#include "guard/rules.h"

namespace mg {

struct Match {
    Rule rule;
    char *object;      /* identity of the object, as the refusal names it */
    Oid relid;         /* the relation the rule is about, if any */
    char *detail;      /* DETAIL of a refusal when not the rule's own text (nullptr) */
    char *unevaluated; /* the match depends on what this function (not evaluated) returns; nullptr: it does not */
};

/* ---- utility statements (raw parse trees, as ProcessUtility receives them) ---- */

/* Cheap test on the node tag: can this utility statement match a rule? */
bool utility_may_match(const Node *stmt);

/*
 * Rules the statement matches.  take_locks: ALTER TABLE first takes the lock
 * the statement itself will take (PostgreSQL's own lookup, with its
 * permission checks), so that the columns and children judged are the ones it
 * will act on; without it nothing is locked (prediction).  lookup_lock: the
 * lock taken on objects looked up by name that are not relations (DROP
 * FUNCTION, DROP POLICY, ...): the guard takes the AccessExclusiveLock the
 * DROP takes anyway; the migration review, which runs nothing, passes
 * AccessShareLock (and releases it with a subtransaction).
 */
List *classify_utility(Node *stmt, bool take_locks = false, LOCKMODE lookup_lock = AccessExclusiveLock);

/* The rule of DROP <type> for the object it names (false: none, e.g. DROP TYPE without CASCADE). */
bool drop_rule_of(ObjectType type, Rule *rule);

/* Every table a TRUNCATE empties: named ones, inheritors, CASCADE targets. */
List *truncate_targets(TruncateStmt *stmt);

/*
 * ALTER ... ALTER COLUMN ... TYPE on relid: does it rewrite or convert the
 * stored values?  Any USING clause does; otherwise PostgreSQL's own decision
 * (the conversion expression after planning is the column itself, a binary
 * relabeling, or an unconstrained domain over it: no rewrite).
 */
bool column_type_change_converts(Oid relid, const AlterTableCmd *cmd);

/*
 * PostgreSQL's test (tablecmds.c, ATColumnChangeRequiresRewrite) on the
 * planned conversion expression of column attnum: are the stored values left
 * as they are?  Shared by the guard and the migration review, so both make
 * the same decision.
 */
bool conversion_keeps_values(Node *expr, AttrNumber attnum);

/* ---- DML (rewritten Query trees, as the planner receives them) ---- */

/* Cheap test: is this query a DELETE/UPDATE/MERGE or has a writable CTE?  (Inline: run on every planning.) */
inline bool query_may_match(const Query *q)
{
    switch (q->commandType) {
    case CMD_DELETE:
    case CMD_UPDATE:
#if MG_HAVE_MERGE
    case CMD_MERGE:
#endif
        return true;
    default:
        return q->hasModifyingCTE;
    }
}

/*
 * Cheap test for the usual UPDATE/DELETE (`WHERE id = 42`, no writable CTE,
 * a table as target): its WHERE has a column of the target as an operand of
 * an operator (alone, in an AND, or in every branch of an OR), so it
 * restricts and dml_candidates() would find nothing.
 */
bool dml_restricted_by_target_column(const Query *q);

/*
 * One way a DELETE/UPDATE/MERGE (the query or one of its writable CTEs) can
 * change every row of its target: it does when every condition holds for the
 * execution's parameters (conditions NIL: always).  A condition is a List
 * (Const bool must_fold_to_true, expression); see classify_dml.cpp.
 */
struct DmlCandidate {
    CmdType command;   /* CMD_DELETE, CMD_UPDATE or CMD_MERGE */
    Oid relid;         /* the target named by the statement */
    Rule rule;         /* delete_without_where or update_without_where */
    List *conditions;
    char *unevaluated; /* barrier raised: it hangs on what this function returns (see above) */
};
List *dml_candidates(Query *query);
bool conditions_hold(List *conditions, ParamListInfo params);

/*
 * Rules the query matches for the relation it names (not its partitions or
 * inheritance children): guard_tamper for a write to a protected relation,
 * delete/update_without_where.  params: the values of $n (nullptr: unknown;
 * a WHERE that references no column of the target then still counts as none).
 * With the barrier raised, a candidate that hangs on a function not
 * evaluated matches, with Match.unevaluated naming the function.
 */
List *classify_query(Query *query, ParamListInfo params = nullptr);

/* ---- shared ---- */

/* The old name in ALTER ... RENAME of an object that has no schema. */
const char *renamed_object_name(const RenameStmt *stmt);

List *add_match(List *matches, Rule rule, char *object, Oid relid = InvalidOid);
char *relation_identity(Oid relid);
char *column_identity(Oid relid, const char *column);

} // namespace mg
