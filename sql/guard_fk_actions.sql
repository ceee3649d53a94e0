--
-- guard_fk_actions: an all-rows DELETE/UPDATE/MERGE of a table created in
-- this transaction is judged by what its foreign-key actions reach: the
-- existing tables whose rows ON DELETE CASCADE deletes (delete_without_where)
-- or SET NULL / SET DEFAULT / ON UPDATE CASCADE overwrite (update_without_where)
--
\set VERBOSITY default
SET ROLE mg_app;
CREATE TABLE t(id int PRIMARY KEY, v text DEFAULT 'dflt');
INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 10) g;
CREATE TABLE tp(id int NOT NULL, v text) PARTITION BY RANGE (id);
CREATE TABLE tp_1 PARTITION OF tp FOR VALUES FROM (1) TO (6);
CREATE TABLE tp_2 PARTITION OF tp FOR VALUES FROM (6) TO (11);
INSERT INTO tp SELECT g, 'v' || g FROM generate_series(1, 10) g;

-- ON DELETE CASCADE: every row of t goes with the rows of the new table
BEGIN;
CREATE TABLE p(id int PRIMARY KEY);
INSERT INTO p SELECT id FROM t;
ALTER TABLE t ADD CONSTRAINT t_p_fk FOREIGN KEY (id) REFERENCES p ON DELETE CASCADE;
DELETE FROM p;
ROLLBACK;
-- ON DELETE SET NULL / SET DEFAULT: every value of t.v is overwritten
BEGIN;
CREATE TABLE p2(v text PRIMARY KEY);
INSERT INTO p2 SELECT v FROM t;
ALTER TABLE t ADD CONSTRAINT t_p2_fk FOREIGN KEY (v) REFERENCES p2 ON DELETE SET NULL;
DELETE FROM p2;
ROLLBACK;
BEGIN;
CREATE TABLE p2(v text PRIMARY KEY);
INSERT INTO p2 SELECT v FROM t;
ALTER TABLE t ALTER COLUMN v SET DEFAULT NULL;
ALTER TABLE t ADD CONSTRAINT t_p2_fk FOREIGN KEY (v) REFERENCES p2 ON DELETE SET DEFAULT;
DELETE FROM p2 WHERE true;
ROLLBACK;
-- ON UPDATE CASCADE: changing every key of the new table rewrites t.v
BEGIN;
CREATE TABLE p2(v text PRIMARY KEY, note text);
INSERT INTO p2 SELECT v FROM t;
ALTER TABLE t ADD CONSTRAINT t_p2_fk FOREIGN KEY (v) REFERENCES p2 ON UPDATE CASCADE;
UPDATE p2 SET v = v || '!';
ROLLBACK;
BEGIN;
CREATE TABLE p2(v text PRIMARY KEY);
INSERT INTO p2 SELECT v FROM t;
ALTER TABLE t ADD CONSTRAINT t_p2_fk FOREIGN KEY (v) REFERENCES p2 ON UPDATE SET NULL;
UPDATE p2 SET v = upper(v) WHERE now() IS NOT NULL;
ROLLBACK;
-- the same through an updatable view, MERGE, a writable CTE, a DO block, a prepared statement
BEGIN;
CREATE TABLE p(id int PRIMARY KEY);
INSERT INTO p SELECT id FROM t;
ALTER TABLE t ADD CONSTRAINT t_p_fk FOREIGN KEY (id) REFERENCES p ON DELETE CASCADE;
CREATE VIEW pv AS SELECT * FROM p;
DELETE FROM pv WHERE (SELECT true);
ROLLBACK;
BEGIN;
CREATE TABLE p(id int PRIMARY KEY);
INSERT INTO p SELECT id FROM t;
ALTER TABLE t ADD CONSTRAINT t_p_fk FOREIGN KEY (id) REFERENCES p ON DELETE CASCADE;
SAVEPOINT s;
MERGE INTO p USING (SELECT 1) s ON true WHEN MATCHED THEN DELETE;
ROLLBACK TO s;
WITH d AS (DELETE FROM p RETURNING id) SELECT count(*) FROM d;
ROLLBACK TO s;
DO $$ BEGIN DELETE FROM p; END $$;
ROLLBACK TO s;
PREPARE del_p(int) AS DELETE FROM p WHERE $1 IS NULL OR id = $1;
EXECUTE del_p(3);
EXECUTE del_p(NULL);
ROLLBACK;
DEALLOCATE del_p;
-- a new partitioned table: the rows of its partitions cascade
BEGIN;
CREATE TABLE pp(id int PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE pp_1 PARTITION OF pp FOR VALUES FROM (1) TO (6);
CREATE TABLE pp_2 PARTITION OF pp FOR VALUES FROM (6) TO (11);
INSERT INTO pp SELECT id FROM t;
ALTER TABLE t ADD CONSTRAINT t_pp_fk FOREIGN KEY (id) REFERENCES pp ON DELETE CASCADE;
DELETE FROM pp;
ROLLBACK;
-- a new inheritance parent whose new child is referenced
BEGIN;
CREATE TABLE ip(id int);
CREATE TABLE ic(id int PRIMARY KEY) INHERITS (ip);
INSERT INTO ic SELECT id FROM t;
ALTER TABLE t ADD CONSTRAINT t_ic_fk FOREIGN KEY (id) REFERENCES ic ON DELETE CASCADE;
UPDATE ip SET id = id;
DELETE FROM ip;
ROLLBACK;
-- an existing partitioned table referencing the new one: its partitions lose their rows
BEGIN;
CREATE TABLE p(id int PRIMARY KEY);
INSERT INTO p SELECT id FROM t;
ALTER TABLE tp ADD CONSTRAINT tp_p_fk FOREIGN KEY (id) REFERENCES p ON DELETE CASCADE;
DELETE FROM p;
ROLLBACK;
-- a new partitioned table with an old partition, referencing the new one
BEGIN;
CREATE TABLE p(id int PRIMARY KEY);
INSERT INTO p SELECT id FROM t;
CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id);
ALTER TABLE tp DETACH PARTITION tp_2;
ALTER TABLE np ATTACH PARTITION tp_2 FOR VALUES FROM (6) TO (11);
ALTER TABLE np ADD CONSTRAINT np_p_fk FOREIGN KEY (id) REFERENCES p ON DELETE CASCADE;
DELETE FROM p;
ROLLBACK;
-- two levels: new p <- new q <- old t
BEGIN;
CREATE TABLE p(id int PRIMARY KEY);
INSERT INTO p SELECT id FROM t;
CREATE TABLE q(id int PRIMARY KEY REFERENCES p ON DELETE CASCADE);
INSERT INTO q SELECT id FROM t;
ALTER TABLE t ADD CONSTRAINT t_q_fk FOREIGN KEY (id) REFERENCES q ON DELETE CASCADE;
DELETE FROM p;
ROLLBACK;
-- ... and SET NULL on a new table's key column, which an old table references ON UPDATE CASCADE
BEGIN;
CREATE TABLE p2(v text PRIMARY KEY);
INSERT INTO p2 SELECT v FROM t;
CREATE TABLE q(id int PRIMARY KEY, pv text UNIQUE REFERENCES p2 ON DELETE SET NULL);
INSERT INTO q SELECT id, v FROM t;
ALTER TABLE t ADD CONSTRAINT t_q_fk FOREIGN KEY (v) REFERENCES q (pv) ON UPDATE CASCADE;
DELETE FROM p2;
ROLLBACK;
-- TRUNCATE ... CASCADE of the new table empties the old one
BEGIN;
CREATE TABLE p(id int PRIMARY KEY);
INSERT INTO p SELECT id FROM t;
ALTER TABLE t ADD CONSTRAINT t_p_fk FOREIGN KEY (id) REFERENCES p ON DELETE NO ACTION;
TRUNCATE p CASCADE;
ROLLBACK;

