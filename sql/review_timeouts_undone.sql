--
-- review_timeouts_undone: statements that take the script's lock_timeout away
-- again are replayed like PostgreSQL runs them: ROLLBACK TO SAVEPOINT undoes
-- the SETs (and SET LOCALs) made after the savepoint, RELEASE keeps them,
-- DISCARD ALL resets every setting as RESET ALL does.  The ALTER TABLE after
-- them then waits without limit: missing_lock_timeout.
--
CREATE TABLE orders(id int PRIMARY KEY);
INSERT INTO orders SELECT g FROM generate_series(1, 1000) g;
CREATE FUNCTION timeouts(script text) RETURNS TABLE(n int, tag text, rule text, severity text)
LANGUAGE sql AS $$
  SELECT statement_no, command_tag, rule, severity FROM migrate_guard.check_migration(script)
   WHERE command_tag = 'ALTER TABLE' ORDER BY statement_no, rule
$$;

-- ROLLBACK TO SAVEPOINT undoes a SET made after the savepoint
SELECT * FROM timeouts($m$BEGIN;
SAVEPOINT a;
SET lock_timeout = '5s';
ROLLBACK TO SAVEPOINT a;
ALTER TABLE orders ADD COLUMN z int;
COMMIT;
$m$);
-- ... and a SET LOCAL
SELECT * FROM timeouts($m$BEGIN;
SAVEPOINT a;
SET LOCAL lock_timeout = '5s';
ROLLBACK TO a;
ALTER TABLE orders ADD COLUMN z int;
COMMIT;
$m$);
-- but not a SET made before it, nor one released with its savepoint
SELECT * FROM timeouts($m$BEGIN;
SET LOCAL lock_timeout = '5s';
SAVEPOINT a;
RESET lock_timeout;
ROLLBACK TO SAVEPOINT a;
ALTER TABLE orders ADD COLUMN z int;
COMMIT;
$m$);
SELECT * FROM timeouts($m$BEGIN;
SAVEPOINT a;
SET LOCAL lock_timeout = '5s';
RELEASE SAVEPOINT a;
ALTER TABLE orders ADD COLUMN z int;
COMMIT;
$m$);
-- nested savepoints: ROLLBACK TO the outer one undoes both SETs; the inner one only its own
SELECT * FROM timeouts($m$BEGIN;
SAVEPOINT a;
SET lock_timeout = '5s';
SAVEPOINT b;
SET lock_timeout = '6s';
ROLLBACK TO SAVEPOINT b;
ALTER TABLE orders ADD COLUMN y int;
ROLLBACK TO SAVEPOINT a;
ALTER TABLE orders ADD COLUMN z int;
COMMIT;
$m$);
-- DISCARD ALL resets every setting
SELECT * FROM timeouts($m$SET lock_timeout = '5s';
DISCARD ALL;
ALTER TABLE orders ADD COLUMN z int;
$m$);
SELECT * FROM timeouts($m$SET lock_timeout = '5s';
DISCARD PLANS;
ALTER TABLE orders ADD COLUMN z int;
$m$);

-- what PostgreSQL does
BEGIN;
SAVEPOINT a;
SET lock_timeout = '5s';
ROLLBACK TO SAVEPOINT a;
SHOW lock_timeout;
SET lock_timeout = '5s';
SAVEPOINT b;
SET lock_timeout = '6s';
ROLLBACK TO SAVEPOINT b;
SHOW lock_timeout;
COMMIT;
SET lock_timeout = '5s';
DISCARD ALL;
SHOW lock_timeout;
