/*
 * postflight.cpp — migrate_guard.postflight(label, expected_row_changes):
 * the "after" half, compared with what preflight(label) recorded.
 *
 *   row counts  compare_row_counts(label): a table that lost rows or
 *               disappeared is FAIL unless expected_row_changes allows it
 *               (expected_changes.h); a count outside its expectation is
 *               FAIL; tables that gained rows, new tables, PASS
 *   schema      the preflight's schema snapshot against the live schema:
 *               one row per difference, FAIL for danger (a table expected
 *               "removed" excepted), WARN for warn, PASS for info
 *   fk rules, rls    as they stand now
 *   ddl log     the DDL logged since the preflight (WARN for statements that
 *               matched a guard rule)
 */
#include "common/bridge.h"
#include "common/pinned_sql.h"
#include "common/owner_sql.h"
#include "common/ext_version.h"
#include "schema/compare.h"
#include "schema/expected_changes.h"
#include "schema/flight_report.h"
#include "schema/object_types.h"
#include "schema/snapshot_store.h"
#include "verify/verify_common.h"

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/acl.h"
}

using namespace mg;

namespace {

struct Preflight {
    const char *label;
    const char *taken_at;
    int64 schema_snapshot_id;
    bool has_audit_id;
    int64 audit_id;
};

int run_as_owner(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls, bool read_only)
{
    int rc = 0;
    as_extension_owner([&] { rc = SPI_execute_with_args(sql, nargs, types, values, nulls, read_only, 0); });
    return rc;
}

Preflight load_preflight(const char *label)
{
    Oid types[1] = {TEXTOID};
    Datum values[1] = {CStringGetTextDatum(label)};
    int rc = run_as_owner("SELECT label, to_char(taken_at, 'YYYY-MM-DD HH24:MI:SS'), schema_snapshot_id, ddl_log_last_id "
                          "  FROM migrate_guard.preflights WHERE label = $1",
                          1, types, values, nullptr, true);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "migrate_guard: could not read preflights: %s", SPI_result_code_string(rc));
    if (SPI_processed == 0)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                        errmsg("migrate_guard: no preflight labelled \"%s\"", label),
                        errhint("SELECT label, taken_at FROM migrate_guard.preflights lists them; "
                                "migrate_guard.preflight('%s') takes one.", label)));
    bool isnull;
    Preflight p;
    p.label = spi_text(0, 1);
    p.taken_at = spi_text(0, 2);
    p.schema_snapshot_id = DatumGetInt64(spi_datum(0, 3, &isnull));
    Datum audit = spi_datum(0, 4, &isnull);
    p.has_audit_id = !isnull;
    p.audit_id = isnull ? 0 : DatumGetInt64(audit);
    return p;
}

/* schema.table as regclass would print it, for a parsed name (schema given) */
const char *qualified(const char *schema, const char *table)
{
    return psprintf("%s.%s", quote_identifier(schema), quote_identifier(table));
}

int compare_cstrings(const void *a, const void *b)
{
    return strcmp(*static_cast<char *const *>(a), *static_cast<char *const *>(b));
}

/*
 * The resolved expectations sorted by table (then by their order in the
 * argument), so that each table of the comparison finds its expectation in
 * O(log n): expected_row_changes may name as many tables as it likes.
 */
struct ExpectationIndex {
    RowExpectation **sorted;
    int count;
};

int compare_expectations(const void *a, const void *b)
{
    const RowExpectation *x = *static_cast<RowExpectation *const *>(a);
    const RowExpectation *y = *static_cast<RowExpectation *const *>(b);
    int c = strcmp(x->table, y->table);
    return c != 0 ? c : (x > y) - (x < y);
}

ExpectationIndex index_expectations(RowExpectation *exps, int n)
{
    ExpectationIndex ix{static_cast<RowExpectation **>(palloc(sizeof(RowExpectation *) * (n > 0 ? n : 1))), 0};
    for (int i = 0; i < n; i++)
        if (exps[i].table != nullptr)
            ix.sorted[ix.count++] = &exps[i];
    if (ix.count > 1)
        qsort(ix.sorted, ix.count, sizeof(RowExpectation *), compare_expectations);
    return ix;
}

