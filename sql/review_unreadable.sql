--
-- review_unreadable: the review does not tell a role whether a table it may
-- not SELECT (or whose row-level security hides rows from it) holds rows.
-- For such a table only the pg_class statistics
-- (relpages, reltuples: readable by everyone) are used, never a read of its
-- pages, and it is never taken for empty: an empty and a full table that
-- were never vacuumed get the same answer, which says why.  With SELECT the
-- same review tells them apart.
--
CREATE TABLE secret_empty(id int);
CREATE TABLE secret_full(id int);
INSERT INTO secret_full SELECT generate_series(1, 5);
CREATE TABLE secret_parent(id int) PARTITION BY RANGE (id);
CREATE TABLE secret_part PARTITION OF secret_parent FOR VALUES FROM (0) TO (100);
INSERT INTO secret_part VALUES (1);
REVOKE ALL ON secret_empty, secret_full, secret_parent, secret_part FROM PUBLIC;
SELECT relname, relpages, reltuples FROM pg_class WHERE relname LIKE 'secret%' ORDER BY 1;
CREATE FUNCTION review(script text) RETURNS TABLE(rule text, severity text, message text)
LANGUAGE sql AS $$
  SELECT rule, severity, message FROM migrate_guard.check_migration(script)
   WHERE rule IS DISTINCT FROM 'missing_lock_timeout' ORDER BY statement_no, rule
$$;

SET ROLE mg_app;
SELECT * FROM review($m$
ALTER TABLE secret_empty ADD COLUMN c int NOT NULL;
ALTER TABLE secret_full ADD COLUMN c int NOT NULL;
CREATE INDEX ON secret_empty(id);
CREATE INDEX ON secret_full(id);
$m$);
-- through a partitioned table: its partitions are not read either
SELECT * FROM review('ALTER TABLE secret_parent ADD COLUMN c int NOT NULL;');
-- the probes skip it as well
SELECT rule, severity, message FROM migrate_guard.check_migration(
  'ALTER TABLE secret_full ADD CONSTRAINT pos CHECK (id > 0);', probe => true)
 WHERE rule LIKE '%violation';
RESET ROLE;

-- with SELECT (on the parent: its partitions are read through it) the review looks
GRANT SELECT ON secret_empty, secret_full, secret_parent TO mg_app;
SET ROLE mg_app;
SELECT * FROM review($m$
ALTER TABLE secret_empty ADD COLUMN c int NOT NULL;
ALTER TABLE secret_full ADD COLUMN c int NOT NULL;
ALTER TABLE secret_parent ADD COLUMN c int NOT NULL;
$m$);
RESET ROLE;

-- row-level security that hides every row from mg_app: the same statistics-only answer
CREATE TABLE rls_hidden(id int, owner_name text);
INSERT INTO rls_hidden VALUES (1, 'someone else');
ALTER TABLE rls_hidden ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine ON rls_hidden USING (owner_name = current_user);
GRANT SELECT ON rls_hidden TO mg_app;
SET ROLE mg_app;
SELECT count(*) AS rows_mg_app_sees FROM rls_hidden;
SELECT * FROM review('ALTER TABLE rls_hidden ADD COLUMN c int NOT NULL;');
RESET ROLE;
-- its owner is not subject to it
SELECT * FROM review('ALTER TABLE rls_hidden ADD COLUMN c int NOT NULL;');
