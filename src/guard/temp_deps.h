/*
 * temp_deps.h — no permanent object may come to depend on a temporary one.
 *
 * A temporary object is dropped, with CASCADE and without any refusal or
 * audit row, when its session ends or runs DISCARD TEMP: a permanent table
 * typed by a temporary composite type, a policy, default, check, index or
 * trigger calling a temporary function, a column of a temporary type, a
 * sequence owned by a temporary table's column ... would silently go with it.
 * So the statement that creates such a dependency is refused (rule
 * drop_cascade: the eventual drop is a cascade).
 */
#pragma once

#include "guard/scope.h"

namespace mg {

/* Is the object temporary (in a temporary schema, or a temporary relation's part)? */
bool object_is_temporary(const ObjectAddress &addr);

/*
 * After a statement completed: refuse it if one of the objects it created or
 * altered (scope.touched) that is permanent now depends on a temporary one.
 */
void check_temp_dependencies(const UtilityScope &scope);

} // namespace mg
