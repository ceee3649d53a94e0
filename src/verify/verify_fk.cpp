/*
 * verify_fk.cpp — migrate_guard.verify_fk_rules(expected jsonb DEFAULT NULL).
 *
 * One row per foreign key of the user schemas (a key of a partitioned table
 * is reported once, on the parent), plus one per expectation that no key
 * matches.  Expectations come from the JSON argument or, when it is NULL,
 * from migrate_guard.fk_expectations; an expectation without "columns"
 * applies to every key from "table" to "references", one with "columns" to
 * the key on exactly those columns (and wins over one without).
 *
 *   PASS     the key matches its expectation (or has none and nothing to warn about)
 *   FAIL     ON DELETE differs from the expectation, or the key has an
 *            expectation and is not enforced (below)
 *   MISSING  an expectation no key matches (a general expectation beside a
 *            specific one for the same pair, and an expectation given twice,
 *            match the same keys: neither is MISSING while a key exists)
 *   WARN     no expectation, and ON DELETE CASCADE, NOT VALID, not enforced,
 *            or no index leading with the referencing columns
 *
 * Not enforced: one of the key's internal triggers (its own or a clone's on a
 * partition) is DISABLED or REPLICA-only (ALTER TABLE ... DISABLE TRIGGER
 * ALL): rows that break it are accepted and its ON DELETE action does not run
 * in ordinary sessions, whatever the catalog says about the key.
 *
 * Malformed expectations are an ERROR naming the element; nothing is skipped.
 * Two expectations for the same key that disagree are an ERROR naming both.
 */
#include "common/bridge.h"
#include "verify/verify_common.h"

#include <algorithm>
#include <string_view>

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/datum.h"
#include "utils/jsonb.h"
}

using namespace mg;

namespace {

constexpr std::string_view kActions[] = {"NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"};

const char *action_name(char code)
{
    switch (code) {
    case 'a': return "NO ACTION";
    case 'r': return "RESTRICT";
    case 'c': return "CASCADE";
    case 'n': return "SET NULL";
    case 'd': return "SET DEFAULT";
    default: return "?";
    }
}

/* "set  null" -> "SET NULL"; nullptr when the word is not a referential action */
const char *normalize_action(const char *word)
{
    StringInfoData buf;
    initStringInfo(&buf);
    bool space = false;
    for (const char *p = word; *p; p++) {
        if (isspace(static_cast<unsigned char>(*p)) || *p == '_') {
            space = buf.len > 0;
            continue;
        }
        if (space)
            appendStringInfoChar(&buf, ' ');
        space = false;
        appendStringInfoChar(&buf, static_cast<char>(pg_toupper(static_cast<unsigned char>(*p))));
    }
    for (std::string_view a : kActions)
        if (a == buf.data)
            return a.data();
    return nullptr;
}

struct Expectation {
    const char *label;      /* "expected[3]" or "migrate_guard.fk_expectations id 7" */
    Oid table, references;
    const char *table_name, *references_name; /* schema-qualified, quoted */
    char **columns;         /* nullptr: every key from table to references */
    int ncolumns;
    const char *on_delete;  /* normalized */
    bool matched;           /* some key falls under it */
};

struct ForeignKey {
    Oid table, references;
    const char *table_name, *name, *references_name;
    char **columns, **ref_columns;
    int ncolumns, nref_columns;
    char on_delete, on_update;
    bool validated, indexed;
    const char *disabled_on; /* tables whose enforcement triggers are off, or nullptr */
    bool checks_off;         /* a check trigger (on the referencing side) is off */
    bool actions_off;        /* an action trigger (on the referenced side) is off */
};

struct OutRow {
    const char *table_name, *constraint_name, *referenced_table;
    char **columns, **ref_columns;
    int ncolumns, nref_columns;
    const char *on_delete, *on_update, *expected_on_delete, *status, *detail;
};

[[noreturn]] void bad_expectation(const char *label, const char *problem, const char *hint = nullptr)
{
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("migrate_guard: %s: %s", label, problem),
                    hint ? errhint("%s", hint)
                         : errhint("Each expectation is an object like {\"table\": \"orders\", \"columns\": "
                                   "[\"customer_id\"], \"references\": \"customers\", \"on_delete\": \"RESTRICT\"}.")));
    pg_unreachable();
}

