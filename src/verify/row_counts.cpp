/*
 * row_counts.cpp — migrate_guard.snapshot_row_counts() and
 * migrate_guard.compare_row_counts().
 *
 * Exact counts: every count of one call is read with the snapshot that was
 * active when the function was called (SPI in read-only mode takes no new
 * snapshot), so they are consistent with each other even while other
 * sessions write.  Tables are counted in batches of UNION ALL queries, which
 * lets the planner spread whole tables over parallel workers (Parallel
 * Append) as well as split large tables (parallel seq scans).
 *
 * Estimates: pg_class.reltuples; a table never vacuumed or analyzed has no
 * estimate and is reported with a NULL count.
 *
 * Privileges: only tables the caller may SELECT are counted (the function
 * runs as the caller); the others are kept with a NULL count and a note
 * (a NOTICE says how many were skipped).  Rows are stored as the owner of the
 * snapshot tables, which PUBLIC may read but not write.
 *
 * Exposure: a stored count is shown only to roles that may see it now
 * (count_visible(): superusers, members of the admin role, and roles that may
 * SELECT the table that was counted without row-level security restricting
 * them).  The table is the relation counted, known by the OID it had then
 * (row_counts.table_oid), not whatever carries its name now: a table created
 * under the name of a moved, renamed or dropped one is another table.  OIDs
 * mean something only in the database where they were taken, so each
 * snapshot records that database (row_count_snapshots.database_identity:
 * system identifier and database OID); in a restored copy, or after
 * pg_upgrade, the stored counts are the admins' only.  The table
 * migrate_guard.row_counts has a row-level security policy calling it, and
 * compare_row_counts() reads the stored counts as the tables' owner and hides
 * the ones the caller may not see (status SKIPPED).
 */
#include "common/bridge.h"
#include "common/ext_state.h"
#include "common/ext_version.h"
#include "common/owner_sql.h"
#include "common/settings.h"
#include "verify/verify_common.h"

