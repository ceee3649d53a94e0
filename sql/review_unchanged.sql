--
-- review_unchanged: a review runs nothing.  The database is the same before
-- and after any review (catalog, data, sequences, planner and activity
-- statistics, the audit log, the refusal ring); no transaction id is assigned
-- (nothing written); no lock is left behind; no function a statement names
-- is called (defaults, USING, WHERE, index expressions); no sequence moves.
-- Nor is any function defined in the database that PostgreSQL itself would
-- call while only preparing a statement: IMMUTABLE and STABLE functions with
-- constant arguments that the guard's classifier or the planner would fold, a
-- domain's CHECK reached through a literal or planned by the type cache,
-- casts, operators, SQL functions the planner would inline, index expressions
-- the relation cache folds, CHECK probes.
--
SET lock_timeout = '2s';
CREATE TABLE hits(n int);
INSERT INTO hits VALUES (0);
-- functions that leave a trace when called: a row in hits, a NOTICE
CREATE FUNCTION noisy_volatile() RETURNS int LANGUAGE plpgsql VOLATILE AS $$
BEGIN RAISE NOTICE 'noisy_volatile was called'; UPDATE hits SET n = n + 1 WHERE n >= 0; RETURN 1; END $$;
CREATE FUNCTION noisy_immutable(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RAISE NOTICE 'noisy_immutable was called'; RETURN $1; END $$;
CREATE PROCEDURE noisy_proc() LANGUAGE plpgsql AS $$ BEGIN PERFORM noisy_volatile(); END $$;
-- a call would show: here is what one looks like
SELECT noisy_volatile() + noisy_immutable(1) AS called_once;
UPDATE hits SET n = 0 WHERE n > 0;
CREATE SEQUENCE ids;
SELECT nextval('ids') AS first_id;
CREATE TABLE items(id int PRIMARY KEY, v int, tag text);
INSERT INTO items SELECT g, g, 't' || (g % 3) FROM generate_series(1, 3000) g;
CREATE TABLE item_refs(id int, item_id int);
INSERT INTO item_refs SELECT g, g FROM generate_series(1, 100) g;
CREATE MATERIALIZED VIEW item_tags AS SELECT DISTINCT tag FROM items;
CREATE POLICY items_all ON items USING (true);
-- user code PostgreSQL calls while it only prepares a statement (each leaves a NOTICE when called)
CREATE FUNCTION noisy_stable(int) RETURNS int LANGUAGE plpgsql STABLE AS $$
BEGIN RAISE NOTICE 'noisy_stable was called'; RETURN $1; END $$;
CREATE FUNCTION noisy_check(int) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RAISE NOTICE 'noisy_check was called'; RETURN true; END $$;
CREATE DOMAIN checked_int AS int CHECK (noisy_check(VALUE));
CREATE DOMAIN folded_dom AS int CHECK (VALUE > noisy_immutable(0));
CREATE FUNCTION noisy_eq(int, int) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RAISE NOTICE 'noisy_eq was called'; RETURN $1 = $2; END $$;
CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, PROCEDURE = noisy_eq);
CREATE FUNCTION inlined(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 + noisy_immutable(0)';
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE FUNCTION mood_num(mood) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT noisy_immutable(1) + 0';
CREATE CAST (mood AS int) WITH FUNCTION mood_num(mood) AS ASSIGNMENT;
CREATE TABLE moods(id int, m mood, c checked_int[]);
INSERT INTO moods SELECT g, 'sad' FROM generate_series(1, 100) g;
CREATE TABLE folded(id int, v int);
INSERT INTO folded SELECT g, g FROM generate_series(1, 100) g;
-- creating them calls the function (once: the constant call is folded)
ALTER TABLE folded ADD CONSTRAINT folded_v CHECK (noisy_immutable(1) = 1 AND v IS NOT NULL);
CREATE INDEX folded_expr ON folded ((v + noisy_immutable(1)));
VACUUM ANALYZE;

-- everything a review could disturb, as one digest
CREATE FUNCTION db_digest() RETURNS text LANGUAGE sql AS $$
SELECT pg_catalog.md5(pg_catalog.string_agg(x, E'\n' ORDER BY x)) FROM (
  SELECT pg_catalog.format('class %s %s %s %s %s %s %s %s', c.oid::regclass, c.relkind, c.relfilenode, c.relpages,
                           c.reltuples, c.relallvisible, c.relnatts, c.relhasindex)
    FROM pg_catalog.pg_class c WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT pg_catalog.format('column %s %s %s %s %s %s', a.attrelid::regclass, a.attname, a.atttypid::regtype,
                           a.attnotnull, a.atthasdef, a.attisdropped)
    FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
   WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0
  UNION ALL
  SELECT pg_catalog.format('constraint %s %s %s', conrelid::regclass, conname, pg_catalog.pg_get_constraintdef(oid))
    FROM pg_catalog.pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT pg_catalog.format('index %s %s', pg_catalog.pg_get_indexdef(indexrelid), indisvalid) FROM pg_catalog.pg_index
   WHERE indrelid IN (SELECT oid FROM pg_catalog.pg_class WHERE relnamespace = 'public'::regnamespace)
  UNION ALL
  SELECT pg_catalog.format('default %s %s', adrelid::regclass, pg_catalog.pg_get_expr(adbin, adrelid)) FROM pg_catalog.pg_attrdef
  UNION ALL
  SELECT pg_catalog.format('object %s %s', 'pg_proc', pg_catalog.count(*)) FROM pg_catalog.pg_proc
  UNION ALL
  SELECT pg_catalog.format('object %s %s', 'pg_policy', pg_catalog.count(*)) FROM pg_catalog.pg_policy
  UNION ALL
  SELECT pg_catalog.format('statistic %s %s %s %s', starelid::regclass, staattnum, stanullfrac, stadistinct)
    FROM pg_catalog.pg_statistic WHERE starelid IN (SELECT oid FROM pg_catalog.pg_class WHERE relnamespace = 'public'::regnamespace)
  UNION ALL
  SELECT pg_catalog.format('activity %s ins %s upd %s del %s hot %s live %s dead %s mod %s insvac %s vac %s an %s',
                           relname, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd, n_live_tup, n_dead_tup,
                           n_mod_since_analyze, n_ins_since_vacuum, vacuum_count + autovacuum_count,
                           analyze_count + autoanalyze_count)
    FROM pg_catalog.pg_stat_user_tables
  UNION ALL SELECT 'data items ' || pg_catalog.md5(pg_catalog.string_agg(i::text, ',' ORDER BY i.id)) FROM items i
  UNION ALL SELECT 'data item_refs ' || pg_catalog.md5(pg_catalog.string_agg(r::text, ',' ORDER BY r.id)) FROM item_refs r
  UNION ALL SELECT 'data item_tags ' || pg_catalog.string_agg(tag, ',' ORDER BY tag) FROM item_tags
  UNION ALL SELECT 'data hits ' || n FROM hits
  UNION ALL SELECT pg_catalog.format('sequence ids %s %s', last_value, is_called) FROM ids
  UNION ALL SELECT 'audit rows ' || pg_catalog.count(*) FROM migrate_guard.ddl_log
  UNION ALL SELECT 'refusals ' || pg_catalog.count(*) FROM migrate_guard.blocked_attempts
) s(x)
$$;

-- a script that names every kind of thing the review must not run or evaluate
CREATE TABLE scripts(name text, body text);
INSERT INTO scripts VALUES ('kitchen sink', $mig$
ALTER TABLE items ADD COLUMN a int DEFAULT noisy_volatile();
ALTER TABLE items ADD COLUMN b int DEFAULT noisy_immutable(1);
ALTER TABLE items ADD COLUMN c bigint DEFAULT nextval('ids');
ALTER TABLE items ADD COLUMN d bigserial;
ALTER TABLE items ALTER COLUMN v TYPE bigint USING noisy_immutable(v);
ALTER TABLE items ALTER COLUMN v TYPE bigint USING v + noisy_immutable(1);
ALTER TABLE items ADD CONSTRAINT items_v_check CHECK (noisy_immutable(v) > 0);
ALTER TABLE items ADD CONSTRAINT items_tag_key UNIQUE (tag);
ALTER TABLE items ALTER COLUMN tag SET NOT NULL;
ALTER TABLE item_refs ADD FOREIGN KEY (item_id) REFERENCES items;
CREATE INDEX ON items (noisy_immutable(v));
CREATE UNIQUE INDEX ON items (tag);
DELETE FROM items WHERE v = noisy_immutable(3);
DELETE FROM items WHERE noisy_immutable(1) = 1 AND id = 1;
UPDATE items SET v = noisy_volatile() WHERE id = 1;
INSERT INTO items VALUES (noisy_volatile(), 1, 'x');
INSERT INTO items SELECT nextval('ids'), 1, 'x';
EXPLAIN ANALYZE DELETE FROM items WHERE id = noisy_volatile();
SELECT noisy_volatile();
SELECT nextval('ids');
CREATE TABLE copy_of AS SELECT noisy_volatile() FROM items;
DO $$ BEGIN PERFORM noisy_volatile(); END $$;
CALL noisy_proc();
DROP TABLE items CASCADE;
TRUNCATE items;
DROP SEQUENCE ids;
DROP FUNCTION noisy_volatile();
DROP POLICY items_all ON items;
ALTER TABLE items DISABLE ROW LEVEL SECURITY;
VACUUM FULL items;
CLUSTER items USING items_pkey;
REFRESH MATERIALIZED VIEW item_tags;
REINDEX TABLE items;
LOCK TABLE items IN ACCESS EXCLUSIVE MODE;
ANALYZE items;
COMMENT ON TABLE items IS 'changed';
GRANT ALL ON items TO PUBLIC;
ALTER SEQUENCE ids RESTART WITH 1000;
SELECT setval('ids', 5000);
$mig$);
-- what PostgreSQL would evaluate while preparing these (with migrate_guard.max_rows_changed set: planned too)
INSERT INTO scripts VALUES ('user code', $mig$
DELETE FROM items WHERE noisy_immutable(1) = 1;
DELETE FROM items WHERE noisy_immutable(1) = 1 OR id = id;
DELETE FROM items WHERE noisy_stable(1) = 1 OR id = 1;
DELETE FROM items WHERE 1 === 1;
DELETE FROM items WHERE inlined(1) = 1;
DELETE FROM items WHERE id > txid_current()::text::int;
DELETE FROM items WHERE 5::folded_dom = 5;
DELETE FROM items WHERE v::folded_dom > 5 OR id = id;
UPDATE moods SET c = '{5}' WHERE id = 1;
ALTER TABLE moods ADD COLUMN d checked_int[] DEFAULT '{7}';
ALTER TABLE moods ALTER COLUMN m TYPE int;
ALTER TABLE moods ADD COLUMN e folded_dom;
ALTER TABLE folded ALTER COLUMN v TYPE folded_dom;
ALTER TABLE folded ALTER COLUMN v SET NOT NULL;
ALTER TABLE items ADD CONSTRAINT k CHECK (noisy_immutable(1) = 1 AND v IS NOT NULL) NOT VALID;
ALTER TABLE items VALIDATE CONSTRAINT k;
ALTER TABLE items ALTER COLUMN v SET NOT NULL;
CREATE INDEX ON items ((v + noisy_immutable(1)));
CREATE INDEX ON items (v) WHERE noisy_immutable(1) = 1;
DELETE FROM folded WHERE id > 0;
DELETE FROM items WHERE v > noisy_immutable(1);
$mig$);

-- a new session: nothing cached (the relcache folds folded_expr's expression when a query first plans on folded)
\c
SET lock_timeout = '2s';
SELECT pg_catalog.pg_stat_force_next_flush();
SELECT db_digest() AS before \gset

-- every review inside one transaction: afterwards no transaction id, no lock, same digest, no NOTICE
BEGIN;
SET LOCAL migrate_guard.max_rows_changed = 10;
SELECT count(*) > 30 AS reviewed, count(*) FILTER (WHERE severity = 'blocked') > 0 AS found_blocked
  FROM scripts, migrate_guard.check_migration(body);
SELECT name, migrate_guard.migration_verdict(body) FROM scripts ORDER BY name;
-- what the review says of what it could not evaluate
SELECT c.statement_no, c.rule, c.severity, c.message
  FROM scripts, migrate_guard.check_migration(body) c
 WHERE name = 'user code' AND c.rule IS DISTINCT FROM 'missing_lock_timeout'
 ORDER BY 1, 2;
-- the data probes read (as the caller, read-only): run them too, with a CHECK that calls nothing
SELECT count(*) FILTER (WHERE rule LIKE '%violation') > 0 AS probed
  FROM migrate_guard.check_migration($mig$
ALTER TABLE items ADD CONSTRAINT items_tag_key UNIQUE (tag);
ALTER TABLE items ALTER COLUMN tag SET NOT NULL;
ALTER TABLE item_refs ADD FOREIGN KEY (item_id) REFERENCES items;
ALTER TABLE items ADD CONSTRAINT items_v_check CHECK (v > 0);
$mig$, probe => true);
-- a CHECK probe whose expression calls user code (or a built-in with effects) is skipped
SELECT rule, severity, message FROM migrate_guard.check_migration($mig$
ALTER TABLE items ADD CONSTRAINT items_v_check CHECK (noisy_immutable(v) > 0);
ALTER TABLE items ADD CONSTRAINT items_x_check CHECK (txid_current() > 0);
$mig$, probe => true) WHERE rule = 'check_violation';
SELECT pg_catalog.pg_current_xact_id_if_assigned() IS NULL AS nothing_written;
SELECT locktype, relation::regclass, mode FROM pg_catalog.pg_locks
 WHERE pid = pg_catalog.pg_backend_pid() AND locktype NOT IN ('virtualxid')
   AND NOT (locktype = 'relation' AND relation = 'pg_catalog.pg_locks'::regclass);
COMMIT;

SELECT pg_catalog.pg_stat_force_next_flush();
SELECT pg_catalog.pg_stat_clear_snapshot();
SELECT db_digest() = :'before' AS unchanged, (SELECT n FROM hits) AS function_calls,
       (SELECT last_value FROM ids) AS sequence_value;

-- the barrier goes with the review: user code runs again right after, also after a review that was cancelled
SELECT noisy_immutable(7) AS called_after_review;
BEGIN;
SAVEPOINT before_review;
SET LOCAL statement_timeout = '1s';
SELECT count(*) FROM migrate_guard.check_migration(repeat('DELETE FROM items WHERE noisy_immutable(1) = 1; ', 200000));
ROLLBACK TO before_review;
SELECT noisy_immutable(8) AS called_after_cancel;
COMMIT;

-- the review also works where nothing may be written at all
BEGIN TRANSACTION READ ONLY;
SELECT migrate_guard.migration_verdict(body) FROM scripts;
SELECT count(*) > 0 AS probed FROM migrate_guard.check_migration('ALTER TABLE items ADD UNIQUE (tag)', probe => true);
COMMIT;
