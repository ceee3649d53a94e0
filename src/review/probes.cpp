/* probes.cpp — see probes.h. */
#include "common/bridge.h"
#include "common/user_code.h"
#include "review/locks.h"
#include "review/probes.h"
#include "review/rewrite.h"
#include "review/subxact.h"

extern "C" {
#include "access/relation.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "executor/spi.h"
#include "utils/plancache.h"
#include "utils/rls.h"
#include "utils/ruleutils.h"
#include "utils/timeout.h"
}

#include <climits>

namespace mg::review {
namespace {

int g_probe_timeout_ms = 5000;

List *copy_names(List *names)
{
    List *out = NIL;
    ListCell *lc;
    foreach (lc, names)
        out = lappend(out, lfirst(lc) ? pstrdup(static_cast<char *>(lfirst(lc))) : nullptr);
    return out;
}

const char *rule_of(ProbeKind k)
{
    switch (k) {
    case ProbeKind::duplicates:
        return "unique_violation";
    case ProbeKind::nulls:
        return "not_null_violation";
    case ProbeKind::orphans:
        return "fk_violation";
    case ProbeKind::check:
        return "check_violation";
    }
    return "unique_violation";
}

char *relation_sql(Oid relid, bool children)
{
    return psprintf("%s%s", children ? "" : "ONLY ", qualified_name(relid));
}

char *columns_sql(List *cols, const char *alias, const char *sep, const char *suffix)
{
    StringInfoData buf;
    initStringInfo(&buf);
    ListCell *lc;
    foreach (lc, cols)
        appendStringInfo(&buf, "%s%s%s%s", buf.len ? sep : "", alias, quote_identifier(static_cast<char *>(lfirst(lc))),
                         suffix);
    return buf.data;
}

/* The primary key columns of relid (NIL when it has none or cannot be read now). */
List *primary_key_columns(Oid relid)
{
    if (!ConditionalLockRelationOid(relid, AccessShareLock))
        return NIL;
    Relation rel = relation_open(relid, NoLock);
    Oid pk = RelationGetPrimaryKeyIndex(rel);
    relation_close(rel, NoLock);
    List *cols = NIL;
    HeapTuple tup = OidIsValid(pk) ? SearchSysCache1(INDEXRELID, ObjectIdGetDatum(pk)) : nullptr;
    if (tup != nullptr && HeapTupleIsValid(tup)) {
        Form_pg_index ix = reinterpret_cast<Form_pg_index>(GETSTRUCT(tup));
        for (int i = 0; i < ix->indnkeyatts; i++)
            cols = lappend(cols, get_attname(relid, ix->indkey.values[i], false));
        ReleaseSysCache(tup);
    }
    return cols;
}

/*
 * A CHECK probe's expression, cooked against the table under the caller's
 * search_path (as the statement will resolve it), with the deparse context
 * for later.
 */
Node *cooked_check(const ProbeRequest *p)
{
    if (OidIsValid(p->check_oid)) {
        HeapTuple tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(p->check_oid));
        if (!HeapTupleIsValid(tup))
            elog(ERROR, "constraint %u vanished", p->check_oid);
        bool isnull;
        Datum bin = SysCacheGetAttr(CONSTROID, tup, Anum_pg_constraint_conbin, &isnull);
        Node *expr = static_cast<Node *>(stringToNode(TextDatumGetCString(bin)));
        ReleaseSysCache(tup);
        return expr;
    }
    Relation relation;
    ParseState *pstate = parse_state_for(p->relid, &relation);
    if (relation == nullptr)
        ereport(ERROR, (errcode(ERRCODE_LOCK_NOT_AVAILABLE),
                        errmsg("another session holds a lock on %s that keeps readers out", qualified_name(p->relid))));
    Node *expr = cook_check_expression(pstate, p->raw_check);
    parse_state_done(pstate, relation);
    return expr;
}

/* Under the pinned search_path every name outside pg_catalog is printed qualified. */
char *check_sql(const ProbeRequest *p, Node *expr)
{
    char *text = deparse_expression(expr, deparse_context_for(get_rel_name(p->relid), p->relid), false, false);
    return psprintf("SELECT 1 FROM %s WHERE (%s) IS FALSE LIMIT 1", relation_sql(p->relid, p->include_children), text);
}

/* Runs fn() with search_path = pg_catalog, pg_temp in a GUC nest level of its own (an ERROR pops it too). */
template <typename Fn>
void with_pinned_search_path(Fn &&fn)
{
    int level = NewGUCNestLevel();
    set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
    fn();
    AtEOXact_GUC(true, level);
}

/* The probe's SQL: every name qualified, run with search_path = pg_catalog, pg_temp. */
char *probe_sql(const ProbeRequest *p)
{
    char *rel = relation_sql(p->relid, p->include_children);
    switch (p->kind) {
    case ProbeKind::duplicates:
        return psprintf("SELECT ROW(%s)::pg_catalog.text, pg_catalog.count(*) FROM %s WHERE %s GROUP BY %s "
                        "HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1 LIMIT 1",
                        columns_sql(p->columns, "", ", ", ""), rel, columns_sql(p->columns, "", " AND ", " IS NOT NULL"),
                        columns_sql(p->columns, "", ", ", ""));
    case ProbeKind::nulls:
        return psprintf("SELECT 1 FROM %s WHERE %s LIMIT 1", rel, columns_sql(p->columns, "", " OR ", " IS NULL"));
    case ProbeKind::orphans: {
        char *present = columns_sql(p->columns, "c.", " AND ", " IS NOT NULL");
        char *row = columns_sql(p->columns, "c.", ", ", "");
        if (!OidIsValid(p->ref_relid)) /* the referenced table is new, hence empty */
            return psprintf("SELECT ROW(%s)::pg_catalog.text FROM %s c WHERE %s LIMIT 1", row, rel, present);
        List *ref_cols = p->ref_columns ? p->ref_columns : primary_key_columns(p->ref_relid);
        if (list_length(ref_cols) != list_length(p->columns))
            elog(ERROR, "the referenced columns of %s could not be determined", qualified_name(p->ref_relid));
        StringInfoData match;
        initStringInfo(&match);
        ListCell *a, *b;
        forboth (a, p->columns, b, ref_cols)
            appendStringInfo(&match, "%sr.%s OPERATOR(pg_catalog.=) c.%s", match.len ? " AND " : "",
                             quote_identifier(static_cast<char *>(lfirst(b))),
                             quote_identifier(static_cast<char *>(lfirst(a))));
        return psprintf("SELECT ROW(%s)::pg_catalog.text FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s r "
                        "WHERE %s) LIMIT 1",
                        row, rel, present, qualified_name(p->ref_relid), match.data);
    }
    case ProbeKind::check:
        return nullptr; /* check_sql() */
    }
    return nullptr;
}

/* 42 -> "42 s", 185 -> "3 min 5 s", 7300 -> "2 h 1 min" */
char *duration_text(long long seconds)
{
    if (seconds < 60)
        return psprintf("%lld s", seconds < 0 ? 0 : seconds);
    if (seconds < 3600)
        return psprintf("%lld min %lld s", seconds / 60, seconds % 60);
    return psprintf("%lld h %lld min", seconds / 3600, seconds % 3600 / 60);
}

char *found_message(const ProbeRequest *p, const char *sample, const char *count)
{
    char *rel = qualified_name(p->relid);
    switch (p->kind) {
    case ProbeKind::duplicates:
        return psprintf("duplicates exist in %s: %s appears %s times, so %s fails", rel, sample, count, p->what);
    case ProbeKind::nulls:
        return psprintf("NULLs exist in %s, so %s fails", rel, p->what);
    case ProbeKind::orphans:
        return OidIsValid(p->ref_relid)
                   ? psprintf("orphans exist in %s: %s is not in %s, so %s fails", rel, sample,
                              qualified_name(p->ref_relid), p->what)
                   : psprintf("orphans exist in %s: %s references a table created empty by this script, so %s fails",
                              rel, sample, p->what);
    case ProbeKind::check:
        return psprintf("rows of %s violate %s, so it fails", rel, p->what);
    }
    return nullptr;
}

char *clean_message(const ProbeRequest *p)
{
    char *rel = qualified_name(p->relid);
    switch (p->kind) {
    case ProbeKind::duplicates:
        return psprintf("probe: no duplicates in %s for %s", rel, p->what);
    case ProbeKind::nulls:
        return psprintf("probe: no NULLs in %s for %s", rel, p->what);
    case ProbeKind::orphans:
        return psprintf("probe: no orphans in %s for %s", rel, p->what);
    case ProbeKind::check:
        return psprintf("probe: every row of %s satisfies %s", rel, p->what);
    }
    return nullptr;
}

/* Runs fn under a statement (and lock) timeout of ms; reports whether it timed out. */
template <typename Fn>
ErrorData *with_probe_limits(int ms, bool *timed_out, Fn &&fn)
{
    *timed_out = false;
    TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), ms);
    bool outer = get_timeout_active(STATEMENT_TIMEOUT);
    TimestampTz outer_fin = outer ? get_timeout_finish_time(STATEMENT_TIMEOUT) : 0;
    bool ours = !outer || deadline < outer_fin;
    if (ours)
        enable_timeout_at(STATEMENT_TIMEOUT, deadline);
    ErrorData *err = attempt_any([&] {
        set_config_option("lock_timeout", psprintf("%d", Min(ms, review_lock_wait_ms())), PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
                          false);
        fn();
    });
    if (ours) {
        /*
         * Stop our timer first, keeping its indicator, then read and reset the
         * indicator, then re-arm the caller's: enable_timeout_at() and
         * disable_timeout(..., false) reset the indicator, and a timer that
         * fired just after the probe ended would otherwise leave a cancel
         * pending that ProcessInterrupts reports as "due to user request".
         * If it fired and the probe did not fail on it, that cancel is ours.
         */
        disable_timeout(STATEMENT_TIMEOUT, true);
        bool fired = get_timeout_indicator(STATEMENT_TIMEOUT, true);
        if (outer)
            enable_timeout_at(STATEMENT_TIMEOUT, outer_fin);
        if (fired && (err == nullptr || err->sqlerrcode != ERRCODE_QUERY_CANCELED))
            QueryCancelPending = false;
    }
    if (err != nullptr && err->sqlerrcode == ERRCODE_QUERY_CANCELED && ours &&
        GetCurrentTimestamp() >= deadline) {
        *timed_out = true;
        return err;
    }
    if (err != nullptr && error_must_propagate(err))
        ReThrowError(err);
    return err;
}

