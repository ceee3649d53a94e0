--
-- install: the shape of the installed extension (the database is a copy of
-- mg_template, see test/prelude.sql: roles created, then CREATE EXTENSION)
--

SELECT setting, value FROM migrate_guard.status()
 WHERE setting IN ('preloaded', 'active', 'mode', 'admin_role', 'allow_destructive',
                   'blocked_rules', 'require_reason')
 ORDER BY setting;


-- the contract's columns of the audit log
SELECT attname, atttypid::regtype
  FROM pg_attribute
 WHERE attrelid = 'migrate_guard.ddl_log'::regclass AND attnum > 0 AND NOT attisdropped
 ORDER BY attnum;

-- PUBLIC cannot write (or read) the audit log; the admin role can read it
SELECT has_table_privilege('mg_app', 'migrate_guard.ddl_log', 'INSERT') AS app_insert,
       has_table_privilege('mg_app', 'migrate_guard.ddl_log', 'DELETE') AS app_delete,
       has_table_privilege('mg_app', 'migrate_guard.ddl_log', 'SELECT') AS app_select,
       has_table_privilege('mg_admin', 'migrate_guard.ddl_log', 'SELECT') AS admin_select,
       has_table_privilege('mg_admin', 'migrate_guard.ddl_log', 'DELETE') AS admin_delete;

-- the event triggers: owned by the extension, enabled ALWAYS
SELECT e.evtname, e.evtevent, e.evtenabled, d.deptype
  FROM pg_event_trigger e
  JOIN pg_depend d ON d.classid = 'pg_event_trigger'::regclass AND d.objid = e.oid
                  AND d.refclassid = 'pg_extension'::regclass
 ORDER BY e.evtname;

-- the view of refusals is readable by everyone
SELECT has_table_privilege('mg_app', 'migrate_guard.blocked_attempts', 'SELECT') AS app_reads;
