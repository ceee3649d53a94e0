-- prelude of the pg_regress suites (scripts/run_tests.sh runs it once per
-- test cluster): the roles every suite may use, and mg_template, the database
-- each suite's own database is copied from (the extension installed).
--
-- the admin role exists before the extension: CREATE EXTENSION grants it
-- read access to the audit log
CREATE ROLE migrate_guard_admin NOLOGIN;
CREATE ROLE mg_admin LOGIN;
GRANT migrate_guard_admin TO mg_admin;
CREATE ROLE mg_app LOGIN;
CREATE DATABASE mg_template;
\c mg_template
GRANT CREATE ON SCHEMA public TO mg_app;
CREATE EXTENSION migrate_guard;