/* text[] Datum -> palloc'd array of C strings */
char **text_array_items(Datum array, int *count)
{
    Datum *items;
    bool *nulls;
    deconstruct_array(DatumGetArrayTypeP(array), TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, count);
    char **out = static_cast<char **>(palloc(sizeof(char *) * (*count > 0 ? *count : 1)));
    for (int i = 0; i < *count; i++)
        out[i] = nulls[i] ? nullptr : TextDatumGetCString(items[i]);
    return out;
}

bool same_columns(char **a, int na, char **b, int nb)
{
    if (na != nb)
        return false;
    for (int i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return false;
    return true;
}

char *column_list(char **cols, int n)
{
    StringInfoData buf;
    initStringInfo(&buf);
    for (int i = 0; i < n; i++)
        appendStringInfo(&buf, "%s%s", i ? ", " : "", quote_identifier(cols[i]));
    return buf.data;
}

/*
 * Validates the expectations (a jsonb array) and resolves their names.
 * `ids` (optional) gives the fk_expectations id of each element for messages.
 */
Expectation *load_expectations(Jsonb *expected, const char *source, Datum ids, bool have_ids, int *count)
{
    static const char *const sql =
        "SELECT e.ord::pg_catalog.int4, pg_catalog.jsonb_typeof(e.value), "
        "       CASE WHEN pg_catalog.jsonb_typeof(e.value) OPERATOR(pg_catalog.=) 'object' THEN "
        "         (SELECT pg_catalog.array_agg(k ORDER BY k) FROM pg_catalog.jsonb_object_keys(e.value) k "
        "           WHERE k OPERATOR(pg_catalog.<>) ALL "
        "                 (ARRAY['table', 'columns', 'references', 'on_delete']::pg_catalog.text[])) END, "
        "       pg_catalog.jsonb_typeof(e.value OPERATOR(pg_catalog.->) 'table'), "
        "       e.value OPERATOR(pg_catalog.->>) 'table', "
        "       pg_catalog.jsonb_typeof(e.value OPERATOR(pg_catalog.->) 'references'), "
        "       e.value OPERATOR(pg_catalog.->>) 'references', "
        "       pg_catalog.jsonb_typeof(e.value OPERATOR(pg_catalog.->) 'on_delete'), "
        "       e.value OPERATOR(pg_catalog.->>) 'on_delete', "
        "       pg_catalog.jsonb_typeof(e.value OPERATOR(pg_catalog.->) 'columns'), "
        "       CASE WHEN pg_catalog.jsonb_typeof(e.value OPERATOR(pg_catalog.->) 'columns') "
        "                 OPERATOR(pg_catalog.=) 'array' THEN "
        "         (SELECT pg_catalog.bool_and(pg_catalog.jsonb_typeof(c) OPERATOR(pg_catalog.=) 'string') "
        "            FROM pg_catalog.jsonb_array_elements(e.value OPERATOR(pg_catalog.->) 'columns') c) END, "
        "       CASE WHEN pg_catalog.jsonb_typeof(e.value OPERATOR(pg_catalog.->) 'columns') "
        "                 OPERATOR(pg_catalog.=) 'array' THEN "
        "         ARRAY(SELECT c FROM pg_catalog.jsonb_array_elements_text(e.value OPERATOR(pg_catalog.->) 'columns') "
        "               WITH ORDINALITY x(c, o) ORDER BY o) END "
        "  FROM pg_catalog.jsonb_array_elements($1) WITH ORDINALITY e(value, ord) ORDER BY 1";

    if (!JB_ROOT_IS_ARRAY(expected) || JB_ROOT_IS_SCALAR(expected))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("migrate_guard: %s must be a JSON array of expectations", source),
                        errhint("For example: [{\"table\": \"orders\", \"references\": \"customers\", "
                                "\"on_delete\": \"RESTRICT\"}]")));
    Oid types[1] = {JSONBOID};
    Datum values[1] = {JsonbPGetDatum(expected)};
    int rc = spi_exec(sql, 1, types, values, nullptr, true);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "migrate_guard: could not read the expectations: %s", SPI_result_code_string(rc));

    int n = static_cast<int>(SPI_processed);
    int nids = 0;
    char **id_text = have_ids ? text_array_items(ids, &nids) : nullptr;
    Expectation *out = static_cast<Expectation *>(palloc0(sizeof(Expectation) * (n > 0 ? n : 1)));
    for (int i = 0; i < n; i++) {
        CHECK_FOR_INTERRUPTS();
        Expectation &e = out[i];
        e.label = have_ids && i < nids ? psprintf("%s row id %s", source, id_text[i])
                                       : psprintf("%s element %d", source, i + 1);
        const char *kind = spi_text(i, 2);
        if (strcmp(kind, "object") != 0)
            bad_expectation(e.label, psprintf("is a JSON %s, not an object", kind));
        if (char *unknown = spi_text(i, 3))
            bad_expectation(e.label, psprintf("unknown key(s) %s", unknown),
                            "The keys are \"table\", \"columns\" (optional), \"references\" and \"on_delete\".");
        const char *keys[3] = {"table", "references", "on_delete"};
        for (int k = 0; k < 3; k++) {
            const char *t = spi_text(i, 4 + 2 * k);
            if (t == nullptr || strcmp(t, "null") == 0)
                bad_expectation(e.label, psprintf("\"%s\" is missing", keys[k]));
            if (strcmp(t, "string") != 0)
                bad_expectation(e.label, psprintf("\"%s\" must be a string, not a JSON %s", keys[k], t));
        }
        const char *table = spi_text(i, 5);
        const char *references = spi_text(i, 7);
        const char *on_delete = spi_text(i, 9);
        e.on_delete = normalize_action(on_delete);
        if (e.on_delete == nullptr)
            bad_expectation(e.label, psprintf("\"on_delete\": \"%s\" is not a referential action", on_delete),
                            "Use one of NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT.");
        const char *ctype = spi_text(i, 10);
        if (ctype != nullptr && strcmp(ctype, "null") != 0) {
            char *all_strings = spi_text(i, 11);
            if (strcmp(ctype, "array") != 0 || (all_strings != nullptr && strcmp(all_strings, "t") != 0))
                bad_expectation(e.label, "\"columns\" must be an array of column names");
            bool isnull;
            Datum cols = spi_datum(i, 12, &isnull);
            e.columns = text_array_items(cols, &e.ncolumns);
            if (e.ncolumns == 0)
                bad_expectation(e.label, "\"columns\" must not be empty");
        }
        /* resolve the names the way the SQL editor would: search_path applies */
        const char *names[2] = {table, references};
        Oid *oids[2] = {&e.table, &e.references};
        const char **resolved[2] = {&e.table_name, &e.references_name};
        const char *keys_named[2] = {"table", "references"};
        for (int k = 0; k < 2; k++) {
            const char *problem = nullptr;
            RangeVar *rv = relation_name(names[k], &problem);
            if (rv == nullptr)
                bad_expectation(e.label, psprintf("\"%s\": \"%s\" %s", keys_named[k], names[k], problem),
                                "Names are table, schema.table or database.schema.table (this database); "
                                "unqualified names follow search_path.");
            if (rv->schemaname != nullptr) {
                Oid nsp = get_namespace_oid(rv->schemaname, true);
                if (OidIsValid(nsp) && mg_namespace_aclcheck(nsp, GetUserId(), ACL_USAGE) != ACLCHECK_OK)
                    bad_expectation(e.label, psprintf("\"%s\": permission denied for schema %s", keys_named[k],
                                                      quote_identifier(rv->schemaname)),
                                    "Ask for USAGE on the schema, or leave the expectation out.");
            }
            Oid relid = RangeVarGetRelid(rv, NoLock, true);
            if (!OidIsValid(relid))
                bad_expectation(e.label, psprintf("table \"%s\" does not exist", names[k]),
                                "Names may be schema-qualified; unqualified names follow search_path.");
            char kind_code = get_rel_relkind(relid);
            if (kind_code != RELKIND_RELATION && kind_code != RELKIND_PARTITIONED_TABLE)
                bad_expectation(e.label, psprintf("\"%s\" is not a table", names[k]));
            *oids[k] = relid;
            *resolved[k] = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
                                                      get_rel_name(relid));
        }
        for (int c = 0; c < e.ncolumns; c++)
            if (e.columns[c] == nullptr || get_attnum(e.table, e.columns[c]) == InvalidAttrNumber)
                bad_expectation(e.label, psprintf("column \"%s\" of table %s does not exist",
                                                  e.columns[c] ? e.columns[c] : "(null)", e.table_name));
    }
    *count = n;
    return out;
}

