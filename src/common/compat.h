/*
 * compat.h — every PG_VERSION_NUM difference the extension cares about, in
 * one place.  Supported: PostgreSQL 14 to 17 (15 is what CI builds).
 */
#pragma once

#if PG_VERSION_NUM < 140000 || PG_VERSION_NUM >= 180000
#error "migrate_guard supports PostgreSQL 14 to 17"
#endif

/* MERGE exists from 15 on. */
#if PG_VERSION_NUM >= 150000
#define MG_HAVE_MERGE 1
#else
#define MG_HAVE_MERGE 0
#endif

/* 17 moved MERGE's ON condition out of jointree->quals. */
#if PG_VERSION_NUM >= 170000
#define MG_MERGE_ON_QUALS(q) ((Node *) (q)->mergeJoinCondition)
#else
#define MG_MERGE_ON_QUALS(q) ((q)->jointree ? (q)->jointree->quals : NULL)
#endif

/* Shared memory must be requested from shmem_request_hook from 15 on. */
#if PG_VERSION_NUM >= 150000
#define MG_HAVE_SHMEM_REQUEST_HOOK 1
#else
#define MG_HAVE_SHMEM_REQUEST_HOOK 0
#endif

/* 15 renamed EmitWarningsOnPlaceholders. */
#if PG_VERSION_NUM < 150000
#define MarkGUCPrefixReserved(prefix) EmitWarningsOnPlaceholders(prefix)
#endif

/* 17 added the "or stronger" argument. */
#if PG_VERSION_NUM >= 170000
#define mg_lock_held_by_me(tag, mode) LockHeldByMe((tag), (mode), false)
#else
#define mg_lock_held_by_me(tag, mode) LockHeldByMe((tag), (mode))
#endif

/* Materialized set-returning functions: InitMaterializedSRF from 15 on. */
#if PG_VERSION_NUM >= 150000
#define mg_init_materialized_srf(fcinfo) InitMaterializedSRF((fcinfo), 0)
#else
void mg_init_materialized_srf(FunctionCallInfo fcinfo);
#define MG_NEED_SRF_SHIM 1
#endif

/* 16 added a soft-error context argument. */
#if PG_VERSION_NUM >= 160000
#define mg_qualified_name_list(s) stringToQualifiedNameList((s), NULL)
#else
#define mg_qualified_name_list(s) stringToQualifiedNameList(s)
#endif

/* pg_collation: where the locale of a collation lives (15 added colliculocale, 17 renamed it). */
#if PG_VERSION_NUM >= 170000
#define MG_SQL_COLLATION_LOCALE "coalesce(co.colllocale, co.collcollate::text)"
#elif PG_VERSION_NUM >= 150000
#define MG_SQL_COLLATION_LOCALE "coalesce(co.colliculocale, co.collcollate::text)"
#else
#define MG_SQL_COLLATION_LOCALE "co.collcollate::text"
#endif

/* Publications: row filters, column lists and schemas (FOR TABLES IN SCHEMA) from 15 on. */
#if PG_VERSION_NUM >= 150000
#define MG_HAVE_PUBLICATION_SCHEMAS 1
#define MG_SQL_PUBLICATION_ROW_FILTER "pg_catalog.pg_get_expr(pr.prqual, pr.prrelid)"
#define MG_SQL_PUBLICATION_COLUMNS                                                                 \
    "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) "     \
    "FROM pg_catalog.pg_attribute a WHERE a.attrelid = pr.prrelid AND a.attnum = ANY (pr.prattrs))"
#else
#define MG_HAVE_PUBLICATION_SCHEMAS 0
#define MG_SQL_PUBLICATION_ROW_FILTER "NULL::text"
#define MG_SQL_PUBLICATION_COLUMNS "NULL::text"
#endif
