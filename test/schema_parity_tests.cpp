// schema_parity_tests.cpp — the parity properties of export_schema() that SQL
// suites cannot show: two databases built by the same script in two different
// clusters (different OIDs, roles created in another order), and a database
// and its pg_dump / pg_restore copies (in the same cluster and in the other),
// have equal fingerprints and no differences.
#include "pg_session.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

using mgtest::Result;
using mgtest::Session;

namespace {

std::string env_or(const char *name, const char *fallback)
{
    const char *v = std::getenv(name);
    return v && *v ? v : fallback;
}

// the preloaded test cluster (A) and the cluster without the library preloaded (B)
std::string cluster_a() { return "host=" + env_or("MG_TEST_HOST", "/tmp/migrate_guard/test") + " port=" + env_or("MG_TEST_PORT", "54329"); }
std::string cluster_b()
{
    return "host=" + env_or("MG_TEST_NOPRELOAD_HOST", "/tmp/migrate_guard/test-nopreload") + " port=" +
           env_or("MG_TEST_NOPRELOAD_PORT", "54330");
}
std::string args_a() { return " -h " + env_or("MG_TEST_HOST", "/tmp/migrate_guard/test") + " -p " + env_or("MG_TEST_PORT", "54329") + " -U postgres "; }
std::string args_b()
{
    return " -h " + env_or("MG_TEST_NOPRELOAD_HOST", "/tmp/migrate_guard/test-nopreload") + " -p " +
           env_or("MG_TEST_NOPRELOAD_PORT", "54330") + " -U postgres ";
}
std::string bindir() { return env_or("MG_TEST_BINDIR", "/usr/lib/postgresql/15/bin"); }

// Roles first (cluster-wide; created in the order given), then every kind of
// object the export covers, with the histories that make catalogs differ
// between databases built alike: a dropped column, an enum value added
// BEFORE another, an ACL written out then back to the default, grants from
// two grantors, SET clauses spelled differently, partitions with cloned
// triggers and indexes, an inheritance child.
const char *kRoles[] = {"parity_owner", "parity_rw", "parity_ro"};

const char *kScript = R"SQL(
SET client_min_messages = error;
SET migrate_guard.allow_destructive = on;
CREATE SCHEMA app AUTHORIZATION parity_owner;
GRANT USAGE ON SCHEMA app TO parity_rw, parity_ro;
COMMENT ON SCHEMA app IS 'the application';
CREATE EXTENSION pgcrypto;
CREATE TYPE app.status AS ENUM ('new', 'paid');
ALTER TYPE app.status ADD VALUE 'void' BEFORE 'paid';
-- commit
CREATE DOMAIN app.positive AS numeric(12,2) NOT NULL DEFAULT 0 CHECK (VALUE >= 0);
CREATE TYPE app.pair AS (a int, b text COLLATE "C");
CREATE TYPE app.span AS RANGE (subtype = int4);
CREATE COLLATION app.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE SEQUENCE app.invoice_no START 1000 INCREMENT 5 CACHE 10;
CREATE TABLE app.users(id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE,
                       nick text COLLATE "C", created timestamptz DEFAULT now(), junk int);
ALTER TABLE app.users DROP COLUMN junk;
ALTER TABLE app.users ADD COLUMN lower_email text GENERATED ALWAYS AS (lower(email)) STORED;
ALTER TABLE app.users ALTER COLUMN nick SET STATISTICS 500;
ALTER TABLE app.users REPLICA IDENTITY FULL;
CREATE TABLE app.payments(id serial PRIMARY KEY, user_id bigint NOT NULL REFERENCES app.users ON DELETE RESTRICT,
                          amount app.positive, status app.status DEFAULT 'new', no int DEFAULT nextval('app.invoice_no'),
                          paid_on date DEFAULT '2020-01-02', at timestamptz DEFAULT '2020-01-02 03:04:05+00',
                          CHECK (amount < 1000000) NOT VALID);
CREATE INDEX payments_user_idx ON app.payments(user_id) WITH (fillfactor = 80);
CREATE UNIQUE INDEX payments_no_idx ON app.payments(no) WHERE status <> 'void';
ALTER TABLE app.payments ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.payments FORCE ROW LEVEL SECURITY;
CREATE POLICY own ON app.payments FOR SELECT TO parity_ro, parity_rw USING (user_id = 1);
CREATE POLICY ins ON app.payments AS RESTRICTIVE FOR INSERT TO parity_rw WITH CHECK (amount > 0);
GRANT SELECT, INSERT ON app.payments TO parity_rw;
GRANT SELECT ON app.payments TO parity_ro WITH GRANT OPTION;
SET ROLE parity_ro; GRANT SELECT ON app.payments TO parity_rw; RESET ROLE;
GRANT UPDATE (amount) ON app.payments TO parity_rw;
GRANT SELECT ON app.users TO parity_ro; REVOKE SELECT ON app.users FROM parity_ro;
ALTER TABLE app.users OWNER TO parity_owner;
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql SET search_path = app,pg_temp AS $$BEGIN RETURN NEW; END$$;
CREATE FUNCTION app.total(uid bigint, fee numeric DEFAULT 0) RETURNS numeric LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp SET work_mem = '64MB'
  BEGIN ATOMIC SELECT sum(amount) + fee FROM app.payments WHERE user_id = uid; END;
SET search_path = app, public;
ALTER FUNCTION app.touch() SET search_path FROM CURRENT;
RESET search_path;
REVOKE EXECUTE ON FUNCTION app.total(bigint, numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.total(bigint, numeric) TO parity_ro;
CREATE PROCEDURE app.cleanup(n int) LANGUAGE plpgsql AS $$BEGIN PERFORM n; END$$;
CREATE AGGREGATE app.mysum(int) (sfunc = int4pl, stype = int, initcond = '0');
CREATE TRIGGER payments_touch BEFORE UPDATE ON app.payments FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE TRIGGER payments_touch2 BEFORE INSERT ON app.payments FOR EACH ROW EXECUTE FUNCTION app.touch();
ALTER TABLE app.payments DISABLE TRIGGER payments_touch2;
CREATE VIEW app.big_payments WITH (security_invoker = on, security_barrier) AS
  SELECT id, amount FROM app.payments WHERE amount > 100;
ALTER VIEW app.big_payments OWNER TO parity_owner;
GRANT SELECT ON app.big_payments TO parity_ro;
GRANT SELECT (id) ON app.big_payments TO parity_rw;
CREATE VIEW app.ck WITH (check_option = local) AS SELECT * FROM app.users WHERE id > 0;
CREATE MATERIALIZED VIEW app.totals AS SELECT user_id, sum(amount) s FROM app.payments GROUP BY user_id;
CREATE INDEX totals_idx ON app.totals(user_id);
CREATE MATERIALIZED VIEW public.totals_later AS SELECT user_id FROM app.payments WITH NO DATA; -- outside the preflight's scope: it cannot be counted
CREATE RULE no_delete AS ON DELETE TO app.users DO INSTEAD NOTHING;
CREATE STATISTICS app.pay_stats (dependencies) ON user_id, status FROM app.payments;
CREATE TABLE app.events(id int, at date NOT NULL, payload text) PARTITION BY RANGE (at);
CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE app.events ADD PRIMARY KEY (id, at);
CREATE INDEX events_payload_idx ON app.events(payload);
ALTER TABLE app.events ADD FOREIGN KEY (id) REFERENCES app.payments(id) ON DELETE CASCADE;
ALTER TABLE app.events_2024 ENABLE ROW LEVEL SECURITY;
CREATE POLICY part_pol ON app.events_2024 USING (true);
CREATE TRIGGER events_touch BEFORE UPDATE ON app.events FOR EACH ROW EXECUTE FUNCTION app.touch();
ALTER TABLE app.events_2025 DISABLE TRIGGER events_touch;
CREATE TABLE app.audit(id int, note text);
ALTER TABLE app.audit SET UNLOGGED;
CREATE TABLE app.audit_child(extra int) INHERITS (app.audit);
ALTER DEFAULT PRIVILEGES FOR ROLE parity_owner IN SCHEMA app GRANT SELECT ON TABLES TO parity_ro;
ALTER DEFAULT PRIVILEGES FOR ROLE parity_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
CREATE PUBLICATION pub_pay FOR TABLE app.payments WHERE (id > 0), app.users (id, email) WITH (publish = 'insert, update');
CREATE PUBLICATION pub_app FOR TABLES IN SCHEMA app;
COMMENT ON TABLE app.payments IS 'money';
COMMENT ON COLUMN app.payments.amount IS 'in EUR';
CREATE FUNCTION app.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;
CREATE EVENT TRIGGER app_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION app.on_ddl();
)SQL";

class SchemaParity : public ::testing::Test {
protected:
    static void recreate(const std::string &cluster, const std::string &db, bool reverse_roles, bool noise)
    {
        Session admin(cluster + " dbname=postgres user=postgres");
        ASSERT_TRUE(admin.connected()) << admin.connection_error();
        admin.exec("SET migrate_guard.allow_destructive = on");
        admin.exec("DROP DATABASE IF EXISTS " + db);
        for (int i = 0; i < 3; i++) {
            const char *role = kRoles[reverse_roles ? 2 - i : i];
            admin.exec(std::string("DO $$BEGIN CREATE ROLE ") + role +
                       "; EXCEPTION WHEN duplicate_object THEN NULL; END$$");
        }
        ASSERT_TRUE(admin.exec("CREATE DATABASE " + db).ok);
    }