/* The expectation for a table of the comparison (the first given, when several name it), or nullptr. */
RowExpectation *expectation_for(const ExpectationIndex &ix, const char *table)
{
    int lo = 0, hi = ix.count; /* the first entry whose table is >= `table` */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(ix.sorted[mid]->table, table) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ix.count && strcmp(ix.sorted[lo]->table, table) == 0 ? ix.sorted[lo] : nullptr;
}

/*
 * Resolves each expectation's name: schema.table as given; a bare table
 * name in the first schema of search_path where the database or the
 * comparison (`tables`, n) has it.
 */
void resolve_expectations(RowExpectation *exps, int nexps, char **tables, int ntables)
{
    List *path = fetch_search_path(false);
    char **sorted = static_cast<char **>(palloc(sizeof(char *) * (ntables > 0 ? ntables : 1)));
    memcpy(sorted, tables, sizeof(char *) * ntables);
    if (ntables > 1)
        qsort(sorted, ntables, sizeof(char *), compare_cstrings);
    for (int i = 0; i < nexps; i++) {
        CHECK_FOR_INTERRUPTS();
        RowExpectation &e = exps[i];
        if (list_length(e.name) == 2) {
            e.table = qualified(static_cast<char *>(linitial(e.name)), static_cast<char *>(lsecond(e.name)));
            continue;
        }
        const char *rel = static_cast<char *>(linitial(e.name));
        ListCell *lc;
        foreach (lc, path) {
            char *schema = get_namespace_name(lfirst_oid(lc));
            if (schema == nullptr)
                continue;
            const char *candidate = qualified(schema, rel);
            bool found = OidIsValid(get_relname_relid(rel, lfirst_oid(lc))) ||
                         (ntables > 0 && bsearch(&candidate, sorted, ntables, sizeof(char *), compare_cstrings));
            if (found) {
                e.table = candidate;
                break;
            }
        }
    }
}

/* A row of compare_row_counts(label), copied out of SPI. */
struct CountRow {
    const char *table, *before, *after, *delta_text, *status;
    bool has_before;
    int64 before_count;
    int64 delta;
};

struct RowCounts {
    CountRow *rows;
    CountRow **by_table; /* sorted by table, for look-ups */
    int count;
};

int compare_count_rows(const void *a, const void *b)
{
    return strcmp((*static_cast<CountRow *const *>(a))->table, (*static_cast<CountRow *const *>(b))->table);
}

RowCounts read_row_counts(const char *label)
{
    Oid types[1] = {TEXTOID};
    Datum values[1] = {CStringGetTextDatum(label)};
    int rc = spi_exec("SELECT table_name, before_count, after_count, delta, status "
                      "  FROM migrate_guard.compare_row_counts($1)",
                      1, types, values, nullptr, true);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "migrate_guard: compare_row_counts failed: %s", SPI_result_code_string(rc));
    SPITupleTable *tab = SPI_tuptable;
    RowCounts out;
    out.count = static_cast<int>(SPI_processed);
    out.rows = static_cast<CountRow *>(palloc0(sizeof(CountRow) * (out.count > 0 ? out.count : 1)));
    out.by_table = static_cast<CountRow **>(palloc(sizeof(CountRow *) * (out.count > 0 ? out.count : 1)));
    for (int i = 0; i < out.count; i++) {
        CHECK_FOR_INTERRUPTS();
        HeapTuple tup = tab->vals[i];
        CountRow &c = out.rows[i];
        c.table = SPI_getvalue(tup, tab->tupdesc, 1);
        c.before = SPI_getvalue(tup, tab->tupdesc, 2);
        c.after = SPI_getvalue(tup, tab->tupdesc, 3);
        c.delta_text = SPI_getvalue(tup, tab->tupdesc, 4);
        c.status = SPI_getvalue(tup, tab->tupdesc, 5);
        bool isnull;
        Datum bd = SPI_getbinval(tup, tab->tupdesc, 2, &isnull);
        c.has_before = !isnull;
        c.before_count = isnull ? 0 : DatumGetInt64(bd);
        Datum dd = SPI_getbinval(tup, tab->tupdesc, 4, &isnull);
        c.delta = isnull ? 0 : DatumGetInt64(dd);
        out.by_table[i] = &c;
    }
    if (out.count > 1)
        qsort(out.by_table, out.count, sizeof(CountRow *), compare_count_rows);
    return out;
}

