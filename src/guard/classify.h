/*
 * classify.h — which rules a statement matches.
 *
 * Classifiers return a List of Match (palloc'd), already filtered by the
 * exemptions; the most specific rule of an object comes first, guard_tamper
 * before everything else.
 */
#pragma once

#include "guard/rules.h"

namespace mg {

struct Match {
    Rule rule;
    char *object; /* identity of the object, as the refusal names it */
    Oid relid;    /* the relation the rule is about, if any */
};

/* Cheap test on the node tag: can this utility statement match a rule? */
bool utility_may_match(const Node *stmt);
/*
 * lookup_lock: the lock taken on objects looked up by name that are not
 * relations (DROP FUNCTION, DROP POLICY, ...).  The guard takes the
 * AccessExclusiveLock the DROP takes anyway; the migration review, which runs
 * nothing, passes AccessShareLock (and releases it with a subtransaction).
 */
List *classify_utility(Node *stmt, LOCKMODE lookup_lock = AccessExclusiveLock);

/* Every table a TRUNCATE empties: named ones, inheritors, CASCADE targets. */
List *truncate_targets(TruncateStmt *stmt);

/* Cheap test: is this query a DELETE/UPDATE/MERGE or has a writable CTE? */
bool query_may_match(const Query *query);
List *classify_query(Query *query);

/* The old name in ALTER ... RENAME of an object that has no schema. */
const char *renamed_object_name(const RenameStmt *stmt);

/* Shared by both classifiers. */
List *add_match(List *matches, Rule rule, char *object, Oid relid = InvalidOid);
char *relation_identity(Oid relid);
char *column_identity(Oid relid, const char *column);

} // namespace mg