Expectation *expectations_from_table(int *count)
{
    int rc = spi_exec(
        "SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object("
        "'table', \"table\", 'columns', pg_catalog.to_jsonb(columns), 'references', \"references\", "
        "'on_delete', on_delete)) ORDER BY id), '[]'::pg_catalog.jsonb), "
        "COALESCE(pg_catalog.array_agg(id::pg_catalog.text ORDER BY id), '{}'::pg_catalog.text[]) "
        "FROM migrate_guard.fk_expectations",
        0, nullptr, nullptr, nullptr, true);
    if (rc != SPI_OK_SELECT || SPI_processed != 1)
        elog(ERROR, "migrate_guard: could not read migrate_guard.fk_expectations");
    bool isnull;
    Jsonb *json = DatumGetJsonbPCopy(spi_datum(0, 1, &isnull));
    Datum ids = datumCopy(spi_datum(0, 2, &isnull), false, -1);
    return load_expectations(json, "migrate_guard.fk_expectations", ids, true, count);
}

ForeignKey *load_foreign_keys(int *count)
{
    static const char *const sql =
        "SELECT c.conrelid, c.confrelid, pg_catalog.format('%I.%I', n.nspname, r.relname), "
        "       c.conname::pg_catalog.text, pg_catalog.format('%I.%I', fn.nspname, fr.relname), "
        "       c.confdeltype, c.confupdtype, c.convalidated, "
        "       ARRAY(SELECT a.attname::pg_catalog.text "
        "               FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY k(attnum, o) "
        "               JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.conrelid "
        "                                             AND a.attnum OPERATOR(pg_catalog.=) k.attnum "
        "              ORDER BY k.o), "
        "       ARRAY(SELECT a.attname::pg_catalog.text "
        "               FROM pg_catalog.unnest(c.confkey) WITH ORDINALITY k(attnum, o) "
        "               JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.confrelid "
        "                                             AND a.attnum OPERATOR(pg_catalog.=) k.attnum "
        "              ORDER BY k.o), "
        "       EXISTS (SELECT FROM pg_catalog.pg_index i "
        "                WHERE i.indrelid OPERATOR(pg_catalog.=) c.conrelid AND i.indisvalid "
        "                  AND i.indpred IS NULL "
        "                  AND i.indnkeyatts OPERATOR(pg_catalog.>=) pg_catalog.cardinality(c.conkey) "
        "                  AND (i.indkey::pg_catalog.int2[])[0:pg_catalog.cardinality(c.conkey) OPERATOR(pg_catalog.-) 1] "
        "                      OPERATOR(pg_catalog.@>) c.conkey "
        "                  AND (i.indkey::pg_catalog.int2[])[0:pg_catalog.cardinality(c.conkey) OPERATOR(pg_catalog.-) 1] "
        "                      OPERATOR(pg_catalog.<@) c.conkey), "
        "       off.tables, off.checks_off, off.actions_off "
        "  FROM pg_catalog.pg_constraint c "
        "  JOIN pg_catalog.pg_class r ON r.oid OPERATOR(pg_catalog.=) c.conrelid "
        "  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) r.relnamespace "
        "  JOIN pg_catalog.pg_class fr ON fr.oid OPERATOR(pg_catalog.=) c.confrelid "
        "  JOIN pg_catalog.pg_namespace fn ON fn.oid OPERATOR(pg_catalog.=) fr.relnamespace "
        /* the tables where an enforcement trigger of a key (or of its clone on a partition) is off:
           walked up from the few disabled triggers, not looked for per key */
        "  LEFT JOIN (WITH RECURSIVE up(oid, parent, tbl, checks) AS ( "
        "               SELECT tc.oid, tc.conparentid, pg_catalog.format('%I.%I', tn.nspname, tr.relname), "
        "                      t.tgrelid OPERATOR(pg_catalog.=) tc.conrelid " /* a check trigger, else an action's */
        "                 FROM pg_catalog.pg_trigger t "
        "                 JOIN pg_catalog.pg_constraint tc ON tc.oid OPERATOR(pg_catalog.=) t.tgconstraint "
        "                 JOIN pg_catalog.pg_class tr ON tr.oid OPERATOR(pg_catalog.=) t.tgrelid "
        "                 JOIN pg_catalog.pg_namespace tn ON tn.oid OPERATOR(pg_catalog.=) tr.relnamespace "
        "                WHERE t.tgisinternal "
        "                  AND t.tgenabled OPERATOR(pg_catalog.=) ANY ('{D,R}'::pg_catalog.\"char\"[]) "
        "               UNION "
        "               SELECT p.oid, p.conparentid, up.tbl, up.checks FROM up "
        "                 JOIN pg_catalog.pg_constraint p ON p.oid OPERATOR(pg_catalog.=) up.parent) "
        "             SELECT oid, pg_catalog.string_agg(DISTINCT tbl, ', ' ORDER BY tbl) AS tables, "
        "                    pg_catalog.bool_or(checks) AS checks_off, "
        "                    pg_catalog.bool_or(NOT checks) AS actions_off "
        "               FROM up GROUP BY oid) off ON off.oid OPERATOR(pg_catalog.=) c.oid "
        " WHERE c.contype OPERATOR(pg_catalog.=) 'f' AND c.conparentid OPERATOR(pg_catalog.=) 0 AND " MG_SCOPE_SQL;
    spi_query_with_schemas(sql, nullptr);
    int n = static_cast<int>(SPI_processed);
    ForeignKey *out = static_cast<ForeignKey *>(palloc0(sizeof(ForeignKey) * (n > 0 ? n : 1)));
    for (int i = 0; i < n; i++) {
        CHECK_FOR_INTERRUPTS();
        ForeignKey &k = out[i];
        bool isnull;
        k.table = DatumGetObjectId(spi_datum(i, 1, &isnull));
        k.references = DatumGetObjectId(spi_datum(i, 2, &isnull));
        k.table_name = spi_text(i, 3);
        k.name = spi_text(i, 4);
        k.references_name = spi_text(i, 5);
        k.on_delete = DatumGetChar(spi_datum(i, 6, &isnull));
        k.on_update = DatumGetChar(spi_datum(i, 7, &isnull));
        k.validated = DatumGetBool(spi_datum(i, 8, &isnull));
        k.columns = text_array_items(spi_datum(i, 9, &isnull), &k.ncolumns);
        k.ref_columns = text_array_items(spi_datum(i, 10, &isnull), &k.nref_columns);
        k.indexed = DatumGetBool(spi_datum(i, 11, &isnull));
        k.disabled_on = spi_text(i, 12);
        if (k.disabled_on != nullptr) {
            k.checks_off = DatumGetBool(spi_datum(i, 13, &isnull));
            k.actions_off = DatumGetBool(spi_datum(i, 14, &isnull));
        }
    }
    *count = n;
    return out;
}

