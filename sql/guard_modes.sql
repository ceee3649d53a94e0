--
-- guard_modes: migrate_guard.mode, blocked_rules and require_reason
--
\set VERBOSITY default
CREATE TABLE m(id int, v text);
INSERT INTO m VALUES (1, 'a'), (2, 'b');

-- only a superuser may change them
SET ROLE mg_app;
SET migrate_guard.mode = off;
SET migrate_guard.blocked_rules = '';
SET migrate_guard.require_reason = off;
SET migrate_guard.admin_role = 'mg_app';
RESET ROLE;

-- warn: the statement runs, with a WARNING
SET migrate_guard.mode = warn;
BEGIN;
DELETE FROM m;
ALTER TABLE m DROP COLUMN v;
TRUNCATE m;
DROP TABLE m;
ROLLBACK;
-- ... but tampering with the guard is still refused
DELETE FROM migrate_guard.ddl_log;

-- off: no checks at all, except that tampering with the guard is still refused
SET migrate_guard.mode = off;
BEGIN;
TRUNCATE m;
DROP TABLE m;
ROLLBACK;
TRUNCATE migrate_guard.ddl_log;
DROP EXTENSION migrate_guard;
RESET migrate_guard.mode;
SHOW migrate_guard.mode;
TRUNCATE m;

-- the per-database default (ALTER DATABASE ... SET) is accepted
SELECT current_database() AS this_db \gset
ALTER DATABASE :"this_db" SET migrate_guard.mode = warn;
ALTER DATABASE :"this_db" RESET migrate_guard.mode;

-- blocked_rules: block classified rules, unblock default ones
SET migrate_guard.blocked_rules = 'drop_view, drop_index,drop_function , drop_trigger,rename';
SELECT value FROM migrate_guard.status() WHERE setting = 'blocked_rules';
CREATE VIEW mv AS SELECT 1 AS one;
CREATE INDEX m_id ON m(id);
CREATE FUNCTION m_fn() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION m_trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER m_trg BEFORE INSERT ON m FOR EACH ROW EXECUTE FUNCTION m_trg();
DROP VIEW mv;
DROP INDEX m_id;
DROP FUNCTION m_fn();
DROP TRIGGER m_trg ON m;
ALTER TABLE m RENAME TO m2;
ALTER TABLE m RENAME COLUMN v TO w;
ALTER VIEW mv RENAME TO mv2;
-- truncate is not in the list now
BEGIN;
TRUNCATE m;
ROLLBACK;
-- an unknown rule name is an error that lists the valid names
SET migrate_guard.blocked_rules = 'drop_table, drop_tables';
-- an empty list blocks nothing but guard_tamper
SET migrate_guard.blocked_rules = '';
SELECT value FROM migrate_guard.status() WHERE setting = 'blocked_rules';
BEGIN;
DROP TABLE m;
ROLLBACK;
DELETE FROM migrate_guard.ddl_log;
RESET migrate_guard.blocked_rules;
SELECT value = 'drop_table,drop_schema,drop_database,drop_owned,drop_sequence,drop_extension,drop_cascade,drop_column,alter_column_type,truncate,delete_without_where,update_without_where,disable_rls,drop_policy,set_unlogged,guard_tamper,mass_delete,mass_update' AS default_rules
  FROM migrate_guard.status() WHERE setting = 'blocked_rules';

-- require_reason: under the flag, an empty reason is refused
SET migrate_guard.require_reason = on;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
TRUNCATE m;
ROLLBACK;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SET LOCAL migrate_guard.reason = 'TICKET-42: clear the import table';
TRUNCATE m;
ROLLBACK;
RESET migrate_guard.require_reason;
SELECT count(*) AS rows_left FROM m;