extern "C" {
#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

using namespace mg;

namespace {

struct Count {
    char *table_name;
    Oid relid;        /* the relation counted (InvalidOid: not known, e.g. a 0.1.0 snapshot) */
    bool has_count;
    int64 count;
    const char *note; /* why there is no count, or a caveat */
};

const char *const kTablesSql =
    "SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), c.oid, c.relkind, c.reltuples, "
    "       pg_catalog.has_schema_privilege(n.oid, 'USAGE') "
    "       AND pg_catalog.has_any_column_privilege(c.oid, 'SELECT'), " /* count(*) needs no more */
    "       c.relispopulated, "
    "       c.relrowsecurity AND pg_catalog.row_security_active(c.oid) "
    "  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
    " WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'm']::pg_catalog.\"char\"[]) AND " MG_SCOPE_SQL
    " ORDER BY 1";

/* Labels are unique (a btree index): this many characters always fit in it. */
constexpr int kMaxLabelChars = 256;

constexpr int kBatch = 100; /* tables per UNION ALL query */

/* Lists the tables of the scope and counts (or estimates) their rows. */
Count *count_tables(ArrayType *schemas, bool exact, int *ntables, int *nskipped)
{
    spi_query_with_schemas(kTablesSql, schemas);
    SPITupleTable *tables = SPI_tuptable;
    int n = static_cast<int>(SPI_processed);
    Count *out = static_cast<Count *>(palloc0(sizeof(Count) * (n > 0 ? n : 1)));
    int *to_count = static_cast<int *>(palloc(sizeof(int) * (n > 0 ? n : 1)));
    int ncount = 0;
    *nskipped = 0;
    for (int i = 0; i < n; i++) {
        CHECK_FOR_INTERRUPTS();
        HeapTuple tup = tables->vals[i];
        TupleDesc desc = tables->tupdesc;
        bool isnull;
        Count &c = out[i];
        c.table_name = SPI_getvalue(tup, desc, 1);
        c.relid = DatumGetObjectId(SPI_getbinval(tup, desc, 2, &isnull));
        char relkind = DatumGetChar(SPI_getbinval(tup, desc, 3, &isnull));
        float4 reltuples = DatumGetFloat4(SPI_getbinval(tup, desc, 4, &isnull));
        bool may_select = DatumGetBool(SPI_getbinval(tup, desc, 5, &isnull));
        bool populated = DatumGetBool(SPI_getbinval(tup, desc, 6, &isnull));
        bool rls = DatumGetBool(SPI_getbinval(tup, desc, 7, &isnull));
        if (!may_select) {
            c.note = "skipped: you may not SELECT from this table (or use its schema)";
            (*nskipped)++;
        } else if (relkind == RELKIND_MATVIEW && !populated) {
            c.note = "skipped: materialized view not populated";
        } else if (!exact) {
            c.has_count = reltuples >= 0;
            c.count = c.has_count ? static_cast<int64>(reltuples + 0.5) : 0;
            c.note = c.has_count ? "estimate (pg_class.reltuples)" : "no estimate: never vacuumed or analyzed";
        } else {
            c.note = rls ? "rows visible to you under row-level security" : nullptr;
            to_count[ncount++] = i;
        }
    }

    /* exact counts, in batches, all with the active snapshot (read-only SPI) */
    for (int start = 0; start < ncount; start += kBatch) {
        CHECK_FOR_INTERRUPTS();

        int end = start + kBatch < ncount ? start + kBatch : ncount;
        StringInfoData sql;
        initStringInfo(&sql);
        for (int j = start; j < end; j++)
            appendStringInfo(&sql, "%sSELECT %d, pg_catalog.count(*) FROM %s", j > start ? " UNION ALL " : "",
                             j, out[to_count[j]].table_name);
        int rc = spi_exec(sql.data, 0, nullptr, nullptr, nullptr, true);
        if (rc != SPI_OK_SELECT)
            elog(ERROR, "migrate_guard: counting rows failed: %s", SPI_result_code_string(rc));
        for (uint64 r = 0; r < SPI_processed; r++) {
            bool isnull;
            int j = DatumGetInt32(spi_datum(static_cast<int>(r), 1, &isnull));
            Count &c = out[to_count[j]];
            c.count = DatumGetInt64(spi_datum(static_cast<int>(r), 2, &isnull));
            c.has_count = true;
        }
    }
    *ntables = n;
    return out;
}

/* Runs a statement as the owner of the extension's tables (owner_sql.h). */
int run_as_owner(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls)
{
    int rc = 0;
    as_extension_owner([&] { rc = SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0); });
    return rc;
}

/* snapshot id for a label, or for a number when no label matches; ERROR if none */
int64 resolve_snapshot(const char *which, const char *argname)
{
    Oid types[1] = {TEXTOID};
    Datum values[1] = {CStringGetTextDatum(which)};
    int rc = spi_exec(
        "SELECT snapshot_id FROM migrate_guard.row_count_snapshots WHERE label OPERATOR(pg_catalog.=) $1 "
        "UNION ALL "
        "SELECT snapshot_id FROM migrate_guard.row_count_snapshots "
        " WHERE $1 OPERATOR(pg_catalog.~) '^[0-9]{1,18}$' "
        "   AND snapshot_id OPERATOR(pg_catalog.=) $1::pg_catalog.int8 "
        "   AND NOT EXISTS (SELECT FROM migrate_guard.row_count_snapshots "
        "                    WHERE label OPERATOR(pg_catalog.=) $1) "
        "LIMIT 1",
        1, types, values, nullptr, true);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "migrate_guard: could not look up snapshot: %s", SPI_result_code_string(rc));
    if (SPI_processed == 0)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                        errmsg("migrate_guard: %s: no row-count snapshot labelled or numbered \"%s\"", argname, which),
                        errhint("SELECT snapshot_id, label, taken_at FROM migrate_guard.row_count_snapshots "
                                "lists the snapshots.")));
    bool isnull;
    return DatumGetInt64(spi_datum(0, 1, &isnull));
}

/*
 * The stored counts of a snapshot, ordered by table name; counts the caller
 * may not see are hidden (read as the tables' owner, which row-level security
 * does not filter, so that every table of the snapshot is listed).
 */
