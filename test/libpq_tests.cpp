// libpq_tests.cpp — what SQL scripts cannot express: connection-level settings
// (PGOPTIONS, ALTER ROLE/DATABASE ... SET applied at login), the extended query
// protocol, multi-statement strings sent as one message, error fields, the
// server log, and databases without the extension.
#include "pg_session.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using mgtest::Result;
using mgtest::Session;

namespace {

const char *kDb = "dbname=mg_libpq";

std::string as(const std::string &role, const std::string &options = "")
{
    std::string s = std::string(kDb) + " user=" + role;
    if (!options.empty())
        s += " options='" + options + "'";
    return s;
}

class Guard : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        Session admin("dbname=postgres user=postgres");
        ASSERT_TRUE(admin.connected()) << admin.connection_error();
        admin.exec("SET migrate_guard.allow_destructive = on");
        admin.exec("DROP DATABASE IF EXISTS mg_libpq");
        ASSERT_TRUE(admin.exec("CREATE DATABASE mg_libpq").ok);
        for (const char *sql : {"CREATE ROLE migrate_guard_admin NOLOGIN",
                                "CREATE ROLE mg_admin LOGIN",
                                "CREATE ROLE mg_app LOGIN"})
            admin.exec(sql); // may exist already (created by the SQL suites)
        ASSERT_TRUE(admin.exec("GRANT migrate_guard_admin TO mg_admin").ok);

        Session db(as("postgres"));
        ASSERT_TRUE(db.connected()) << db.connection_error();
        ASSERT_TRUE(db.exec("CREATE EXTENSION migrate_guard").ok);
        ASSERT_TRUE(db.exec("CREATE TABLE t(id int, v text)").ok);
        ASSERT_TRUE(db.exec("GRANT ALL ON t TO mg_admin, mg_app").ok);
    }

    void SetUp() override
    {
        Session db(as("postgres"));
        ASSERT_TRUE(db.connected());
        db.exec("BEGIN; SET LOCAL migrate_guard.allow_destructive = on; TRUNCATE t; COMMIT");
        ASSERT_TRUE(db.exec("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')").ok);
    }

    static std::string count_rows()
    {
        Session db(as("postgres"));
        return db.exec("SELECT count(*) FROM t").value();
    }
};

TEST_F(Guard, RefusalCarriesSqlstateMessageDetailAndHint)
{
    Session s(as("mg_app"));
    ASSERT_TRUE(s.connected());
    Result r = s.exec("TRUNCATE t");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.sqlstate, "MG001");
    EXPECT_EQ(r.message, "migrate_guard: refused truncate on public.t");
    EXPECT_NE(r.detail.find("deletes every row"), std::string::npos) << r.detail;
    EXPECT_NE(r.hint.find("SET LOCAL migrate_guard.allow_destructive = on"), std::string::npos) << r.hint;
    EXPECT_NE(r.hint.find("migrate_guard_admin"), std::string::npos) << r.hint;
    EXPECT_EQ(count_rows(), "3");
}

TEST_F(Guard, PgOptionsTurnTheFlagOnForAnAdmin)
{
    Session s(as("mg_admin", "-c migrate_guard.allow_destructive=on"));
    ASSERT_TRUE(s.connected()) << s.connection_error();
    EXPECT_EQ(s.exec("SHOW migrate_guard.allow_destructive").value(), "on");
    EXPECT_TRUE(s.exec("DELETE FROM t").ok);
    EXPECT_EQ(count_rows(), "0");
}

TEST_F(Guard, PgOptionsCannotTurnTheFlagOnForAPlainRole)
{
    Session s(as("mg_app", "-c migrate_guard.allow_destructive=on"));
    EXPECT_FALSE(s.connected());
    EXPECT_NE(s.connection_error().find("permission denied to turn on migrate_guard.allow_destructive"),
              std::string::npos)
        << s.connection_error();
    EXPECT_EQ(count_rows(), "3");
}

