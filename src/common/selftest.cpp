/*
 * selftest.cpp — proves the bridge (bridge.h) in a running server.  Not part
 * of the extension's SQL: the regression suite `bridge` declares these
 * functions (LANGUAGE C, '$libdir/migrate_guard').  They break the bridge's
 * rules on purpose, to show what the bridge does about it (scripts/lint
 * knows this file).
 *
 *   mg_selftest_cpp_exception(throw)  a C++ exception becomes an ERROR
 *   mg_selftest_throw_in_pg_try()     a C++ exception thrown inside a PG_TRY
 *                                     block leaves PostgreSQL's error state
 *                                     pointing at a dead frame: guarded()
 *                                     restores it, the session goes on
 *   mg_selftest_pg_call(mode)         pg_call(): a PostgreSQL error unwinds
 *                                     C++ frames (destructors run) and is
 *                                     re-raised unchanged
 *   mg_selftest_throw_as_owner()      a C++ exception inside
 *                                     as_extension_owner() restores the user,
 *                                     search_path and the guard
 */
#include "common/bridge.h"
#include "common/owner_sql.h"

#include <stdexcept>
#include <string>

namespace {

int g_destroyed = 0; /* Trackers destroyed so far in this backend */

/* An object with a destructor, as C++ code holding resources would have. */
struct Tracker {
    std::string name{"a C++ object with a destructor"};
    ~Tracker() { g_destroyed++; }
};

int divide(int a, int b)
{
    return DatumGetInt32(DirectFunctionCall2(int4div, Int32GetDatum(a), Int32GetDatum(b)));
}

} // namespace

MG_SQL_FUNCTION(mg_selftest_cpp_exception)
{
    if (PG_NARGS() > 0 && !PG_ARGISNULL(0) && PG_GETARG_BOOL(0))
        throw std::runtime_error("selftest: thrown on purpose");
    PG_RETURN_BOOL(false);
}

MG_SQL_FUNCTION(mg_selftest_throw_in_pg_try)
{
    PG_TRY();
    {
        throw std::runtime_error("selftest: thrown inside a PG_TRY block");
    }
    PG_CATCH();
    {
        PG_RE_THROW();
    }
    PG_END_TRY();
    PG_RETURN_BOOL(false);
}

MG_SQL_FUNCTION(mg_selftest_pg_call)
{
    const char *mode = PG_ARGISNULL(0) ? "" : text_to_cstring(PG_GETARG_TEXT_PP(0));
    if (strcmp(mode, "value") == 0) {
        Tracker t;
        PG_RETURN_INT32(mg::pg_call([] { return divide(6, 2); }));
    }
    if (strcmp(mode, "error") == 0) {
        Tracker t;
        PG_RETURN_INT32(mg::pg_call([] { return divide(1, 0); })); /* ERROR: division by zero */
    }
    if (strcmp(mode, "destroyed") == 0)
        PG_RETURN_INT32(g_destroyed);
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("selftest: mode is value, error or destroyed")));
    PG_RETURN_NULL();
}

MG_SQL_FUNCTION(mg_selftest_throw_as_owner)
{
    mg::as_extension_owner([] { throw std::runtime_error("selftest: thrown while running as the extension's owner"); });
    PG_RETURN_BOOL(false);
}