Count *load_snapshot(int64 id, int *n)
{
    Oid types[1] = {INT8OID};
    Datum values[1] = {Int64GetDatum(id)};
    int rc = 0;
    as_extension_owner([&] {
        rc = SPI_execute_with_args(
            "SELECT r.table_name, r.row_count, r.note, r.table_oid, s.database_identity "
            "  FROM migrate_guard.row_counts r JOIN migrate_guard.row_count_snapshots s "
            "       ON s.snapshot_id OPERATOR(pg_catalog.=) r.snapshot_id "
            " WHERE r.snapshot_id OPERATOR(pg_catalog.=) $1 "
            "ORDER BY r.table_name COLLATE pg_catalog.\"C\"",
            1, types, values, nullptr, true, 0);
    });
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "migrate_guard: could not read snapshot: %s", SPI_result_code_string(rc));
    *n = static_cast<int>(SPI_processed);
    Count *out = static_cast<Count *>(palloc0(sizeof(Count) * (*n > 0 ? *n : 1)));
    for (int i = 0; i < *n; i++) {
        bool isnull;
        out[i].table_name = spi_text(i, 1);
        Datum d = spi_datum(i, 2, &isnull);
        out[i].has_count = !isnull;
        out[i].count = isnull ? 0 : DatumGetInt64(d);
        out[i].note = spi_text(i, 3);
        Datum oid = spi_datum(i, 4, &isnull);
        out[i].relid = isnull ? InvalidOid : DatumGetObjectId(oid);
    }
    const char *counted_in = *n > 0 ? spi_text(0, 5) : nullptr;
    for (int i = 0; i < *n; i++) {
        CHECK_FOR_INTERRUPTS();
        if (out[i].has_count && !count_visible(out[i].relid, counted_in)) {
            out[i].has_count = false;
            out[i].count = 0;
            out[i].note = "hidden: you may not SELECT from this table";
        }
    }
    return out;
}

ArrayType *snapshot_schemas(int64 id)
{
    Oid types[1] = {INT8OID};
    Datum values[1] = {Int64GetDatum(id)};
    int rc = spi_exec("SELECT schemas FROM migrate_guard.row_count_snapshots "
                      " WHERE snapshot_id OPERATOR(pg_catalog.=) $1",
                      1, types, values, nullptr, true);
    if (rc != SPI_OK_SELECT || SPI_processed != 1)
        elog(ERROR, "migrate_guard: could not read snapshot %lld", static_cast<long long>(id));
    bool isnull;
    Datum d = spi_datum(0, 1, &isnull);
    return isnull ? nullptr : DatumGetArrayTypePCopy(d);
}

int by_name(const void *a, const void *b)
{
    return strcmp(static_cast<const Count *>(a)->table_name, static_cast<const Count *>(b)->table_name);
}

} // namespace