const CountRow *count_of(const RowCounts &counts, const char *table)
{
    CountRow key{};
    key.table = table;
    CountRow *k = &key;
    void *hit = counts.count > 0 ? bsearch(&k, counts.by_table, counts.count, sizeof(CountRow *), compare_count_rows)
                                 : nullptr;
    return hit ? *static_cast<CountRow **>(hit) : nullptr;
}

/* Does the relation named by an expectation exist now? */
bool expectation_table_exists(const RowExpectation &e)
{
    if (list_length(e.name) != 2)
        return e.table != nullptr; /* a bare name resolves only to a table that exists or was counted */
    Oid nsp = get_namespace_oid(static_cast<char *>(linitial(e.name)), true);
    return OidIsValid(nsp) && OidIsValid(get_relname_relid(static_cast<char *>(lsecond(e.name)), nsp));
}

void check_row_counts(Report *r, const RowCounts &counts, RowExpectation *exps, int nexps, const ExpectationIndex &ix)
{
    int summary = report_add(r, "row counts", Status::pass, nullptr);
    int n = counts.count;
    int same = 0, changed = 0, added = 0, removed = 0, skipped = 0;
    Status overall = Status::pass;
    for (int i = 0; i < n; i++) {
        CHECK_FOR_INTERRUPTS();
        const CountRow &c = counts.rows[i];
        const char *table = c.table;
        const char *before = c.before;
        const char *after = c.after;
        const char *status = c.status;
        int64 delta = c.delta;
        RowExpectation *e = expectation_for(ix, table);
        if (e != nullptr)
            e->matched = true;
        const char *expected = e ? psprintf("; expected %s", e->text) : "";
        Status s = Status::pass;
        const char *detail = nullptr;
        if (strcmp(status, "SKIPPED") == 0) {
            skipped++;
            s = e && e->any ? Status::pass : Status::warn;
            detail = psprintf("could not be counted (before %s, after %s)%s", before ? before : "unknown",
                              after ? after : "unknown", expected);
        } else if (strcmp(status, "REMOVED") == 0) {
            removed++;
            s = e && expectation_allows(*e, true, 0) ? Status::pass : Status::fail;
            detail = psprintf("table disappeared (it had %s rows)%s", before ? before : "?", expected);
        } else if (strcmp(status, "ADDED") == 0) {
            added++;
            s = !e || expectation_allows(*e, false, delta) ? Status::pass : Status::fail;
            detail = psprintf("new table, %s rows%s", after ? after : "?", expected);
        } else {
            bool is_same = strcmp(status, "SAME") == 0;
            same += is_same;
            changed += !is_same;
            s = e ? (expectation_allows(*e, false, delta) ? Status::pass : Status::fail)
                  : (delta < 0 ? Status::fail : Status::pass);
            if (!is_same || e != nullptr)
                detail = psprintf("%s -> %s rows (%s%s)%s", before, after, delta > 0 ? "+" : "", c.delta_text,
                                  expected);
        }
        overall = worst(overall, s);
        if (detail != nullptr)
            report_add(r, psprintf("row count: %s", table), s, detail);
    }
    for (int i = 0; i < nexps; i++) {
        CHECK_FOR_INTERRUPTS();
        if (!exps[i].matched) {
            overall = worst(overall, Status::warn);
            const char *name = exps[i].table ? exps[i].table : exps[i].key;
            report_add(r, psprintf("row count: %s", name), Status::warn,
                       expectation_table_exists(exps[i])
                           ? psprintf("expected_row_changes names \"%s\", which has no row count of its own (a "
                                      "partitioned table's rows are counted in its partitions) and lost none",
                                      exps[i].key)
                           : psprintf("expected_row_changes names \"%s\", a table in neither the preflight's "
                                      "snapshot nor the database",
                                      exps[i].key));
        }
    }
    Report::Row &row = r->rows[summary];
    row.status = overall;
    row.detail = psprintf("%d tables: %d unchanged, %d changed, %d added, %d removed, %d not counted", n, same,
                          changed, added, removed, skipped);
}

