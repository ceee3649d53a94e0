--
-- guard_new_objects: "created in this transaction" exempts only the object
-- itself; every old object a statement removes or rewrites is judged
--
\set VERBOSITY default
CREATE TABLE t(id int NOT NULL, v text);
INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 5) g;
CREATE TABLE kid(id int NOT NULL, v text);
INSERT INTO kid VALUES (1, 'k');
CREATE SEQUENCE old_seq;
SELECT setval('old_seq', 42);
CREATE TYPE pc AS (id int, v text);
CREATE TABLE typed OF pc;
INSERT INTO typed VALUES (1, 'typed');

-- an old table attached as a partition of a new partitioned table, which is dropped
BEGIN;
CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id);
ALTER TABLE np ATTACH PARTITION t FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
DROP TABLE np;
ROLLBACK;
-- ... or whose column is dropped, or whose column type is converted
BEGIN;
CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id);
ALTER TABLE np ATTACH PARTITION t FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
ALTER TABLE np DROP COLUMN v;
ROLLBACK;
BEGIN;
CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id);
ALTER TABLE np ATTACH PARTITION t FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
ALTER TABLE np ALTER COLUMN v TYPE int USING length(v);
ROLLBACK;
BEGIN;
CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id);
ALTER TABLE np ATTACH PARTITION t FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
DELETE FROM np;
ROLLBACK;
BEGIN;
CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id);
ALTER TABLE np ATTACH PARTITION t FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
TRUNCATE np;
ROLLBACK;
-- an old table made an inheritance child of a new parent
BEGIN;
CREATE TABLE parent(id int NOT NULL, v text);
ALTER TABLE kid INHERIT parent;
DROP TABLE parent CASCADE;
ROLLBACK;
BEGIN;
CREATE TABLE parent(id int NOT NULL, v text);
ALTER TABLE kid INHERIT parent;
DELETE FROM parent;
ROLLBACK;
BEGIN;
CREATE TABLE parent(id int NOT NULL, v text);
ALTER TABLE kid INHERIT parent;
UPDATE parent SET v = 'x';
ROLLBACK;
BEGIN;
CREATE TABLE parent(id int NOT NULL, v text);
ALTER TABLE kid INHERIT parent;
ALTER TABLE parent DROP COLUMN v;
SELECT attname FROM pg_attribute WHERE attrelid = 'kid'::regclass AND attnum > 0 AND NOT attisdropped;
ROLLBACK;
-- an old table typed by a new composite type
BEGIN;
CREATE TYPE nc AS (id int, v text);
ALTER TABLE t OF nc;
ALTER TYPE nc DROP ATTRIBUTE v CASCADE;
ROLLBACK;
BEGIN;
CREATE TYPE nc AS (id int, v text);
ALTER TABLE t OF nc;
ALTER TYPE nc ALTER ATTRIBUTE v TYPE varchar(3) CASCADE;
ROLLBACK;
BEGIN;
CREATE TYPE nc AS (id int, v text);
ALTER TABLE t OF nc;
DROP TYPE nc CASCADE;
ROLLBACK;
-- an old sequence owned by a new table
BEGIN;
CREATE TABLE owner_t(id int);
ALTER SEQUENCE old_seq OWNED BY owner_t.id;
DROP TABLE owner_t;
ROLLBACK;
BEGIN;
CREATE TABLE owner_t(id int);
ALTER SEQUENCE old_seq OWNED BY owner_t.id;
ALTER TABLE owner_t DROP COLUMN id;
ROLLBACK;
-- an old view hung on a new table by CREATE OR REPLACE
CREATE VIEW old_view AS SELECT 1 AS one;
BEGIN;
CREATE TABLE base(one int);
CREATE OR REPLACE VIEW old_view AS SELECT one FROM base;
DROP TABLE base CASCADE;
ROLLBACK;

-- still allowed: new partitioned tables with new partitions, dropped in the same transaction
BEGIN;
CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id);
CREATE TABLE np_1 PARTITION OF np FOR VALUES FROM (0) TO (10);
CREATE TABLE np_2(id int NOT NULL, v text);
ALTER TABLE np ATTACH PARTITION np_2 FOR VALUES FROM (10) TO (20);
INSERT INTO np VALUES (1, 'a'), (11, 'b');
DELETE FROM np;
ALTER TABLE np DROP COLUMN v;
TRUNCATE np;
CREATE SEQUENCE new_seq OWNED BY np.id;
DROP TABLE np;
CREATE TYPE nc AS (id int, v text);
CREATE TABLE nt OF nc;
ALTER TYPE nc DROP ATTRIBUTE v CASCADE;
DROP TABLE nt;
DROP TYPE nc;
COMMIT;
-- typed tables of permanent types keep working
CREATE TABLE typed2 OF pc;
INSERT INTO typed2 VALUES (2, 'two');
SELECT * FROM typed2;

SELECT rule, object_identity, statement FROM migrate_guard.blocked_attempts
 WHERE database_name = current_database() ORDER BY attempt;
-- nothing changed
SELECT count(*) AS t_rows, (SELECT count(*) FROM kid) AS kid_rows, (SELECT last_value FROM old_seq) AS seq,
       (SELECT count(*) FROM typed) AS typed_rows FROM t;
SELECT relname, relispartition FROM pg_class WHERE relname IN ('t', 'kid', 'typed') ORDER BY relname;
SELECT attrelid::regclass, attname, atttypid::regtype FROM pg_attribute
 WHERE attrelid IN ('t'::regclass, 'kid'::regclass) AND attnum > 0 AND NOT attisdropped ORDER BY 1, attnum;
SELECT pg_get_serial_sequence('t', 'id') IS NULL AS seq_not_owned, to_regclass('old_view') IS NOT NULL AS view_kept;
