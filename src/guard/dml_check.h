/*
 * dml_check.h — DELETE / UPDATE / MERGE / INSERT judged each time they run.
 *
 * When a statement is planned, the planner hook classifies its rewritten
 * Query (classify_dml.cpp) and attaches what it found to the plan: the
 * candidates of each ModifyTable node (see dml_check.cpp for where).  When
 * the plan is executed — each execution of a cached or prepared plan, each
 * call of a function, with the parameter values of that execution —
 * ExecutorStart judges it: every relation the ModifyTable node really writes
 * (partitions and inheritance children included, each with its own
 * exemption), guard_tamper for any write to a protected relation of
 * migrate_guard, and the audit row of a matched statement that runs.  A plan
 * started only to be explained (EXEC_FLAG_EXPLAIN_ONLY) is not judged: it
 * never runs.
 */
#pragma once

#include "common/pg.h"

extern "C" {
#include "executor/execdesc.h"
}

namespace mg {

/* Planner hook side: classify parse (before planning), then attach to the plan. */
List *dml_plan_candidates(Query *parse);
void attach_dml_candidates(PlannedStmt *plan, List *candidates);

/* ExecutorStart side: judge the plan about to run (refuses with ERROR). */
void check_dml_execution(QueryDesc *query, int eflags);

/*
 * Would check_dml_execution() look at anything?  Not when the plan never
 * runs (EXPLAIN), when no ModifyTable node carries candidates and every
 * relation written is open and outside schema migrate_guard: the common case,
 * in a few tests (no allocation, no catalog access, nothing that throws).
 */
bool dml_execution_needs_check(QueryDesc *query, int eflags);

} // namespace mg