void refuse_volatile(Oid funcid, const char *where)
{
    ereport(ERROR, (errcode(ERRCODE_MIGRATE_GUARD_USER_CODE),
                    errmsg("%s calls %s, a volatile function, which the review does not run", where,
                           format_procedure_qualified(funcid))));
}

/*
 * The probe's query, analyzed and rewritten (row-level security quals added)
 * but not run: refused when it calls a volatile function, built in or not
 * (user_code.h, layer 3).
 */
void refuse_volatile_plan(SPIPlanPtr plan)
{
    if (plan == nullptr)
        elog(ERROR, "probe query could not be prepared: %s", SPI_result_code_string(SPI_result));
    ListCell *lc;
    foreach (lc, SPI_plan_get_plan_sources(plan)) {
        CachedPlanSource *source = static_cast<CachedPlanSource *>(lfirst(lc));
        if (Oid f = first_volatile_function(reinterpret_cast<Node *>(source->query_list)))
            refuse_volatile(f, "the probe (with the table's row-level security policies)");
    }
}

/* The first of the probe's columns that is not in the catalog yet (added by the script), or NULL. */
const char *missing_column(const ProbeRequest *p)
{
    ListCell *lc;
    foreach (lc, p->columns) {
        const char *col = static_cast<const char *>(lfirst(lc));
        if (col != nullptr && get_attnum(p->relid, col) == InvalidAttrNumber)
            return col;
    }
    return nullptr;
}

