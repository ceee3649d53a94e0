/* verify_common.cpp — see verify_common.h. */
#include "common/bridge.h"
#include "verify/verify_common.h"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "utils/array.h"
}

namespace mg {

void check_schemas_exist(ArrayType *schemas)
{
    if (schemas == nullptr)
        return;
    Datum *items;
    bool *nulls;
    int count;
    deconstruct_array(schemas, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &count);
    for (int i = 0; i < count; i++) {
        if (nulls[i])
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                            errmsg("migrate_guard: schemas must not contain NULL")));
        char *name = TextDatumGetCString(items[i]);
        if (!OidIsValid(get_namespace_oid(name, true)))
            ereport(ERROR, (errcode(ERRCODE_UNDEFINED_SCHEMA),
                            errmsg("migrate_guard: schema \"%s\" does not exist", name),
                            errhint("schemas lists schema names, e.g. ARRAY['public']; NULL means every user schema.")));
    }
}

void spi_connect_or_fail()
{
    if (SPI_connect() != SPI_OK_CONNECT)
        elog(ERROR, "migrate_guard: SPI_connect failed");
}

char *spi_text(int row, int col)
{
    return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

Datum spi_datum(int row, int col, bool *isnull)
{
    return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

RangeVar *relation_name(const char *text, const char **problem)
{
    List *names = NIL;
    if (!SplitIdentifierString(pstrdup(text), '.', &names) || names == NIL) {
        *problem = "is not a valid name (quote names with double quotes, e.g. \"Order Items\")";
        return nullptr;
    }
    int n = list_length(names);
    if (n > 3) {
        *problem = "has too many dotted parts (at most database.schema.table)";
        return nullptr;
    }
    if (n == 3 && strcmp(static_cast<char *>(linitial(names)), get_database_name(MyDatabaseId)) != 0) {
        *problem = "names another database";
        return nullptr;
    }
    const char *rel = static_cast<char *>(llast(names));
    const char *schema = n >= 2 ? static_cast<char *>(list_nth(names, n - 2)) : nullptr;
    return makeRangeVar(schema ? pstrdup(schema) : nullptr, pstrdup(rel), -1);
}

void spi_query_with_schemas(const char *sql, ArrayType *schemas)
{
    Oid types[1] = {TEXTARRAYOID};
    Datum values[1] = {PointerGetDatum(schemas)};
    char nulls[2] = {schemas ? ' ' : 'n', '\0'};
    int rc = spi_exec(sql, 1, types, values, nulls, true);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "migrate_guard: catalog query failed: %s", SPI_result_code_string(rc));
}

Datum text_array(const char *const *items, int count)
{
    Datum *datums = static_cast<Datum *>(palloc(sizeof(Datum) * (count > 0 ? count : 1)));
    bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * (count > 0 ? count : 1)));
    for (int i = 0; i < count; i++) {
        nulls[i] = items[i] == nullptr;
        datums[i] = nulls[i] ? (Datum) 0 : CStringGetTextDatum(items[i]);
    }
    int dims[1] = {count};
    int lbs[1] = {1};
    return PointerGetDatum(construct_md_array(datums, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
}

} // namespace mg
