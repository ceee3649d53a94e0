--
-- guard_alter_column: alter_column_type refuses only changes that rewrite or
-- convert stored values; set_unlogged
--
\set VERBOSITY default
CREATE DOMAIN plain_text AS text;
CREATE DOMAIN short_text AS text CHECK (length(VALUE) < 100);
CREATE TABLE a(id int, name varchar(10), note text, at timestamp, n numeric(10,2), b bit varying(5));
INSERT INTO a VALUES (1, 'x', 'y', '2024-01-01', 1.5, B'101');
CREATE TABLE p(id int, name varchar(10)) PARTITION BY RANGE (id);
CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (100);
INSERT INTO p VALUES (1, 'x');

-- no rewrite: PostgreSQL keeps the stored values as they are
ALTER TABLE a ALTER COLUMN name TYPE varchar(20);
ALTER TABLE a ALTER COLUMN name TYPE varchar;
ALTER TABLE a ALTER COLUMN name TYPE text;
ALTER TABLE a ALTER COLUMN note TYPE varchar;
ALTER TABLE a ALTER COLUMN note TYPE plain_text;
ALTER TABLE a ALTER COLUMN n TYPE numeric(12,2);
ALTER TABLE a ALTER COLUMN n TYPE numeric;
ALTER TABLE a ALTER COLUMN b TYPE bit varying(10);
ALTER TABLE a ALTER COLUMN note TYPE text COLLATE "C";
ALTER TABLE p ALTER COLUMN name TYPE varchar(30);
-- refused: the values are converted (or checked: a rewrite)
ALTER TABLE a ALTER COLUMN name TYPE varchar(5);
ALTER TABLE a ALTER COLUMN id TYPE bigint;
ALTER TABLE a ALTER COLUMN id TYPE text;
ALTER TABLE a ALTER COLUMN n TYPE numeric(10,1);
ALTER TABLE a ALTER COLUMN note TYPE short_text;
ALTER TABLE a ALTER COLUMN at TYPE timestamptz;
ALTER TABLE p ALTER COLUMN name TYPE varchar(5);
ALTER TABLE p ALTER COLUMN id TYPE bigint;
-- any USING counts as converting, even one that keeps the value
ALTER TABLE a ALTER COLUMN name TYPE text USING name;
ALTER TABLE a ALTER COLUMN id TYPE int USING id + 0;
-- column types of tables created in this transaction are never refused
BEGIN;
CREATE TABLE fresh(id int);
ALTER TABLE fresh ALTER COLUMN id TYPE bigint USING id * 2;
ROLLBACK;

-- set_unlogged: the table would be empty after a crash and missing on standbys
ALTER TABLE a SET UNLOGGED;
ALTER TABLE p1 SET UNLOGGED;
CREATE SEQUENCE s;
ALTER SEQUENCE s SET UNLOGGED;
-- SET LOGGED, and tables already unlogged or created in this transaction, are fine
CREATE UNLOGGED TABLE u(id int);
ALTER TABLE u SET UNLOGGED;
ALTER TABLE u SET LOGGED;
-- ... and once logged, it is guarded
ALTER TABLE u SET UNLOGGED;
BEGIN;
CREATE TABLE fresh(id int);
ALTER TABLE fresh SET UNLOGGED;
ROLLBACK;
-- under the flag it runs
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
ALTER TABLE a SET UNLOGGED;
ALTER TABLE a ALTER COLUMN id TYPE bigint;
SELECT relpersistence FROM pg_class WHERE oid = 'a'::regclass;
ROLLBACK;

SELECT rule, object_identity, statement FROM migrate_guard.blocked_attempts
 WHERE database_name = current_database() ORDER BY attempt;
-- what changed is exactly what was allowed
SELECT attname, format_type(atttypid, atttypmod), attcollation <> 0 AS has_collation FROM pg_attribute
 WHERE attrelid = 'a'::regclass AND attnum > 0 ORDER BY attnum;
SELECT relname, relpersistence FROM pg_class WHERE relname IN ('a', 'p1', 's', 'u') ORDER BY relname;
SELECT * FROM a;
