--
-- volume_routes: rows are counted wherever a statement runs -- functions,
-- triggers, foreign-key actions, writable CTEs, rules, views, prepared
-- statements, partitions -- and nothing changes when one is refused
--
\set VERBOSITY terse
CREATE TABLE r(id int PRIMARY KEY, v int NOT NULL DEFAULT 0);
INSERT INTO r SELECT g, 0 FROM generate_series(1, 20) g;
GRANT ALL ON r TO mg_app;
CREATE FUNCTION r_state(OUT n bigint, OUT total bigint) LANGUAGE sql
  AS 'SELECT count(*), sum(v) FROM r';
SET migrate_guard.max_rows_changed = 10;

-- DO blocks (static and dynamic SQL), PL/pgSQL and SQL functions, procedures
DO $$ BEGIN DELETE FROM r WHERE id > 0; END $$;
DO $$ BEGIN EXECUTE 'UPDATE r SET v = 1 WHERE id > $1' USING 0; END $$;
CREATE FUNCTION del_plpgsql(lim int) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  DELETE FROM r WHERE id <= lim;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
BEGIN;
SELECT del_plpgsql(10);
ROLLBACK;
SELECT del_plpgsql(11);
CREATE FUNCTION upd_sql(lim int) RETURNS void LANGUAGE sql AS 'UPDATE r SET v = 2 WHERE id <= lim';
SELECT upd_sql(11);
CREATE FUNCTION del_atomic() RETURNS void LANGUAGE sql BEGIN ATOMIC DELETE FROM r WHERE id > 5; END;
SELECT del_atomic();
CREATE PROCEDURE del_proc() LANGUAGE plpgsql AS $$ BEGIN DELETE FROM r WHERE v = 0; END $$;
CALL del_proc();
-- SECURITY DEFINER owned by a superuser, called by a plain role
CREATE FUNCTION definer_wipe() RETURNS void LANGUAGE plpgsql SECURITY DEFINER
  AS $$ BEGIN DELETE FROM r WHERE id > 0; END $$;
