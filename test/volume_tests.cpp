// volume_tests.cpp — the guard by volume (migrate_guard.max_rows_changed) over
// libpq: the fields of a refusal, the extended query protocol (parameters,
// named prepared statements, generic plans), and the limit a superuser stores
// for a role, applied at login and out of the role's reach.
#include "pg_session.h"

#include <gtest/gtest.h>

using mgtest::Result;
using mgtest::Session;

namespace {

const char *kDb = "dbname=mg_volume";

std::string as(const std::string &role, const std::string &options = "")
{
    std::string s = std::string(kDb) + " user=" + role;
    if (!options.empty())
        s += " options='" + options + "'";
    return s;
}

class Volume : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        Session admin("dbname=postgres user=postgres");
        ASSERT_TRUE(admin.connected()) << admin.connection_error();
        admin.exec("DROP DATABASE IF EXISTS mg_volume");
        ASSERT_TRUE(admin.exec("CREATE DATABASE mg_volume").ok);
        for (const char *sql : {"CREATE ROLE migrate_guard_admin NOLOGIN", "CREATE ROLE mg_app LOGIN"})
            admin.exec(sql); // may exist already (created by the SQL suites)

        Session db(as("postgres"));
        ASSERT_TRUE(db.connected()) << db.connection_error();
        ASSERT_TRUE(db.exec("CREATE EXTENSION migrate_guard").ok);
        ASSERT_TRUE(db.exec("CREATE TABLE vt(id int PRIMARY KEY, v int NOT NULL DEFAULT 0)").ok);
        ASSERT_TRUE(db.exec("GRANT ALL ON vt TO mg_app").ok);
        // stored by a superuser for the application role, in this database only
        ASSERT_TRUE(db.exec("ALTER ROLE mg_app IN DATABASE mg_volume SET migrate_guard.max_rows_changed = 5").ok);
    }

    static void TearDownTestSuite()
    {
        Session db(as("postgres"));
        db.exec("ALTER ROLE mg_app IN DATABASE mg_volume RESET migrate_guard.max_rows_changed");
    }

    void SetUp() override
    {
        Session db(as("postgres"));
        ASSERT_TRUE(db.connected());
        ASSERT_TRUE(db.exec("BEGIN; SET LOCAL migrate_guard.allow_destructive = on; TRUNCATE vt; "
                            "INSERT INTO vt SELECT g, 0 FROM generate_series(1, 10) g; COMMIT")
                        .ok);
    }

    static std::string state()
    {
        Session db(as("postgres"));
        return db.exec("SELECT count(*) || '/' || sum(v) FROM vt").value();
    }
};

TEST_F(Volume, RefusalCarriesSqlstateCountLimitAndHint)
{
    Session s(as("mg_app"));
    ASSERT_TRUE(s.connected()) << s.connection_error();
    EXPECT_EQ(s.exec("SHOW migrate_guard.max_rows_changed").value(), "5");
    Result r = s.exec("DELETE FROM vt WHERE id > 0");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.sqlstate, "MG001");
    EXPECT_EQ(r.message, "migrate_guard: refused mass_delete on public.vt");
    EXPECT_NE(r.detail.find("deleted 6 rows of public.vt"), std::string::npos) << r.detail;
    EXPECT_NE(r.detail.find("migrate_guard.max_rows_changed = 5"), std::string::npos) << r.detail;
    EXPECT_NE(r.hint.find("SET LOCAL migrate_guard.allow_destructive = on"), std::string::npos) << r.hint;
    EXPECT_EQ(state(), "10/0");
}

TEST_F(Volume, ExtendedProtocolIsCountedAtEachExecution)
{
    Session s(as("mg_app"));
    ASSERT_TRUE(s.connected()) << s.connection_error();
    EXPECT_EQ(s.exec_params("DELETE FROM vt WHERE id > $1", {"0"}).sqlstate, "MG001");
    EXPECT_EQ(s.exec_params("UPDATE vt SET v = $1 WHERE id > 0", {"1"}).sqlstate, "MG001");
    EXPECT_EQ(state(), "10/0");
    // a generic plan, executed several times with different parameter values
    ASSERT_TRUE(s.exec("SET plan_cache_mode = force_generic_plan").ok);
    ASSERT_TRUE(s.exec("PREPARE bump(int) AS UPDATE vt SET v = v + 1 WHERE id > $1").ok);
    EXPECT_TRUE(s.exec("EXECUTE bump(5)").ok);  // 5 rows: at the limit
    EXPECT_EQ(s.exec("EXECUTE bump(4)").sqlstate, "MG001");
    EXPECT_TRUE(s.exec("EXECUTE bump(7)").ok);
    EXPECT_EQ(state(), "10/8");
    // a named prepared statement of the protocol
    EXPECT_TRUE(s.prepare("wipe", "DELETE FROM vt WHERE v >= 0").ok);
    EXPECT_EQ(s.exec_prepared("wipe").sqlstate, "MG001");
    EXPECT_EQ(state(), "10/8");
}

TEST_F(Volume, RoleCannotLiftItsLimit)
{
    Session lifted(as("mg_app", "-c migrate_guard.max_rows_changed=0"));
    EXPECT_FALSE(lifted.connected());
    EXPECT_NE(lifted.connection_error().find("permission denied to set parameter"), std::string::npos)
        << lifted.connection_error();

    Session s(as("mg_app"));
    ASSERT_TRUE(s.connected()) << s.connection_error();
    EXPECT_FALSE(s.exec("SET migrate_guard.max_rows_changed = 0").ok);
    EXPECT_FALSE(s.exec("SELECT set_config('migrate_guard.max_rows_changed', '1000', true)").ok);
    EXPECT_FALSE(s.exec("ALTER ROLE mg_app SET migrate_guard.max_rows_changed = 0").ok);
    EXPECT_EQ(s.exec("SHOW migrate_guard.max_rows_changed").value(), "5");
    EXPECT_EQ(s.exec("UPDATE vt SET v = 1 WHERE id > 0").sqlstate, "MG001");
    EXPECT_EQ(state(), "10/0");
}

} // namespace