/* Does the expectation select the key (same pair, and same columns when it names them)? */
bool selects(const Expectation &e, const ForeignKey &k)
{
    return e.table == k.table && e.references == k.references &&
           (e.columns == nullptr || same_columns(e.columns, e.ncolumns, k.columns, k.ncolumns));
}

/*
 * Expectations sorted by what they select: referencing table, referenced
 * table, general before column-specific, the columns; then by their position
 * in the input.  The keys of one pair and the expectations that say the same
 * thing are then neighbours: looking an expectation up, and finding two that
 * contradict each other, take O(n log n) however many expectations are given.
 */
struct ExpectationIndex {
    Expectation **sorted;
    int count;
};

int compare_oids(Oid a, Oid b) { return (a > b) - (a < b); }

int compare_selectors(const Expectation &a, const Expectation &b)
{
    int c = compare_oids(a.table, b.table);
    if (c == 0)
        c = compare_oids(a.references, b.references);
    if (c == 0)
        c = (a.columns != nullptr) - (b.columns != nullptr);
    if (c != 0 || a.columns == nullptr)
        return c;
    if (a.ncolumns != b.ncolumns)
        return a.ncolumns < b.ncolumns ? -1 : 1;
    for (int i = 0; i < a.ncolumns && c == 0; i++)
        c = strcmp(a.columns[i], b.columns[i]);
    return c;
}

