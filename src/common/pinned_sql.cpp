/* pinned_sql.cpp — see pinned_sql.h. */
#include "common/bridge.h"
#include "common/pinned_sql.h"

extern "C" {
#include "executor/spi.h"
}

namespace mg {

int pin_search_path()
{
    int level = NewGUCNestLevel();
    (void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
                             true, 0, false);
    return level;
}

void unpin_search_path(int level)
{
    AtEOXact_GUC(true, level);
}

int spi_exec(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls, bool read_only)
{
    return with_pinned_search_path(
        [&] { return SPI_execute_with_args(sql, nargs, types, values, nulls, read_only, 0); });
}

} // namespace mg
