--
-- install_schema_adoption: CREATE EXTENSION refuses to adopt a schema
-- migrate_guard created earlier by a role that is neither a superuser nor the
-- installing role (its owner could drop or replace the extension's objects)
--
SELECT current_database() AS suite_db \gset
CREATE DATABASE adoption_a;
GRANT CREATE ON DATABASE adoption_a TO mg_app;
\c adoption_a mg_app
CREATE SCHEMA migrate_guard;
CREATE FUNCTION migrate_guard.planted() RETURNS int LANGUAGE sql AS 'SELECT 1';
\c adoption_a postgres
CREATE EXTENSION migrate_guard;
SELECT count(*) AS extension_installed FROM pg_extension WHERE extname = 'migrate_guard';
SELECT nspowner::regrole AS still_owned_by FROM pg_namespace WHERE nspname = 'migrate_guard';
-- a schema a superuser created is adopted
DROP SCHEMA migrate_guard CASCADE;
CREATE SCHEMA migrate_guard;
CREATE EXTENSION migrate_guard;
SELECT extname, extnamespace::regnamespace FROM pg_extension WHERE extname = 'migrate_guard';
\c :suite_db
SET migrate_guard.allow_destructive = on;
DROP DATABASE adoption_a;
