--
-- review_timeouts: missing_lock_timeout.  A statement that takes a lock
-- keeping writers out of an existing table warns unless a lock_timeout (or a
-- statement_timeout) bounds its wait: set by the script (SET, SET LOCAL,
-- set_config(), RESET, transaction blocks), by the session, by the role's
-- default or by the database's default.
--
RESET lock_timeout;
RESET statement_timeout;
CREATE TABLE accounts(id bigint PRIMARY KEY, email text);
INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 1000) g;
CREATE TABLE empty_accounts(id bigint);
ANALYZE accounts;

CREATE FUNCTION timeout_warnings(script text) RETURNS TABLE(n int, line int, lock_mode text, rule text, severity text)
LANGUAGE sql AS $$
  SELECT statement_no, line, lock_mode, rule, severity FROM migrate_guard.check_migration(script)
   WHERE lock_mode IS NOT NULL
$$;

-- nothing set anywhere: the message says which lock, on what, and what queues behind it
SELECT statement_no, lock_mode, relations, rule, severity, message, hint
  FROM migrate_guard.check_migration('ALTER TABLE accounts ADD COLUMN note text');
-- an empty table queues readers just the same; only locks that keep writers out count
SELECT * FROM timeout_warnings($mig$
ALTER TABLE empty_accounts ADD COLUMN note text;
CREATE INDEX CONCURRENTLY ON accounts (email);
INSERT INTO accounts VALUES (5000, 'x');
CREATE TABLE fresh(id int);
ALTER TABLE fresh ADD COLUMN note text;
CREATE TABLE child(id int, account_id bigint REFERENCES accounts);
$mig$);

-- set by the script: from the SET on; SET LOCAL until the end of its block; ROLLBACK undoes the block's SET
SELECT * FROM timeout_warnings($mig$
ALTER TABLE accounts ADD COLUMN a1 int;
SET lock_timeout = '5s';
ALTER TABLE accounts ADD COLUMN a2 int;
SET lock_timeout = 0;
ALTER TABLE accounts ADD COLUMN a3 int;
BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE accounts ADD COLUMN a4 int;
COMMIT;
ALTER TABLE accounts ADD COLUMN a5 int;
BEGIN;
SET lock_timeout TO '5s';
ROLLBACK;
ALTER TABLE accounts ADD COLUMN a6 int;
SET LOCAL lock_timeout = '5s';
ALTER TABLE accounts ADD COLUMN a7 int;
SET statement_timeout = '30s';
ALTER TABLE accounts ADD COLUMN a8 int;
RESET statement_timeout;
ALTER TABLE accounts ADD COLUMN a9 int;
SELECT pg_catalog.set_config('lock_timeout', '2s', false);
ALTER TABLE accounts ADD COLUMN a10 int;
RESET ALL;
ALTER TABLE accounts ADD COLUMN a11 int;
SELECT set_config('lock_timeout', '2s', true);
ALTER TABLE accounts ADD COLUMN a12 int;
$mig$);

SELECT statement_no, message FROM migrate_guard.check_migration('SET lock_timeout = 0; ALTER TABLE accounts ADD COLUMN n int')
 WHERE rule IS NOT NULL;

-- set by the reviewing session
SET lock_timeout = '1s';
SELECT count(*) AS warnings FROM migrate_guard.check_migration('ALTER TABLE accounts ADD COLUMN note text')
 WHERE rule = 'missing_lock_timeout';
-- ... RESET in the script goes back to the session's default, not to its SET
SELECT * FROM timeout_warnings('RESET lock_timeout; ALTER TABLE accounts ADD COLUMN note text');
RESET lock_timeout;

-- set by the role's default
CREATE ROLE review_timeout_role LOGIN;
ALTER ROLE review_timeout_role SET lock_timeout = '3s';
\c - review_timeout_role
SHOW lock_timeout;
SELECT count(*) AS warnings FROM migrate_guard.check_migration('ALTER TABLE accounts ADD COLUMN note text')
 WHERE rule = 'missing_lock_timeout';
SELECT * FROM timeout_warnings('SET lock_timeout = 0; ALTER TABLE accounts ADD COLUMN note text; RESET lock_timeout; ALTER TABLE accounts ADD COLUMN note2 text');
\c - postgres
DROP ROLE review_timeout_role;

-- set by the database's default
SELECT current_database() AS db \gset
ALTER DATABASE :"db" SET lock_timeout = '4s';
\c
SHOW lock_timeout;
SELECT count(*) AS warnings FROM migrate_guard.check_migration('ALTER TABLE accounts ADD COLUMN note text')
 WHERE rule = 'missing_lock_timeout';
ALTER DATABASE :"db" RESET lock_timeout;
\c
SELECT count(*) AS warnings FROM migrate_guard.check_migration('ALTER TABLE accounts ADD COLUMN note text')
 WHERE rule = 'missing_lock_timeout';