-- allowed: a real WHERE; an UPDATE that changes no referenced key; actions
-- reaching only new tables; RESTRICT / NO ACTION (PostgreSQL refuses those rows)
BEGIN;
CREATE TABLE p(id int PRIMARY KEY, note text);
INSERT INTO p SELECT id FROM t;
ALTER TABLE t ADD CONSTRAINT t_p_fk FOREIGN KEY (id) REFERENCES p ON DELETE CASCADE ON UPDATE CASCADE;
DELETE FROM p WHERE id = 10;
UPDATE p SET note = 'n';
MERGE INTO p USING (SELECT 1) s ON true WHEN MATCHED THEN UPDATE SET note = 'm';
CREATE TABLE q(id int REFERENCES p ON DELETE CASCADE);
INSERT INTO q SELECT id FROM p;
CREATE TABLE r(id int PRIMARY KEY);
INSERT INTO r VALUES (1);
CREATE TABLE r_ref(id int REFERENCES r ON DELETE CASCADE);
DELETE FROM r;
ALTER TABLE t DROP CONSTRAINT t_p_fk;
ALTER TABLE t ADD CONSTRAINT t_p_fk FOREIGN KEY (id) REFERENCES p ON DELETE RESTRICT;
SAVEPOINT s;
DELETE FROM p;
ROLLBACK TO s;
ALTER TABLE t DROP CONSTRAINT t_p_fk;
DELETE FROM p;
SELECT count(*) AS t_rows, (SELECT count(*) FROM q) AS q_rows FROM t;
ROLLBACK;
-- a BEFORE UPDATE trigger may change the key: the UPDATE is judged as changing it
BEGIN;
CREATE TABLE p2(v text PRIMARY KEY, note text);
INSERT INTO p2 SELECT v FROM t;
ALTER TABLE t ADD CONSTRAINT t_p2_fk FOREIGN KEY (v) REFERENCES p2 ON UPDATE CASCADE;
CREATE FUNCTION rekey() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.v := NEW.v || '?'; RETURN NEW; END$$;
CREATE TRIGGER rekey BEFORE UPDATE ON p2 FOR EACH ROW EXECUTE FUNCTION rekey();
UPDATE p2 SET note = 'n';
ROLLBACK;
RESET ROLE;

-- under the flag it runs, and the audit row names the old table
CREATE TABLE a(id int PRIMARY KEY);
INSERT INTO a VALUES (1), (2);
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SET LOCAL migrate_guard.reason = 'fk test';
CREATE TABLE p(id int PRIMARY KEY);
INSERT INTO p VALUES (1), (2);
ALTER TABLE a ADD FOREIGN KEY (id) REFERENCES p ON DELETE CASCADE;
DELETE FROM p;
COMMIT;
SELECT count(*) AS a_rows FROM a;
SELECT command_tag, object_identity, statement, rule, overridden, reason FROM migrate_guard.ddl_log
 WHERE event = 'guard' ORDER BY id;

SELECT rule, object_identity, statement FROM migrate_guard.blocked_attempts
 WHERE database_name = current_database() ORDER BY attempt;
-- nothing changed
SELECT count(*) AS t_rows, count(*) FILTER (WHERE v = 'v' || id) AS t_values_kept,
       (SELECT count(*) FROM tp) AS tp_rows FROM t;
SELECT conname FROM pg_constraint WHERE conrelid IN ('t'::regclass, 'tp'::regclass) AND contype = 'f';
