--
-- guard_blocked_attempts: refusals are kept in shared memory, readable after
-- the transaction rolled back
--
\set VERBOSITY terse
CREATE TABLE b(id int);
INSERT INTO b VALUES (1), (2);
GRANT ALL ON b TO mg_app;

BEGIN;
INSERT INTO b VALUES (1);
DROP TABLE b;
ROLLBACK;
SELECT database_name = current_database() AS this_db, role_name, rule, object_identity, statement,
       backend_pid = pg_backend_pid() AS this_backend, blocked_at <= now() AS in_the_past
  FROM migrate_guard.blocked_attempts ORDER BY attempt DESC LIMIT 1;

-- a multi-statement string records the one statement that was refused
SELECT 1 \; TRUNCATE b \; SELECT 2;
SELECT rule, statement FROM migrate_guard.blocked_attempts ORDER BY attempt DESC LIMIT 1;
-- and a statement run from a function records that statement
DO $$ BEGIN EXECUTE 'DELETE FROM b'; END $$;
SELECT rule, statement FROM migrate_guard.blocked_attempts ORDER BY attempt DESC LIMIT 1;

-- a plain role sees its own refusals only; admins see every refusal
SET ROLE mg_app;
TRUNCATE b;
SELECT DISTINCT role_name FROM migrate_guard.blocked_attempts;
RESET ROLE;
SET ROLE mg_admin;
SELECT count(DISTINCT role_name) > 1 AS sees_everyone FROM migrate_guard.blocked_attempts;
RESET ROLE;

-- the 1,000 newest refusals are always kept (older ones are replaced, the
-- flooding role's own first: see blocked_attempts_flood)
DO $$
BEGIN
  FOR i IN 1..1100 LOOP
    BEGIN
      EXECUTE format('TRUNCATE b /* %s */', i);
    EXCEPTION WHEN SQLSTATE 'MG001' THEN NULL;
    END;
  END LOOP;
END $$;
SELECT count(*) FILTER (WHERE statement ~ '^TRUNCATE b /\* [0-9]+ \*/$'
                          AND substring(statement FROM '[0-9]+')::int > 100) AS newest_1000_kept,
       count(*) <= 2048 AS within_capacity
  FROM migrate_guard.blocked_attempts;
SELECT statement FROM migrate_guard.blocked_attempts ORDER BY attempt DESC LIMIT 1;
-- a refusal rolled back nothing else: the table is intact
SELECT count(*) FROM b;
