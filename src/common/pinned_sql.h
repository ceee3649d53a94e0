/*
 * pinned_sql.h — SQL the library runs in the caller's rights, with
 * search_path pinned to pg_catalog, pg_temp.
 *
 * A caller may put a schema of their own first on search_path and plant
 * functions, operators, aggregates or types there named like built-in ones.
 * Every SQL text the library runs is written schema-qualified, and also runs
 * with search_path pinned, so that nothing a statement resolves by name can
 * be one of those.  (SQL that runs as the owner of the extension's tables
 * goes through as_extension_owner(), owner_sql.h, which pins it too.)
 * scripts/lint.py accepts SPI execution only inside with_pinned_search_path()
 * or as_extension_owner().
 */
#pragma once

#include "common/pg.h"

#include <type_traits>

namespace mg {

/* Pins search_path in a new GUC nest level; returns the level for unpin. */
int pin_search_path();
/* Pops that level (on error, (sub)transaction abort pops it). */
void unpin_search_path(int level);

/* Runs fn() with search_path pinned. */
template <typename Fn>
auto with_pinned_search_path(Fn &&fn) -> decltype(fn())
{
    int level = pin_search_path();
    if constexpr (std::is_void_v<decltype(fn())>) {
        fn();
        unpin_search_path(level);
    } else {
        auto result = fn();
        unpin_search_path(level);
        return result;
    }
}

/* SPI_execute_with_args() with search_path pinned.  Returns the SPI result code. */
int spi_exec(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls, bool read_only);

} // namespace mg
