--
-- review_probes: probe => true runs read-only data probes as the caller,
-- under migrate_guard.probe_timeout: unique_violation, not_null_violation,
-- fk_violation, check_violation (found, and clean), and lock_conflict with
-- the sessions that hold a conflicting lock right now.  A table the caller
-- may not read is skipped with a note; so is a probe that runs out of time.
--
SET lock_timeout = '2s';
CREATE TABLE people(id bigint PRIMARY KEY, email text, nick text, age int);
INSERT INTO people SELECT g, 'p' || g || '@example.com', 'n' || g, 20 + g % 50 FROM generate_series(1, 3000) g;
INSERT INTO people VALUES (3001, 'p1@example.com', NULL, -1);          -- a duplicate email, a NULL nick, a bad age
CREATE TABLE visits(id bigint, person_id bigint, day date);
INSERT INTO visits SELECT g, 1 + g % 3000, '2024-01-01' FROM generate_series(1, 5000) g;
INSERT INTO visits VALUES (5001, 999999, '2024-01-01');                -- an orphan
CREATE TABLE clean_visits(id bigint, person_id bigint);
INSERT INTO clean_visits SELECT g, g FROM generate_series(1, 100) g;
ALTER TABLE visits ADD CONSTRAINT visits_person_fk FOREIGN KEY (person_id) REFERENCES people NOT VALID;
ALTER TABLE people ADD CONSTRAINT people_age_check CHECK (age >= 0) NOT VALID;
CREATE TABLE secrets(id int, owner text);
INSERT INTO secrets SELECT g, CASE WHEN g % 2 = 0 THEN 'mg_app' ELSE 'someone' END FROM generate_series(1, 100) g;
ALTER TABLE secrets ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON secrets USING (owner = current_user);
GRANT SELECT ON secrets TO mg_app;
VACUUM ANALYZE;

CREATE FUNCTION probe(script text) RETURNS TABLE(n int, rule text, severity text, message text)
LANGUAGE sql AS $$
  SELECT statement_no, rule, severity, message FROM migrate_guard.check_migration(script, probe => true)
   WHERE rule LIKE '%violation' OR rule = 'lock_conflict'
$$;

-- found: the statement would fail; the message shows an example and the hint the query that finds them
SELECT * FROM probe($mig$
ALTER TABLE people ADD CONSTRAINT people_email_key UNIQUE (email);
ALTER TABLE people ALTER COLUMN nick SET NOT NULL;
ALTER TABLE visits ADD CONSTRAINT visits_person_fk2 FOREIGN KEY (person_id) REFERENCES people;
ALTER TABLE people ADD CONSTRAINT people_age_positive CHECK (age > 0);
CREATE UNIQUE INDEX CONCURRENTLY people_email_idx ON people (email);
ALTER TABLE people ADD PRIMARY KEY (nick);
$mig$);
SELECT rule, hint FROM migrate_guard.check_migration('ALTER TABLE people ADD CONSTRAINT people_email_key UNIQUE (email)', true)
 WHERE rule = 'unique_violation';
-- VALIDATE CONSTRAINT of a NOT VALID constraint: probed as well
SELECT * FROM probe($mig$
ALTER TABLE visits VALIDATE CONSTRAINT visits_person_fk;
ALTER TABLE people VALIDATE CONSTRAINT people_age_check;
$mig$);
-- clean: ok, with a note that the probe ran
SELECT * FROM probe($mig$
ALTER TABLE people ADD CONSTRAINT people_id_email_key UNIQUE (id, email);
ALTER TABLE people ALTER COLUMN email SET NOT NULL;
ALTER TABLE clean_visits ADD FOREIGN KEY (person_id) REFERENCES people (id);
ALTER TABLE people ADD CONSTRAINT people_age_sane CHECK (age < 200);
$mig$);
-- a referenced table created by the script is empty: every non-NULL key is an orphan
SELECT * FROM probe($mig$
CREATE TABLE cohorts(id bigint PRIMARY KEY);
ALTER TABLE clean_visits ADD FOREIGN KEY (person_id) REFERENCES cohorts;
$mig$);
-- without probe => true nothing is read
SELECT count(*) AS probe_rows FROM migrate_guard.check_migration('ALTER TABLE people ADD UNIQUE (email)')
 WHERE rule LIKE '%violation';

-- the caller's privileges: no SELECT, skipped with a note; row-level security, noted
SET ROLE mg_app;
SELECT * FROM probe('ALTER TABLE people ADD UNIQUE (email)');
SELECT * FROM probe('ALTER TABLE secrets ADD UNIQUE (owner)');
RESET ROLE;

-- out of time: skipped with a note; the statement's own timeout is left as it was
SET migrate_guard.probe_timeout = 1;
SET statement_timeout = '1min';
CREATE TABLE big AS SELECT g AS id, g % 1000 AS k FROM generate_series(1, 300000) g;
SELECT * FROM probe('ALTER TABLE big ADD UNIQUE (id, k)');
SELECT pg_catalog.pg_sleep(0.01), 'still running' AS after;
SHOW statement_timeout;
RESET statement_timeout;
RESET migrate_guard.probe_timeout;

-- lock_conflict: another session holds a lock that conflicts with the statement's
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT pg_catalog.format('dbname=%s host=%s port=%s user=%s', current_database(),
       split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'), current_user) AS conn \gset
SELECT dblink_connect('other', :'conn');
SELECT dblink_exec('other', 'BEGIN');
SELECT dblink_exec('other', 'LOCK TABLE visits IN ACCESS SHARE MODE');   -- as a reader holds it; idle in transaction
CREATE FUNCTION conflicts(script text) RETURNS TABLE(n int, rule text, severity text, message text)
LANGUAGE sql AS $$
  SELECT n, rule, severity,
         regexp_replace(message, 'pid [0-9]+ \(idle in transaction, for [0-9]+ s', 'pid N (idle in transaction, for T', 'g')
    FROM probe(script) WHERE rule = 'lock_conflict'
$$;
RESET lock_timeout;
SELECT * FROM conflicts('ALTER TABLE visits ADD COLUMN note text');
SET lock_timeout = '3s';
SELECT * FROM conflicts('ALTER TABLE visits ADD COLUMN note text');
-- no conflict with a lock that lets readers in
SELECT count(*) FROM conflicts('CREATE INDEX CONCURRENTLY ON visits (day)');
-- a lock that keeps readers out: sizes come from the catalog, data probes are skipped
SELECT dblink_exec('other', 'LOCK TABLE people IN ACCESS EXCLUSIVE MODE');
SELECT n, rule, severity,
       regexp_replace(message, 'pid [0-9]+ \(idle in transaction, for [0-9]+ s', 'pid N (idle in transaction, for T', 'g')
  FROM migrate_guard.check_migration('ALTER TABLE people ALTER COLUMN nick SET NOT NULL', probe => true) AS c(n, l, s, t, lm, r, rw, rule, severity, message, h)
 ORDER BY rule;
SELECT dblink_exec('other', 'ROLLBACK');
SELECT dblink_disconnect('other');
