--
-- guard_flag: who may turn migrate_guard.allow_destructive on, on every route
--
\set VERBOSITY default
CREATE TABLE f(id int);
INSERT INTO f VALUES (1), (2), (3);
GRANT ALL ON f TO mg_app, mg_admin;

-- a plain role cannot turn it on: SET, SET LOCAL, set_config(), ALTER ROLE ... SET
SET ROLE mg_app;
SET migrate_guard.allow_destructive = on;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
ROLLBACK;
SELECT set_config('migrate_guard.allow_destructive', 'on', false);
SELECT set_config('migrate_guard.allow_destructive', 'on', true);
SET migrate_guard.allow_destructive = true;
SET migrate_guard.allow_destructive = 1;
ALTER ROLE mg_app SET migrate_guard.allow_destructive = on;
SHOW migrate_guard.allow_destructive;
TRUNCATE f;
RESET ROLE;

-- a function's SET clause is judged for the caller when the function runs
CREATE FUNCTION unlock_and_truncate() RETURNS void LANGUAGE plpgsql
  SET migrate_guard.allow_destructive = on
  AS $$ BEGIN TRUNCATE f; END $$;
GRANT EXECUTE ON FUNCTION unlock_and_truncate() TO mg_app, mg_admin;
SET ROLE mg_app;
SELECT unlock_and_truncate();
RESET ROLE;
-- ... also when the function is SECURITY DEFINER and owned by a superuser
CREATE FUNCTION definer_unlock() RETURNS void LANGUAGE plpgsql SECURITY DEFINER
  SET migrate_guard.allow_destructive = on
  AS $$ BEGIN TRUNCATE f; END $$;
CREATE FUNCTION definer_set_config() RETURNS text LANGUAGE plpgsql SECURITY DEFINER
  AS $$ BEGIN RETURN set_config('migrate_guard.allow_destructive', 'on', true); END $$;
GRANT EXECUTE ON FUNCTION definer_unlock(), definer_set_config() TO mg_app;
SET ROLE mg_app;
SELECT definer_unlock();
SELECT definer_set_config();
SHOW migrate_guard.allow_destructive;
RESET ROLE;
-- a plain role cannot create a function that turns it on either
SET ROLE mg_app;
CREATE FUNCTION app_unlock() RETURNS void LANGUAGE sql
  SET migrate_guard.allow_destructive = on AS 'SELECT 1';
RESET ROLE;

-- anyone may turn it off
SET ROLE mg_app;
SET migrate_guard.allow_destructive = off;
RESET migrate_guard.allow_destructive;
SELECT set_config('migrate_guard.allow_destructive', 'off', false);
RESET ROLE;

-- a member of the admin role can, and SET LOCAL expires at COMMIT and ROLLBACK
SET ROLE mg_admin;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SELECT value AS flag_in_force FROM migrate_guard.status() WHERE setting = 'flag_in_force';
TRUNCATE f;
SELECT count(*) FROM f;
ROLLBACK;
SHOW migrate_guard.allow_destructive;
TRUNCATE f;
BEGIN;
SELECT set_config('migrate_guard.allow_destructive', 'on', true);
DELETE FROM f WHERE id = 1;
DELETE FROM f;
COMMIT;
SHOW migrate_guard.allow_destructive;
DELETE FROM f;
-- through a function's SET clause
INSERT INTO f VALUES (1), (2);
BEGIN;
SELECT unlock_and_truncate();
SHOW migrate_guard.allow_destructive;
ROLLBACK;
-- session-wide until turned off
SET migrate_guard.allow_destructive = on;
BEGIN;
TRUNCATE f;
ROLLBACK;
RESET migrate_guard.allow_destructive;
TRUNCATE f;
RESET ROLE;
SELECT count(*) AS rows_left FROM f;

-- SET ROLE to a role that may not unlock: the flag stays set but is not in force
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SET LOCAL ROLE mg_app;
SHOW migrate_guard.allow_destructive;
SELECT value AS flag_in_force FROM migrate_guard.status() WHERE setting = 'flag_in_force';
TRUNCATE f;
ROLLBACK;

-- a superuser may store it for an admin role (it is judged again at login)
ALTER ROLE mg_admin SET migrate_guard.allow_destructive = on;
ALTER ROLE mg_admin RESET migrate_guard.allow_destructive;

-- migrate_guard.admin_role decides who may unlock
SET migrate_guard.admin_role = 'mg_app';
SET ROLE mg_app;
SET migrate_guard.admin_role = 'mg_app';
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
TRUNCATE f;
ROLLBACK;
RESET ROLE;
RESET migrate_guard.admin_role;
SET ROLE mg_app;
SET migrate_guard.allow_destructive = on;
RESET ROLE;
-- an admin role that does not exist: only superusers may unlock
SET migrate_guard.admin_role = 'no_such_role';
SET ROLE mg_admin;
SET migrate_guard.allow_destructive = on;
RESET ROLE;
RESET migrate_guard.admin_role;
SELECT count(*) AS rows_left FROM f;
