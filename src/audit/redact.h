/*
 * redact.h — keeps secrets out of the audit log and the refusal ring.
 */
#pragma once

#include "common/pg.h"

namespace mg {

/*
 * Returns `sql` with its secrets replaced, or `sql` itself when there is
 * nothing to hide.  The text is split into tokens by PostgreSQL's own lexer,
 * once with standard_conforming_strings on and once off (the setting in force
 * when the statement was parsed is not known here; where the two splits
 * differ, the union of what they hide is hidden).  Hidden:
 *   - the string literal after the keyword PASSWORD or an option named
 *     password (CREATE/ALTER ROLE, servers, ALTER SYSTEM SET x.password = ...);
 *   - every option value of CREATE/ALTER USER MAPPING (they are credentials);
 *   - the password of a connection string or URI inside any string literal
 *     (CREATE/ALTER SUBSCRIPTION ... CONNECTION, primary_conninfo, dblink);
 *   - the same, recursively, inside string literals that are themselves SQL
 *     (DO bodies, function bodies, EXECUTE strings), four literals deep;
 *   - failing closed, whole: a literal deeper than that which may hold a
 *     secret; a nested literal that does not split into tokens, and a
 *     double-quoted identifier (a body in another language), in which a
 *     secret's word stands before a quote (PASSWORD '...').
 * *redacted (optional) tells whether anything was replaced.
 */
const char *redact_secrets(const char *sql, bool *redacted = nullptr);

/* The password of a connection string ("host=h password=x") or URI, hidden; nullptr if none. */
const char *redact_conninfo(const char *value);

} // namespace mg