void run_data_probe(Statement *st, const ProbeRequest *p)
{
    const char *rule = rule_of(p->kind);
    char *rel = qualified_name(p->relid);
    if (const char *col = missing_column(p)) {
        add_finding(st, rule, Severity::ok,
                    psprintf("probe skipped for %s: column %s of %s is added by this script, its values do not exist "
                             "yet",
                             p->what, quote_identifier(col), rel));
        return;
    }
    int ms = g_probe_timeout_ms;
    char *sql = nullptr;
    bool found = false;
    char *sample = nullptr;
    char *count = nullptr;
    bool timed_out;
    ErrorData *err = with_probe_limits(ms, &timed_out, [&] {
        /* a table another session keeps readers out of: not waited for */
        if (!ConditionalLockRelationOid(p->relid, AccessShareLock))
            ereport(ERROR, (errcode(ERRCODE_LOCK_NOT_AVAILABLE),
                            errmsg("another session holds a lock on %s that keeps readers out right now", rel)));
        Node *check = p->kind == ProbeKind::check ? cooked_check(p) : nullptr;
        /* functions defined in the database are stopped by the barrier anyway; built-ins with effects here */
        if (check != nullptr && !only_builtin_functions(check))
            ereport(ERROR, (errcode(ERRCODE_MIGRATE_GUARD_USER_CODE),
                            errmsg("its expression calls %s, which the review does not run",
                                   user_function_text(check))));
        if (check != nullptr && OidIsValid(first_volatile_function(check)))
            refuse_volatile(first_volatile_function(check), "its expression");
        with_pinned_search_path([&] {
            sql = check ? check_sql(p, check) : probe_sql(p);
            /*
             * With a row count the executor starts no parallel worker, so what
             * the query calls (row-level security policies included) runs in
             * this backend, behind the barrier against user code.
             */
            SPIPlanPtr plan = SPI_prepare(sql, 0, nullptr);
            refuse_volatile_plan(plan);
            if (SPI_execute_plan(plan, nullptr, nullptr, true, 1) != SPI_OK_SELECT)
                elog(ERROR, "probe query failed");
            found = SPI_processed > 0;
            if (found) {
                sample = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
                if (SPI_tuptable->tupdesc->natts > 1)
                    count = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
            }
        });
    });
    const char *rls = check_enable_rls(p->relid, InvalidOid, true) == RLS_ENABLED
                          ? " (row-level security hides some of its rows from this role: those were not checked)"
                          : "";
    if (timed_out) {
        add_finding(st, rule, Severity::ok,
                    psprintf("probe skipped: checking %s for %s took longer than migrate_guard.probe_timeout (%d ms)",
                             rel, p->what, ms),
                    "Raise migrate_guard.probe_timeout to let the probe finish.");
    } else if (err != nullptr && err->sqlerrcode == ERRCODE_INSUFFICIENT_PRIVILEGE) {
        add_finding(st, rule, Severity::ok,
                    psprintf("probe skipped: this role may not read %s (%s)", rel, err->message),
                    "Run the review as a role that can read the table to probe its data.");
    } else if (err != nullptr && err->sqlerrcode == ERRCODE_UNDEFINED_COLUMN) {
        add_finding(st, rule, Severity::ok,
                    psprintf("probe skipped for %s: %s (a column the script adds has no values yet)", p->what,
                             err->message));
    } else if (err != nullptr) {
        add_finding(st, rule, Severity::ok, psprintf("probe skipped for %s: %s", p->what, err->message));
    } else if (found) {
        add_finding(st, rule, Severity::danger, psprintf("%s%s", found_message(p, sample, count), rls),
                    psprintf("Fix those rows before the migration; the probe that found them: %s", sql));
    } else {
        add_finding(st, rule, Severity::ok, psprintf("%s%s", clean_message(p), rls));
    }
}

