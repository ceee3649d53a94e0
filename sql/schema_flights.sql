--
-- schema_flights: preflight(label) / postflight(label, expected_row_changes),
-- the seeds' before/after checklist in two calls.
--
SET migrate_guard.allow_destructive = on;
CREATE TABLE public.users(id int PRIMARY KEY, email text NOT NULL);
CREATE TABLE public.sessions(id int PRIMARY KEY, user_id int NOT NULL REFERENCES public.users ON DELETE RESTRICT);
CREATE INDEX ON public.sessions(user_id);
CREATE TABLE public.tmp_import(id int);
CREATE TABLE public.logbook(id int);
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_own ON public.users USING (true);
ALTER TABLE public.sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY sessions_own ON public.sessions USING (true);
ALTER TABLE public.tmp_import ENABLE ROW LEVEL SECURITY;
CREATE POLICY tmp_import_own ON public.tmp_import USING (true);
INSERT INTO public.users SELECT g, 'u' || g FROM generate_series(1, 20) g;
INSERT INTO public.sessions SELECT g, 1 + g % 20 FROM generate_series(1, 100) g;
INSERT INTO public.tmp_import SELECT generate_series(1, 5);
INSERT INTO public.logbook SELECT generate_series(1, 5);
RESET migrate_guard.allow_destructive;

-- timestamps and fingerprints vary from run to run
\set mask 'regexp_replace(regexp_replace(detail, ''[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.+]+'', ''<time>'', ''g''), ''fingerprint [0-9a-f]{16}'', ''fingerprint <hash>'')'

-- before: exact counts and a schema snapshot stored, FK rules and RLS checked
SELECT check_name, status, :mask AS detail FROM migrate_guard.preflight('release-42', ARRAY['public']);
SELECT label, schemas, row_count_snapshot_id, schema_snapshot_id FROM migrate_guard.preflights;
SELECT label FROM migrate_guard.row_count_snapshots;
SELECT label, objects FROM migrate_guard.schema_snapshots;

-- the migration
SET migrate_guard.allow_destructive = on;
DELETE FROM public.sessions WHERE id <= 10;
DELETE FROM public.logbook WHERE id <= 2;
DROP TABLE public.tmp_import;
ALTER TABLE public.users ADD COLUMN phone text;
CREATE TABLE public.audit(id int);
ALTER TABLE public.sessions DISABLE ROW LEVEL SECURITY;
INSERT INTO public.users VALUES (21, 'u21');
RESET migrate_guard.allow_destructive;

-- after, without expectations: lost rows, a vanished table and a danger change FAIL
SELECT check_name, status, :mask AS detail FROM migrate_guard.postflight('release-42');
-- with expectations: the deletions and the drop are allowed; RLS off stays a FAIL
SELECT check_name, status, :mask AS detail
  FROM migrate_guard.postflight('release-42', '{"public.sessions": "-10..0", "tmp_import": "removed", "logbook": -2}');
-- an expectation that is not met FAILs; one naming no table WARNs
SELECT check_name, status, :mask AS detail FROM migrate_guard.postflight('release-42',
  '{"public.sessions": "-5..", "public.tmp_import": "removed", "public.logbook": "any", "public.users": "0", "public.nope": "any"}')
 WHERE check_name LIKE 'row count%' OR check_name = 'overall';
-- the last row is always overall
SELECT check_name FROM migrate_guard.postflight('release-42', '{"public.sessions": "any", "public.tmp_import": "removed", "public.logbook": "any", "public.users": "any"}')
 OFFSET 5 LIMIT 100;

-- grammar of expected_row_changes: every malformed expectation is an ERROR naming it
SELECT * FROM migrate_guard.postflight('release-42', '[]');
SELECT * FROM migrate_guard.postflight('release-42', '"removed"');
SELECT * FROM migrate_guard.postflight('release-42', '{"public.sessions": "lots"}');
SELECT * FROM migrate_guard.postflight('release-42', '{"public.sessions": "5..-5"}');
SELECT * FROM migrate_guard.postflight('release-42', '{"public.sessions": "x..5"}');
SELECT * FROM migrate_guard.postflight('release-42', '{"public.sessions": 1.5}');
SELECT * FROM migrate_guard.postflight('release-42', '{"public.sessions": true}');
SELECT * FROM migrate_guard.postflight('release-42', '{"public.sessions": ["-1"]}');
SELECT * FROM migrate_guard.postflight('release-42', '{"a.b.c": "any"}');
SELECT * FROM migrate_guard.postflight('release-42', '{"\"unterminated": "any"}');
SELECT * FROM migrate_guard.postflight('release-42', '{"public.sessions": "99999999999999999999"}');
-- accepted spellings
SELECT count(*) > 0 AS accepted FROM migrate_guard.postflight('release-42',
  '{"public.sessions": " -10 .. ", "\"public\".\"users\"": "+1", "PUBLIC.LOGBOOK": "..0", "tmp_import": "REMOVED"}');

-- unknown or reused label, missing label
SELECT * FROM migrate_guard.postflight('release-43');
SELECT * FROM migrate_guard.postflight(NULL);
SELECT * FROM migrate_guard.preflight('release-42');
SELECT * FROM migrate_guard.preflight(NULL);
SELECT * FROM migrate_guard.preflight('');

-- a verify_fk_rules() error becomes a FAIL row, not an aborted report
INSERT INTO migrate_guard.fk_expectations("table", "references", on_delete) VALUES ('no_such_table', 'users', 'RESTRICT');
SELECT check_name, status, :mask AS detail FROM migrate_guard.preflight('release-44', ARRAY['public'])
 WHERE check_name LIKE 'fk%' OR check_name = 'overall';
DELETE FROM migrate_guard.fk_expectations WHERE id > 0;

-- a role that may not read the audit log sees the count of DDL, not the statements
GRANT SELECT ON public.users, public.sessions, public.logbook, public.audit TO mg_app;
SET ROLE mg_app;
SELECT check_name, status FROM migrate_guard.preflight('app-1', ARRAY['public']) WHERE check_name IN ('row counts', 'schema snapshot');
CREATE TABLE public.app_table(id int);
SELECT check_name, status, :mask AS detail FROM migrate_guard.postflight('app-1') WHERE check_name IN ('ddl log', 'schema');
RESET ROLE;