TEST_F(Guard, PgOptionsCannotChangeSuperuserOnlySettings)
{
    Session s(as("mg_app", "-c migrate_guard.mode=off"));
    EXPECT_FALSE(s.connected());
    EXPECT_NE(s.connection_error().find("permission denied to set parameter"), std::string::npos)
        << s.connection_error();
}

TEST_F(Guard, AlterRoleSetIsAppliedAtLoginOnlyForAnAdmin)
{
    Session su(as("postgres"));
    ASSERT_TRUE(su.exec("ALTER ROLE mg_admin IN DATABASE mg_libpq SET migrate_guard.allow_destructive = on").ok);
    // stored by a superuser for a plain role: accepted, but refused at its login
    ASSERT_TRUE(su.exec("ALTER ROLE mg_app IN DATABASE mg_libpq SET migrate_guard.allow_destructive = on").ok);
    {
        Session admin(as("mg_admin"));
        ASSERT_TRUE(admin.connected()) << admin.connection_error();
        EXPECT_EQ(admin.exec("SHOW migrate_guard.allow_destructive").value(), "on");

        Session app(as("mg_app"));
        ASSERT_TRUE(app.connected()) << app.connection_error();
        EXPECT_EQ(app.exec("SHOW migrate_guard.allow_destructive").value(), "off");
        bool warned = false;
        for (const auto &n : app.notices())
            warned |= n.find("permission denied to turn on migrate_guard.allow_destructive") != std::string::npos;
        EXPECT_TRUE(warned) << "expected a WARNING at login";
        EXPECT_EQ(app.exec("DELETE FROM t").sqlstate, "MG001");
    }
    su.exec("ALTER ROLE mg_admin IN DATABASE mg_libpq RESET migrate_guard.allow_destructive");
    su.exec("ALTER ROLE mg_app IN DATABASE mg_libpq RESET migrate_guard.allow_destructive");
    EXPECT_EQ(count_rows(), "3");
}

TEST_F(Guard, AlterDatabaseSetIsJudgedForEachLogin)
{
    Session su(as("postgres"));
    ASSERT_TRUE(su.exec("ALTER DATABASE mg_libpq SET migrate_guard.allow_destructive = on").ok);
    {
        Session app(as("mg_app"));
        ASSERT_TRUE(app.connected()) << app.connection_error();
        EXPECT_EQ(app.exec("SHOW migrate_guard.allow_destructive").value(), "off");
        EXPECT_EQ(app.exec("TRUNCATE t").sqlstate, "MG001");

        Session admin(as("mg_admin"));
        ASSERT_TRUE(admin.connected());
        EXPECT_EQ(admin.exec("SHOW migrate_guard.allow_destructive").value(), "on");
    }
    su.exec("ALTER DATABASE mg_libpq RESET migrate_guard.allow_destructive");
    EXPECT_EQ(count_rows(), "3");
}

TEST_F(Guard, PlainRoleCannotStoreTheFlagForItself)
{
    Session app(as("mg_app"));
    Result r = app.exec("ALTER ROLE mg_app SET migrate_guard.allow_destructive = on");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.sqlstate, "42501");
}

TEST_F(Guard, MultiStatementStringRunsNothing)
{
    Session s(as("mg_admin"));
    Result r = s.exec("INSERT INTO t VALUES (10); DELETE FROM t; INSERT INTO t VALUES (11)");
    EXPECT_EQ(r.sqlstate, "MG001");
    EXPECT_EQ(count_rows(), "3");
    // the refusal names the one statement, not the whole string
    Session su(as("postgres"));
    EXPECT_EQ(su.exec("SELECT statement FROM migrate_guard.blocked_attempts ORDER BY attempt DESC LIMIT 1").value(),
              "DELETE FROM t");
}

TEST_F(Guard, ExtendedProtocolIsCheckedAtExecution)
{
    Session s(as("mg_app"));
    EXPECT_TRUE(s.prepare("wipe", "DELETE FROM t").ok);
    EXPECT_EQ(s.exec_prepared("wipe").sqlstate, "MG001");
    EXPECT_EQ(s.exec_params("UPDATE t SET v = $1", {"x"}).sqlstate, "MG001");
    EXPECT_TRUE(s.exec_params("UPDATE t SET v = $1 WHERE id = $2", {"x", "1"}).ok);
    EXPECT_EQ(count_rows(), "3");
}

