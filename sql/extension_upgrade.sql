--
-- extension_upgrade: a fresh install of the current version and an install of
-- 0.1.0 followed by ALTER EXTENSION migrate_guard UPDATE give the same catalog.
-- Runs on its own databases (independent of every other suite).
--
SET client_min_messages = warning;
SET migrate_guard.allow_destructive = on;
DROP DATABASE IF EXISTS mg_ext_fresh;
DROP DATABASE IF EXISTS mg_ext_upgraded;
RESET migrate_guard.allow_destructive;
CREATE DATABASE mg_ext_fresh;
CREATE DATABASE mg_ext_upgraded;
CREATE EXTENSION IF NOT EXISTS dblink;
RESET client_min_messages;

-- one row per object of the extension: what it is and everything that
-- defines it (definition, columns, constraints, indexes, triggers, policies,
-- rules, privileges, owner-independent options, comment)
CREATE TEMP TABLE ext_catalog_query AS SELECT $q$
WITH ext AS (
  SELECT oid, extconfig, extcondition FROM pg_catalog.pg_extension WHERE extname = 'migrate_guard'
), members AS (
  SELECT d.classid, d.objid, d.objsubid
    FROM pg_catalog.pg_depend d, ext
   WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
     AND d.refobjid = ext.oid AND d.deptype = 'e'
), described AS (
  SELECT pg_catalog.pg_describe_object(m.classid, m.objid, m.objsubid) AS object,
         CASE m.classid
         WHEN 'pg_catalog.pg_proc'::pg_catalog.regclass THEN
           (SELECT pg_catalog.concat_ws(' | ', pg_catalog.pg_get_functiondef(p.oid),
                                        p.proacl::text)
              FROM pg_catalog.pg_proc p WHERE p.oid = m.objid)
         WHEN 'pg_catalog.pg_class'::pg_catalog.regclass THEN
           (SELECT pg_catalog.concat_ws(' | ', c.relkind, c.relpersistence, c.relacl::text,
                   c.reloptions::text, c.relrowsecurity, c.relforcerowsecurity,
                   CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END,
                   (SELECT pg_catalog.string_agg(pg_catalog.concat_ws(' ', a.attname,
                             pg_catalog.format_type(a.atttypid, a.atttypmod),
                             CASE WHEN a.attnotnull THEN 'NOT NULL' END,
                             a.attidentity, a.attgenerated,
                             pg_catalog.pg_get_expr(ad.adbin, ad.adrelid),
                             a.attacl::text), ', ' ORDER BY a.attnum)
                      FROM pg_catalog.pg_attribute a
                      LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                   (SELECT pg_catalog.string_agg(co.conname || ' ' || pg_catalog.pg_get_constraintdef(co.oid), ', '
                                                 ORDER BY co.conname)
                      FROM pg_catalog.pg_constraint co WHERE co.conrelid = c.oid),
                   (SELECT pg_catalog.string_agg(pg_catalog.pg_get_indexdef(i.indexrelid), ', '
                                                 ORDER BY i.indexrelid::pg_catalog.regclass::text)
                      FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid),
                   (SELECT pg_catalog.string_agg(t.tgname || ' ' || t.tgenabled::text || ' '
                                                 || pg_catalog.pg_get_triggerdef(t.oid), ', '
                                                 ORDER BY t.tgname)
                      FROM pg_catalog.pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal),
                   (SELECT pg_catalog.string_agg(pol.polname || ' ' || pol.polcmd::text || ' '
                             || pg_catalog.concat_ws(' ', pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
                                                     pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid)),
                             ', ' ORDER BY pol.polname)
                      FROM pg_catalog.pg_policy pol WHERE pol.polrelid = c.oid),
                   (SELECT pg_catalog.string_agg(r.rulename || ' ' || pg_catalog.pg_get_ruledef(r.oid), ', '
                                                 ORDER BY r.rulename)
                      FROM pg_catalog.pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename <> '_RETURN'),
                   (SELECT pg_catalog.concat_ws(' ', s.seqtypid::pg_catalog.regtype, s.seqstart,
                                                s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle)
                      FROM pg_catalog.pg_sequence s WHERE s.seqrelid = c.oid))
              FROM pg_catalog.pg_class c WHERE c.oid = m.objid)
         WHEN 'pg_catalog.pg_event_trigger'::pg_catalog.regclass THEN
           (SELECT pg_catalog.concat_ws(' | ', e.evtevent, e.evtenabled, e.evttags::text,
                                        e.evtfoid::pg_catalog.regprocedure)
              FROM pg_catalog.pg_event_trigger e WHERE e.oid = m.objid)
         WHEN 'pg_catalog.pg_type'::pg_catalog.regclass THEN
           (SELECT pg_catalog.concat_ws(' | ', t.typtype, t.typacl::text,
                   (SELECT pg_catalog.string_agg(en.enumlabel, ', ' ORDER BY en.enumsortorder)
                      FROM pg_catalog.pg_enum en WHERE en.enumtypid = t.oid))
              FROM pg_catalog.pg_type t WHERE t.oid = m.objid)
         END AS definition,
         pg_catalog.obj_description(m.objid,
           (SELECT relname FROM pg_catalog.pg_class WHERE oid = m.classid)) AS comment
    FROM members m
)
SELECT 'member' AS kind, object, definition, comment FROM described
UNION ALL
-- tables whose rows pg_dump includes
SELECT 'config', c::pg_catalog.regclass::text, ext.extcondition[i], NULL
  FROM ext, LATERAL pg_catalog.unnest(ext.extconfig) WITH ORDINALITY AS u(c, i)
