--
-- install_default_privileges: default privileges of the installing role that
-- name no schema do not open the audit log, stored exports, the extension's
-- sequences or its schema to anyone (CREATE EXTENSION and ALTER EXTENSION
-- UPDATE take back what they granted; the script's own grants stay)
--
SELECT current_database() AS suite_db \gset
CREATE DATABASE defacl_fresh;
CREATE DATABASE defacl_upgraded;
\c defacl_fresh
ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT ALL ON TABLES TO mg_app, PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT SELECT ON TABLES TO migrate_guard_admin WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT ALL ON SEQUENCES TO mg_app;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT CREATE ON SCHEMAS TO mg_app;
SET client_min_messages = warning;
CREATE EXTENSION migrate_guard;
RESET client_min_messages;
SELECT c.relname, c.relkind, c.relacl FROM pg_class c
 WHERE c.relnamespace = 'migrate_guard'::regnamespace AND c.relkind IN ('r', 'v', 'S') ORDER BY 1;
SELECT nspacl FROM pg_namespace WHERE nspname = 'migrate_guard';
-- a table created later by the same role still gets the default privileges
CREATE TABLE public.later(id int);
SELECT relacl FROM pg_class WHERE oid = 'public.later'::regclass;
SET ROLE mg_app;
SELECT count(*) FROM migrate_guard.ddl_log;
SELECT export FROM migrate_guard.schema_snapshots;
SELECT has_sequence_privilege('migrate_guard.ddl_log_id_seq', 'USAGE, SELECT, UPDATE') AS uses_the_log_sequence,
       has_schema_privilege('migrate_guard', 'CREATE') AS creates_in_the_schema;
SELECT count(*) >= 0 AS reads_fk_expectations FROM migrate_guard.fk_expectations;
RESET ROLE;

-- the same after 0.1.0 (which took nothing back) and ALTER EXTENSION UPDATE
\c defacl_upgraded
ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT ALL ON TABLES TO mg_app, PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT ALL ON SEQUENCES TO mg_app;
SET client_min_messages = warning;
CREATE EXTENSION migrate_guard VERSION '0.1.0';
RESET client_min_messages;
SELECT relacl FROM pg_class WHERE oid = 'migrate_guard.ddl_log'::regclass;
ALTER EXTENSION migrate_guard UPDATE;
SELECT c.relname, c.relkind, c.relacl FROM pg_class c
 WHERE c.relnamespace = 'migrate_guard'::regnamespace AND c.relkind IN ('r', 'v', 'S') ORDER BY 1;

\c :suite_db
SET migrate_guard.allow_destructive = on;
DROP DATABASE defacl_fresh;
DROP DATABASE defacl_upgraded;
