/*
 * verify_common.h — what the verification functions share: the default scope
 * (user tables outside system schemas, temporary schemas and migrate_guard),
 * the schemas[] argument, SPI plumbing and result rows.
 *
 * Every SQL text the verification functions run goes through spi_exec()
 * (common/pinned_sql.h: search_path pinned to pg_catalog, pg_temp) and is
 * written schema-qualified besides.
 */
#pragma once

#include "common/pg.h"
#include "common/pinned_sql.h"

namespace mg {

/*
 * SQL predicate on a pg_namespace alias `n`: user schemas, limited to the
 * text[] parameter $1 when it is not NULL.
 */
#define MG_SCOPE_SQL                                                                                    \
    "n.nspname OPERATOR(pg_catalog.!~~) 'pg\\_%' "                                                       \
    "AND n.nspname OPERATOR(pg_catalog.<>) ALL (ARRAY['information_schema', 'migrate_guard']::pg_catalog.name[]) " \
    "AND ($1::pg_catalog.text[] IS NULL "                                                                 \
    "     OR n.nspname::pg_catalog.text OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.text[]))"

/* ERROR naming the first schema of `schemas` that does not exist (NULL: all). */
void check_schemas_exist(ArrayType *schemas);

/* SPI_connect() or ERROR. */
void spi_connect_or_fail();

/*
 * A relation name as written by a user ("orders", "shop.orders",
 * "\"Order Items\""), split the way PostgreSQL splits it; nullptr with
 * *problem set when it is malformed (bad quoting, more than
 * database.schema.table, another database).
 */
RangeVar *relation_name(const char *text, const char **problem);

/*
 * This database, as row-count snapshots record where they were taken: the
 * cluster's system identifier and the database's OID ("<sysid>/<oid>").
 */
const char *database_identity();

/*
 * May the current role see a stored row count of the relation `relid`,
 * counted in the database `counted_in` (database_identity() then)?
 * Superusers and members of the admin role may; other roles only when the
 * count was taken in this database and that very relation still exists, in a
 * schema they may use, they may SELECT from it (the table or a column), and
 * row-level security does not restrict it for them.  The name is not looked
 * at: a table created under the name of a counted one is another table.
 */
bool count_visible(Oid relid, const char *counted_in);

/* Value of column `col` (1-based) of SPI row `row`, or nullptr for NULL. */
char *spi_text(int row, int col);
Datum spi_datum(int row, int col, bool *isnull);

/* Run a read-only query with $1 = schemas (may be NULL); ERROR on failure. */
void spi_query_with_schemas(const char *sql, ArrayType *schemas);

/* A text[] Datum from C strings (entries may be nullptr). */
Datum text_array(const char *const *items, int count);

} // namespace mg