UNION ALL
-- objects in the extension's schema that are not members (should be none)
SELECT 'non-member', pg_catalog.pg_describe_object('pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0), NULL, NULL
  FROM pg_catalog.pg_class c
 WHERE c.relnamespace = 'migrate_guard'::pg_catalog.regnamespace AND c.relkind NOT IN ('i', 'I', 't')
   AND NOT EXISTS (SELECT FROM members m WHERE m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                           AND m.objid = c.oid)
UNION ALL
SELECT 'schema', n.nspname, n.nspacl::text, pg_catalog.obj_description(n.oid, 'pg_namespace')
  FROM pg_catalog.pg_namespace n WHERE n.nspname = 'migrate_guard'
UNION ALL
SELECT 'version', e.extversion, NULL, NULL FROM pg_catalog.pg_extension e WHERE e.extname = 'migrate_guard'
$q$ AS sql;
SELECT sql AS catalog_query FROM pg_temp.ext_catalog_query \gset

SELECT format('dbname=%s host=%s port=%s user=%s', 'mg_ext_fresh',
              split_part(current_setting('unix_socket_directories'), ',', 1),
              current_setting('port'), current_user) AS fresh_conn,
       format('dbname=%s host=%s port=%s user=%s', 'mg_ext_upgraded',
              split_part(current_setting('unix_socket_directories'), ',', 1),
              current_setting('port'), current_user) AS upgraded_conn \gset

SELECT dblink_connect('fresh', :'fresh_conn');
SELECT dblink_connect('upgraded', :'upgraded_conn');

-- the current version, installed fresh
SELECT dblink_exec('fresh', 'SET client_min_messages = error; CREATE EXTENSION migrate_guard');
-- 0.1.0, then every upgrade step to the current version
SELECT dblink_exec('upgraded', 'SET client_min_messages = error; CREATE EXTENSION migrate_guard VERSION ''0.1.0''');
SELECT * FROM dblink('upgraded', 'SELECT extversion FROM pg_extension WHERE extname = ''migrate_guard''') AS t(v text);
SELECT dblink_exec('upgraded', 'ALTER EXTENSION migrate_guard UPDATE');

CREATE TEMP TABLE fresh_catalog AS
  SELECT * FROM dblink('fresh', :'catalog_query') AS t(kind text, object text, definition text, comment text);
CREATE TEMP TABLE upgraded_catalog AS
  SELECT * FROM dblink('upgraded', :'catalog_query') AS t(kind text, object text, definition text, comment text);

-- both sides hold the extension, its version and its objects
SELECT (SELECT object FROM pg_temp.fresh_catalog WHERE kind = 'version') = (SELECT object FROM pg_temp.upgraded_catalog WHERE kind = 'version')
         AS same_version,
       (SELECT count(*) FROM pg_temp.fresh_catalog WHERE kind = 'member') > 20 AS fresh_has_members;

-- objects that differ: none (a row here names what the upgrade script misses)
(SELECT 'only in fresh install' AS side, * FROM pg_temp.fresh_catalog EXCEPT SELECT 'only in fresh install', * FROM pg_temp.upgraded_catalog)
UNION ALL
(SELECT 'only after UPDATE', * FROM pg_temp.upgraded_catalog EXCEPT SELECT 'only after UPDATE', * FROM pg_temp.fresh_catalog)
ORDER BY 3, 1;

-- no object outside the extension's membership lives in its schema
SELECT kind, object FROM pg_temp.fresh_catalog WHERE kind = 'non-member';

SELECT dblink_disconnect('fresh');
SELECT dblink_disconnect('upgraded');
SET client_min_messages = warning;
SET migrate_guard.allow_destructive = on;
DROP DATABASE mg_ext_fresh;
DROP DATABASE mg_ext_upgraded;
DROP EXTENSION dblink;
