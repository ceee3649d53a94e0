/*
 * subxact.h — running a piece of the review inside a subtransaction that is
 * always rolled back.
 *
 * Rolling back releases every lock taken inside (the AccessShareLock used to
 * read a table's size, the guard's name lookups, parse analysis of DML),
 * every relcache and catcache reference and every GUC changed with
 * GUC_ACTION_SAVE, and turns an ERROR into a value the review reports.
 * While it runs the transaction is read-only (XactReadOnly), a last line of
 * defence against anything that would write (nextval() included).
 *
 * Memory: fn() allocates in the context that was current when attempt() was
 * called, which survives the rollback.
 */
#pragma once

#include "common/pg.h"

namespace mg::review {

/* Errors that are not about the statement under review: re-raised. */
bool error_must_propagate(const ErrorData *err);

/* Runs fn() in a rolled-back subtransaction; returns its error, whatever it is. */
template <typename Fn>
ErrorData *attempt_any(Fn &&fn)
{
    MemoryContext cxt = CurrentMemoryContext;
    ResourceOwner owner = CurrentResourceOwner;
    bool read_only = XactReadOnly;
    ErrorData *volatile err = nullptr;
    BeginInternalSubTransaction(nullptr);
    MemoryContextSwitchTo(cxt);
    XactReadOnly = true;
    PG_TRY();
    {
        fn();
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(cxt);
        err = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    XactReadOnly = read_only;
    RollbackAndReleaseCurrentSubTransaction();
    MemoryContextSwitchTo(cxt);
    CurrentResourceOwner = owner;
    return err;
}

/* The same, but a cancel, a shortage of resources or an internal error is re-raised. */
template <typename Fn>
ErrorData *attempt(Fn &&fn)
{
    ErrorData *err = attempt_any(fn);
    if (err != nullptr && error_must_propagate(err))
        ReThrowError(err);
    return err;
}

} // namespace mg::review
