--
-- audit_function_writes: catalog changes a function makes outside any DDL
-- statement get their rows too: pg_import_system_collations() (one row per
-- collation it creates, in its transaction), at top level and inside a DO
-- block; CREATE COLLATION keeps its single row from the event trigger
--
\pset null '(null)'
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
CREATE SCHEMA imported;
SELECT pg_import_system_collations('imported') > 0 AS imported;
SELECT count(*) = (SELECT count(*) FROM pg_collation WHERE collnamespace = 'imported'::regnamespace)
         AS one_row_per_collation,
       count(*) = (SELECT count(*) FROM pg_collation c
                    WHERE (pg_identify_object('pg_collation'::regclass, c.oid, 0)).identity
                          = ANY (array_agg(l.object_identity))) AS identities_as_postgresql_names_them,
       min(command_tag) AS command_tag, min(event) AS event, min(statement) AS statement, min(detail) AS detail
  FROM migrate_guard.ddl_log l WHERE id > :mark AND object_type = 'collation';
SELECT object_identity FROM migrate_guard.ddl_log
 WHERE id > :mark AND object_type = 'collation' AND object_identity IN ('imported."C"', 'imported."POSIX"', 'imported.ucs_basic')
 ORDER BY 1;

-- inside a DO block: the row's statement is the DO block
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
CREATE SCHEMA imported_do;
DO $$ BEGIN PERFORM pg_import_system_collations('imported_do'); END $$;
SELECT count(*) = (SELECT count(*) FROM pg_collation WHERE collnamespace = 'imported_do'::regnamespace)
         AS one_row_per_collation, min(left(statement, 12)) AS statement
  FROM migrate_guard.ddl_log WHERE id > :mark AND object_type = 'collation';

-- rolled back: no collation, no row
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
CREATE SCHEMA imported_rb;
BEGIN;
SELECT pg_import_system_collations('imported_rb') > 0 AS imported;
ROLLBACK;
SELECT count(*) AS rows FROM migrate_guard.ddl_log WHERE id > :mark AND object_type = 'collation';

-- CREATE COLLATION: one row, from the event trigger
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
CREATE COLLATION imported.mine FROM "C";
DO $$ BEGIN CREATE COLLATION imported.mine_in_do FROM "C"; END $$;
SELECT command_tag, object_type, object_identity, event FROM migrate_guard.ddl_log WHERE id > :mark ORDER BY id;