int compare_expectations(const void *x, const void *y)
{
    const Expectation *a = *static_cast<Expectation *const *>(x), *b = *static_cast<Expectation *const *>(y);
    int c = compare_selectors(*a, *b);
    return c != 0 ? c : (a > b) - (a < b); /* then by position */
}

ExpectationIndex index_expectations(Expectation *exps, int n)
{
    ExpectationIndex ix{static_cast<Expectation **>(palloc(sizeof(Expectation *) * (n > 0 ? n : 1))), n};
    for (int i = 0; i < n; i++)
        ix.sorted[i] = &exps[i];
    if (n > 1)
        qsort(ix.sorted, n, sizeof(Expectation *), compare_expectations);
    return ix;
}

/*
 * The expectation that applies to a key: one naming its columns wins over a
 * general one (the first given of each).  Every expectation that selects the
 * key is matched (so none of them is reported MISSING).
 */
Expectation *expectation_for(const ForeignKey &k, const ExpectationIndex &ix)
{
    int lo = 0, hi = ix.count; /* the first expectation of the pair (table, references) */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        const Expectation &e = *ix.sorted[mid];
        int c = compare_oids(e.table, k.table);
        if (c == 0)
            c = compare_oids(e.references, k.references);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    Expectation *general = nullptr, *specific = nullptr;
    for (int i = lo; i < ix.count && ix.sorted[i]->table == k.table && ix.sorted[i]->references == k.references;
         i++) {
        CHECK_FOR_INTERRUPTS();
        Expectation &e = *ix.sorted[i];
        if (!selects(e, k))
            continue;
        e.matched = true;
        if (e.columns != nullptr) {
            if (specific == nullptr)
                specific = &e;
        } else if (general == nullptr) {
            general = &e;
        }
    }
    return specific ? specific : general;
}

