/*
 * redact.h — keeps passwords out of the audit log.
 */
#pragma once

#include "common/pg.h"

namespace mg {

/*
 * Returns `sql` with every string literal that follows the keyword PASSWORD
 * or an option named password (CREATE/ALTER ROLE, user mappings, servers)
 * replaced by '********'.  Returns `sql` itself when there is nothing to hide.
 * *redacted (optional) tells whether anything was replaced.
 */
const char *redact_passwords(const char *sql, bool *redacted = nullptr);

} // namespace mg
