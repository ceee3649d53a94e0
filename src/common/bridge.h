/*
 * bridge.h — the one crossing between C++ and PostgreSQL.
 *
 * PostgreSQL reports errors with ereport(ERROR), which longjmp()s to the
 * nearest PG_TRY or to the top of the backend.  C++ reports errors with
 * exceptions, which unwind the stack running destructors.  Neither mechanism
 * understands the other, so two rules hold in this code base:
 *
 *  1. No C++ exception may reach a PostgreSQL frame.  Every function that
 *     PostgreSQL calls (SQL-callable functions, hooks, GUC hooks, shmem hooks,
 *     callbacks) runs its body through mg::guarded(), which catches every
 *     exception and turns it into an ordinary ereport(ERROR) *after* the
 *     exception object is gone.
 *
 *  2. No object with a non-trivial destructor may live on a frame that a
 *     PostgreSQL error can longjmp past (longjmp skips destructors).  Code
 *     that calls PostgreSQL therefore uses palloc'd memory, PostgreSQL Lists
 *     and trivially destructible C++ types only (std::string_view,
 *     std::array, enums, plain structs, lambdas capturing by reference); the
 *     standard algorithms it uses work in place (std::sort) and allocate
 *     nothing.  Should code ever need std containers, it must reach
 *     PostgreSQL through a PG_TRY wrapper that turns the error into a C++
 *     exception, so that destructors run, and re-raise it here.
 *
 * Callbacks that only flip flags (relcache/syscache invalidation callbacks,
 * GUC assign hooks) contain no C++ that can throw and are not wrapped: an
 * ERROR is not allowed there in any case.
 *
 * Memory: palloc in PostgreSQL memory contexts; no raw new/delete.
 */
#pragma once

#include "common/pg.h"

#include <exception>

namespace mg {

[[noreturn]] void raise_cpp_failure(const char *where, const char *what);

/*
 * Run fn() on behalf of PostgreSQL: C++ exceptions become ereport(ERROR).
 * fn may call PostgreSQL directly as long as rule 2 above holds for it.
 */
template <typename Fn>
auto guarded(const char *where, Fn &&fn) -> decltype(fn())
{
    const char *what = nullptr;
    char buf[256];
    try {
        return fn();
    } catch (const std::exception &e) {
        strlcpy(buf, e.what(), sizeof buf);
        what = buf;
    } catch (...) {
        what = "unknown C++ exception";
    }
    /* the exception object is destroyed here: now it is safe to longjmp */
    raise_cpp_failure(where, what);
}

} // namespace mg

/* Declares an SQL-callable function whose body runs under mg::guarded(). */
#define MG_SQL_FUNCTION(name)                                                  \
    static Datum name##_impl(PG_FUNCTION_ARGS);                                \
    extern "C" {                                                               \
    PG_FUNCTION_INFO_V1(name);                                                 \
    PGDLLEXPORT Datum name(PG_FUNCTION_ARGS)                                   \
    {                                                                          \
        return mg::guarded(#name, [&] { return name##_impl(fcinfo); });        \
    }                                                                          \
    }                                                                          \
    static Datum name##_impl(PG_FUNCTION_ARGS)
