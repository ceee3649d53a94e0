--
-- guard_where: a WHERE (or MERGE ON) that references no column of the target
-- counts as no WHERE; a correlated reference in a sub-query counts
--
\set VERBOSITY default
CREATE TABLE t(id int PRIMARY KEY, v text);
INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 5) g;
CREATE TABLE other(x int, flag bool);
INSERT INTO other VALUES (1, true), (2, false);

-- refused: nothing in the WHERE is a column of t
DELETE FROM t WHERE (SELECT true);
DELETE FROM t WHERE EXISTS (SELECT 1);
DELETE FROM t WHERE EXISTS (SELECT 1 FROM other WHERE flag);
DELETE FROM t WHERE now() IS NOT NULL;
DELETE FROM t WHERE random() >= 0;
UPDATE t SET v = 'x' WHERE current_user IS NOT NULL;
UPDATE t SET v = 'x' WHERE 1 IN (SELECT x FROM other);
DELETE FROM t USING other WHERE other.flag;
UPDATE t SET v = o.x::text FROM other o WHERE o.x = 1;
PREPARE p(bool) AS DELETE FROM t WHERE $1;
EXECUTE p(true);
DEALLOCATE p;
DO $$ DECLARE go bool := true; BEGIN DELETE FROM t WHERE go; END $$;
MERGE INTO t USING other o ON (SELECT true) WHEN MATCHED THEN DELETE;
MERGE INTO t USING other o ON o.flag WHEN MATCHED THEN UPDATE SET v = 'm';
MERGE INTO t USING other o ON t.id = o.x OR true WHEN MATCHED THEN DELETE;
WITH w AS (DELETE FROM t WHERE (SELECT count(*) FROM other) > 0 RETURNING 1) SELECT count(*) FROM w;

-- allowed: the WHERE uses a column of t, also inside a correlated sub-query
DELETE FROM t WHERE EXISTS (SELECT 1 FROM other WHERE other.x = t.id + 100);
DELETE FROM t WHERE id IN (SELECT x + 100 FROM other);
DELETE FROM t WHERE (SELECT t.id > 100);
UPDATE t SET v = v WHERE EXISTS (SELECT 1 FROM other WHERE other.x = t.id) AND false;
DELETE FROM t USING other WHERE other.x = t.id + 100;
MERGE INTO t USING other o ON t.id = o.x + 100 WHEN MATCHED THEN DELETE;
-- a WHERE that folds to false deletes nothing: allowed
DELETE FROM t WHERE false;
DELETE FROM t WHERE NULL;
PREPARE q(bool) AS DELETE FROM t WHERE $1;
EXECUTE q(false);
DEALLOCATE q;
DO $$ DECLARE go bool := false; BEGIN DELETE FROM t WHERE go; END $$;
-- a view with INSTEAD OF triggers: its WHERE reads the view's columns (the
-- rewriter moves them to a sub-query), so it restricts; without one it does not
CREATE VIEW tv AS SELECT id, v FROM t;
CREATE FUNCTION tv_del() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN DELETE FROM t WHERE id = OLD.id; RETURN OLD; END$$;
CREATE TRIGGER tv_del INSTEAD OF DELETE ON tv FOR EACH ROW EXECUTE FUNCTION tv_del();
CREATE FUNCTION tv_upd() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN UPDATE t SET v = NEW.v WHERE id = OLD.id; RETURN NEW; END$$;
CREATE TRIGGER tv_upd INSTEAD OF UPDATE ON tv FOR EACH ROW EXECUTE FUNCTION tv_upd();
DELETE FROM tv WHERE id > 100;
UPDATE tv SET v = v WHERE id > 100;
DELETE FROM tv;
UPDATE tv SET v = 'x' WHERE (SELECT true);
-- temporary tables and tables created in this transaction are still exempt
CREATE TEMP TABLE scratch(id int);
INSERT INTO scratch VALUES (1);
DELETE FROM scratch WHERE (SELECT true);
BEGIN;
CREATE TABLE fresh(id int);
DELETE FROM fresh WHERE now() IS NOT NULL;
ROLLBACK;

-- WHERE CURRENT OF: the cursor's row only (SQL and PL/pgSQL cursors): allowed
BEGIN;
DECLARE c CURSOR FOR SELECT * FROM t WHERE id = 3 FOR UPDATE;
FETCH c;
UPDATE t SET v = 'current' WHERE CURRENT OF c;
DELETE FROM t WHERE CURRENT OF c;
PREPARE cur_upd AS UPDATE t SET v = 'prepared' WHERE CURRENT OF c2;
DECLARE c2 CURSOR FOR SELECT * FROM t WHERE id = 2 FOR UPDATE;
FETCH c2;
EXECUTE cur_upd;
DO $$
DECLARE c3 CURSOR FOR SELECT * FROM t WHERE id IN (1, 4) ORDER BY id FOR UPDATE; r record;
BEGIN
  OPEN c3;
  FETCH c3 INTO r;
  UPDATE t SET v = upper(v) WHERE CURRENT OF c3;
  FETCH c3 INTO r;
  DELETE FROM t WHERE CURRENT OF c3;
  CLOSE c3;
END $$;
DO $$
DECLARE c4 CURSOR FOR SELECT * FROM t WHERE id = 5 FOR UPDATE;
BEGIN
  FOR r IN c4 LOOP
    UPDATE t SET v = 'loop ' || r.v WHERE CURRENT OF c4;
  END LOOP;
END $$;
SELECT id, v FROM t ORDER BY id;
ROLLBACK;
DEALLOCATE cur_upd;
SELECT rule, object_identity, statement FROM migrate_guard.blocked_attempts
 WHERE database_name = current_database() ORDER BY attempt;
SELECT * FROM t ORDER BY id;
