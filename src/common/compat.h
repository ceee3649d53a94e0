/*
 * compat.h — every PG_VERSION_NUM difference the extension cares about, in
 * one place.  Supported: PostgreSQL 14 to 17 (15 is what CI builds).
 */
#pragma once

#if PG_VERSION_NUM < 140000 || PG_VERSION_NUM >= 180000
#error "migrate_guard supports PostgreSQL 14 to 17"
#endif

/* The major version (15, 16, ...), as exports record it. */
#define MG_PG_MAJOR (PG_VERSION_NUM / 10000)

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

/* 15 added GRANT/REVOKE ON PARAMETER and ALTER DATABASE ... REFRESH COLLATION VERSION. */
#if PG_VERSION_NUM >= 150000
#define MG_HAVE_PARAMETER_ACL 1
#define MG_HAVE_DB_REFRESH_COLLATION 1
#else
#define MG_HAVE_PARAMETER_ACL 0
#define MG_HAVE_DB_REFRESH_COLLATION 0
#endif

/* 15 added heap_fetch()'s keep_buf argument. */
#if PG_VERSION_NUM >= 150000
#define mg_heap_fetch(rel, snap, tuple, buf) heap_fetch((rel), (snap), (tuple), (buf), false)
#else
#define mg_heap_fetch(rel, snap, tuple, buf) heap_fetch((rel), (snap), (tuple), (buf))
#endif

/* 16: simple_heap_update() reports whether the new version needs index entries. */
#if PG_VERSION_NUM >= 160000
#define MG_HEAP_UPDATE_REPORTS_INDEXES 1
#else
#define MG_HEAP_UPDATE_REPORTS_INDEXES 0
#endif

/* 16 replaced pg_namespace_aclcheck() by object_aclcheck(). */
#if PG_VERSION_NUM >= 160000
#define mg_namespace_aclcheck(nsp, role, mode) object_aclcheck(NamespaceRelationId, (nsp), (role), (mode))
#else
#define mg_namespace_aclcheck(nsp, role, mode) pg_namespace_aclcheck((nsp), (role), (mode))
#endif

/* 15 added the Boolean node (a raw `true`/`false` is an A_Const holding one). */
#if PG_VERSION_NUM >= 150000
#define MG_HAVE_BOOLEAN_NODE 1
#else
#define MG_HAVE_BOOLEAN_NODE 0
#endif

/* 15 renamed parse_variable_parameters. */
#if PG_VERSION_NUM >= 150000
#define mg_setup_variable_params(pstate, types, n) setup_parse_variable_parameters((pstate), (types), (n))
#else
#define mg_setup_variable_params(pstate, types, n) parse_variable_parameters((pstate), (types), (n))
#endif

/* ALTER TABLE ... SET ACCESS METHOD exists from 15 on, ... SET EXPRESSION from 17 on. */
#define MG_HAVE_SET_ACCESS_METHOD (PG_VERSION_NUM >= 150000)
#define MG_HAVE_SET_EXPRESSION (PG_VERSION_NUM >= 170000)

/* Tree walkers and mutators: 16 gave the callback a prototype (C++ needs the cast before). */
#if PG_VERSION_NUM >= 160000
#define MG_WALKER(fn) (fn)
#else
#define MG_WALKER(fn) reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(fn))
#endif
#if PG_VERSION_NUM >= 160000
#define MG_MUTATOR(fn) (fn)
#else
#define MG_MUTATOR(fn) reinterpret_cast<Node *(*)()>(reinterpret_cast<void (*)()>(fn))
#endif

/* The GUC table: 16 made get_guc_variables() return its length. */
#if PG_VERSION_NUM >= 160000
#define mg_guc_variables(n) get_guc_variables(n)
#else
#define mg_guc_variables(n) (*(n) = GetNumConfigOptions(), get_guc_variables())
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

/*
 * Up to 14, an UPDATE that moves a row to another partition deletes it from
 * the old one firing that partition's ON DELETE foreign-key actions (15 fires
 * the root's ON UPDATE actions instead).
 */
#if PG_VERSION_NUM < 150000
#define MG_PARTITION_MOVE_FIRES_DELETE_ACTIONS 1
#else
#define MG_PARTITION_MOVE_FIRES_DELETE_ACTIONS 0
#endif

/* The shared-library suffix PostgreSQL appends when it looks a library up. */
#ifndef DLSUFFIX
#define DLSUFFIX ".so"
#endif

/* A raw NULL literal: 15 gave A_Const an isnull flag (before, a Value of type T_Null). */
#if PG_VERSION_NUM >= 150000
#define mg_set_aconst_null(c) ((c)->isnull = true)
#else
#define mg_set_aconst_null(c) ((c)->val.type = T_Null)
#endif

/* 16 replaced pg_class_ownercheck() by object_ownercheck(). */
#if PG_VERSION_NUM >= 160000
#define mg_relation_ownercheck(relid, role) object_ownercheck(RelationRelationId, (relid), (role))
#else
#define mg_relation_ownercheck(relid, role) pg_class_ownercheck((relid), (role))
#endif

/* 16 replaced pg_tablespace_aclcheck() by object_aclcheck(). */
#if PG_VERSION_NUM >= 160000
#define mg_tablespace_aclcheck(ts, role, mode) object_aclcheck(TableSpaceRelationId, (ts), (role), (mode))
#else
#define mg_tablespace_aclcheck(ts, role, mode) pg_tablespace_aclcheck((ts), (role), (mode))
#endif