/* Is this schema difference a table (or a child of one) whose removal expected_row_changes allows? */
bool removal_expected(const Difference &d, const ExpectationIndex &ix)
{
    if (strcmp(d.change, "REMOVED") != 0 || strcmp(object_type_name(d.rank), "table") != 0)
        return false;
    RowExpectation *e = expectation_for(ix, d.identity);
    return e != nullptr && (e->removed || e->any);
}

/* The next name of a parent list ("a, b", names quoted as quote_ident would), or nullptr at its end. */
const char *next_parent(const char **p)
{
    const char *s = *p;
    if (s == nullptr || *s == '\0')
        return nullptr;
    const char *start = s;
    bool quoted = false;
    for (; *s && (quoted || !(s[0] == ',' && s[1] == ' ')); s++)
        if (*s == '"')
            quoted = !quoted;
    const char *name = pnstrdup(start, s - start);
    *p = *s ? s + 2 : s;
    return name;
}

bool list_has(const char *list, const char *name)
{
    const char *p = list, *item;
    while ((item = next_parent(&p)) != nullptr)
        if (strcmp(item, name) == 0)
            return true;
    return false;
}

/*
 * A partition detached (partition_of) or an inheritance child cut off
 * (inherits): its rows left the parent.  Expected when expected_row_changes
 * lets every parent it left lose the rows the child had at the preflight
 * ("any", "removed", or a range reaching that loss; a child whose rows were
 * not counted needs a range without a lower bound).  Returns the
 * expectations that allow it ("s.pt -50..0"), or nullptr.
 */
const char *detach_expected(const Difference &d, const ExpectationIndex &ix, const RowCounts &counts)
{
    if (strcmp(d.change, "CHANGED") != 0 || strcmp(object_type_name(d.rank), "table") != 0 ||
        d.attribute == nullptr || (strcmp(d.attribute, "partition_of") != 0 && strcmp(d.attribute, "inherits") != 0))
        return nullptr;
    const CountRow *child = count_of(counts, d.identity);
    bool known = child != nullptr && child->has_before;
    StringInfoData why;
    initStringInfo(&why);
    bool all = true, any_lost = false;
    const char *p = d.before, *parent;
    while ((parent = next_parent(&p)) != nullptr) {
        CHECK_FOR_INTERRUPTS();
        if (list_has(d.after, parent))
            continue;
        any_lost = true;
        RowExpectation *e = expectation_for(ix, parent);
        if (e == nullptr) {
            all = false;
            continue;
        }
        e->matched = true;
        bool ok = e->any || e->removed ||
                  (known ? expectation_allows(*e, false, -child->before_count) : !e->has_min);
        if (!ok)
            all = false;
        else
            appendStringInfo(&why, "%s%s %s", why.len > 0 ? ", " : "", parent, e->text);
    }
    return any_lost && all ? why.data : nullptr;
}

void check_schema(Report *r, int objects, const DifferenceList &diffs, const ExpectationIndex &ix,
                  const RowCounts &counts)
{
    int summary = report_add(r, "schema", Status::pass, nullptr);
    int danger = 0, warn = 0, info = 0, excused = 0;
    Status overall = Status::pass;
    for (int i = 0; i < diffs.count; i++) {
        CHECK_FOR_INTERRUPTS();
        const Difference &d = diffs.items[i];
        const char *because = removal_expected(d, ix) ? "removed" : detach_expected(d, ix, counts);
        Status s = strcmp(d.severity, "danger") == 0 ? Status::fail
                   : strcmp(d.severity, "warn") == 0 ? Status::warn
                                                     : Status::pass;
        danger += s == Status::fail;
        warn += s == Status::warn;
        info += s == Status::pass;
        if (because != nullptr) {
            excused += s != Status::pass;
            s = Status::pass;
        }
        overall = worst(overall, s);
        const char *what = d.attribute
                               ? psprintf("%s %s: %s -> %s", d.change, d.attribute, d.before ? d.before : "(none)",
                                          d.after ? d.after : "(none)")
                               : d.change;
        report_add(r, psprintf("schema: %s %s", object_type_name(d.rank), d.identity), s,
                   psprintf("%s (%s%s%s)", what, d.severity, because ? ", expected: " : "", because ? because : ""));
    }
    Report::Row &row = r->rows[summary];
    row.status = overall;
    row.detail = diffs.count == 0
                     ? psprintf("no change since the preflight (%d objects)", objects)
                     : psprintf("%d change%s since the preflight: %d danger, %d warn, %d info%s", diffs.count,
                                diffs.count == 1 ? "" : "s", danger,
                                warn, info, excused > 0 ? psprintf(" (%d expected by expected_row_changes)", excused) : "");
}

