--
-- verify_robustness: expectations given twice, or general beside specific,
-- are not reported MISSING; contradicting ones and malformed names are
-- errors naming the element; snapshot labels have a stated limit
--
\pset null '(null)'
\set VERBOSITY default
CREATE SCHEMA vr;
SET search_path = vr, public;
CREATE TABLE users(id int PRIMARY KEY);
CREATE TABLE sessions(id int PRIMARY KEY, user_id int REFERENCES users ON DELETE RESTRICT);
CREATE INDEX ON sessions(user_id);

-- the same expectation twice, and a general one beside a column-specific one
-- for the same pair: the one key matches all of them, nothing is MISSING
SELECT table_name, columns, expected_on_delete, status, detail
  FROM migrate_guard.verify_fk_rules('[
    {"table": "sessions", "references": "users", "on_delete": "RESTRICT"},
    {"table": "sessions", "references": "users", "on_delete": "restrict"},
    {"table": "vr.sessions", "columns": ["user_id"], "references": "vr.users", "on_delete": "RESTRICT"},
    {"table": "sessions", "columns": ["user_id"], "references": "users", "on_delete": "RESTRICT"}
  ]') WHERE table_name LIKE 'vr.%';
-- the same from migrate_guard.fk_expectations
INSERT INTO migrate_guard.fk_expectations("table", columns, "references", on_delete) VALUES
  ('vr.sessions', NULL, 'vr.users', 'RESTRICT'),
  ('vr.sessions', '{user_id}', 'vr.users', 'RESTRICT'),
  ('vr.sessions', '{user_id}', 'vr.users', 'RESTRICT');
SELECT table_name, columns, expected_on_delete, status FROM migrate_guard.verify_fk_rules() WHERE table_name LIKE 'vr.%';
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
DELETE FROM migrate_guard.fk_expectations;
COMMIT;
-- a column-specific expectation for other columns is still MISSING
SELECT table_name, columns, status, detail
  FROM migrate_guard.verify_fk_rules('[
    {"table": "sessions", "references": "users", "on_delete": "RESTRICT"},
    {"table": "sessions", "columns": ["id"], "references": "users", "on_delete": "RESTRICT"}
  ]') WHERE table_name LIKE 'vr.%';
-- two expectations for the same keys that disagree: an error naming both
SELECT * FROM migrate_guard.verify_fk_rules('[
    {"table": "sessions", "references": "users", "on_delete": "RESTRICT"},
    {"table": "vr.sessions", "references": "users", "on_delete": "CASCADE"}
  ]');

-- malformed names: an error naming the element and the key
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "a.b.c.d", "references": "users", "on_delete": "CASCADE"}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "sessions", "references": "\"users", "on_delete": "CASCADE"}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "other_db.vr.sessions", "references": "users", "on_delete": "CASCADE"}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "", "references": "users", "on_delete": "CASCADE"}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "sessions", "references": "vr..users", "on_delete": "CASCADE"}]');
-- a schema the caller may not use is an error naming the element too
REVOKE ALL ON SCHEMA vr FROM PUBLIC;
SET ROLE mg_app;
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "vr.sessions", "references": "vr.users", "on_delete": "CASCADE"}]');
RESET ROLE;
-- this database's name is accepted as the first of three parts
SELECT count(*) AS keys FROM migrate_guard.verify_fk_rules(
  format('[{"table": "%s.vr.sessions", "references": "users", "on_delete": "RESTRICT"}]', current_database())::jsonb)
 WHERE status = 'PASS' AND table_name = 'vr.sessions';

-- snapshot labels: at most 256 characters, a clear error beyond
SELECT count(*) AS tables FROM migrate_guard.snapshot_row_counts(repeat('é', 256), ARRAY['vr']);
SELECT * FROM migrate_guard.snapshot_row_counts(repeat('x', 257), ARRAY['vr']);
SELECT * FROM migrate_guard.snapshot_row_counts(
  (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 200) g), ARRAY['vr']);
RESET search_path;
