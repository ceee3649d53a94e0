--
-- review_planted_code: a plain role plants code for the reviewer to run.  An
-- IMMUTABLE function (which constant folding would call) calls a VOLATILE
-- one that writes a file on the server (a superuser-only action); a
-- migration names it where the review would fold, plan, cook or probe it.
-- A superuser (a CI job) reviews the migration, with and without probes:
-- nothing planted runs (no NOTICE, no file), and the findings say what the
-- review did not evaluate.
--
SET ROLE mg_app;
CREATE TABLE t(id int PRIMARY KEY, v text);
INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 20) g;
CREATE FUNCTION public.payload() RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE NOTICE 'payload runs as %', current_user;
  -- a superuser-only action: write a file into the server's data directory
  EXECUTE format('COPY (SELECT %L) TO %L', 'written by mg_app''s code as ' || current_user,
                 current_setting('data_directory') || '/mg_planted_trace');
END $$;
CREATE FUNCTION public.feature_enabled() RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN PERFORM public.payload(); RETURN false; END $$;
CREATE FUNCTION public.feature_level(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN PERFORM public.payload(); RETURN $1; END $$;
CREATE FUNCTION public.feature_text(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT $1 || (SELECT CASE WHEN public.feature_enabled() THEN 'x' ELSE 'y' END)
$$;
RESET ROLE;
-- the trace file holds "nothing ran" until planted code runs
DO $$ BEGIN
  EXECUTE format('COPY (SELECT %L) TO %L', 'nothing ran', current_setting('data_directory') || '/mg_planted_trace');
END $$;

-- the attacker's migration, reviewed by a superuser
SELECT statement_no, rule, severity
  FROM migrate_guard.check_migration('DELETE FROM t WHERE feature_enabled();');
SELECT statement_no, rule, severity
  FROM migrate_guard.check_migration('DELETE FROM t WHERE feature_enabled();', probe => true);
-- every place where the review would evaluate an expression: the planted functions are named, never called
SELECT statement_no, rule, severity, message
  FROM migrate_guard.check_migration($mig$
SET lock_timeout = '1s';
UPDATE t SET v = v WHERE feature_enabled();
ALTER TABLE t ADD CONSTRAINT t_feature CHECK (feature_enabled() OR id > 0);
ALTER TABLE t ADD COLUMN level int DEFAULT feature_level(1);
ALTER TABLE t ALTER COLUMN v TYPE text USING feature_text(v);
CREATE INDEX t_level ON t ((feature_level(id)));
ALTER TABLE t ADD CONSTRAINT t_level_check CHECK (feature_level(id) > 0) NOT VALID;
ALTER TABLE t VALIDATE CONSTRAINT t_level_check;
$mig$, probe => true)
 WHERE rule IS NOT NULL AND rule NOT IN ('lock_conflict')
 ORDER BY statement_no, rule;
-- the guard by volume plans DELETE/UPDATE: not when the statement calls planted code
SET migrate_guard.max_rows_changed = 5;
SELECT statement_no, rule, severity, message
  FROM migrate_guard.check_migration('DELETE FROM t WHERE id > feature_level(0);', probe => true);
RESET migrate_guard.max_rows_changed;
SELECT pg_read_file('mg_planted_trace') AS trace_after_review;
-- the trace is real: a superuser calling the function (what the review never does) writes the file
SELECT feature_level(1) AS called;
SELECT pg_read_file('mg_planted_trace') AS trace_after_a_call;
