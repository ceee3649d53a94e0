/*
 * user_code.h — code the migration review must never run, and the barrier
 * that stops it.
 *
 * PostgreSQL runs code while it only prepares a statement: the parser calls
 * the input function of a literal's type (a domain's CHECK constraints with
 * it, e.g. for '{5}'::checked_int[]), the planner and the guard's
 * classifier fold IMMUTABLE functions with constant arguments
 * (eval_const_expressions), the planner's selectivity estimates call STABLE
 * ones and operators' functions, relcache folds index expressions.  For the
 * review that is user code running on behalf of a statement it was asked
 * not to run.  Two layers keep it out:
 *
 *   1. Prediction: the review (and the guard's classifier while the barrier
 *      is raised) lets PostgreSQL fold or plan an expression only when
 *      only_builtin_functions() holds for it; anything else is an unknown
 *      value, or the estimate comes from elsewhere.
 *   2. The barrier, at the point of effect: while it is raised, fmgr refuses
 *      (ERROR, before it runs) every call of a function defined in the
 *      database in SQL or a procedural language (PL/pgSQL, ...), whatever
 *      route leads there.  PostgreSQL consults needs_fmgr_hook when it looks a
 *      function up (fmgr_info), so every call prepared while the barrier is up
 *      passes fmgr_hook first.  C functions (installed by a superuser: the
 *      input functions of an extension's types, ...) still run where the
 *      parser calls them.
 *   3. Built-in functions never reach fmgr's hooks (fmgr_info finds them in
 *      its built-in table first), and some have effects outside the
 *      transaction (pg_try_advisory_lock, pg_terminate_backend, nextval,
 *      setval, pg_stat_reset, ...).  All of those are VOLATILE, and PostgreSQL
 *      folds no VOLATILE function; the only queries the review executes, its
 *      data probes, refuse to run when their analyzed and rewritten form
 *      (row-level security quals included) calls one
 *      (first_volatile_function()).
 */
#pragma once

#include "common/pg.h"

namespace mg {

/* SQLSTATE of the barrier's refusal (never leaves the review: its subtransactions catch it). */
#define ERRCODE_MIGRATE_GUARD_USER_CODE ERRCODE_S_R_E_PROHIBITED_SQL_STATEMENT_ATTEMPTED

/*
 * Part of PostgreSQL itself (its OID is below FirstNormalObjectId), and
 * computing a value is all it does: the few built-in functions that assign
 * a transaction ID (pg_current_xact_id(), txid_current()) or run queries
 * (table_to_xml(), schema_to_xml(), database_to_xml() and their variants)
 * do not count.
 */
bool is_builtin_function(Oid funcid);

/*
 * Every function the node calls is built in (is_builtin_function): function
 * calls, operators, casts, type input/output of conversions (CoerceViaIO),
 * aggregates and window functions, the CHECK constraints of the domains it
 * coerces to, in expressions and in whole queries (their sub-queries, CTEs,
 * range-table functions, VALUES lists, security quals).
 */
bool only_builtin_functions(Node *node);

/*
 * DomainHasConstraints() without the type cache, which plans (constant-folds)
 * a domain's CHECK expressions when it loads them: read from the catalog.
 */
bool domain_has_constraints(Oid typid);

/* Does the node itself (a call, an operator, a coercion to a domain; not its arguments) fail that test? */
bool calls_non_builtin_itself(Node *node);

/* The first function the node calls that is not built in (InvalidOid: none). */
Oid first_user_function(Node *node);

/*
 * The first VOLATILE function the node calls, built in or not (InvalidOid:
 * none): in expressions and whole queries (sub-queries, CTEs, security
 * quals), operators and coercions included, and the CHECK constraints of the
 * domains it coerces to.  Constant folding never evaluates one; the review's
 * data probes, which execute queries, refuse to run any (see below).
 */
Oid first_volatile_function(Node *node);

/*
 * A domain of this database whose CHECK calls a VOLATILE function
 * (InvalidOid: none; *function receives it).  The input function of an
 * array, composite or range of such a domain evaluates that CHECK while a
 * literal is only parsed, and built-in functions pass no hook.
 */
Oid domain_with_volatile_check(Oid *function);

/* "public.f(integer)" of the first function not built in, or nullptr. */
char *user_function_text(Node *node);

/* Is the barrier raised (a migration review is running in this backend)? */
bool user_code_barrier_raised();

void raise_user_code_barrier();
void lower_user_code_barrier();

/* Runs fn() with the barrier raised; lowers it however fn() ends. */
template <typename Fn>
void with_user_code_barrier(Fn &&fn)
{
    raise_user_code_barrier();
    PG_TRY();
    {
        fn();
    }
    PG_FINALLY();
    {
        lower_user_code_barrier();
    }
    PG_END_TRY();
}

/*
 * Installs needs_fmgr_hook and fmgr_hook (chaining to the previous ones) and
 * a transaction callback that lowers a barrier left raised.  Called by
 * _PG_init whether or not the library is preloaded: the review needs it in
 * every backend that runs one.
 */
void install_user_code_barrier();

} // namespace mg
