/*
 * selftest.cpp — proves the bridge (bridge.h) in a running server: a C++
 * exception thrown under mg::guarded() becomes an ordinary ERROR and the
 * backend goes on.  Not part of the extension's SQL: the regression suite
 * declares it (LANGUAGE C, '$libdir/migrate_guard').
 */
#include "common/bridge.h"

#include <stdexcept>

MG_SQL_FUNCTION(mg_selftest_cpp_exception)
{
    if (PG_NARGS() > 0 && !PG_ARGISNULL(0) && PG_GETARG_BOOL(0))
        throw std::runtime_error("selftest: thrown on purpose");
    PG_RETURN_BOOL(false);
}
