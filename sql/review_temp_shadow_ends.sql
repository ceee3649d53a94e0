--
-- review_temp_shadow_ends: a temporary table of the script shadows the
-- permanent one of the same name only while it exists: not after a rolled-back
-- block, ON COMMIT DROP (outside a block: at once; inside: at COMMIT), DISCARD
-- TEMP / ALL.  Then DROP TABLE / TRUNCATE hit the permanent table, and the
-- review says what the guard does (an outside attacker's case).
--
CREATE TABLE orders(id int PRIMARY KEY);
INSERT INTO orders SELECT generate_series(1, 100);
ALTER TABLE orders OWNER TO mg_app;
SET ROLE mg_app;
SELECT migrate_guard.migration_verdict(E'SET lock_timeout = ''1s'';\nBEGIN; CREATE TEMP TABLE orders(id int); ROLLBACK;\nDROP TABLE orders;') AS rolled_back;
SELECT migrate_guard.migration_verdict(E'SET lock_timeout = ''1s'';\nCREATE TEMP TABLE orders(id int) ON COMMIT DROP;\nDROP TABLE orders;') AS on_commit_drop;
SELECT migrate_guard.migration_verdict(E'SET lock_timeout = ''1s'';\nCREATE TEMP TABLE orders(id int) ON COMMIT DROP;\nTRUNCATE orders;') AS on_commit_drop_truncate;
SELECT migrate_guard.migration_verdict(E'SET lock_timeout = ''1s'';\nCREATE TEMP TABLE orders(id int);\nDISCARD TEMP;\nDROP TABLE orders;') AS discard_temp;
SELECT statement_no, rule, severity FROM migrate_guard.check_migration(
  E'SET lock_timeout = ''1s'';\nCREATE TEMP TABLE orders(id int) ON COMMIT DROP;\nDROP TABLE orders;');
-- still there: the shadow holds (the temporary table is dropped, nothing refused)
SELECT migrate_guard.migration_verdict(E'SET lock_timeout = ''1s'';\nBEGIN; CREATE TEMP TABLE orders(id int) ON COMMIT DROP;\nDROP TABLE orders;\nCOMMIT;') AS in_block_before_commit;
SELECT migrate_guard.migration_verdict(E'SET lock_timeout = ''1s'';\nBEGIN; CREATE TEMP TABLE orders(id int) ON COMMIT DROP;\nCOMMIT;\nDROP TABLE orders;') AS in_block_after_commit;
SELECT migrate_guard.migration_verdict(E'SET lock_timeout = ''1s'';\nCREATE TEMP TABLE orders(id int);\nDROP TABLE orders;') AS plain_temp;
-- what really happens when the scripts run
SET lock_timeout = '1s';
BEGIN; CREATE TEMP TABLE orders(id int); ROLLBACK;
DROP TABLE orders;
CREATE TEMP TABLE orders(id int) ON COMMIT DROP;
DROP TABLE orders;
CREATE TEMP TABLE orders(id int) ON COMMIT DROP;
TRUNCATE orders;
CREATE TEMP TABLE orders(id int);
DISCARD TEMP;
DROP TABLE orders;
RESET lock_timeout;
RESET ROLE;
SELECT count(*) AS rows_left FROM orders;
