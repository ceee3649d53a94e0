--
-- review_temp_dependency: a permanent table made to depend on a temporary
-- object is refused by the guard when the statement is done
-- (new_dependencies.cpp, drop_cascade: the temporary object's drop at the
-- end of the session would cascade into it).  The review judges what the
-- statement names: a column default calling nextval()/currval()/setval() on
-- a temporary sequence, or a column of a temporary type, existing or created
-- earlier in the script.  A temporary table doing the same is fine.
--
SET lock_timeout = '2s';
CREATE TABLE log(id int, v text);
ALTER TABLE log OWNER TO mg_app;
SET ROLE mg_app;
CREATE TEMP SEQUENCE ts;
CREATE TYPE pg_temp.mood2 AS ENUM ('x');
CREATE SEQUENCE ps;

SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
CREATE TEMP SEQUENCE s;
ALTER TABLE log ALTER COLUMN id SET DEFAULT nextval('s');
ALTER TABLE log ALTER COLUMN id SET DEFAULT nextval('s'::regclass);
ALTER TABLE log ALTER COLUMN id SET DEFAULT nextval('ts');
ALTER TABLE log ALTER COLUMN id SET DEFAULT nextval('ps');
ALTER TABLE log ADD COLUMN w bigint DEFAULT nextval('pg_temp.ts');
CREATE TABLE perm (id bigint DEFAULT nextval('s'));
CREATE TEMP TABLE tmp (id bigint DEFAULT nextval('s'));
CREATE TYPE pg_temp.mood AS ENUM ('a', 'b');
ALTER TABLE log ADD COLUMN m pg_temp.mood;
ALTER TABLE log ADD COLUMN m2 mood2;
ALTER TABLE log ALTER COLUMN v TYPE mood2 USING NULL;
CREATE TABLE perm2 (m mood2);
CREATE TEMP TABLE tmp2 (m mood2);
$m$);
-- a type the script creates in pg_temp, named unqualified later
SELECT statement_no, rule, severity
  FROM migrate_guard.check_migration($m$CREATE TYPE pg_temp.mood AS ENUM ('a');
ALTER TABLE log ADD COLUMN m mood;
$m$) WHERE rule IS NOT NULL;
SELECT statement_no, message
  FROM migrate_guard.check_migration($m$CREATE TEMP SEQUENCE s;
ALTER TABLE log ALTER COLUMN id SET DEFAULT nextval('s');
ALTER TABLE log ADD COLUMN m2 mood2;
$m$) WHERE rule IS NOT NULL;
SELECT migrate_guard.migration_verdict($m$SET lock_timeout = '1s';
CREATE TEMP SEQUENCE s;
ALTER TABLE log ALTER COLUMN id SET DEFAULT nextval('s');
$m$) AS verdict;

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
ALTER TABLE log ALTER COLUMN id SET DEFAULT nextval('ts');
ROLLBACK;
BEGIN;
SET lock_timeout = '1s';
ALTER TABLE log ADD COLUMN w bigint DEFAULT nextval('pg_temp.ts');
ROLLBACK;
BEGIN;
SET lock_timeout = '1s';
CREATE TEMP SEQUENCE s;
CREATE TABLE perm (id bigint DEFAULT nextval('s'));
ROLLBACK;
BEGIN;
SET lock_timeout = '1s';
CREATE TEMP SEQUENCE s;
CREATE TEMP TABLE tmp (id bigint DEFAULT nextval('s'));
ROLLBACK;
BEGIN;
SET lock_timeout = '1s';
CREATE TYPE pg_temp.mood AS ENUM ('a', 'b');
ALTER TABLE log ADD COLUMN m pg_temp.mood;
ROLLBACK;
BEGIN;
SET lock_timeout = '1s';
ALTER TABLE log ALTER COLUMN v TYPE mood2 USING NULL;
ROLLBACK;
BEGIN;
SET lock_timeout = '1s';
CREATE TABLE perm2 (m mood2);
ROLLBACK;
BEGIN;
SET lock_timeout = '1s';
ALTER TABLE log ALTER COLUMN id SET DEFAULT nextval('ps');
ROLLBACK;
RESET ROLE;
