--
-- guard_temp_deps: no permanent object may come to depend on a temporary one
-- (the session's end or DISCARD TEMP would drop it with CASCADE, unaudited)
--
\set VERBOSITY default
CREATE TABLE t(id int, v text);
INSERT INTO t VALUES (1, 'a'), (2, 'b');
CREATE TYPE pg_temp.c AS (id int, v text);
CREATE FUNCTION pg_temp.ok(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION pg_temp.trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TYPE pg_temp.mood AS ENUM ('ok', 'sad');
CREATE TEMP SEQUENCE tseq;
CREATE TEMP TABLE tt(id int);

-- refused: each of these would make a permanent object depend on a temporary one
ALTER TABLE t OF pg_temp.c;
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON t USING (pg_temp.ok(id) AND id > 0);
ALTER TABLE t ALTER COLUMN id SET DEFAULT nextval('pg_temp.tseq');
ALTER TABLE t ADD CONSTRAINT c_ok CHECK (pg_temp.ok(id));
CREATE INDEX t_ok ON t (pg_temp.ok(id));
CREATE TRIGGER t_trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION pg_temp.trg();
ALTER TABLE t ADD COLUMN m pg_temp.mood;
CREATE TABLE perm_typed OF pg_temp.c;
CREATE TABLE perm_col(m pg_temp.mood);
CREATE DOMAIN okint AS int CHECK (pg_temp.ok(VALUE));
CREATE TYPE perm_comp AS (m pg_temp.mood);
CREATE FUNCTION perm_fn(pg_temp.mood) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION perm_atomic(int) RETURNS boolean LANGUAGE sql BEGIN ATOMIC SELECT pg_temp.ok($1); END;
CREATE TABLE perm_default(id int DEFAULT nextval('pg_temp.tseq'));
CREATE VIEW perm_view AS SELECT pg_temp.ok(1) AS ok;
CREATE MATERIALIZED VIEW perm_mv AS SELECT pg_temp.ok(1) AS ok;
CREATE VIEW perm_view2 AS SELECT 1 AS one;
CREATE OR REPLACE VIEW perm_view2 AS SELECT 1 AS one WHERE pg_temp.ok(1);
-- even for a table created in the same transaction: it would outlive the session otherwise
BEGIN;
CREATE TABLE fresh(id int, v text);
ALTER TABLE fresh OF pg_temp.c;
ROLLBACK;

-- allowed: temporary objects depending on temporary ones, permanent ones on permanent ones
CREATE TEMP TABLE tt_typed OF pg_temp.c;
CREATE POLICY pp ON tt USING (pg_temp.ok(id));
CREATE INDEX tt_ok ON tt (pg_temp.ok(id));
CREATE FUNCTION pg_temp.f2(pg_temp.mood) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE TEMP VIEW tv AS SELECT * FROM t;
CREATE TYPE perm AS (id int, v text);
CREATE TABLE perm_typed OF perm;

SELECT rule, object_identity, statement FROM migrate_guard.blocked_attempts
 WHERE database_name = current_database() ORDER BY attempt;

-- nested deeper than any fixed bound (70 utility statements deep: DO blocks
-- running a function running a DO block ...), still judged
CREATE FUNCTION nest(n int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF n > 0 THEN
    EXECUTE format('DO $d$ BEGIN PERFORM nest(%s); END $d$', n - 1);
  ELSE
    ALTER TABLE t OF pg_temp.c;
  END IF;
END $$;
\set VERBOSITY terse
SELECT nest(70);
\set VERBOSITY default
DROP FUNCTION nest(int);

-- nothing of it happened: DISCARD TEMP leaves every permanent object in place
DISCARD TEMP;
SELECT count(*) AS t_rows FROM t;
SELECT reloftype <> 0 AS typed, relrowsecurity FROM pg_class WHERE oid = 't'::regclass;
SELECT count(*) AS policies FROM pg_policy WHERE polrelid = 't'::regclass;
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 't'::regclass;
SELECT count(*) AS indexes FROM pg_index WHERE indrelid = 't'::regclass;
SELECT count(*) AS checks FROM pg_constraint WHERE conrelid = 't'::regclass;
SELECT attname FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum;
SELECT to_regclass('perm_col') AS perm_col, to_regtype('okint') AS okint, to_regtype('perm_comp') AS perm_comp,
       to_regproc('perm_fn') AS perm_fn, to_regclass('perm_default') AS perm_default,
       to_regclass('perm_view') AS perm_view, to_regclass('perm_mv') AS perm_mv, to_regclass('perm_view2') IS NOT NULL AS view2_kept;
SELECT pg_get_expr(adbin, adrelid) AS t_default FROM pg_attrdef WHERE adrelid = 't'::regclass;
SELECT to_regclass('perm_typed') IS NOT NULL AS perm_typed_kept;