void run_lock_probe(Statement *st, const ScriptState *state, Oid relid, LOCKMODE mode)
{
    ArrayBuildState *modes = nullptr;
    for (LOCKMODE m = AccessShareLock; m <= MaxLockMode; m++)
        if (DoLockModesConflict(mode, m))
            modes = accumArrayResult(modes, CStringGetTextDatum(lock_name(m)), false, TEXTOID, CurrentMemoryContext);
    if (modes == nullptr)
        return;
    const char *sql =
        "SELECT l.pid, COALESCE(a.state, 'state not visible to this role'), "
        "       pg_catalog.date_part('epoch', pg_catalog.now() OPERATOR(pg_catalog.-) "
        "                            COALESCE(a.xact_start, a.query_start, a.backend_start))::pg_catalog.int8, "
        "       l.mode "
        "  FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid OPERATOR(pg_catalog.=) l.pid "
        " WHERE l.locktype OPERATOR(pg_catalog.=) 'relation' AND l.database OPERATOR(pg_catalog.=) $1 "
        "   AND l.relation OPERATOR(pg_catalog.=) $2 AND l.granted "
        "   AND l.pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid() AND l.mode OPERATOR(pg_catalog.=) ANY ($3) "
        " ORDER BY 3 DESC NULLS LAST LIMIT 5";
    Oid types[3] = {OIDOID, OIDOID, TEXTARRAYOID};
    Datum values[3] = {ObjectIdGetDatum(MyDatabaseId), ObjectIdGetDatum(relid), makeArrayResult(modes, CurrentMemoryContext)};
    StringInfoData who;
    initStringInfo(&who);
    int sessions = 0;
    bool timed_out;
    with_probe_limits(g_probe_timeout_ms, &timed_out, [&] {
        with_pinned_search_path([&] {
            if (SPI_execute_with_args(sql, 3, types, values, nullptr, true, 0) != SPI_OK_SELECT)
                elog(ERROR, "lock probe failed");
            for (uint64 i = 0; i < SPI_processed; i++) {
                HeapTuple row = SPI_tuptable->vals[i];
                TupleDesc desc = SPI_tuptable->tupdesc;
                char *age = SPI_getvalue(row, desc, 3);
                appendStringInfo(&who, "%spid %s (%s, for %s, holding %s)", who.len ? ", " : "",
                                 SPI_getvalue(row, desc, 1), SPI_getvalue(row, desc, 2),
                                 age ? duration_text(atoll(age)) : "an unknown time", SPI_getvalue(row, desc, 4));
                sessions++;
            }
        });
    });
    if (sessions == 0)
        return;
    const char *setting;
    const Timeout *limit = lock_wait_limit(state, &setting);
    char *rel = qualified_name(relid);
    add_finding(st, "lock_conflict", limit->ms > 0 ? Severity::warn : Severity::danger,
                psprintf("right now %s on %s conflicting with its %s: %s. The statement would wait for them%s",
                         sessions == 1 ? "1 session holds a lock" : psprintf("%d sessions hold locks", sessions), rel,
                         lock_name(mode),
                         who.data,
                         limit->ms > 0 ? psprintf(" until %s (%d ms) cancels it", setting, limit->ms)
                                       : psprintf(", and %s queues behind it meanwhile", who_waits(mode))),
                "Deploy when they are gone (pg_stat_activity shows what they run), and keep lock_timeout set so that "
                "the migration fails fast instead of queueing every query.");
}

} // namespace

