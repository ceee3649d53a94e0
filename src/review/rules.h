/*
 * rules.h — the review's rule families, and what they share: the table a
 * statement acts on, as the review sees it (existing and how big, created
 * earlier in the script, or missing).
 *
 *   rules_guard.cpp        the guard's own classifier on the same parse tree
 *   rules_index.cpp        index_not_concurrent, drop_index_not_concurrent,
 *                          concurrently_in_transaction
 *   rules_table.cpp        ALTER TABLE sub-commands and CREATE TABLE:
 *                          table_rewrite, not_null_without_default
 *   rules_constraints.cpp  validating_constraint, unique_scan,
 *                          set_not_null_scan, fk_without_index
 *   rules_locks.cpp        the lock of every other statement (TRUNCATE, DROP,
 *                          RENAME, triggers, policies, VACUUM FULL, CLUSTER,
 *                          REFRESH ...), opaque code (DO, CALL)
 *   rules_calls.cpp        opaque_code for functions defined in the database
 *                          that a query or DML calls
 *   rules_timeout.cpp      missing_lock_timeout
 *   rules_volume.cpp       mass_delete, mass_update (the guard by volume,
 *                          from the planner's estimate)
 *   rules_storage.cpp      table_rewrite of SET TABLESPACE (ALL IN
 *                          TABLESPACE too) and SET ACCESS METHOD
 *   rules_reach.cpp        the guard's rules on objects the script creates,
 *                          by the existing objects they reach (hangs.h)
 *   rules_fails.cpp        statements that fail at once: unknown_object,
 *                          already_exists, invalid_statement
 *   script_code.cpp        rules and triggers the script creates or enables,
 *                          session_replication_role, prepared_transaction
 *   rules_effects.cpp      the guard's refusals at the point of effect
 *                          (guard_tamper, DROP IDENTITY's drop_sequence,
 *                          drop_cascade on a temporary object), predicted
 */
#pragma once

#include "review/facts.h"
#include "review/replay.h"
#include "review/review.h"

namespace mg::review {

/* A table a statement acts on. */
struct Target {
    RelRef ref;
    const TableFacts *facts; /* existing tables only */
};

Target target_of(ScriptState *state, const RangeVar *rv);
Target target_of_relid(Oid relid);
bool target_exists(const Target &t);
bool target_is_new(const Target &t);
/* New, or proven empty: lock and rewrite findings are ok. */
bool target_is_trivial(const Target &t);
/* "public.orders (~1,000 rows, 64 kB)", "public.t (empty)", "public.t (created earlier in this script)" */
char *target_text(const Target &t);
/* ok for a trivial target, danger otherwise */
Severity scaled_severity(const Target &t);
/* "; public.t is empty" style reason why a finding is ok */
char *why_ok(const Target &t);

/* table_rewrite: `what` rewrites table t under lock (ok when t is trivial). */
void report_rewrite(Statement *st, const Target &t, LOCKMODE lock, const char *what, const char *why,
                    const char *hint, const char *verb = "rewrites", const char *until = "every row is written again");

/* unknown_object: the statement names a relation that neither exists nor is created earlier. */
void report_missing(Statement *st, const Target &t, bool missing_ok);

/*
 * The guard's matches, judged by decide() under the current settings
 * (rules_guard.cpp): blocked when the guard would refuse.  route: how the
 * statement reaches the object when it does not name it (nullptr: it does).
 */
void report_guard(Statement *st, List *matches, const char *route = nullptr);
/* DML: does the statement change rows (a writable CTE counts)?  Its target, WHERE clause (has_where: it has one). */
bool is_dml(const Node *stmt);
/* The DML the statement runs: itself, EXPLAIN ANALYZE's statement, a prepared one it EXECUTEs (nullptr: none). */
Node *statement_dml(const Statement *st, ScriptState *state);
const RangeVar *dml_target(const Node *stmt, Node **where, bool *has_where);
/* The guard's classifier on analysed DML (analyze_statement()). */
/* params: the values of $n (EXECUTE's arguments); nullptr: unknown. */
List *classify_dml(List *queries, ParamListInfo params = nullptr);

/* Rule families (each judges one statement; relations it locks are noted on st). */
void review_guard(Statement *st, ScriptState *state, const char *sql);
/* Statements on objects the script creates, by the existing objects they reach (hangs.h). */
void review_reach(Statement *st, ScriptState *state);
/* The guard's refusals at the point of effect (object access, new dependencies, sequence writes), predicted. */
void review_effects(Statement *st, ScriptState *state);
void review_index(Statement *st, ScriptState *state);
void review_table(Statement *st, ScriptState *state);
void review_locks(Statement *st, ScriptState *state);
void review_timeout(Statement *st, ScriptState *state);
/*
 * The guard by volume on the rewritten queries of a DELETE / UPDATE / MERGE /
 * upsert (called by review_guard inside its subtransaction, once parse
 * analysis locked the tables): nothing when migrate_guard.max_rows_changed is 0.
 */
void review_volume(Statement *st, List *queries);
/* Moves and rewrites of a relation's files (rules_storage.cpp): ALL IN TABLESPACE, and the sub-commands. */
void review_storage(Statement *st, ScriptState *state);
void review_set_tablespace(Statement *st, ScriptState *state, const Target &t, const char *tablespace);
void review_set_access_method(Statement *st, const Target &t, const char *access_method);
/*
 * opaque_code: a query or DML (top-level SELECT / VALUES, INSERT, UPDATE,
 * DELETE, MERGE, CREATE TABLE AS, COPY (query), EXPLAIN ANALYZE, EXECUTE)
 * calls a function that is not built into PostgreSQL, directly, through an
 * operator, a cast, a column default or a view.
 */
void review_calls(Statement *st, ScriptState *state);
/* Cheap test on a raw SELECT / VALUES: could it call a function at all (`SELECT 1;` cannot)? */
bool query_may_call(Node *stmt);
/* Parse analysis (no post-parse hooks) and rewrite of a raw DML or query: the queries the planner would get. */
/* argtypes (TypeName *): the types of $1 .. $n a PREPARE declares; the others are deduced. */
List *analyze_statement(Node *stmt, const Statement *st, List *argtypes = NIL);
/* Statements that fail as soon as they run (rules_fails.cpp): unknown_object, already_exists, invalid_statement. */
void review_fails(Statement *st, ScriptState *state);
/* statements PostgreSQL refuses inside a transaction block */
void review_transaction_block(Statement *st, ScriptState *state);

/* Constraint family, called by rules_table.cpp for ALTER TABLE / CREATE TABLE. */
struct ConstraintSite {
    Statement *st;
    ScriptState *state;
    Target table;
    const RangeVar *rv;    /* the table as written */
    LOCKMODE table_lock;   /* what the statement takes on the table */
    const char *column;    /* a column constraint: its column */
};
void review_constraint(const ConstraintSite &site, Constraint *con);
void review_set_not_null(const ConstraintSite &site, const char *column, bool for_primary_key = false);
void review_validate_constraint(const ConstraintSite &site, const char *name);
void review_fk_index(const ConstraintSite &site, Constraint *fk);

/* "a, b" from a List of char * (quoted where needed); a NULL entry reads "(expression)" */
char *column_list_text(List *columns);
/* char * names from a List of String nodes */
List *string_names(List *strings);

/* Column constraint of a given type in a raw ColumnDef (DEFAULT, NOT NULL, IDENTITY, ...). */
Constraint *column_constraint(ColumnDef *col, ConstrType type);

} // namespace mg::review
