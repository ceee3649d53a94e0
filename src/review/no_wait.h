/*
 * no_wait.h — the review never waits behind another session's lock.
 *
 * Two layers:
 *   1. Before a statement whose parse analysis opens relations (INSERT,
 *      UPDATE, DELETE, MERGE, SELECT, and the query of EXPLAIN / COPY /
 *      CREATE TABLE AS), every existing relation it names is locked
 *      conditionally in the mode parse analysis takes (RowExclusiveLock on
 *      the relations it writes, writable CTEs included, AccessShareLock on
 *      the others; released with the judging subtransaction), and so are the
 *      relations of the views among them, as the rewriter locks them.  One that another session keeps from us ends the
 *      judging of the statement at once with ERRCODE_LOCK_NOT_AVAILABLE,
 *      naming the relation.
 *   2. Everything else (a relation reached through a function or a rule, a
 *      partition the planner opens, ...) waits at most kLockWaitMs: lock_timeout is pinned
 *      for the whole call and restored after it.
 * Either way the statement gets a not_reviewed warning instead of a wait.
 */
#pragma once

#include "review/replay.h"

namespace mg::review {

/* Pins lock_timeout (review_lock_wait_ms()); returns the GUC nest level for unpin_lock_wait(). */
int pin_lock_wait();
void unpin_lock_wait(int level);

/* Layer 1 for st (ERRORs when a relation it names cannot be locked now). */
void claim_relations(const Statement *st, ScriptState *state);

/* not_reviewed for a statement whose judging failed with err (a lock not granted in time: said so). */
void report_not_reviewed(Statement *st, const ErrorData *err);

} // namespace mg::review
