--
-- review_prepare_transaction: a block ended by PREPARE TRANSACTION keeps its
-- locks after the script ends (found by attack3: rated SAFE TO DEPLOY).
-- The PREPARE TRANSACTION gets `prepared_transaction` (danger) naming the
-- locks it keeps; lock_mode and relations say them too.
--
CREATE TABLE orders(id int PRIMARY KEY, note text);
INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 100) g;
SELECT statement_no, command_tag, lock_mode, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
BEGIN;
ALTER TABLE orders ADD COLUMN c int;
PREPARE TRANSACTION 'attack3_mig';
$m$);
SELECT migrate_guard.migration_verdict($m$SET lock_timeout = '1s';
BEGIN;
LOCK TABLE orders IN ACCESS EXCLUSIVE MODE;
PREPARE TRANSACTION 'attack3_mig';
$m$) AS verdict;
-- what running it does: the lock outlives the script
SET lock_timeout = '1s';
BEGIN;
ALTER TABLE orders ADD COLUMN c int;
PREPARE TRANSACTION 'attack3_mig';
SELECT l.mode, l.granted, l.pid IS NULL AS held_by_prepared_xact
  FROM pg_locks l WHERE l.relation = 'orders'::regclass;
SET lock_timeout = '200ms';
SELECT count(*) FROM orders;   -- a reader now waits
RESET lock_timeout;
ROLLBACK PREPARED 'attack3_mig';
SELECT count(*) FROM orders;

-- the message; a block that locks nothing existing; COMMIT or PREPARE outside a block: nothing
SELECT statement_no, command_tag, lock_mode, relations, rule, severity, message
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
BEGIN;
ALTER TABLE orders ADD COLUMN c int;
SAVEPOINT s;
SELECT count(*) FROM orders;
UPDATE orders SET note = 'x' WHERE id = 1;
PREPARE TRANSACTION 'mig';
BEGIN;
CREATE TABLE fresh(id int);
PREPARE TRANSACTION 'mig2';
BEGIN;
ALTER TABLE orders ADD COLUMN d int;
COMMIT;
PREPARE TRANSACTION 'none';
$m$) WHERE statement_no IN (7, 10, 14, 15) ORDER BY statement_no;


-- the README's example
SELECT statement_no, lock_mode, rule, severity, message FROM migrate_guard.check_migration(
  'BEGIN; ALTER TABLE orders ADD COLUMN c int; PREPARE TRANSACTION ''mig'';
   SET session_replication_role = replica;
   COPY orders (id, id) TO stdout;')
 WHERE rule IN ('prepared_transaction', 'session_replication_role', 'invalid_statement') ORDER BY statement_no;
