/*
 * verify_common.h — what the verification functions share: the default scope
 * (user tables outside system schemas, temporary schemas and migrate_guard),
 * the schemas[] argument, SPI plumbing and result rows.
 */
#pragma once

#include "common/pg.h"

namespace mg {

/*
 * SQL predicate on a pg_namespace alias `n`: user schemas, limited to the
 * text[] parameter $1 when it is not NULL.
 */
#define MG_SCOPE_SQL                                                                   \
    "n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'migrate_guard') " \
    "AND ($1::text[] IS NULL OR n.nspname = ANY ($1::text[]))"

/* ERROR naming the first schema of `schemas` that does not exist (NULL: all). */
void check_schemas_exist(ArrayType *schemas);

/* SPI_connect() or ERROR. */
void spi_connect_or_fail();

/* Value of column `col` (1-based) of SPI row `row`, or nullptr for NULL. */
char *spi_text(int row, int col);
Datum spi_datum(int row, int col, bool *isnull);

/* Run a read-only query with $1 = schemas (may be NULL); ERROR on failure. */
void spi_query_with_schemas(const char *sql, ArrayType *schemas);

/* A text[] Datum from C strings (entries may be nullptr). */
Datum text_array(const char *const *items, int count);

} // namespace mg
