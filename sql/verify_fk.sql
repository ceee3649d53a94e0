--
-- verify_fk_rules: every status word and every error path
--
\pset null '(null)'
CREATE SCHEMA fk;
SET search_path = fk, public;
CREATE TABLE trackpay_users(id int PRIMARY KEY);
CREATE TABLE trackpay_sessions(id int PRIMARY KEY,
  client_id int REFERENCES trackpay_users ON DELETE RESTRICT,
  provider_id int REFERENCES trackpay_users ON DELETE CASCADE);
CREATE INDEX ON trackpay_sessions(client_id);
CREATE INDEX ON trackpay_sessions(provider_id, id);
CREATE TABLE trackpay_payments(id int PRIMARY KEY, session_id int);
ALTER TABLE trackpay_payments ADD CONSTRAINT payments_session FOREIGN KEY (session_id)
  REFERENCES trackpay_sessions ON DELETE RESTRICT NOT VALID;
-- composite key, quoted identifiers
CREATE TABLE "Ledger Keys"(a int, "B" int, PRIMARY KEY (a, "B"));
CREATE TABLE "entries"("x y" int, "B" int,
  FOREIGN KEY ("x y", "B") REFERENCES "Ledger Keys" ON DELETE SET NULL ON UPDATE CASCADE);
CREATE INDEX ON "entries"("B", "x y");
-- self reference
CREATE TABLE nodes(id int PRIMARY KEY, parent int REFERENCES nodes ON DELETE SET DEFAULT);
-- partitioned table: its key is reported once, on the parent
CREATE TABLE events(id int, user_id int REFERENCES trackpay_users ON DELETE NO ACTION) PARTITION BY RANGE (id);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (10);
CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (10) TO (20);
CREATE INDEX ON events(user_id);

-- no expectations: PASS, or WARN for CASCADE / NOT VALID / no index
SELECT table_name, constraint_name, columns, referenced_table, referenced_columns, on_delete, on_update,
       expected_on_delete, status, detail
  FROM migrate_guard.verify_fk_rules() WHERE table_name LIKE 'fk.%';

-- expectations as JSON: PASS, FAIL, MISSING; columns optional; names qualified or not;
-- the expectation naming the columns wins over the one without
SELECT table_name, constraint_name, columns, on_delete, expected_on_delete, status, detail
  FROM migrate_guard.verify_fk_rules('[
    {"table": "trackpay_sessions", "columns": ["client_id"], "references": "trackpay_users", "on_delete": "RESTRICT"},
    {"table": "fk.trackpay_sessions", "references": "fk.trackpay_users", "on_delete": "restrict"},
    {"table": "trackpay_payments", "references": "trackpay_sessions", "on_delete": "RESTRICT"},
    {"table": "trackpay_payments", "references": "trackpay_users", "on_delete": "SET NULL"},
    {"table": "\"entries\"", "columns": ["x y", "B"], "references": "\"Ledger Keys\"", "on_delete": "set  null"},
    {"table": "nodes", "columns": ["parent"], "references": "nodes", "on_delete": "CASCADE"}
  ]') WHERE table_name LIKE 'fk.%';

-- expectations from migrate_guard.fk_expectations when the argument is NULL
INSERT INTO migrate_guard.fk_expectations("table", columns, "references", on_delete) VALUES
  ('fk.trackpay_sessions', '{provider_id}', 'fk.trackpay_users', 'CASCADE'),
  ('fk.events', NULL, 'fk.trackpay_users', 'RESTRICT'),
  ('fk.nodes', '{id}', 'fk.nodes', 'RESTRICT');
SELECT table_name, constraint_name, expected_on_delete, status, detail
  FROM migrate_guard.verify_fk_rules() WHERE expected_on_delete IS NOT NULL;
-- a bad row in the table is an error that names it
INSERT INTO migrate_guard.fk_expectations("table", "references", on_delete) VALUES ('fk.nodes', 'fk.nodes', 'ERASE');
SELECT count(*) FROM migrate_guard.verify_fk_rules();
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
DELETE FROM migrate_guard.fk_expectations;
COMMIT;

-- malformed input: an ERROR naming the element, never a crash or a silent skip
SELECT * FROM migrate_guard.verify_fk_rules('{"table": "nodes"}');
SELECT * FROM migrate_guard.verify_fk_rules('"nodes"');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "nodes", "references": "nodes", "on_delete": "CASCADE"}, 42]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"references": "nodes", "on_delete": "CASCADE"}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "nodes", "on_delete": "CASCADE"}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "nodes", "references": "nodes"}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "nodes", "references": "nodes", "on_delete": null}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": 7, "references": "nodes", "on_delete": "CASCADE"}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "no_such_table", "references": "nodes", "on_delete": "CASCADE"}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "nodes", "references": "other.nodes", "on_delete": "CASCADE"}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "nodes", "references": "nodes", "on_delete": "DELETE"}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "nodes", "references": "nodes", "on_delete": "CASCADE", "column": ["id"]}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "nodes", "references": "nodes", "on_delete": "CASCADE", "columns": "parent"}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "nodes", "references": "nodes", "on_delete": "CASCADE", "columns": [1]}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "nodes", "references": "nodes", "on_delete": "CASCADE", "columns": []}]');
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "nodes", "references": "nodes", "on_delete": "CASCADE", "columns": ["nope"]}]');
CREATE VIEW node_view AS SELECT * FROM nodes;
SELECT * FROM migrate_guard.verify_fk_rules('[{"table": "node_view", "references": "nodes", "on_delete": "CASCADE"}]');
-- an empty array is fine: no expectations
SELECT count(*) AS keys FROM migrate_guard.verify_fk_rules('[]') WHERE table_name LIKE 'fk.%';
RESET search_path;
