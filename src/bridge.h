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
 *     and trivially destructible C++ types only (std::string_view, enums,
 *     plain structs, arrays).  Code that wants std containers must reach
 *     PostgreSQL through mg::pg_call(), which turns a PostgreSQL error into a
 *     C++ exception (mg::PgError) so that destructors run; guarded() turns it
 *     back into the original PostgreSQL error at the boundary.
 *
 * Memory: palloc in PostgreSQL memory contexts; no raw new/delete.
 */
#pragma once

#include "pg.h"

#include <exception>
#include <type_traits>

namespace mg {

/* A PostgreSQL error carried through C++ frames by pg_call(). */
struct PgError {
    ErrorData *edata; /* allocated in the context current at the call */
};

[[noreturn]] void raise_cpp_failure(const char *where, const char *what);
[[noreturn]] void rethrow_pg_error(ErrorData *edata);

/*
 * Run fn() on behalf of PostgreSQL: C++ exceptions become ereport(ERROR).
 * fn may call PostgreSQL directly as long as rule 2 above holds for it.
 */
template <typename Fn>
auto guarded(const char *where, Fn &&fn) -> decltype(fn())
{
    ErrorData *pg_error = nullptr;
    const char *what = nullptr;
    char buf[256];
    try {
        return fn();
    } catch (const PgError &e) {
        pg_error = e.edata;
    } catch (const std::exception &e) {
        strlcpy(buf, e.what(), sizeof buf);
        what = buf;
    } catch (...) {
        what = "unknown C++ exception";
    }
    /* the exception object is destroyed here: now it is safe to longjmp */
    if (pg_error)
        rethrow_pg_error(pg_error);
    raise_cpp_failure(where, what);
}

/*
 * Call PostgreSQL from C++ code that has destructors on its stack: a
 * PostgreSQL error is caught, copied and thrown as mg::PgError.
 */
template <typename Fn>
auto pg_call(Fn &&fn) -> decltype(fn())
{
    using R = decltype(fn());
    MemoryContext caller_cxt = CurrentMemoryContext;
    ErrorData *volatile failure = nullptr;
    if constexpr (std::is_void_v<R>) {
        PG_TRY();
        {
            fn();
        }
        PG_CATCH();
        {
            MemoryContextSwitchTo(caller_cxt);
            failure = CopyErrorData();
            FlushErrorState();
        }
        PG_END_TRY();
        if (failure)
            throw PgError{failure};
    } else {
        static_assert(std::is_trivially_copyable_v<R>,
                      "pg_call returns plain values only");
        R result{};
        R *volatile out = &result;
        PG_TRY();
        {
            *out = fn();
        }
        PG_CATCH();
        {
            MemoryContextSwitchTo(caller_cxt);
            failure = CopyErrorData();
            FlushErrorState();
        }
        PG_END_TRY();
        if (failure)
            throw PgError{failure};
        return result;
    }
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