    static void build(const std::string &cluster, const std::string &db, bool noise)
    {
        Session s(cluster + " dbname=" + db + " user=postgres");
        ASSERT_TRUE(s.connected()) << s.connection_error();
        if (noise) // another OID history: objects created and dropped first
            ASSERT_TRUE(s.exec("CREATE TABLE junk1(a int, b text); CREATE TYPE junk2 AS ENUM ('x');"
                               "CREATE FUNCTION junk3() RETURNS int LANGUAGE sql AS 'SELECT 1';"
                               "DROP TABLE junk1; DROP TYPE junk2; DROP FUNCTION junk3()")
                            .ok);
        Result ext = s.exec("SET client_min_messages = error; CREATE EXTENSION migrate_guard");
        ASSERT_TRUE(ext.ok) << ext.message;
        // one implicit transaction per part: a new enum value is used after it committed
        std::string script = kScript;
        size_t cut = script.find("-- commit\n");
        for (const std::string &part : {script.substr(0, cut), "SET migrate_guard.allow_destructive = on;" + script.substr(cut)}) {
            Result r = s.exec(part);
            ASSERT_TRUE(r.ok) << r.message;
        }
    }

    static std::string export_of(const std::string &cluster, const std::string &db)
    {
        Session s(cluster + " dbname=" + db + " user=postgres");
        return s.exec("SELECT migrate_guard.export_schema()::text").value();
    }

