--
-- schema_flight_detach: a partition detached (DETACH PARTITION) or an
-- inheritance child cut off (NO INHERIT) takes its rows out of every query of
-- the parent, though no table lost a row.  compare_schema() reports the
-- parent gone from partition_of / inherits as `danger`, so postflight() FAILs,
-- unless expected_row_changes lets the parent lose the child's rows.
-- (Regression: it was `warn` and postflight's overall WARN, exit 0 in CI.)
--
CREATE SCHEMA s;
CREATE TABLE s.pt(id int) PARTITION BY RANGE (id);
CREATE TABLE s.pt1 PARTITION OF s.pt FOR VALUES FROM (0) TO (100);
CREATE TABLE s.pt2 PARTITION OF s.pt FOR VALUES FROM (100) TO (200);
INSERT INTO s.pt SELECT generate_series(1, 50);
ALTER TABLE s.pt ENABLE ROW LEVEL SECURITY;
ALTER TABLE s.pt1 ENABLE ROW LEVEL SECURITY;
ALTER TABLE s.pt2 ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON s.pt USING (id > 0);
CREATE POLICY p ON s.pt1 USING (id > 0);
CREATE POLICY p ON s.pt2 USING (id > 0);
CREATE TABLE s.parent(id int);
CREATE TABLE s.child() INHERITS (s.parent);
CREATE TABLE s.other(id int);
INSERT INTO s.child VALUES (1), (2);
ALTER TABLE s.parent ENABLE ROW LEVEL SECURITY;
ALTER TABLE s.child ENABLE ROW LEVEL SECURITY;
ALTER TABLE s.other ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON s.parent USING (id > 0);
CREATE POLICY p ON s.child USING (id > 0);
CREATE POLICY p ON s.other USING (id > 0);
SELECT migrate_guard.export_schema(ARRAY['s']) AS ex \gset
SELECT check_name, status FROM migrate_guard.preflight('detach', ARRAY['s']) WHERE check_name = 'overall';

-- nothing moved yet; an expectation on a partitioned table (no row count of its own) is named as such
SELECT check_name, status, regexp_replace(detail, '\(preflight at [^)]*\)', '(preflight at ...)') AS detail
  FROM migrate_guard.postflight('detach', '{"s.pt": "any"}')
 WHERE check_name LIKE 'row count%';

ALTER TABLE s.pt DETACH PARTITION s.pt1;
SELECT count(*) AS rows_the_application_sees FROM s.pt;
SELECT object_type, object_identity, change, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb);
-- FAIL: no expectation
SELECT check_name, status, regexp_replace(detail, '\(preflight at [^)]*\)', '(preflight at ...)') AS detail
  FROM migrate_guard.postflight('detach')
 WHERE check_name NOT LIKE 'ddl%';
-- expected: the parent may lose the 50 rows pt1 had
SELECT check_name, status, regexp_replace(detail, '\(preflight at [^)]*\)', '(preflight at ...)') AS detail
  FROM migrate_guard.postflight('detach', '{"s.pt": "-50..0"}')
 WHERE check_name LIKE 'schema%' OR check_name LIKE 'row count%' OR check_name = 'overall';
SELECT check_name, status, regexp_replace(detail, '\(preflight at [^)]*\)', '(preflight at ...)') AS detail
  FROM migrate_guard.postflight('detach', '{"s.pt": "any"}')
 WHERE check_name = 'schema: table s.pt1';
-- an expectation that does not reach the loss, or one about another table, leaves it FAIL
SELECT check_name, status, regexp_replace(detail, '\(preflight at [^)]*\)', '(preflight at ...)') AS detail
  FROM migrate_guard.postflight('detach', '{"s.pt": "-10..0"}')
 WHERE check_name LIKE 'schema%' OR check_name = 'overall';
SELECT check_name, status, regexp_replace(detail, '\(preflight at [^)]*\)', '(preflight at ...)') AS detail
  FROM migrate_guard.postflight('detach', '{"s.pt1": "any"}')
 WHERE check_name LIKE 'schema%' OR check_name = 'overall';

-- attached again (elsewhere in the range): the rows are back, warn only
ALTER TABLE s.pt ATTACH PARTITION s.pt1 FOR VALUES FROM (0) TO (99);
SELECT object_type, object_identity, change, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb);

-- NO INHERIT: the parent's queries no longer see the child's rows
ALTER TABLE s.child NO INHERIT s.parent;
SELECT count(*) AS rows_the_parent_shows FROM s.parent;
SELECT object_type, object_identity, change, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb) WHERE object_identity = 's.child';
-- one parent of two lost is enough; a parent gained is a warn
ALTER TABLE s.child INHERIT s.parent;
ALTER TABLE s.child INHERIT s.other;
SELECT object_identity, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb) WHERE object_identity = 's.child';
SELECT migrate_guard.export_schema(ARRAY['s']) AS ex2 \gset
ALTER TABLE s.child NO INHERIT s.parent;
SELECT object_identity, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema(:'ex2'::jsonb) WHERE object_identity = 's.child';
SELECT check_name, status, regexp_replace(detail, '\(preflight at [^)]*\)', '(preflight at ...)') AS detail
  FROM migrate_guard.postflight('detach', '{"s.parent": "-2..0"}')
 WHERE check_name LIKE 'schema: table s.child' OR check_name = 'overall';
