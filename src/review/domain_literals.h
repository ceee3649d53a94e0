/*
 * domain_literals.h — literals the review does not let PostgreSQL read.
 *
 * While a statement is only parsed, the input function of an array,
 * composite or range literal ('{5}', '(1,x)', '[1,2)') calls domain_in() for
 * elements of a domain type, which evaluates the domain's CHECK: code run by
 * parsing.  A CHECK that calls a function defined in the database is stopped
 * by the barrier (common/user_code.h); one that calls a VOLATILE built-in
 * (pg_terminate_backend(VALUE), ...) passes no hook.  When this database has
 * such a domain, a statement with a literal of that shape is not judged (the
 * review cannot tell which type will read it before parsing it): ERROR,
 * reported as not_reviewed.  Without such a domain nothing changes.
 */
#pragma once

#include "review/review.h"

namespace mg::review {

/* Looks for such a domain once per review. */
void domain_literals_begin();

/* ERRORs when the statement has a literal an input function could hand to such a domain. */
void refuse_domain_literals(const Statement *st);

} // namespace mg::review