GRANT EXECUTE ON FUNCTION definer_wipe() TO mg_app;
SET ROLE mg_app;
SELECT definer_wipe();
RESET ROLE;
-- a loop of small statements is not one big statement
DO $$ BEGIN FOR i IN 1..20 LOOP UPDATE r SET v = v + 1 WHERE id = i; END LOOP; END $$;
SELECT * FROM r_state();
-- a function called once per row: each call's statement counts on its own
CREATE FUNCTION bump(i int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN UPDATE r SET v = v + 1 WHERE id = i; RETURN i; END $$;
SELECT count(bump(id)) FROM r;
SELECT * FROM r_state();
-- a PL/pgSQL loop over DELETE ... RETURNING
DO $$ DECLARE x record; BEGIN FOR x IN DELETE FROM r WHERE id > 0 RETURNING id LOOP END LOOP; END $$;

-- PREPARE / EXECUTE, custom and generic plans
PREPARE del_above(int) AS DELETE FROM r WHERE id > $1;
BEGIN;
EXECUTE del_above(10);
ROLLBACK;
EXECUTE del_above(9);
SET plan_cache_mode = force_generic_plan;
PREPARE upd_above(int) AS UPDATE r SET v = 5 WHERE id > $1;
BEGIN;
EXECUTE upd_above(10);
ROLLBACK;
EXECUTE upd_above(9);
RESET plan_cache_mode;
-- a multi-statement string: nothing of it stays
INSERT INTO r VALUES (21, 0) \; DELETE FROM r WHERE id > 1 \; INSERT INTO r VALUES (22, 0);
SELECT * FROM r_state();

-- triggers: a trigger's own statement is a statement
CREATE TABLE ev(id int);
INSERT INTO ev VALUES (1);
CREATE FUNCTION ev_wipe() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN DELETE FROM r WHERE id > 0; RETURN NEW; END $$;
CREATE TRIGGER ev_wipe AFTER UPDATE ON ev FOR EACH ROW EXECUTE FUNCTION ev_wipe();
UPDATE ev SET id = 2 WHERE id = 1;
DROP TRIGGER ev_wipe ON ev;
CREATE TRIGGER ev_wipe BEFORE INSERT ON ev FOR EACH STATEMENT EXECUTE FUNCTION ev_wipe();
INSERT INTO ev VALUES (3);
DROP TRIGGER ev_wipe ON ev;
-- ... and a row trigger's one-row statements do not add up
CREATE TABLE counter(n int);
INSERT INTO counter VALUES (0);
CREATE FUNCTION count_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE counter SET n = n + 1 WHERE n >= 0; RETURN NEW; END $$;
CREATE TRIGGER r_count AFTER UPDATE ON r FOR EACH ROW EXECUTE FUNCTION count_change();
BEGIN;
UPDATE r SET v = v + 1 WHERE id <= 10;
SELECT n FROM counter;
ROLLBACK;
DROP TRIGGER r_count ON r;
SELECT * FROM r_state();

-- foreign-key actions: the rows they delete or update count for the statement
-- that caused them, per referencing table, however many firings it takes
CREATE TABLE customers(id int PRIMARY KEY);
CREATE TABLE orders(id int PRIMARY KEY, customer int REFERENCES customers ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE lines(id int PRIMARY KEY, ord int REFERENCES orders ON DELETE SET NULL);
CREATE TABLE notes(id int PRIMARY KEY, ord int DEFAULT 29 REFERENCES orders ON DELETE SET DEFAULT);
INSERT INTO customers SELECT g FROM generate_series(1, 10) g;
INSERT INTO orders SELECT g, 1 + g % 10 FROM generate_series(0, 29) g;  -- 3 per customer
INSERT INTO lines SELECT g, g % 30 FROM generate_series(0, 59) g;        -- 2 per order
INSERT INTO notes SELECT g, g % 30 FROM generate_series(0, 59) g;        -- 2 per order
CREATE FUNCTION fk_state(OUT customers bigint, OUT orders bigint, OUT orphan_lines bigint, OUT default_notes bigint)
  LANGUAGE sql AS $$ SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM orders),
                            (SELECT count(*) FROM lines WHERE ord IS NULL),
                            (SELECT count(*) FROM notes WHERE ord = 29) - 2 $$;
SELECT * FROM fk_state();
-- 3 customers: 9 orders deleted (ON DELETE CASCADE), 18 lines set null: refused on lines
\set VERBOSITY default
DELETE FROM customers WHERE id <= 3;
\set VERBOSITY terse
SELECT * FROM fk_state();
-- 1 customer: 3 orders, 6 lines set null, 6 notes set to their default: fine
BEGIN;
DELETE FROM customers WHERE id = 4;
SELECT * FROM fk_state();
ROLLBACK;
-- ON DELETE SET DEFAULT: 2 customers, 6 orders, 12 notes set to their default
ALTER TABLE lines DROP CONSTRAINT lines_ord_fkey;
DELETE FROM customers WHERE id IN (4, 5);
SELECT * FROM fk_state();
-- under the flag the actions run, and the audit log keeps the final count
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SET LOCAL migrate_guard.reason = 'close two accounts';
DELETE FROM customers WHERE id IN (8, 9);
SELECT command_tag, object_identity, rule, overridden, reason, detail, statement
  FROM migrate_guard.ddl_log WHERE rule IN ('mass_delete', 'mass_update');
ROLLBACK;
-- ON UPDATE CASCADE: 4 customers renumbered, 12 orders updated
UPDATE customers SET id = id + 100 WHERE id <= 4;
BEGIN;
UPDATE customers SET id = id + 100 WHERE id <= 3;
SELECT count(*) FROM orders WHERE customer > 100;
ROLLBACK;
-- a grandchild level: customers -> orders -> items, all ON DELETE CASCADE
ALTER TABLE notes DROP CONSTRAINT notes_ord_fkey;
CREATE TABLE items(id int PRIMARY KEY, ord int REFERENCES orders ON DELETE CASCADE);
INSERT INTO items SELECT g, g % 30 FROM generate_series(0, 59) g;
DELETE FROM customers WHERE id IN (6, 7);
SELECT count(*) FROM items;
-- a self-referencing tree: the direct delete and the cascade add up on the same table
CREATE TABLE tree(id int PRIMARY KEY, parent int REFERENCES tree ON DELETE CASCADE);
INSERT INTO tree SELECT g, CASE WHEN g = 1 THEN NULL ELSE g / 2 END FROM generate_series(1, 40) g;
BEGIN;
DELETE FROM tree WHERE id = 5;  -- 5, 10, 11, 20-23, 40: 8 rows
SELECT count(*) FROM tree;
ROLLBACK;
\set VERBOSITY default
DELETE FROM tree WHERE id = 4;  -- 4, 8, 9, 16-19, 32-39: 15 rows
\set VERBOSITY terse
SELECT count(*) FROM tree;
-- a partitioned referencing table: counted as the table the action addresses
CREATE TABLE accounts(id int PRIMARY KEY);
CREATE TABLE events(id int, account int REFERENCES accounts ON DELETE CASCADE) PARTITION BY HASH (id);
CREATE TABLE events_0 PARTITION OF events FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE events_1 PARTITION OF events FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO accounts VALUES (1), (2);
INSERT INTO events SELECT g, 1 + g % 2 FROM generate_series(1, 30) g;
DELETE FROM accounts WHERE id = 1;
SELECT count(*) FROM events;

-- writable CTEs
BEGIN;
CREATE TABLE r_archive(id int, v int);
WITH moved AS (DELETE FROM r WHERE id <= 10 RETURNING *) INSERT INTO r_archive SELECT * FROM moved;
ROLLBACK;
CREATE TABLE r_archive(id int, v int);
WITH moved AS (DELETE FROM r WHERE id <= 11 RETURNING *) INSERT INTO r_archive SELECT * FROM moved;
WITH gone AS (DELETE FROM r WHERE id > 0) SELECT 1;
WITH changed AS (UPDATE r SET v = 9 WHERE id > 0 RETURNING id) SELECT count(*) FROM changed;
-- a CTE read only in part still runs to its end (when the statement finishes)
WITH gone AS (DELETE FROM r WHERE id > 0 RETURNING id) SELECT id FROM gone LIMIT 1;
-- an upsert in a CTE: its updates count, its inserts do not
BEGIN;
WITH up AS (INSERT INTO r SELECT g, 1 FROM generate_series(11, 40) g ON CONFLICT (id) DO UPDATE SET v = 1 RETURNING id)
  SELECT count(*) FROM up;
ROLLBACK;
WITH up AS (INSERT INTO r SELECT g, 1 FROM generate_series(10, 40) g ON CONFLICT (id) DO UPDATE SET v = 1 RETURNING id)
  SELECT count(*) FROM up;
-- two CTEs on the same table add up
WITH a AS (DELETE FROM r WHERE id <= 6 RETURNING id), b AS (DELETE FROM r WHERE id > 14 RETURNING id)
  SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b);
