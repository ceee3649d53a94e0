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
DROP EXTENSION migrate_guard;