/*
 * Two expectations for the same keys that disagree: which one holds is not
 * known.  Reported for the first expectation (in input order) that
 * contradicts an earlier one, naming the first it contradicts.
 */
void check_contradictions(const ExpectationIndex &ix)
{
    const Expectation *later = nullptr, *earlier = nullptr;
    for (int start = 0; start < ix.count;) {
        int end = start + 1;
        while (end < ix.count && compare_selectors(*ix.sorted[start], *ix.sorted[end]) == 0)
            end++;
        /* one selector, in input order: the first that differs from the group's first */
        for (int i = start + 1; i < end; i++) {
            CHECK_FOR_INTERRUPTS();
            if (strcmp(ix.sorted[i]->on_delete, ix.sorted[start]->on_delete) != 0) {
                if (later == nullptr || ix.sorted[i] < later) {
                    later = ix.sorted[i];
                    earlier = ix.sorted[start];
                }
                break;
            }
        }
        start = end;
    }
    if (later == nullptr)
        return;
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("migrate_guard: %s contradicts %s", later->label, earlier->label),
                    errdetail("Both are about the foreign keys from %s%s%s%s to %s; one expects ON DELETE %s, "
                              "the other ON DELETE %s.",
                              later->table_name, later->columns ? " (" : "",
                              later->columns ? column_list(later->columns, later->ncolumns) : "",
                              later->columns ? ")" : "", later->references_name, later->on_delete,
                              earlier->on_delete),
                    errhint("Keep one of them.")));
}