SELECT count(*) FROM r_archive;
SELECT * FROM r_state();
-- a CTE's rows do not leak into the command tag or ROW_COUNT
BEGIN;
WITH a AS (UPDATE r SET v = v WHERE id <= 5 RETURNING id) UPDATE r SET v = v WHERE id = 20;
WITH a AS (DELETE FROM r WHERE id <= 5) SELECT 42 AS answer;
DO $$ DECLARE n bigint; BEGIN
  WITH a AS (UPDATE r SET v = v WHERE id > 10 RETURNING id) UPDATE r SET v = v WHERE id = 20;
  GET DIAGNOSTICS n = ROW_COUNT;
  RAISE NOTICE 'ROW_COUNT %', n;
END $$;
ROLLBACK;

-- rules: DO ALSO and DO INSTEAD actions count as the statements they are
CREATE TABLE r_log(id int);
CREATE RULE r_log_wipe AS ON INSERT TO r_log DO ALSO DELETE FROM r WHERE id > 0;
INSERT INTO r_log VALUES (1);
DROP RULE r_log_wipe ON r_log;
CREATE VIEW r_rule_view AS SELECT * FROM r;
CREATE RULE r_rule_upd AS ON UPDATE TO r_rule_view DO INSTEAD UPDATE r SET v = NEW.v WHERE v = OLD.v;
UPDATE r_rule_view SET v = 7 WHERE id = 1;
SELECT count(*) FROM r_log;
SELECT * FROM r_state();

