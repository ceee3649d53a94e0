/* flight_report.cpp — see flight_report.h. */
#include "common/bridge.h"
#include "common/pinned_sql.h"
#include "common/ext_state.h"
#include "schema/flight_report.h"
#include "verify/verify_common.h"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
}

namespace mg {

void report_init(Report *r)
{
    r->count = 0;
    r->capacity = 16;
    r->rows = static_cast<Report::Row *>(palloc(sizeof(Report::Row) * r->capacity));
}

int report_add(Report *r, const char *check, Status status, const char *detail)
{
    if (r->count == r->capacity) {
        r->capacity *= 2;
        r->rows = static_cast<Report::Row *>(repalloc(r->rows, sizeof(Report::Row) * r->capacity));
    }
    r->rows[r->count] = Report::Row{pstrdup(check), detail ? pstrdup(detail) : nullptr, status};
    return r->count++;
}

Status worst(Status a, Status b) { return static_cast<int>(a) > static_cast<int>(b) ? a : b; }

const char *status_word(Status s)
{
    switch (s) {
    case Status::pass: return "PASS";
    case Status::warn: return "WARN";
    case Status::fail: return "FAIL";
    }
    return "?";
}

void report_emit(Report *r, ReturnSetInfo *rsinfo, const char *about)
{
    int fails = 0, warns = 0;
    Status overall = Status::pass;
    for (int i = 0; i < r->count; i++) {
        fails += r->rows[i].status == Status::fail;
        warns += r->rows[i].status == Status::warn;
        overall = worst(overall, r->rows[i].status);
    }
    report_add(r, "overall", overall,
               psprintf("%s: %d FAIL, %d WARN in %d checks", about, fails, warns, r->count));
    for (int i = 0; i < r->count; i++) {
        const Report::Row &row = r->rows[i];
        Datum values[3] = {CStringGetTextDatum(row.check), CStringGetTextDatum(status_word(row.status)),
                           row.detail ? CStringGetTextDatum(row.detail) : (Datum) 0};
        bool nulls[3] = {false, false, row.detail == nullptr};
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
}

namespace {

int compare_cstrings(const void *a, const void *b)
{
    return strcmp(*static_cast<char *const *>(a), *static_cast<char *const *>(b));
}

/* The schema names of `schemas`, sorted (nullptr: every schema). */
struct Scope {
    char **names;
    int count;
};

Scope scope_of(ArrayType *schemas)
{
    Scope sc{nullptr, 0};
    if (schemas == nullptr)
        return sc;
    Datum *items;
    bool *nulls;
    int n;
    deconstruct_array(schemas, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &n);
    sc.names = static_cast<char **>(palloc(sizeof(char *) * (n > 0 ? n : 1)));
    for (int i = 0; i < n; i++)
        if (!nulls[i])
            sc.names[sc.count++] = TextDatumGetCString(items[i]);
    if (sc.count > 1)
        qsort(sc.names, sc.count, sizeof(char *), compare_cstrings);
    return sc;
}

/* Is the schema part of a qualified table name (as regclass prints it) in the scope? */
bool in_scope(const char *table_name, const Scope &sc)
{
    if (sc.names == nullptr || table_name == nullptr)
        return true;
    List *parts = NIL;
    char *copy = pstrdup(table_name);
    if (!SplitIdentifierString(copy, '.', &parts) || list_length(parts) != 2)
        return true;
    const char *schema = static_cast<const char *>(linitial(parts));
    return sc.count > 0 && bsearch(&schema, sc.names, sc.count, sizeof(char *), compare_cstrings) != nullptr;
}

} // namespace

void check_fk_rules(Report *r, ArrayType *schemas)
{
    int summary = report_add(r, "fk rules", Status::pass, nullptr);
    int keys = 0, pass = 0, warn = 0, fail = 0, missing = 0;
    Scope scope = scope_of(schemas);
    /* verify_fk_rules() resolves unqualified expectations with the caller's search_path: not pinned here */
    const char *failure = try_in_subtransaction([&] {
        int rc = SPI_execute("SELECT table_name, constraint_name, status, detail FROM migrate_guard.verify_fk_rules()",
                             true, 0);
        if (rc != SPI_OK_SELECT)
            elog(ERROR, "verify_fk_rules() failed: %s", SPI_result_code_string(rc));
        for (uint64 i = 0; i < SPI_processed; i++) {
            CHECK_FOR_INTERRUPTS();
            int row = static_cast<int>(i);
            const char *table = spi_text(row, 1);
            if (!in_scope(table, scope))
                continue;
            const char *constraint = spi_text(row, 2);
            const char *status = spi_text(row, 3);
            const char *detail = spi_text(row, 4);
            keys++;
            Status s = Status::pass;
            if (strcmp(status, "PASS") == 0)
                pass++;
            else if (strcmp(status, "WARN") == 0)
                warn++, s = Status::warn;
            else if (strcmp(status, "MISSING") == 0)
                missing++, s = Status::fail;
            else
                fail++, s = Status::fail;
            if (s != Status::pass)
                report_add(r, psprintf("fk: %s %s", table, constraint ? constraint : "(missing)"), s,
                           psprintf("%s%s%s", status, detail ? ": " : "", detail ? detail : ""));
        }
    });
    Report::Row &row = r->rows[summary];
    if (failure != nullptr) {
        row.status = Status::fail;
        row.detail = psprintf("could not check: %s", failure);
        return;
    }
    row.status = fail + missing > 0 ? Status::fail : warn > 0 ? Status::warn : Status::pass;
    row.detail = psprintf("%d foreign key%s: %d PASS, %d WARN, %d FAIL, %d MISSING (verify_fk_rules)", keys,
                          keys == 1 ? "" : "s", pass, warn, fail, missing);
}

void check_rls(Report *r, ArrayType *schemas)
{
    int summary = report_add(r, "rls", Status::pass, nullptr);
    int tables = 0, pass = 0, warn = 0, fail = 0;
    const char *failure = try_in_subtransaction([&] {
        Oid types[1] = {TEXTARRAYOID};
        Datum values[1] = {PointerGetDatum(schemas)};
        char nulls[2] = {schemas ? ' ' : 'n', '\0'};
        int rc = spi_exec("SELECT table_name, status, detail FROM migrate_guard.verify_rls($1)", 1, types, values,
                          nulls, true);
        if (rc != SPI_OK_SELECT)
            elog(ERROR, "verify_rls() failed: %s", SPI_result_code_string(rc));
        for (uint64 i = 0; i < SPI_processed; i++) {
            CHECK_FOR_INTERRUPTS();
            int row = static_cast<int>(i);
            const char *status = spi_text(row, 2);
            tables++;
            Status s = strcmp(status, "PASS") == 0 ? Status::pass : strcmp(status, "WARN") == 0 ? Status::warn
                                                                                               : Status::fail;
            pass += s == Status::pass;
            warn += s == Status::warn;
            fail += s == Status::fail;
            if (s != Status::pass)
                report_add(r, psprintf("rls: %s", spi_text(row, 1)), s, spi_text(row, 3));
        }
    });
    Report::Row &row = r->rows[summary];
    if (failure != nullptr) {
        row.status = Status::fail;
        row.detail = psprintf("could not check: %s", failure);
        return;
    }
    row.status = fail > 0 ? Status::fail : warn > 0 ? Status::warn : Status::pass;
    row.detail = psprintf("%d table%s: %d PASS, %d WARN, %d FAIL (verify_rls)", tables, tables == 1 ? "" : "s", pass,
                          warn, fail);
}

void require_extension_here()
{
    if (!ext_state().present)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("migrate_guard: the extension is not installed in this database")));
}

} // namespace mg
