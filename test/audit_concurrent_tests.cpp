// audit_concurrent_tests.cpp — statements that commit their first step in a
// transaction of their own and then wait for other sessions: when the wait
// fails (here: lock_timeout while another session holds the table), the
// catalog change of the first step survives, and so does its audit row.
#include "pg_session.h"

#include <gtest/gtest.h>

using mgtest::Result;
using mgtest::Session;

namespace {

const char *kDb = "dbname=mg_audit_concurrent user=postgres";

class AuditConcurrent : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        Session admin("dbname=postgres user=postgres");
        ASSERT_TRUE(admin.connected()) << admin.connection_error();
        admin.exec("SET migrate_guard.allow_destructive = on");
        admin.exec("DROP DATABASE IF EXISTS mg_audit_concurrent");
        ASSERT_TRUE(admin.exec("CREATE DATABASE mg_audit_concurrent").ok);
        Session db(kDb);
        ASSERT_TRUE(db.connected()) << db.connection_error();
        ASSERT_TRUE(db.exec("CREATE EXTENSION migrate_guard").ok);
        ASSERT_TRUE(db.exec("CREATE TABLE t(id int)").ok);
        ASSERT_TRUE(db.exec("CREATE INDEX t_id ON t(id)").ok);
        ASSERT_TRUE(db.exec("CREATE TABLE p(id int) PARTITION BY RANGE (id)").ok);
        ASSERT_TRUE(db.exec("CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10)").ok);
    }

    static std::string last_id()
    {
        Session db(kDb);
        return db.exec("SELECT coalesce(max(id), 0) FROM migrate_guard.ddl_log").value();
    }

    // rows logged after `mark`, as "command_tag|object_identity|statement|detail" lines
    static std::string rows_since(const std::string &mark)
    {
        Session db(kDb);
        Result r = db.exec("SELECT string_agg(concat_ws('|', command_tag, object_identity, statement, detail), "
                           "E'\\n' ORDER BY id) FROM migrate_guard.ddl_log WHERE id > " + mark);
        return r.value();
    }
};

TEST_F(AuditConcurrent, FailedDropIndexConcurrentlyKeepsItsRow)
{
    std::string mark = last_id();
    Session holder(kDb);
    ASSERT_TRUE(holder.exec("BEGIN").ok);
    ASSERT_TRUE(holder.exec("SELECT count(*) FROM t").ok); // holds a lock DROP INDEX CONCURRENTLY waits for

    Session dropper(kDb);
    ASSERT_TRUE(dropper.exec("SET lock_timeout = '300ms'").ok);
    Result r = dropper.exec("DROP INDEX CONCURRENTLY t_id");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.sqlstate, "55P03") << r.message; // lock_not_available
    ASSERT_TRUE(holder.exec("COMMIT").ok);

    // the index was left marked invalid by the committed first step ...
    Session db(kDb);
    EXPECT_EQ(db.exec("SELECT indisvalid FROM pg_index WHERE indexrelid = 't_id'::regclass").value(), "f");
    // ... and that step has its row
    std::string rows = rows_since(mark);
    EXPECT_NE(rows.find("DROP INDEX|public.t_id|DROP INDEX CONCURRENTLY t_id|CONCURRENTLY"), std::string::npos)
        << rows;

    // completing it later gives one more row, for the completed drop
    mark = last_id();
    ASSERT_TRUE(db.exec("DROP INDEX CONCURRENTLY t_id").ok);
    rows = rows_since(mark);
    EXPECT_NE(rows.find("DROP INDEX|public.t_id"), std::string::npos) << rows;
    EXPECT_EQ(rows.find('\n'), std::string::npos) << "exactly one row expected:\n" << rows;
}

TEST_F(AuditConcurrent, FailedDetachPartitionConcurrentlyKeepsItsRow)
{
    std::string mark = last_id();
    Session holder(kDb);
    ASSERT_TRUE(holder.exec("BEGIN").ok);
    ASSERT_TRUE(holder.exec("SELECT count(*) FROM p").ok);

    Session detacher(kDb);
    ASSERT_TRUE(detacher.exec("SET lock_timeout = '300ms'").ok);
    Result r = detacher.exec("ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.sqlstate, "55P03") << r.message;
    ASSERT_TRUE(holder.exec("COMMIT").ok);

    // the partition is left "detach pending" by the committed first step, which has its row
    Session db(kDb);
    EXPECT_EQ(db.exec("SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = 'p1'::regclass").value(), "t");
    std::string rows = rows_since(mark);
    EXPECT_NE(rows.find("ALTER TABLE|public.p|ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY|"
                        "DETACH PARTITION p1 CONCURRENTLY"),
              std::string::npos)
        << rows;
    EXPECT_TRUE(db.exec("ALTER TABLE p DETACH PARTITION p1 FINALIZE").ok);
}

} // namespace