void define_review_settings()
{
    DefineCustomIntVariable("migrate_guard.probe_timeout",
                            "Time limit of each data probe of migrate_guard.check_migration(..., probe => true).",
                            nullptr, &g_probe_timeout_ms, 5000, 1, INT_MAX, PGC_USERSET, GUC_UNIT_MS, nullptr, nullptr,
                            nullptr);
}

int probe_timeout_ms()
{
    return g_probe_timeout_ms;
}

void request_probe(Statement *st, const ProbeRequest &req)
{
    MemoryContext old = MemoryContextSwitchTo(keep_context());
    ProbeRequest *p = static_cast<ProbeRequest *>(palloc(sizeof(ProbeRequest)));
    *p = req;
    p->columns = copy_names(req.columns);
    p->ref_columns = copy_names(req.ref_columns);
    p->raw_check = req.raw_check ? copy_node(req.raw_check) : nullptr;
    p->what = pstrdup(req.what ? req.what : "the constraint");
    st->probes = lappend(st->probes, p);
    MemoryContextSwitchTo(old);
}

void run_probes(Statement *st, const ScriptState *state)
{
    ListCell *lc;
    foreach (lc, st->probes)
        run_data_probe(st, static_cast<const ProbeRequest *>(lfirst(lc)));
    ListCell *oc, *mc;
    forboth (oc, st->locked_oids, mc, st->locked_modes)
        run_lock_probe(st, state, lfirst_oid(oc), lfirst_int(mc));
}

} // namespace mg::review
