--
-- blocked_attempts_flood: a role flooding the refusal ring never evicts the
-- refusals of roles holding fewer entries; identical refusals are counted in
-- one entry; the 1,000 newest refusals are always kept
--
\set VERBOSITY terse
CREATE ROLE bf_victim LOGIN;
CREATE ROLE bf_flooder LOGIN;
CREATE ROLE bf_third LOGIN;
CREATE TABLE bf(id int);
GRANT ALL ON bf TO bf_victim, bf_flooder, bf_third;
CREATE FUNCTION bf_refuse(prefix text, n int, distinct_statements boolean) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE refused int := 0;
BEGIN
  FOR i IN 1..n LOOP
    BEGIN
      EXECUTE format('TRUNCATE bf /* %s %s */', prefix, CASE WHEN distinct_statements THEN i ELSE 0 END);
    EXCEPTION WHEN SQLSTATE 'MG001' THEN refused := refused + 1;
    END;
  END LOOP;
  RETURN refused;
END $$;
GRANT EXECUTE ON FUNCTION bf_refuse(text, int, boolean) TO PUBLIC;
-- the other roles' entries in the ring (the flooder's count depends on what
-- the cluster refused before: it fills what is left)
CREATE VIEW bf_entries AS
  SELECT role_name, count(*) AS entries, sum(repeat_count) AS refusals
    FROM migrate_guard.blocked_attempts WHERE role_name IN ('bf_victim', 'bf_third') GROUP BY 1 ORDER BY 1;
CREATE VIEW bf_flooder_entries AS
  SELECT count(*) >= 1000 AS at_least_1000, count(*) + (SELECT count(*) FROM migrate_guard.blocked_attempts
                                                         WHERE role_name <> 'bf_flooder') <= 2048 AS within_capacity
    FROM migrate_guard.blocked_attempts WHERE role_name = 'bf_flooder';

-- the victim: five distinct refusals, and one repeated three times
SET ROLE bf_victim;
SELECT bf_refuse('victim', 5, true);
SELECT bf_refuse('victim-again', 3, false);
RESET ROLE;
SELECT statement, repeat_count, first_blocked_at <= blocked_at AS first_before_last
  FROM migrate_guard.blocked_attempts WHERE role_name = 'bf_victim' ORDER BY attempt;

-- the flood: 3,000 distinct refusals (more than the ring holds), then 5,000
-- identical ones
SET ROLE bf_flooder;
SELECT bf_refuse('flood', 3000, true);
RESET ROLE;
-- the victim's entries are all there; the flood's newest 1,000 too
SELECT * FROM bf_entries;
SELECT statement, repeat_count FROM migrate_guard.blocked_attempts WHERE role_name = 'bf_victim' ORDER BY attempt;
SELECT count(*) AS flood_newest_kept FROM migrate_guard.blocked_attempts
 WHERE role_name = 'bf_flooder' AND statement ~ '^TRUNCATE bf /\* flood [0-9]+ \*/$'
   AND substring(statement FROM '[0-9]+')::int > 3000 - 1000;
SELECT * FROM bf_flooder_entries;
SET ROLE bf_flooder;
SELECT bf_refuse('same', 5000, false);
RESET ROLE;
SELECT * FROM bf_entries;
SELECT repeat_count, first_blocked_at < blocked_at AS spans_time FROM migrate_guard.blocked_attempts
 WHERE role_name = 'bf_flooder' AND statement = 'TRUNCATE bf /* same 0 */';

-- a third role arriving after the flood keeps all of its (fewer) entries,
-- which take the flooder's place
SET ROLE bf_third;
SELECT bf_refuse('third', 600, true);
RESET ROLE;
SELECT * FROM bf_entries;
SELECT * FROM bf_flooder_entries;
-- the flooder floods again: the victim and the third role lose nothing
SET ROLE bf_flooder;
SELECT bf_refuse('flood-again', 2000, true);
RESET ROLE;
SELECT * FROM bf_entries;
SELECT * FROM bf_flooder_entries;
-- each role still sees only its own entries
SET ROLE bf_victim;
SELECT DISTINCT role_name FROM migrate_guard.blocked_attempts;
RESET ROLE;