    // compare_schema(before, after) run in database `where`; the differences, one line each
    static std::string differences(const std::string &before, const std::string &after)
    {
        Session s(cluster_a() + " dbname=postgres user=postgres");
        s.exec("CREATE EXTENSION IF NOT EXISTS migrate_guard");
        Result r = s.exec_params("SELECT string_agg(concat_ws(' | ', object_type, object_identity, change, attribute, "
                                 "before_value, after_value, severity), E'\\n') "
                                 "FROM migrate_guard.compare_schema($1::jsonb, $2::jsonb)",
                                 {before, after});
        EXPECT_TRUE(r.ok) << r.message;
        return r.value();
    }

    static std::string fingerprint(const std::string &cluster, const std::string &db)
    {
        Session s(cluster + " dbname=" + db + " user=postgres");
        return s.exec("SELECT migrate_guard.schema_fingerprint()").value();
    }

    static int run(const std::string &cmd) { return std::system(cmd.c_str()); }
};

TEST_F(SchemaParity, SameScriptInTwoClustersGivesTheSameSchema)
{
    recreate(cluster_a(), "mg_parity_a", false, false);
    build(cluster_a(), "mg_parity_a", false);
    recreate(cluster_b(), "mg_parity_b", true, true);
    build(cluster_b(), "mg_parity_b", true);

    std::string a = export_of(cluster_a(), "mg_parity_a");
    std::string b = export_of(cluster_b(), "mg_parity_b");
    ASSERT_NE(a.find("\"app.payments\""), std::string::npos) << a.substr(0, 500);
    // the databases really differ underneath: other OIDs
    Session sa(cluster_a() + " dbname=mg_parity_a user=postgres");
    Session sb(cluster_b() + " dbname=mg_parity_b user=postgres");
    EXPECT_NE(sa.exec("SELECT 'app.payments'::regclass::oid").value(), sb.exec("SELECT 'app.payments'::regclass::oid").value());

    EXPECT_EQ(differences(a, b), "<null>");
    EXPECT_EQ(fingerprint(cluster_a(), "mg_parity_a"), fingerprint(cluster_b(), "mg_parity_b"));
    EXPECT_EQ(a, b);
    // and a change on one side is seen
    ASSERT_TRUE(sb.exec("ALTER TABLE app.payments DISABLE TRIGGER payments_touch").ok);
    EXPECT_EQ(differences(a, export_of(cluster_b(), "mg_parity_b")),
              "trigger | payments_touch on app.payments | CHANGED | enabled | ENABLED | DISABLED | danger");
}

// A restore writes the extension's tables (audit log, snapshots) and its
// comment: guard_tamper unless the flag is on, as for any other writer.
std::string restore_with_flag()
{
    return "PGOPTIONS='-c migrate_guard.allow_destructive=on' " + bindir();
}

TEST_F(SchemaParity, DumpAndRestoreGiveTheSameSchema)
{
    recreate(cluster_a(), "mg_parity_src", false, false);
    build(cluster_a(), "mg_parity_src", false);
    recreate(cluster_a(), "mg_parity_copy", false, false);
    recreate(cluster_b(), "mg_parity_copy_b", true, false);
    std::string dump = env_or("MG_TEST_HOST", "/tmp") + "/mg_parity.dump";
    ASSERT_EQ(run(bindir() + "/pg_dump -Fc -f " + dump + args_a() + "mg_parity_src"), 0);
    ASSERT_EQ(run(restore_with_flag() + "/pg_restore --exit-on-error -d mg_parity_copy" + args_a() + dump), 0);
    ASSERT_EQ(run(restore_with_flag() + "/pg_restore --exit-on-error -d mg_parity_copy_b" + args_b() + dump), 0);

    std::string src = export_of(cluster_a(), "mg_parity_src");
    std::string copy = export_of(cluster_a(), "mg_parity_copy");
    std::string copy_b = export_of(cluster_b(), "mg_parity_copy_b");
    // a materialized view created WITH NO DATA stays unpopulated in the copies, the other one is refreshed
    ASSERT_NE(src.find("\"populated\": false"), std::string::npos) << src.substr(0, 500);
    EXPECT_EQ(differences(src, copy), "<null>");
    EXPECT_EQ(differences(src, copy_b), "<null>");
    EXPECT_EQ(fingerprint(cluster_a(), "mg_parity_src"), fingerprint(cluster_a(), "mg_parity_copy"));
    EXPECT_EQ(fingerprint(cluster_a(), "mg_parity_src"), fingerprint(cluster_b(), "mg_parity_copy_b"));
    // stored snapshots and preflights travel with the dump (configuration tables)
    Session s(cluster_a() + " dbname=mg_parity_src user=postgres");
    ASSERT_TRUE(s.exec("SELECT * FROM migrate_guard.schema_snapshot('before-dump')").ok);
    Result pre = s.exec("SELECT * FROM migrate_guard.preflight('release-1', ARRAY['app'])");
    ASSERT_TRUE(pre.ok) << pre.message;
    ASSERT_EQ(run(bindir() + "/pg_dump -Fc -f " + dump + args_a() + "mg_parity_src"), 0);
    recreate(cluster_a(), "mg_parity_copy2", false, false);
    ASSERT_EQ(run(restore_with_flag() + "/pg_restore --exit-on-error -d mg_parity_copy2" + args_a() + dump), 0);
    Session c(cluster_a() + " dbname=mg_parity_copy2 user=postgres");
    EXPECT_EQ(c.exec("SELECT count(*) FROM migrate_guard.compare_schema('before-dump')").value(), "0");
    Result post = c.exec("SELECT string_agg(check_name || ' ' || status, ', ') FROM migrate_guard.postflight('release-1') "
                         "WHERE check_name IN ('row counts', 'schema')");
    ASSERT_TRUE(post.ok) << post.message;
    EXPECT_EQ(post.value(), "row counts PASS, schema PASS");
}

} // namespace
