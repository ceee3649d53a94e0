/*
 * ext_version.h — the version of migrate_guard installed in this database
 * (pg_extension.extversion), which lags behind the library's between
 * installing a new library and ALTER EXTENSION migrate_guard UPDATE.
 *
 * The guard and the audit work with every installed version (the audit
 * writes the columns the installed log has).  Functions that need the SQL
 * objects of a later version (tables, columns) call
 * require_extension_version() first: a clear ERROR instead of a failing
 * internal query, never a partial result.
 */
#pragma once

#include "common/pg.h"

namespace mg {

/* extversion of migrate_guard in this database (palloc'd), or nullptr when it is not installed. */
const char *installed_extension_version();

/*
 * ERROR (55000, DETAIL installed and library versions, HINT ALTER EXTENSION
 * migrate_guard UPDATE) unless the extension installed here is at least
 * `since`; `function` names the caller ("snapshot_row_counts()").  ERROR
 * too when it is not installed.
 */
void require_extension_version(const char *function, const char *since);

} // namespace mg