TEST_F(Guard, RefusalIsWrittenToTheServerLog)
{
    Session s(as("mg_app"));
    EXPECT_EQ(s.exec("DROP TABLE t /* server-log-marker */").sqlstate, "MG001");
    std::ifstream log(mgtest::server_log_path());
    ASSERT_TRUE(log.good()) << mgtest::server_log_path();
    std::stringstream text;
    text << log.rdbuf();
    EXPECT_NE(text.str().find("ERROR:  migrate_guard: refused drop_table on public.t"), std::string::npos);
    EXPECT_NE(text.str().find("server-log-marker"), std::string::npos);
}

TEST_F(Guard, DatabasesWithoutTheExtensionAreUntouched)
{
    Session other("dbname=postgres user=postgres");
    ASSERT_TRUE(other.connected());
    EXPECT_TRUE(other.exec("CREATE TABLE mg_unguarded(id int)").ok);
    EXPECT_TRUE(other.exec("INSERT INTO mg_unguarded VALUES (1)").ok);
    EXPECT_TRUE(other.exec("DELETE FROM mg_unguarded").ok);
    EXPECT_TRUE(other.exec("DROP TABLE mg_unguarded").ok);
    // cluster-level statements are guarded only from a database with the extension
    EXPECT_TRUE(other.exec("CREATE DATABASE mg_libpq_scratch").ok);
    Session guarded(as("postgres"));
    EXPECT_EQ(guarded.exec("DROP DATABASE mg_libpq_scratch").sqlstate, "MG001");
    EXPECT_TRUE(other.exec("DROP DATABASE mg_libpq_scratch").ok);
}

TEST_F(Guard, ExtensionCreatedLaterGuardsSessionsAlreadyOpen)
{
    Session su("dbname=postgres user=postgres");
    su.exec("SET migrate_guard.allow_destructive = on");
    su.exec("DROP DATABASE IF EXISTS mg_libpq_late");
    ASSERT_TRUE(su.exec("CREATE DATABASE mg_libpq_late").ok);
    Session early("dbname=mg_libpq_late user=postgres");
    ASSERT_TRUE(early.exec("CREATE TABLE late(id int); INSERT INTO late VALUES (1)").ok);
    ASSERT_TRUE(early.prepare("wipe", "DELETE FROM late").ok);
    {
        Session other("dbname=mg_libpq_late user=postgres");
        ASSERT_TRUE(other.exec("CREATE EXTENSION migrate_guard").ok);
    }
    EXPECT_EQ(early.exec_prepared("wipe").sqlstate, "MG001");
    EXPECT_EQ(early.exec("TRUNCATE late").sqlstate, "MG001");
    {
        Session other("dbname=mg_libpq_late user=postgres");
        ASSERT_TRUE(other.exec("SET migrate_guard.allow_destructive = on; DROP EXTENSION migrate_guard").ok);
    }
    EXPECT_TRUE(early.exec("TRUNCATE late").ok);
    early.exec("SELECT 1");
    Session cleanup("dbname=postgres user=postgres");
    cleanup.exec("SET migrate_guard.allow_destructive = on");
}

} // namespace