MG_SQL_FUNCTION(mg_snapshot_row_counts)
{
    const char *label = PG_ARGISNULL(0) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(0));
    ArrayType *schemas = PG_ARGISNULL(1) ? nullptr : PG_GETARG_ARRAYTYPE_P(1);
    bool exact = PG_ARGISNULL(2) ? true : PG_GETARG_BOOL(2);
    require_extension_version("snapshot_row_counts()", "0.2.0"); /* row_count_snapshots.database_identity */
    check_schemas_exist(schemas);
    mg_init_materialized_srf(fcinfo);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);

    if (label != nullptr) {
        int chars = pg_mbstrlen(label);
        if (chars > kMaxLabelChars)
            ereport(ERROR, (errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
                            errmsg("migrate_guard: label is too long (%d characters; at most %d)", chars,
                                   kMaxLabelChars),
                            errhint("Use a shorter label, e.g. a ticket number and a date.")));
    }
    spi_connect_or_fail();
    if (label != nullptr) {
        Oid types[1] = {TEXTOID};
        Datum values[1] = {CStringGetTextDatum(label)};
        spi_exec("SELECT FROM migrate_guard.row_count_snapshots WHERE label OPERATOR(pg_catalog.=) $1", 1, types,
                 values, nullptr, true);
        if (SPI_processed > 0)
            ereport(ERROR, (errcode(ERRCODE_UNIQUE_VIOLATION),
                            errmsg("migrate_guard: a row-count snapshot labelled \"%s\" already exists", label),
                            errhint("Labels are unique: choose another one, or compare with it: "
                                    "SELECT * FROM migrate_guard.compare_row_counts('%s');", label)));
    }

    int n = 0, skipped = 0;
    Count *counts = count_tables(schemas, exact, &n, &skipped);

    /* store: the snapshot row, then its counts in one statement */
    Oid stypes[5] = {TEXTOID, BOOLOID, TEXTARRAYOID, TEXTOID, TEXTOID};
    Datum svalues[5] = {label ? CStringGetTextDatum(label) : (Datum) 0, BoolGetDatum(exact),
                        PointerGetDatum(schemas), CStringGetTextDatum(GetUserNameFromId(GetUserId(), false)),
                        CStringGetTextDatum(database_identity())};
    char snulls[6] = {label ? ' ' : 'n', ' ', schemas ? ' ' : 'n', ' ', ' ', '\0'};
    int rc = run_as_owner("INSERT INTO migrate_guard.row_count_snapshots(label, exact, schemas, taken_by, "
                          "                                              database_identity) "
                          "VALUES ($1, $2, $3, $4, $5) RETURNING snapshot_id",
                          5, stypes, svalues, snulls);
    if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
        elog(ERROR, "migrate_guard: could not store the snapshot: %s", SPI_result_code_string(rc));
    bool isnull;
    int64 id = DatumGetInt64(spi_datum(0, 1, &isnull));

    const char **names = static_cast<const char **>(palloc(sizeof(char *) * (n > 0 ? n : 1)));
    const char **count_text = static_cast<const char **>(palloc(sizeof(char *) * (n > 0 ? n : 1)));
    const char **notes = static_cast<const char **>(palloc(sizeof(char *) * (n > 0 ? n : 1)));
    Datum *oids = static_cast<Datum *>(palloc(sizeof(Datum) * (n > 0 ? n : 1)));
    for (int i = 0; i < n; i++) {
        oids[i] = ObjectIdGetDatum(counts[i].relid);
        names[i] = counts[i].table_name;
        count_text[i] = counts[i].has_count ? psprintf(INT64_FORMAT, counts[i].count) : nullptr;
        notes[i] = counts[i].note;
    }
    Oid ctypes[5] = {INT8OID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, OIDARRAYOID};
    Datum cvalues[5] = {Int64GetDatum(id), text_array(names, n), text_array(count_text, n), text_array(notes, n),
                        PointerGetDatum(construct_array(oids, n, OIDOID, sizeof(Oid), true, TYPALIGN_INT))};
    rc = run_as_owner("INSERT INTO migrate_guard.row_counts(snapshot_id, table_name, row_count, note, table_oid) "
                      "SELECT $1, t, c::pg_catalog.int8, note, o "
                      "  FROM ROWS FROM (pg_catalog.unnest($2), pg_catalog.unnest($3), pg_catalog.unnest($4), "
                      "                  pg_catalog.unnest($5)) u(t, c, note, o)",
                      5, ctypes, cvalues, nullptr);
    if (rc != SPI_OK_INSERT)
        elog(ERROR, "migrate_guard: could not store the counts: %s", SPI_result_code_string(rc));

    for (int i = 0; i < n; i++) {
        CHECK_FOR_INTERRUPTS();
        Datum values[5] = {Int64GetDatum(id), label ? CStringGetTextDatum(label) : (Datum) 0,
                           CStringGetTextDatum(counts[i].table_name), Int64GetDatum(counts[i].count),
                           BoolGetDatum(exact)};
        bool nulls[5] = {false, label == nullptr, false, !counts[i].has_count, !counts[i].has_count};
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    SPI_finish();
    if (skipped > 0)
        ereport(NOTICE, (errmsg("migrate_guard: %d table(s) skipped: you may not SELECT from them", skipped),
                         errdetail("Their row_count is NULL; migrate_guard.row_counts.note says why.")));
    return (Datum) 0;
}

