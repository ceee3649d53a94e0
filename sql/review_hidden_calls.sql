--
-- review_hidden_calls: statements whose effect is code the review cannot see.
-- `SELECT purge_all()` looks like a query; what it does is the function's
-- body.  A query or DML that calls a function defined in the database
-- (directly, in FROM, through an operator, a column default an INSERT fills
-- in, a view; in CREATE TABLE AS, SELECT INTO, COPY (query), EXPLAIN
-- ANALYZE, EXECUTE) gets opaque_code (warn), as DO and CALL do: the verdict
-- is never SAFE TO DEPLOY on code the review did not read.  Built-in
-- functions are fine.  COPY (DELETE/UPDATE ... RETURNING) TO STDOUT is judged
-- as the DML it runs.  Nothing is ever called while reviewing.
--
SET lock_timeout = '2s';
CREATE TABLE orders(id int PRIMARY KEY, note text);
INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 1000) g;
CREATE TABLE customers(id int PRIMARY KEY);
INSERT INTO customers SELECT g FROM generate_series(1, 10) g;
CREATE FUNCTION purge_all() RETURNS void LANGUAGE plpgsql AS $$BEGIN DELETE FROM orders; END$$;
CREATE FUNCTION drop_it() RETURNS void LANGUAGE plpgsql AS $$BEGIN EXECUTE 'DROP TABLE customers'; END$$;
CREATE FUNCTION noisy() RETURNS int LANGUAGE plpgsql AS $$BEGIN RAISE NOTICE 'noisy was called'; RETURN 1; END$$;
CREATE FUNCTION noisy_eq(int, int) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RAISE NOTICE 'noisy_eq was called'; RETURN $1 = $2; END $$;
CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, PROCEDURE = noisy_eq);
CREATE TABLE stamped(id int, n int DEFAULT noisy());
CREATE VIEW noisy_view AS SELECT id, noisy() AS n FROM customers;
VACUUM ANALYZE orders, customers;

-- what the guard does when the statements run
SELECT purge_all();
SELECT drop_it();
COPY (DELETE FROM orders RETURNING id) TO STDOUT;
SELECT count(*) AS orders_left FROM orders;

-- what the review says
SELECT statement_no, command_tag, lock_mode, relations, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
SELECT purge_all();
SELECT drop_it();
COPY (DELETE FROM orders RETURNING id) TO STDOUT;
$m$);
SELECT migrate_guard.migration_verdict('SELECT purge_all();') AS verdict_function;
SELECT migrate_guard.migration_verdict('COPY (DELETE FROM orders RETURNING id) TO STDOUT;') AS verdict_copy;
SELECT migrate_guard.migration_verdict('WITH d AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM d;') AS verdict_cte;
SELECT rule, severity, message, hint FROM migrate_guard.check_migration('SELECT purge_all();');

-- every route to a call of a function defined in the database
SELECT statement_no, command_tag, rule, severity, message
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
VALUES (noisy());
SELECT * FROM purge_all();
SELECT id FROM customers WHERE id === 1;
INSERT INTO stamped (id) VALUES (1);
SELECT * FROM noisy_view;
UPDATE customers SET id = noisy() WHERE id = 5;
CREATE TABLE copy_of AS SELECT noisy() AS n;
SELECT noisy() AS n INTO another_copy;
COPY (SELECT purge_all()) TO STDOUT;
EXPLAIN ANALYZE SELECT noisy();
PREPARE p AS SELECT drop_it();
EXECUTE p;
$m$) ORDER BY statement_no, rule;

-- functions the script creates, or calls against tables it creates: named, not analysed
SELECT statement_no, command_tag, rule, severity, message
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
CREATE FUNCTION later() RETURNS int LANGUAGE sql AS 'SELECT 1';
SELECT later();
CREATE TABLE fresh(id int);
INSERT INTO fresh SELECT noisy();
INSERT INTO fresh SELECT g FROM generate_series(1, 10) g;
$m$) ORDER BY statement_no, rule;

-- built-in functions and plain queries stay ok; so do EXPLAIN without ANALYZE and CREATE TABLE AS ... WITH NO DATA
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
SELECT count(*), max(id), now() FROM orders;
SELECT set_config('statement_timeout', '10s', false);
VALUES (1, 'a'), (2, lower('B'));
INSERT INTO orders VALUES (2000, md5('x'));
EXPLAIN SELECT noisy();
CREATE TABLE shape AS SELECT noisy() AS n WITH NO DATA;
COPY (SELECT id FROM orders WHERE id < 3) TO STDOUT;
COPY (DELETE FROM orders WHERE id = 1 RETURNING id) TO STDOUT;
$m$) ORDER BY statement_no, rule;

-- COPY (UPDATE ... ) is judged as its UPDATE
SELECT statement_no, command_tag, lock_mode, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
COPY (UPDATE orders SET note = 'x' RETURNING id) TO STDOUT;
COPY (UPDATE orders SET note = 'x' WHERE id = 7 RETURNING id) TO STDOUT;
$m$);

-- triggers the DML (or COPY FROM) fires on its table, for its events; not disabled ones, not built-in ones
CREATE FUNCTION wipe() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN DELETE FROM orders; RETURN NEW; END$$;
CREATE TABLE logged(id int, at timestamptz);
CREATE TRIGGER logged_wipe BEFORE INSERT ON logged FOR EACH ROW EXECUTE FUNCTION wipe();
CREATE TRIGGER logged_same BEFORE UPDATE ON logged FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
CREATE TABLE quiet(id int);
CREATE TRIGGER quiet_wipe AFTER DELETE ON quiet FOR EACH STATEMENT EXECUTE FUNCTION wipe();
ALTER TABLE quiet DISABLE TRIGGER quiet_wipe;
SELECT statement_no, command_tag, rule, severity, message
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
INSERT INTO logged VALUES (1, now());
COPY logged FROM stdin;
2	2024-01-01
\.
UPDATE logged SET at = now() WHERE id = 1;
INSERT INTO logged VALUES (1) ON CONFLICT DO NOTHING;
DELETE FROM quiet WHERE id = 1;
$m$) ORDER BY statement_no, rule;

-- nothing ran: no NOTICE above, every row and table still there
SELECT (SELECT count(*) FROM orders) AS orders_rows, (SELECT count(*) FROM customers) AS customers_rows,
       (SELECT count(*) FROM stamped) AS stamped_rows, to_regclass('copy_of') IS NULL AS no_copy_of;
