--
-- review_probe_timer: a probe's timer (migrate_guard.probe_timeout) that fires
-- just as the probe ends must not leave a cancel pending: the caller's
-- statement would then fail "due to user request".  A 1 ms timeout on probes
-- of tables of several sizes (one of them takes about 1 ms on any machine)
-- hits the window now and then (before the fix: 11 and 6 of these calls
-- failed on the development machine; a stress test, not exact), with the
-- session's own statement_timeout armed (the timer is then re-armed for it)
-- and without.
--
CREATE TABLE small1 AS SELECT g AS id FROM generate_series(1, 500) g;
CREATE TABLE small2 AS SELECT g AS id FROM generate_series(1, 1000) g;
CREATE TABLE small3 AS SELECT g AS id FROM generate_series(1, 2000) g;
CREATE TABLE small4 AS SELECT g AS id FROM generate_series(1, 4000) g;
CREATE TABLE small5 AS SELECT g AS id FROM generate_series(1, 8000) g;
CREATE FUNCTION probe_many(n int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE errors int := 0; msg text;
BEGIN
  FOR i IN 1..n LOOP
    BEGIN
      PERFORM * FROM migrate_guard.check_migration(format('ALTER TABLE small%s ADD UNIQUE (id)', 1 + i % 5), probe => true);
      PERFORM pg_catalog.pg_sleep(0.001);
    EXCEPTION WHEN query_canceled THEN
      errors := errors + 1; msg := SQLERRM;
    END;
  END LOOP;
  RETURN format('%s cancelled%s', errors, ': ' || msg);
END$$;
SET migrate_guard.probe_timeout = 1;
SET statement_timeout = '1min';
SELECT probe_many(1500) AS with_statement_timeout;
RESET statement_timeout;
SELECT probe_many(500) AS without_statement_timeout;
-- the timer does fire (the biggest table's probe is skipped)
SELECT rule, severity, left(message, 40) AS message FROM migrate_guard.check_migration(
  'ALTER TABLE small5 ADD UNIQUE (id)', probe => true) WHERE rule = 'unique_violation';
