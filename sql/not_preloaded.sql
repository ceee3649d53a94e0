--
-- not_preloaded: runs on a cluster WITHOUT shared_preload_libraries
--
CREATE EXTENSION migrate_guard;
SELECT setting, value FROM migrate_guard.status() WHERE setting IN ('preloaded', 'active') ORDER BY setting;
-- nothing is guarded
CREATE TABLE x(id int);
INSERT INTO x VALUES (1);
DELETE FROM x;
DROP TABLE x;
SELECT count(*) FROM migrate_guard.blocked_attempts;
-- the settings still exist and still judge who may turn the flag on
CREATE ROLE mg_np_app;
SET ROLE mg_np_app;
SET migrate_guard.allow_destructive = on;
RESET ROLE;
DROP ROLE mg_np_app;
-- the review still calls no function defined in the database (its barrier is installed when the library loads)
CREATE FUNCTION np_noisy(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RAISE NOTICE 'np_noisy was called'; RETURN $1; END $$;
CREATE DOMAIN np_dom AS int CHECK (np_noisy(VALUE) > 0);
CREATE TABLE np_t(id int, c np_dom[]);
INSERT INTO np_t VALUES (1);
SELECT rule, severity FROM migrate_guard.check_migration($$
DELETE FROM np_t WHERE np_noisy(1) = 1;
UPDATE np_t SET c = '{5}' WHERE id = 1;
$$);
SELECT np_noisy(2) AS called_after_review;
DROP TABLE np_t;
DROP DOMAIN np_dom;
DROP FUNCTION np_noisy(int);
DROP EXTENSION migrate_guard;
