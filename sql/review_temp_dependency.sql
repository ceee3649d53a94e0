--
-- review_temp_dependency (outside review, attack3) -- severity: MEDIUM
--
-- Broken promise (README, "Migration review"): "`blocked` | the guard would
-- refuse it in this database under the current settings (`rule` is the
-- guard's rule)"; a SAFE TO DEPLOY script is one the guard lets run.
-- The guard refuses (drop_cascade, "a statement that would make a permanent
-- object depend on a temporary one") a default, check, index, trigger or
-- policy on an existing table that uses a temporary sequence/function/type
-- the script created; the review rates each of those statements `ok` and the
-- script SAFE TO DEPLOY. The Limits name only "the always-true policy and the
-- parent without row-level security" as judged at run time, not by the review.
--
-- Right behaviour: the review reports `drop_cascade` `blocked` (the script
-- fails when deployed), verdict BLOCKED.
--
SET lock_timeout = '2s';
CREATE TABLE log(id int, v text);
ALTER TABLE log OWNER TO mg_app;
SET ROLE mg_app;

SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
CREATE TEMP SEQUENCE s;
ALTER TABLE log ALTER COLUMN id SET DEFAULT nextval('s');
$m$);
SELECT migrate_guard.migration_verdict($m$SET lock_timeout = '1s';
CREATE TEMP SEQUENCE s;
ALTER TABLE log ALTER COLUMN id SET DEFAULT nextval('s');
$m$) AS verdict;

-- a temporary type as the type of a new column of an existing table
SELECT migrate_guard.migration_verdict($m$SET lock_timeout = '1s';
CREATE TYPE pg_temp.mood AS ENUM ('a', 'b');
ALTER TABLE log ADD COLUMN m pg_temp.mood;
$m$) AS verdict;

-- what running them does
BEGIN;
SET lock_timeout = '1s';
CREATE TEMP SEQUENCE s;
ALTER TABLE log ALTER COLUMN id SET DEFAULT nextval('s');
ROLLBACK;
BEGIN;
SET lock_timeout = '1s';
CREATE TYPE pg_temp.mood AS ENUM ('a', 'b');
ALTER TABLE log ADD COLUMN m pg_temp.mood;
ROLLBACK;
RESET ROLE;
