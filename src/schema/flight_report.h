/*
 * flight_report.h — what preflight() and postflight() share: the report
 * (check_name, status, detail rows ending with "overall"), the FK-rule and
 * RLS checks (run through verify_fk_rules() and verify_rls(), whose errors
 * become FAIL rows instead of aborting the report), and the preflight record.
 *
 * Status words: PASS, WARN, FAIL.  A summary row per check ("row counts",
 * "schema", "fk rules", "rls", "ddl log"), then one row per item that needs a
 * look ("row count: public.t", "fk: public.t t_fkey", ...), and last
 * "overall": the worst status, with the count of FAIL and WARN rows.
 */
#pragma once

#include "common/pg.h"

namespace mg {

enum class Status { pass, warn, fail };

struct Report {
    struct Row {
        const char *check, *detail;
        Status status;
    };
    Row *rows;
    int count, capacity;
};

void report_init(Report *r);
/* Adds a row; returns its index (a summary row may be filled in later). */
int report_add(Report *r, const char *check, Status status, const char *detail);
Status worst(Status a, Status b);
const char *status_word(Status s);
/* Adds "overall" and writes every row to the result set. */
void report_emit(Report *r, ReturnSetInfo *rsinfo, const char *about);

/*
 * Runs fn() in a subtransaction; an ERROR inside it is caught and its message
 * returned (nullptr when fn() succeeded).  fn() calls PostgreSQL directly.
 */
template <typename Fn>
const char *try_in_subtransaction(Fn &&fn)
{
    MemoryContext context = CurrentMemoryContext;
    ResourceOwner owner = CurrentResourceOwner;
    const char *volatile failure = nullptr;
    BeginInternalSubTransaction(nullptr);
    MemoryContextSwitchTo(context);
    PG_TRY();
    {
        fn();
        ReleaseCurrentSubTransaction();
        MemoryContextSwitchTo(context);
        CurrentResourceOwner = owner;
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(context);
        ErrorData *e = CopyErrorData();
        FlushErrorState();
        RollbackAndReleaseCurrentSubTransaction();
        MemoryContextSwitchTo(context);
        CurrentResourceOwner = owner;
        failure = e->message ? e->message : "unknown error";
    }
    PG_END_TRY();
    return failure;
}

/* verify_fk_rules() (keys of tables in `schemas`, NULL = all): a "fk rules" row, and one per key not PASS. */
void check_fk_rules(Report *r, ArrayType *schemas);
/* verify_rls(schemas): an "rls" row, and one per table not PASS. */
void check_rls(Report *r, ArrayType *schemas);

/* ERROR unless the extension is installed here. */
void require_extension_here();

} // namespace mg
