/*
 * bridge.h — the one crossing between C++ and PostgreSQL.
 *
 * PostgreSQL reports errors with ereport(ERROR), which longjmp()s to the
 * nearest PG_TRY or to the top of the backend.  C++ reports errors with
 * exceptions, which unwind the stack running destructors.  Neither mechanism
 * understands the other, so these rules hold in this code base (scripts/lint
 * checks them, `make lint`, part of `make test`):
 *
 *  1. No C++ exception may reach a PostgreSQL frame.  Every function that
 *     PostgreSQL calls (SQL-callable functions, hooks, GUC check hooks, shmem
 *     hooks, callbacks) runs its body through mg::guarded(), which catches
 *     every exception and turns it into an ordinary ereport(ERROR) *after*
 *     the exception object is gone.  guarded() also restores PostgreSQL's
 *     error state (PG_exception_stack, error_context_stack) to what it was on
 *     entry before it raises, so an exception thrown inside a PG_TRY block
 *     below it can never make a later ERROR jump into that dead PG_TRY frame.
 *
 *  2. No object with a non-trivial destructor may live on a frame that a
 *     PostgreSQL error can longjmp past (longjmp skips destructors).  Code
 *     that calls PostgreSQL therefore uses palloc'd memory, PostgreSQL Lists
 *     and trivially destructible C++ types only (std::string_view,
 *     std::array, enums, plain structs, lambdas capturing by reference); the
 *     standard algorithms it uses work in place (std::sort, std::nth_element)
 *     and allocate nothing.  C++ code that does hold owning objects reaches
 *     PostgreSQL only through mg::pg_call(), which turns a PostgreSQL error
 *     into a C++ exception (mg::PgError, holding a copy of the ErrorData), so
 *     that destructors run; guarded() re-raises that error unchanged (same
 *     SQLSTATE, message, detail, hint).
 *
 *  3. Only the bridge catches: a PgError must reach guarded(), which re-raises
 *     it (the transaction is in an error state until then: nothing may
 *     continue as if the call had succeeded).  No return, goto, break or
 *     continue may leave a PG_TRY/PG_CATCH/PG_FINALLY block (PG_END_TRY
 *     restores the error state), and no throw may happen inside one.
 *
 * Callbacks that only flip flags (relcache/syscache invalidation callbacks,
 * GUC assign hooks) contain no C++ that can throw and are not wrapped: an
 * ERROR is not allowed there in any case.  They are marked
 * "mg-lint: no-throw" where they are registered.
 *
 * Memory: palloc in PostgreSQL memory contexts; no raw new/delete.
 */
#pragma once

#include "common/pg.h"

#include <exception>
#include <type_traits>

namespace mg {

[[noreturn]] void raise_cpp_failure(const char *where, const char *what);

/* A PostgreSQL error caught by pg_call(), on its way to guarded(). */
struct PgError {
    ErrorData *data; /* CopyErrorData(), in the memory context of the pg_call() */
};

/*
 * Run fn() on behalf of PostgreSQL: C++ exceptions become ereport(ERROR), a
 * PgError is re-raised as the PostgreSQL error it was.  fn may call
 * PostgreSQL directly as long as rule 2 above holds for it.
 */
template <typename Fn>
auto guarded(const char *where, Fn &&fn) -> decltype(fn())
{
    sigjmp_buf *saved_exception_stack = PG_exception_stack;
    ErrorContextCallback *saved_context_stack = error_context_stack;
    const char *what = nullptr;
    ErrorData *pg_error = nullptr;
    char buf[256];
    try {
        return fn();
    } catch (const PgError &e) {
        pg_error = e.data;
    } catch (const std::exception &e) {
        strlcpy(buf, e.what(), sizeof buf);
        what = buf;
    } catch (...) {
        what = "unknown C++ exception";
    }
    /*
     * The exception object is destroyed here.  An exception may have left a
     * PG_TRY block (or an error context callback) below us without its
     * PG_END_TRY: point PostgreSQL back at our caller's before raising.
     */
    PG_exception_stack = saved_exception_stack;
    error_context_stack = saved_context_stack;
    if (pg_error != nullptr)
        ReThrowError(pg_error);
    raise_cpp_failure(where, what);
}

/*
 * Call PostgreSQL from C++ code that holds objects with destructors: a
 * PostgreSQL error raised by fn() is caught, copied and thrown as a PgError,
 * so the C++ stack unwinds normally (destructors run) up to guarded(), which
 * re-raises it.  fn() itself must hold no such objects (rule 2).
 */
template <typename Fn>
auto pg_call(Fn &&fn) -> decltype(fn())
{
    using Result = decltype(fn());
    MemoryContext mcx = CurrentMemoryContext;
    ErrorData *volatile edata = nullptr;
    if constexpr (std::is_void_v<Result>) {
        PG_TRY();
        {
            fn();
        }
        PG_CATCH();
        {
            MemoryContextSwitchTo(mcx);
            edata = CopyErrorData();
            FlushErrorState();
        }
        PG_END_TRY();
        if (edata != nullptr)
            throw PgError{edata};
    } else {
        static_assert(std::is_trivially_copyable_v<Result>, "pg_call returns trivially copyable values only");
        /* kept in memory (not a register) across the setjmp of PG_TRY */
        alignas(Result) unsigned char storage[sizeof(Result)];
        Result *out = reinterpret_cast<Result *>(storage);
        PG_TRY();
        {
            *out = fn();
        }
        PG_CATCH();
        {
            MemoryContextSwitchTo(mcx);
            edata = CopyErrorData();
            FlushErrorState();
        }
        PG_END_TRY();
        if (edata != nullptr)
            throw PgError{edata};
        return *out;
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