bool same_text(const char *a, const char *b)
{
    return a == nullptr ? b == nullptr : b != nullptr && strcmp(a, b) == 0;
}

/* Rows of one command (the objects it dropped, then the command) share transaction, backend, tag and text. */
bool starts_command(int i)
{
    return i == 0 || !same_text(spi_text(i, 9), spi_text(i - 1, 9)) || !same_text(spi_text(i, 10), spi_text(i - 1, 10)) ||
           !same_text(spi_text(i, 5), spi_text(i - 1, 5)) || !same_text(spi_text(i, 1), spi_text(i - 1, 1));
}

void check_ddl_log(Report *r, const Preflight &p)
{
    int summary = report_add(r, "ddl log", Status::pass, nullptr);
    Oid types[1] = {INT8OID};
    Datum values[1] = {Int64GetDatum(p.audit_id)};
    /* who: the session role, and the login role when it differs (SET SESSION AUTHORIZATION) */
    int rc = run_as_owner("SELECT command_tag, coalesce(object_identity, ''), "
                          "       CASE WHEN login_role OPERATOR(pg_catalog.<>) session_role "
                          "            THEN pg_catalog.format('%s (login %s)', session_role, login_role) "
                          "            ELSE session_role::pg_catalog.text END, "
                          "       to_char(logged_at, 'YYYY-MM-DD HH24:MI:SS'), "
                          "       coalesce(statement, ''), rule, overridden, coalesce(object_type, ''), "
                          "       txid, backend_pid "
                          "  FROM migrate_guard.ddl_log l WHERE id > $1 "
                          /* a DROP's own command row names no object when its objects have rows of their own */
                          "   AND NOT (l.event OPERATOR(pg_catalog.=) 'ddl_command_end' AND l.object_identity IS NULL "
                          "        AND EXISTS (SELECT FROM migrate_guard.ddl_log d "
                          "                     WHERE d.id OPERATOR(pg_catalog.>) $1 AND d.id OPERATOR(pg_catalog.<) l.id "
                          "                       AND d.event OPERATOR(pg_catalog.=) 'sql_drop' "
                          "                       AND d.txid OPERATOR(pg_catalog.=) l.txid "
                          "                       AND d.backend_pid OPERATOR(pg_catalog.=) l.backend_pid "
                          "                       AND d.statement IS NOT DISTINCT FROM l.statement)) "
                          " ORDER BY id",
                          1, types, values, nullptr, true);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "migrate_guard: could not read the audit log: %s", SPI_result_code_string(rc));
    int n = static_cast<int>(SPI_processed);
    int commands = 0;
    for (int i = 0; i < n; i++)
        commands += starts_command(i);
    Report::Row *row = &r->rows[summary];
    Oid log = get_relname_relid("ddl_log", get_namespace_oid("migrate_guard", false));
    if (!OidIsValid(log) || pg_class_aclcheck(log, GetUserId(), ACL_SELECT) != ACLCHECK_OK) {
        row->status = n > 0 ? Status::warn : Status::pass;
        row->detail = psprintf("%d DDL command%s logged since the preflight; you may not read migrate_guard.ddl_log "
                               "to list them (members of the admin role may)",
                               commands, commands == 1 ? "" : "s");
        return;
    }
    Status overall = Status::pass;
    int guarded = 0;
    for (int i = 0; i < n; i++) {
        CHECK_FOR_INTERRUPTS();
        const char *rule = spi_text(i, 6);
        bool isnull;
        bool overridden = DatumGetBool(spi_datum(i, 7, &isnull));
        Status s = rule != nullptr ? Status::warn : Status::pass;
        guarded += rule != nullptr && starts_command(i);
        overall = worst(overall, s);
        const char *statement = spi_text(i, 5);
        const char *tag = spi_text(i, 1);
        const char *identity = spi_text(i, 2);
        const char *type = spi_text(i, 8);
        /* the object's type when the command is about another kind (a policy dropped by DROP TABLE) */
        size_t tl = strlen(tag), yl = strlen(type);
        bool tag_names_type = yl == 0 || (tl >= yl && pg_strcasecmp(tag + tl - yl, type) == 0);
        report_add(r,
                   psprintf("ddl: %s%s%s%s%s", tag, tag_names_type ? "" : " ", tag_names_type ? "" : type,
                            *identity ? " " : "", identity),
                   s,
                   psprintf("%s by %s%s: %s", spi_text(i, 4), spi_text(i, 3),
                            rule ? psprintf(" (rule %s%s)", rule, overridden ? ", run under the flag" : "") : "",
                            statement));
    }
    row = &r->rows[summary];
    row->status = overall;
    row->detail = psprintf("%d DDL command%s logged since the preflight (%s)%s", commands, commands == 1 ? "" : "s",
                           p.taken_at,
                           guarded > 0 ? psprintf(", %d matched a guard rule", guarded) : "");
}

} // namespace