-- views: an updatable view counts on its table, a view with INSTEAD OF triggers on itself
CREATE VIEW r_view AS SELECT * FROM r WHERE id > 0;
DELETE FROM r_view WHERE id > 0;
CREATE VIEW r_trig_view AS SELECT * FROM r;
CREATE FUNCTION r_trig_view_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN DELETE FROM r WHERE id = OLD.id; RETURN OLD; END $$;
CREATE TRIGGER r_trig_view_del INSTEAD OF DELETE ON r_trig_view FOR EACH ROW EXECUTE FUNCTION r_trig_view_del();
DELETE FROM r_trig_view WHERE id > 0;
SELECT * FROM r_state();

-- session_replication_role = replica (no triggers, no foreign-key actions) counts the same
SET session_replication_role = replica;
DELETE FROM r WHERE id > 0;
RESET session_replication_role;

-- EXPLAIN ANALYZE runs the statement; COPY (DELETE ... RETURNING) too (the rows
-- sent before the refusal are not deleted)
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) DELETE FROM r WHERE id > 0;
COPY (DELETE FROM r WHERE id > 0 RETURNING id) TO STDOUT;
SELECT * FROM r_state();

-- partitions: rows of all partitions of the table addressed add up
CREATE TABLE p(id int, v int) PARTITION BY RANGE (id);
CREATE TABLE p_1 PARTITION OF p FOR VALUES FROM (0) TO (12);
CREATE TABLE p_2 PARTITION OF p FOR VALUES FROM (12) TO (24);
CREATE TABLE p_3 PARTITION OF p FOR VALUES FROM (24) TO (36);
INSERT INTO p SELECT g, 0 FROM generate_series(0, 35) g;
DELETE FROM p WHERE id % 3 = 0;   -- 4 rows in each partition: 12
UPDATE p SET v = 1 WHERE id % 3 = 1;
BEGIN;
DELETE FROM p WHERE id % 3 = 0 AND id < 24;
ROLLBACK;
-- a partition addressed by name counts on its own
DELETE FROM p WHERE id % 2 = 0;
BEGIN;
DELETE FROM p_2 WHERE id % 2 = 0;
ROLLBACK;
-- rows moved to another partition count once
BEGIN;
UPDATE p SET id = id + 12 WHERE id < 10;
SELECT count(*) FROM p_2;
ROLLBACK;
UPDATE p SET id = id + 12 WHERE id < 11;
-- inheritance: the parent counts its children's rows
CREATE TABLE inh_parent(id int);
CREATE TABLE inh_child() INHERITS (inh_parent);
INSERT INTO inh_parent SELECT generate_series(1, 6);
INSERT INTO inh_child SELECT generate_series(1, 6);
DELETE FROM inh_parent WHERE id > 0;
SELECT (SELECT count(*) FROM p) AS p_rows, (SELECT count(*) FROM inh_parent) AS inh_rows;

-- foreign tables: rows the wrapper changes one by one, and an UPDATE/DELETE
-- it pushes whole to the remote server (counted once it ran, then undone)
CREATE EXTENSION postgres_fdw;
DO $$ BEGIN
  EXECUTE format('CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host %L, port %L, dbname %L)',
                 current_setting('unix_socket_directories'), current_setting('port'), current_database());
END $$;
CREATE USER MAPPING FOR CURRENT_USER SERVER loopback;
CREATE TABLE remote_rows(id int, v int);
INSERT INTO remote_rows SELECT g, 0 FROM generate_series(1, 20) g;
CREATE FOREIGN TABLE far_rows(id int, v int) SERVER loopback OPTIONS (table_name 'remote_rows');
EXPLAIN (COSTS OFF) DELETE FROM far_rows WHERE id > 0;
DELETE FROM far_rows WHERE id > 0;
EXPLAIN (COSTS OFF) UPDATE far_rows SET v = 1 WHERE id > 0 AND random() >= 0;
UPDATE far_rows SET v = 1 WHERE id > 0 AND random() >= 0;
BEGIN;
DELETE FROM far_rows WHERE id > 10;
UPDATE far_rows SET v = 2 WHERE id > 0 AND random() >= 0;
ROLLBACK;
SELECT count(*), sum(v) FROM remote_rows;
-- ... but a pushed-down change in a writable CTE does not report its rows
EXPLAIN (COSTS OFF) WITH d AS (DELETE FROM far_rows WHERE id > 0 RETURNING id) SELECT count(*) FROM d;
BEGIN;
WITH d AS (DELETE FROM far_rows WHERE id > 0 RETURNING id) SELECT count(*) FROM d;
ROLLBACK;