MG_SQL_FUNCTION(mg_compare_row_counts)
{
    if (PG_ARGISNULL(0))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("migrate_guard: before must name a row-count snapshot (label or id)")));
    const char *before = text_to_cstring(PG_GETARG_TEXT_PP(0));
    const char *after = PG_ARGISNULL(1) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(1));
    require_extension_version("compare_row_counts()", "0.2.0"); /* row_counts.table_oid */
    mg_init_materialized_srf(fcinfo);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);

    spi_connect_or_fail();
    int64 before_id = resolve_snapshot(before, "before");
    int nb = 0, na = 0, skipped = 0;
    Count *b = load_snapshot(before_id, &nb);
    Count *a;
    if (after != nullptr) {
        a = load_snapshot(resolve_snapshot(after, "after"), &na);
    } else {
        /* live exact counts over the scope of the "before" snapshot */
        a = count_tables(snapshot_schemas(before_id), true, &na, &skipped);
        qsort(a, na, sizeof(Count), by_name);
    }

    /* merge join on the table name (both sides sorted byte-wise) */
    int i = 0, j = 0;
    while (i < nb || j < na) {
        CHECK_FOR_INTERRUPTS();
        int cmp = i >= nb ? 1 : j >= na ? -1 : strcmp(b[i].table_name, a[j].table_name);
        const Count *bc = cmp <= 0 ? &b[i] : nullptr;
        const Count *ac = cmp >= 0 ? &a[j] : nullptr;
        const char *status;
        if (bc == nullptr)
            status = "ADDED";
        else if (ac == nullptr)
            status = "REMOVED";
        else if (!bc->has_count || !ac->has_count)
            status = "SKIPPED";
        else
            status = bc->count == ac->count ? "SAME" : "CHANGED";
        bool has_before = bc != nullptr && bc->has_count;
        bool has_after = ac != nullptr && ac->has_count;
        /* a side where the table is absent counts as 0 rows; a side without a count is unknown */
        bool delta_known = (bc == nullptr || has_before) && (ac == nullptr || has_after);
        Datum values[5] = {CStringGetTextDatum(bc ? bc->table_name : ac->table_name),
                           Int64GetDatum(has_before ? bc->count : 0), Int64GetDatum(has_after ? ac->count : 0),
                           Int64GetDatum((has_after ? ac->count : 0) - (has_before ? bc->count : 0)),
                           CStringGetTextDatum(status)};
        bool nulls[5] = {false, !has_before, !has_after, !delta_known, false};
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
        if (cmp <= 0)
            i++;
        if (cmp >= 0)
            j++;
    }
    SPI_finish();
    if (skipped > 0)
        ereport(NOTICE, (errmsg("migrate_guard: %d table(s) skipped: you may not SELECT from them", skipped)));
    return (Datum) 0;
}

namespace mg {

const char *database_identity()
{
    return psprintf(UINT64_FORMAT "/%u", GetSystemIdentifier(), MyDatabaseId);
}

bool count_visible(Oid relid, const char *counted_in)
{
    Oid user = GetUserId();
    if (role_may_unlock(user))
        return true;
    /* a count taken elsewhere (a restored copy): its OID names nothing here */
    if (!OidIsValid(relid) || counted_in == nullptr || strcmp(counted_in, database_identity()) != 0)
        return false;
    /* looked up by hand: gone, or in a schema the role may not use, is "not visible", not an error */
    Oid nsp = get_rel_namespace(relid);
    if (!OidIsValid(nsp))
        return false; /* gone: nobody but the admins knew its count */
    if (mg_namespace_aclcheck(nsp, user, ACL_USAGE) != ACLCHECK_OK)
        return false;
    bool missing = false;
    if (pg_class_aclcheck_ext(relid, user, ACL_SELECT, &missing) != ACLCHECK_OK &&
        (missing || pg_attribute_aclcheck_all(relid, user, ACL_SELECT, ACLMASK_ANY) != ACLCHECK_OK))
        return false;
    if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
        return false; /* dropped while we looked */
    /* a role restricted by row-level security never counted every row */
    return check_enable_rls(relid, InvalidOid, true) != RLS_ENABLED;
}

} // namespace mg

/*
 * migrate_guard._count_visible(table_oid oid, database_identity text): the
 * row-level security policy of row_counts (not strict: admins see the counts
 * of snapshots taken before 0.2.0 recorded OIDs)
 */
MG_SQL_FUNCTION(mg_count_visible)
{
    Oid relid = PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0);
    const char *counted_in = PG_ARGISNULL(1) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(1));
    PG_RETURN_BOOL(count_visible(relid, counted_in));
}
