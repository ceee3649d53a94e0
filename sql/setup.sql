--
-- setup: the extension and the roles every later suite uses
--
CREATE EXTENSION migrate_guard;

SELECT setting, value FROM migrate_guard.status()
 WHERE setting IN ('preloaded', 'active', 'mode', 'admin_role', 'allow_destructive',
                   'blocked_rules', 'require_reason')
 ORDER BY setting;

-- the admin role does not exist until a team creates it
CREATE ROLE migrate_guard_admin NOLOGIN;
CREATE ROLE mg_admin LOGIN;
GRANT migrate_guard_admin TO mg_admin;
CREATE ROLE mg_app LOGIN;
GRANT CREATE ON SCHEMA public TO mg_app;

-- the contract's columns of the audit log
SELECT attname, atttypid::regtype
  FROM pg_attribute
 WHERE attrelid = 'migrate_guard.ddl_log'::regclass AND attnum > 0 AND NOT attisdropped
 ORDER BY attnum;

-- PUBLIC cannot write the audit log
SELECT has_table_privilege('mg_app', 'migrate_guard.ddl_log', 'INSERT') AS app_insert,
       has_table_privilege('mg_app', 'migrate_guard.ddl_log', 'DELETE') AS app_delete;

-- the view of refusals is readable by everyone
SELECT has_table_privilege('mg_app', 'migrate_guard.blocked_attempts', 'SELECT') AS app_reads;