namespace {

// pg_dump / pg_restore of a guarded database keeps the audit rows.
class AuditDump : public ::testing::Test {
protected:
    static std::string bindir()
    {
        const char *b = std::getenv("MG_TEST_BINDIR");
        return b && *b ? b : "/usr/lib/postgresql/15/bin";
    }
    static int run(const std::string &cmd) { return std::system(cmd.c_str()); }
    // the test cluster's directory ($MG_CLUSTER_BASE/test, passed as MG_TEST_HOST): its socket, and the dump
    static std::string host()
    {
        const char *host = std::getenv("MG_TEST_HOST");
        return host && *host ? host : "/tmp/migrate_guard/test";
    }
    static std::string conn_args()
    {
        const char *port = std::getenv("MG_TEST_PORT");
        return " -h " + host() + " -p " + (port ? port : "54329") + " -U postgres ";
    }
};

TEST_F(AuditDump, RestoredDatabaseKeepsTheLog)
{
    Session su("dbname=postgres user=postgres");
    su.exec("SET migrate_guard.allow_destructive = on");
    su.exec("DROP DATABASE IF EXISTS mg_dump_src");
    su.exec("DROP DATABASE IF EXISTS mg_dump_dst");
    ASSERT_TRUE(su.exec("CREATE DATABASE mg_dump_src").ok);
    ASSERT_TRUE(su.exec("CREATE DATABASE mg_dump_dst").ok);
    {
        Session src("dbname=mg_dump_src user=postgres");
        ASSERT_TRUE(src.exec("CREATE EXTENSION migrate_guard").ok);
        ASSERT_TRUE(src.exec("CREATE TABLE kept(id int); COMMENT ON TABLE kept IS 'dump me'").ok);
        ASSERT_TRUE(src.exec("ALTER TABLE kept ADD COLUMN v text").ok);
        // a row whose login role (postgres) differs from its session role
        ASSERT_TRUE(src.exec("GRANT CREATE ON SCHEMA public TO mg_app").ok);
        ASSERT_TRUE(src.exec("SET SESSION AUTHORIZATION mg_app; CREATE TABLE framed(id int); "
                             "RESET SESSION AUTHORIZATION").ok);
    }
    std::string dump = host() + "/mg_dump_src.dump";
    ASSERT_EQ(run(bindir() + "/pg_dump -Fc -f " + dump + conn_args() + "mg_dump_src"), 0);
    // restoring the audit rows writes the extension's tables: guard_tamper, so it needs the flag
    ASSERT_NE(run(bindir() + "/pg_restore --exit-on-error -d mg_dump_dst" + conn_args() + dump + " 2>/dev/null"), 0);
    su.exec("DROP DATABASE mg_dump_dst");
    ASSERT_TRUE(su.exec("CREATE DATABASE mg_dump_dst").ok);
    ASSERT_EQ(run("PGOPTIONS='-c migrate_guard.allow_destructive=on' " + bindir() +
                  "/pg_restore --exit-on-error -d mg_dump_dst" + conn_args() + dump),
              0);

    Session src("dbname=mg_dump_src user=postgres");
    Session dst("dbname=mg_dump_dst user=postgres");
    // login_role too: restored rows keep the login recorded when they were written
    const char *rows = "SELECT string_agg(id || ' ' || command_tag || ' ' || coalesce(object_identity, '') "
                       "|| ' ' || statement || ' by ' || coalesce(login_role, '?'), E'\\n' ORDER BY id) "
                       "FROM migrate_guard.ddl_log ";
    std::string original = src.exec(rows).value();
    ASSERT_NE(original.find("ALTER TABLE public.kept ALTER TABLE kept ADD COLUMN v text by postgres"),
              std::string::npos)
        << original;
    ASSERT_NE(original.find("CREATE TABLE public.framed CREATE TABLE framed(id int) by postgres"), std::string::npos)
        << original;
    // every original row is there, with its id, alongside the restore's own DDL
    std::string restored = dst.exec(rows).value();
    std::stringstream lines(original);
    std::string line;
    while (std::getline(lines, line))
        EXPECT_NE(restored.find(line), std::string::npos) << "missing after restore: " << line;
    // the log stays protected in the restored database
    EXPECT_EQ(dst.exec("DELETE FROM migrate_guard.ddl_log").sqlstate, "MG001");
    // and new DDL goes on being logged there
    EXPECT_TRUE(dst.exec("CREATE TABLE after_restore(id int)").ok);
    EXPECT_EQ(dst.exec("SELECT count(*) FROM migrate_guard.ddl_log WHERE object_identity = 'public.after_restore'").value(),
              "1");
}

} // namespace
