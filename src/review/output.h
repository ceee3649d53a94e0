/*
 * output.h — check_migration() rows (one per finding, statements in script
 * order, worst finding first) and migration_verdict()'s word:
 * SAFE TO DEPLOY (nothing above ok), REVIEW (worst is warn or danger),
 * BLOCKED (anything blocked).
 */
#pragma once

#include "review/review.h"

namespace mg::review {

void emit_rows(ReturnSetInfo *rsinfo, List *statements);
Severity worst_severity(List *statements);
const char *verdict_word(Severity worst);

} // namespace mg::review