OutRow judge_key(const ForeignKey &k, Expectation *e)
{
    OutRow r = {k.table_name, k.name, k.references_name, k.columns, k.ref_columns, k.ncolumns, k.nref_columns,
                action_name(k.on_delete), action_name(k.on_update), nullptr, nullptr, nullptr};
    const char *not_valid = k.validated ? "" : "; the constraint is NOT VALID (existing rows were never checked)";
    const char *not_enforced =
        k.disabled_on == nullptr
            ? nullptr
            : psprintf("NOT ENFORCED: its triggers are disabled on %s (ALTER TABLE ... DISABLE TRIGGER): %s%s%s; "
                       "rows that break the key are accepted; ALTER TABLE ... ENABLE TRIGGER ALL there restores "
                       "the checks (rows accepted meanwhile are not re-checked)",
                       k.disabled_on,
                       k.checks_off ? psprintf("rows written to %s are not checked against %s", k.table_name,
                                               k.references_name)
                                    : "",
                       k.checks_off && k.actions_off ? ", and " : "",
                       k.actions_off ? psprintf("deleting or updating a row of %s does not apply ON DELETE %s / "
                                                "ON UPDATE %s",
                                                k.references_name, r.on_delete, r.on_update)
                                     : "");
    if (e != nullptr) {
        r.expected_on_delete = e->on_delete;
        bool match = strcmp(e->on_delete, r.on_delete) == 0;
        r.status = match && not_enforced == nullptr ? "PASS" : "FAIL";
        r.detail = match ? psprintf("ON DELETE %s as expected%s%s%s", r.on_delete, not_valid,
                                    not_enforced ? ", but " : "", not_enforced ? not_enforced : "")
                         : psprintf("ON DELETE %s, expected %s (%s)%s%s%s", r.on_delete, e->on_delete, e->label,
                                    not_valid, not_enforced ? "; " : "", not_enforced ? not_enforced : "");
        return r;
    }
    StringInfoData why;
    initStringInfo(&why);
    if (not_enforced != nullptr)
        appendStringInfoString(&why, not_enforced);
    if (k.on_delete == 'c')
        appendStringInfo(&why, "%sON DELETE CASCADE: deleting a row of %s deletes the rows that reference it",
                         why.len ? "; " : "", k.references_name);
    if (!k.validated)
        appendStringInfo(&why, "%sNOT VALID: existing rows were never checked", why.len ? "; " : "");
    if (!k.indexed)
        appendStringInfo(&why, "%sno index leads with (%s): deletes and updates of %s scan %s; "
                         "CREATE INDEX ON %s (%s) would serve",
                         why.len ? "; " : "", column_list(k.columns, k.ncolumns), k.references_name, k.table_name,
                         k.table_name, column_list(k.columns, k.ncolumns));
    r.status = why.len ? "WARN" : "PASS";
    r.detail = why.len ? why.data : pstrdup("no expectation; no cascade, validated, indexed");
    return r;
}

