/*
 * new_dependencies.h — the dependencies a statement creates, judged when it
 * is done (scope.h): what the objects it created or altered now depend on.
 *
 * On a temporary object: a temporary object is dropped, with CASCADE and
 * without any refusal or audit row, when its session ends or runs DISCARD
 * TEMP: a permanent table typed by a temporary composite type, a policy,
 * default, check, index or trigger calling a temporary function, a column of
 * a temporary type, a sequence owned by a temporary table's column ... would
 * silently go with it.  So the statement that creates such a dependency is
 * refused (rule drop_cascade: the eventual drop is a cascade).
 *
 * On migrate_guard's own code (guard_tamper): an object of anyone else that
 * calls or references one of the extension's internal functions (its trigger
 * and event trigger functions, the functions named _*: an event trigger
 * running the audit's function writes forged rows) — event triggers,
 * triggers, views, defaults, constraints, policies, domains, casts,
 * operators, aggregates, BEGIN ATOMIC bodies —, and a C function of anyone
 * else whose code is in migrate_guard's shared library.
 */
#pragma once

#include "guard/scope.h"

namespace mg {

/* Is the object temporary (in a temporary schema, or a temporary relation's part)? */
bool object_is_temporary(const ObjectAddress &addr);

/*
 * After a statement completed: refuse it if one of the objects it created or
 * altered (scope.touched) now depends on a temporary object (if it is
 * permanent) or on migrate_guard's own code.
 */
void check_new_dependencies(const UtilityScope &scope);

} // namespace mg
