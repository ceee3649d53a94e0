--
-- review_execute_params: EXECUTE of a statement the script PREPAREd is
-- judged with its arguments bound, as the guard judges each execution
-- (dml_check at ExecutorStart with the execution's parameters):
-- `WHERE $1 IS NULL OR id = $1` deletes every row for NULL.  An argument the
-- review does not compute (not a constant once coerced and folded) leaves
-- the answer open: danger, and the message says which argument.
--
CREATE TABLE orders(id int PRIMARY KEY, note text);
INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 100) g;
ALTER TABLE orders OWNER TO mg_app;
SET ROLE mg_app;
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
PREPARE p(int) AS DELETE FROM orders WHERE $1 IS NULL OR id = $1;
EXECUTE p(5);
EXECUTE p(NULL);
EXECUTE p(NULL::int);
EXECUTE p('7');
EXECUTE p(2 + 3);
EXECUTE p(CASE WHEN true THEN NULL ELSE 1 END);
EXECUTE p((random() * 10)::int);
$m$);
SELECT statement_no, message
  FROM migrate_guard.check_migration($m$PREPARE p(int) AS DELETE FROM orders WHERE $1 IS NULL OR id = $1;
EXECUTE p(NULL);
EXECUTE p((random() * 10)::int);
$m$) WHERE rule IS NOT NULL;
SELECT migrate_guard.migration_verdict($m$SET lock_timeout = '1s';
PREPARE p(int) AS DELETE FROM orders WHERE $1 IS NULL OR id = $1;
EXECUTE p(NULL);
$m$) AS verdict;
-- two parameters: the one that decides is bound, the other is unknown
SELECT statement_no, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
PREPARE q(int, text) AS UPDATE orders SET note = $2 WHERE $1 IS NULL OR id = $1;
EXECUTE q(3, now()::text);
EXECUTE q(NULL, 'x');
$m$);
BEGIN;
SET lock_timeout = '1s';
PREPARE p(int) AS DELETE FROM orders WHERE $1 IS NULL OR id = $1;
EXECUTE p(5);
EXECUTE p(NULL);
ROLLBACK;
BEGIN;
SET lock_timeout = '1s';
EXECUTE p(NULL::int);
ROLLBACK;
BEGIN;
SET lock_timeout = '1s';
EXECUTE p(CASE WHEN true THEN NULL ELSE 1 END);
ROLLBACK;
DEALLOCATE ALL;
RESET ROLE;