/* by table, then constraint (MISSING rows, which have none, last), then referenced table */
bool row_less(const OutRow &a, const OutRow &b)
{
    int c = strcmp(a.table_name, b.table_name);
    if (c != 0)
        return c < 0;
    if ((a.constraint_name == nullptr) != (b.constraint_name == nullptr))
        return b.constraint_name == nullptr;
    if (a.constraint_name != nullptr && (c = strcmp(a.constraint_name, b.constraint_name)) != 0)
        return c < 0;
    if ((c = strcmp(a.referenced_table, b.referenced_table)) != 0)
        return c < 0;
    return strcmp(a.detail, b.detail) < 0;
}

void put_row(ReturnSetInfo *rsinfo, const OutRow &r)
{
    Datum values[10];
    bool nulls[10] = {false};
    auto text_or_null = [&](int i, const char *s) {
        nulls[i] = s == nullptr;
        values[i] = s ? CStringGetTextDatum(s) : (Datum) 0;
    };
    text_or_null(0, r.table_name);
    text_or_null(1, r.constraint_name);
    nulls[2] = r.columns == nullptr;
    values[2] = r.columns ? text_array(r.columns, r.ncolumns) : (Datum) 0;
    text_or_null(3, r.referenced_table);
    nulls[4] = r.ref_columns == nullptr;
    values[4] = r.ref_columns ? text_array(r.ref_columns, r.nref_columns) : (Datum) 0;
    text_or_null(5, r.on_delete);
    text_or_null(6, r.on_update);
    text_or_null(7, r.expected_on_delete);
    text_or_null(8, r.status);
    text_or_null(9, r.detail);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

} // namespace

MG_SQL_FUNCTION(mg_verify_fk_rules)
{
    Jsonb *expected = PG_ARGISNULL(0) ? nullptr : PG_GETARG_JSONB_P(0);
    mg_init_materialized_srf(fcinfo);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);

    spi_connect_or_fail();
    int nexps = 0, nkeys = 0;
    Expectation *exps = expected ? load_expectations(expected, "expected", (Datum) 0, false, &nexps)
                                 : expectations_from_table(&nexps);
    ExpectationIndex ix = index_expectations(exps, nexps);
    check_contradictions(ix);
    ForeignKey *keys = load_foreign_keys(&nkeys);

    int nrows = 0;
    OutRow *rows = static_cast<OutRow *>(palloc(sizeof(OutRow) * (nkeys + nexps + 1)));
    for (int i = 0; i < nkeys; i++) {
        CHECK_FOR_INTERRUPTS();
        rows[nrows++] = judge_key(keys[i], expectation_for(keys[i], ix));
    }
    for (int i = 0; i < nexps; i++) {
        CHECK_FOR_INTERRUPTS();
        const Expectation &e = exps[i];
        if (e.matched)
            continue;
        rows[nrows++] = OutRow{e.table_name, nullptr, e.references_name, e.columns, nullptr, e.ncolumns, 0,
                               nullptr, nullptr, e.on_delete, "MISSING",
                               psprintf("no foreign key from %s%s%s%s to %s (%s)", e.table_name,
                                        e.columns ? " (" : "", e.columns ? column_list(e.columns, e.ncolumns) : "",
                                        e.columns ? ")" : "", e.references_name, e.label)};
    }
    std::sort(rows, rows + nrows, row_less); /* in place: no allocation */
    for (int i = 0; i < nrows; i++)
        put_row(rsinfo, rows[i]);
    SPI_finish();
    return (Datum) 0;
}