MG_SQL_FUNCTION(mg_postflight)
{
    if (PG_ARGISNULL(0))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("migrate_guard: postflight needs the label of a preflight")));
    const char *label = text_to_cstring(PG_GETARG_TEXT_PP(0));
    int nexps;
    RowExpectation *exps = parse_row_expectations(PG_ARGISNULL(1) ? nullptr : PG_GETARG_JSONB_P(1), &nexps);
    require_extension_here();
    require_extension_version("postflight()", "0.2.0");
    mg_init_materialized_srf(fcinfo);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);

    spi_connect_or_fail();
    Preflight p = load_preflight(label);
    Report report;
    report_init(&report);
    /* the schema first: a partition detached is judged with the row counts' expectations */
    StoredSnapshot snap = load_schema_snapshot_by_id(p.schema_snapshot_id);
    DifferenceList diffs = compare_exports(snap.export_, export_live_like(snap.export_));
    RowCounts counts = read_row_counts(p.label);
    char **names = static_cast<char **>(palloc(sizeof(char *) * (counts.count > 0 ? counts.count : 1)));
    for (int i = 0; i < counts.count; i++)
        names[i] = const_cast<char *>(counts.rows[i].table);
    resolve_expectations(exps, nexps, names, counts.count);
    ExpectationIndex ix = index_expectations(exps, nexps);
    for (int i = 0; i < diffs.count; i++)
        (void) detach_expected(diffs.items[i], ix, counts); /* marks the parents' expectations as used */
    check_row_counts(&report, counts, exps, nexps, ix);
    check_schema(&report, snap.export_.count, diffs, ix, counts);

    /* the scope of the preflight */
    Oid types[1] = {TEXTOID};
    Datum values[1] = {CStringGetTextDatum(label)};
    int rc = run_as_owner("SELECT schemas FROM migrate_guard.preflights WHERE label = $1", 1, types, values, nullptr,
                          true);
    bool isnull = true;
    Datum scope = rc == SPI_OK_SELECT && SPI_processed == 1 ? spi_datum(0, 1, &isnull) : (Datum) 0;
    ArrayType *schemas = isnull ? nullptr : DatumGetArrayTypePCopy(scope);
    check_fk_rules(&report, schemas);
    check_rls(&report, schemas);
    check_ddl_log(&report, p);
    report_emit(&report, rsinfo, psprintf("postflight \"%s\" (preflight at %s)", label, p.taken_at));
    SPI_finish();
    return (Datum) 0;
}
