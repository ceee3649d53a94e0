--
-- review_planted_code_superuser: a plain role plants an IMMUTABLE function
-- that calls a VOLATILE one (which writes a server file as whoever runs it)
-- and a migration whose WHERE names it; a superuser reviews the migration.
-- The review calls no function defined in the database: the file is not
-- written, and the DELETE whose WHERE it cannot evaluate is judged as one
-- that may delete every row.
--
SET ROLE mg_app;
CREATE TABLE t(id int PRIMARY KEY);
CREATE FUNCTION public.payload() RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE NOTICE 'payload runs as %, superuser: %', current_user,
    (SELECT rolsuper FROM pg_roles WHERE rolname = current_user);
  -- a superuser-only action: write a file on the server
  EXECUTE $c$COPY (SELECT 'written by mg_app''s code as ' || current_user) TO 'mg_planted_superuser_trace'$c$;
END $$;
CREATE FUNCTION public.feature_enabled() RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN PERFORM public.payload(); RETURN false; END $$;
RESET ROLE;
COPY (SELECT 'nothing ran') TO 'mg_planted_superuser_trace';
-- the reviewer (superuser) only reviews the migration file
SELECT statement_no, rule, severity
  FROM migrate_guard.check_migration('DELETE FROM t WHERE feature_enabled();');
SELECT pg_read_file('mg_planted_superuser_trace') AS file_written_during_review;
