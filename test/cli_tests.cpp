// cli_tests.cpp — the command-line client `migrate_guard`, run as installed
// (MG_TEST_BINDIR, the private PostgreSQL tree) against the test cluster:
// every command, output format and exit status, and the error paths.
#include "pg_session.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using mgtest::Result;
using mgtest::Session;

namespace {

std::string env_or(const char *name, const char *fallback)
{
    const char *v = std::getenv(name);
    return v && *v ? v : fallback;
}

std::string cli_path() { return env_or("MG_TEST_BINDIR", "/usr/lib/postgresql/15/bin") + "/migrate_guard"; }
std::string test_host() { return env_or("MG_TEST_HOST", "/tmp/migrate_guard/test"); }
std::string test_port() { return env_or("MG_TEST_PORT", "54329"); }

// a libpq connection string of a database of the test cluster
std::string dsn(const std::string &db, const std::string &user = "postgres")
{
    return "host=" + test_host() + " port=" + test_port() + " user=" + user + " dbname=" + db;
}

struct CliRun {
    int code = -1;
    std::string out, err;
    std::vector<std::string> err_lines() const
    {
        std::vector<std::string> lines;
        std::istringstream in(err);
        for (std::string l; std::getline(in, l);)
            lines.push_back(l);
        return lines;
    }
};

std::string slurp(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string temp_dir()
{
    static std::string dir = [] {
        std::string tmpl = "/tmp/mg_cli_tests.XXXXXX";
        char *d = mkdtemp(tmpl.data());
        return std::string(d ? d : "/tmp");
    }();
    return dir;
}

std::string write_file(const std::string &name, const std::string &content)
{
    std::string path = temp_dir() + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

// Environment of the child: PG* variables and NO_COLOR are removed unless
// given, so the runs do not depend on the caller's environment.
void prepare_child_env(const std::map<std::string, std::string> &env)
{
    for (const char *v : {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGSERVICE", "PGOPTIONS", "PGCLIENTENCODING",
                          "PGHOSTADDR", "PGPASSWORD", "NO_COLOR", "PGCONNECT_TIMEOUT"})
        unsetenv(v);
    setenv("TERM", "xterm", 1);
    for (const auto &[k, v] : env)
        setenv(k.c_str(), v.c_str(), 1);
}

[[noreturn]] void exec_cli(const std::vector<std::string> &args)
{
    std::string path = cli_path();
    std::vector<char *> argv{path.data()};
    std::vector<std::string> copy = args;
    for (auto &a : copy)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(path.c_str(), argv.data());
    std::fprintf(stderr, "exec %s: %s\n", path.c_str(), std::strerror(errno));
    _exit(127);
}

// Runs the installed client; stdout and stderr are collected apart.
CliRun run_cli(const std::vector<std::string> &args, const std::map<std::string, std::string> &env = {},
            const std::string &stdin_text = "", const std::string &cwd = "")
{
    static int n = 0;
    std::string base = temp_dir() + "/run" + std::to_string(++n);
    std::string in = write_file("run" + std::to_string(n) + ".in", stdin_text);
    pid_t pid = fork();
    if (pid == 0) {
        int fd_in = open(in.c_str(), O_RDONLY);
        int fd_out = open((base + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fd_err = open((base + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd_in, 0);
        dup2(fd_out, 1);
        dup2(fd_err, 2);
        prepare_child_env(env);
        if (!cwd.empty() && chdir(cwd.c_str()) != 0)
            _exit(126);
        exec_cli(args);
    }
    CliRun r;
    int status = 0;
    waitpid(pid, &status, 0);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(base + ".out");
    r.err = slurp(base + ".err");
    return r;
}

// Runs the client with stdout on a terminal (a pseudo-terminal); returns what it wrote there.
CliRun run_cli_on_terminal(const std::vector<std::string> &args, const std::map<std::string, std::string> &env = {})
{
    int master = -1, slave = -1;
    CliRun r;
    if (openpty(&master, &slave, nullptr, nullptr, nullptr) != 0)
        return r;
    pid_t pid = fork();
    if (pid == 0) {
        close(master);
        int fd_in = open("/dev/null", O_RDONLY);
        dup2(fd_in, 0);
        dup2(slave, 1);
        int fd_err = open("/dev/null", O_WRONLY);
        dup2(fd_err, 2);
        prepare_child_env(env);
        exec_cli(args);
    }
    close(slave);
    char buf[4096];
    for (;;) {
        pollfd p{master, POLLIN, 0};
        if (poll(&p, 1, 30000) <= 0)
            break;
        ssize_t k = read(master, buf, sizeof buf);
        if (k <= 0) // EIO once the child is gone
            break;
        r.out.append(buf, static_cast<size_t>(k));
    }
    close(master);
    int status = 0;
    waitpid(pid, &status, 0);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

bool contains(const std::string &hay, const std::string &needle) { return hay.find(needle) != std::string::npos; }

// An error run: status 3, nothing on stdout, exactly one line on stderr that says `what`.
void expect_error(const CliRun &r, const std::string &what)
{
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    auto lines = r.err_lines();
    EXPECT_EQ(lines.size(), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("migrate_guard: ", 0), 0u) << r.err;
    EXPECT_TRUE(contains(r.err, what)) << "stderr: " << r.err << "\nexpected: " << what;
}

// A field of the JSON document the client printed (checked by the server: the output is valid JSON).
std::string json_field(const std::string &json, const std::string &path)
{
    Session s("dbname=postgres user=postgres");
    Result r = s.exec_params("SELECT $1::jsonb #>> $2::text[]", {json, path});
    EXPECT_TRUE(r.ok) << r.message << "\n" << json.substr(0, 2000);
    return r.value();
}

class Cli : public ::testing::Test {
protected:
    // the files written for the runs (10 MB scripts among them) go with the suite
    static void TearDownTestSuite()
    {
        std::error_code ec;
        if (temp_dir() != "/tmp")
            std::filesystem::remove_all(temp_dir(), ec);
    }

    static void SetUpTestSuite()
    {
        Session su("dbname=postgres user=postgres");
        ASSERT_TRUE(su.connected()) << su.connection_error();
        for (const char *db : {"mg_cli", "mg_cli_b", "mg_cli_pass", "mg_cli_noext", "mg_cli_flight"})
            ASSERT_TRUE(su.exec(std::string("DROP DATABASE IF EXISTS ") + db + " WITH (FORCE)").ok);
        for (const char *db : {"mg_cli", "mg_cli_b", "mg_cli_pass", "mg_cli_noext", "mg_cli_flight"})
            ASSERT_TRUE(su.exec(std::string("CREATE DATABASE ") + db).ok);
        for (const char *db : {"mg_cli", "mg_cli_b", "mg_cli_pass", "mg_cli_flight"}) {
            Session s(std::string("dbname=") + db + " user=postgres");
            ASSERT_TRUE(s.exec("CREATE EXTENSION migrate_guard").ok);
        }
        {
            // mg_cli: findings of every kind (verify: a FAIL and a WARN; check: data to review)
            Session s("dbname=mg_cli user=postgres");
            Result r = s.exec(R"(
                CREATE TABLE accounts(id bigint PRIMARY KEY, email text);
                INSERT INTO accounts SELECT g, 'a' || g || '@example.com' FROM generate_series(1, 5000) g;
                CREATE TABLE dup(id int, v int);
                INSERT INTO dup VALUES (1, 1), (2, 1);
                CREATE TABLE "50%off"(id int);
                CREATE TABLE orders(id int PRIMARY KEY, account_id bigint REFERENCES accounts ON DELETE CASCADE);
                CREATE SCHEMA app;
                CREATE TABLE app.notes(id int PRIMARY KEY);
                ALTER TABLE app.notes ENABLE ROW LEVEL SECURITY;
                CREATE POLICY notes_all ON app.notes USING (true);
                ANALYZE;
            )");
            ASSERT_TRUE(r.ok) << r.message;
        }
        {
            // mg_cli_pass: everything verify checks passes
            Session s("dbname=mg_cli_pass user=postgres");
            Result r = s.exec(R"(
                CREATE TABLE users(id int PRIMARY KEY);
                CREATE TABLE posts(id int PRIMARY KEY, user_id int REFERENCES users ON DELETE RESTRICT);
                CREATE INDEX ON posts(user_id);
                ALTER TABLE users ENABLE ROW LEVEL SECURITY;
                ALTER TABLE posts ENABLE ROW LEVEL SECURITY;
                CREATE POLICY users_all ON users USING (true);
                CREATE POLICY posts_all ON posts USING (true);
            )");
            ASSERT_TRUE(r.ok) << r.message;
        }
        {
            // mg_cli_b: the schema of mg_cli_pass, plus a drift
            Session s("dbname=mg_cli_b user=postgres");
            Result r = s.exec(R"(
                CREATE TABLE users(id int PRIMARY KEY);
                CREATE TABLE posts(id int PRIMARY KEY, user_id int REFERENCES users ON DELETE RESTRICT);
                CREATE INDEX ON posts(user_id);
                ALTER TABLE users ENABLE ROW LEVEL SECURITY;
                ALTER TABLE posts ENABLE ROW LEVEL SECURITY;
                CREATE POLICY users_all ON users USING (true);
                CREATE POLICY posts_all ON posts USING (true);
            )");
            ASSERT_TRUE(r.ok) << r.message;
        }
        {
            Session s("dbname=mg_cli_flight user=postgres");
            Result r = s.exec(R"(
                CREATE TABLE items(id int PRIMARY KEY);
                INSERT INTO items SELECT generate_series(1, 20);
                ALTER TABLE items ENABLE ROW LEVEL SECURITY;
                CREATE POLICY items_all ON items USING (true);
            )");
            ASSERT_TRUE(r.ok) << r.message;
        }
    }
};

// ---------------------------------------------------------------- help, usage

TEST_F(Cli, HelpDocumentsEveryCommandOptionAndExitStatus)
{
    CliRun r = run_cli({"--help"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.err, "");
    for (const char *word : {"check FILE...", "diff DSN_A DSN_B", "preflight LABEL", "postflight LABEL", "verify",
                             "--dsn", "--format", "text", "json", "github", "--color", "NO_COLOR", "--verbose",
                             "--probe", "--schemas", "--expect", "--strict", "--help", "--version", "Exit status",
                             "SAFE TO DEPLOY", "REVIEW", "BLOCKED", "PASS", "FAIL", "WARN", "PGHOST", "PGSERVICE"})
        EXPECT_TRUE(contains(r.out, word)) << word;
    for (const char *code : {"\n  0  ", "\n  1  ", "\n  2  ", "\n  3  "})
        EXPECT_TRUE(contains(r.out, code)) << code;
    EXPECT_EQ(run_cli({"check", "--help"}).out, r.out); // after a command too
    CliRun v = run_cli({"--version"});
    EXPECT_EQ(v.code, 0);
    EXPECT_TRUE(contains(v.out, "migrate_guard (client) ")) << v.out;
}

TEST_F(Cli, UsageErrorsExit3WithOneLine)
{
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{}, "no command given"},
        {{"frobnicate"}, "unknown command \"frobnicate\""},
        {{"verify", "--frob"}, "unknown option \"--frob\""},
        {{"verify", "--format", "xml"}, "--format must be text, json or github, not \"xml\""},
        {{"verify", "--format=yaml"}, "--format must be text, json or github"},
        {{"verify", "--color", "sometimes"}, "--color must be auto, always or never"},
        {{"verify", "--dsn"}, "option --dsn needs a value"},
        {{"verify", "--verbose=yes"}, "option --verbose takes no value"},
        {{"verify", "--probe"}, "--probe does not apply to verify (only to check)"},
        {{"check", "x.sql", "--strict"}, "--strict does not apply to check"},
        {{"check", "x.sql", "--schemas", "public"}, "--schemas does not apply to check"},
        {{"preflight", "x", "--expect", "{}"}, "--expect does not apply to preflight"},
        {{"verify", "--schemas", "a,,b"}, "has an empty schema name"},
        {{"check"}, "check needs at least one FILE"},
        {{"diff", "dbname=a"}, "diff needs exactly two databases"},
        {{"diff", "a", "b", "c"}, "diff needs exactly two databases"},
        {{"diff", "a", "b", "--dsn", "c"}, "not --dsn"},
        {{"preflight"}, "preflight needs exactly one LABEL"},
        {{"postflight", "a", "b"}, "postflight needs exactly one LABEL"},
        {{"postflight", ""}, "LABEL must not be empty"},
        {{"verify", "extra"}, "verify takes no arguments"},
        {{"verify", "--dsn", "a", "--dsn", "b"}, "--dsn given twice"},
    };
    for (const auto &[args, what] : cases) {
        SCOPED_TRACE(what);
        CliRun r = run_cli(args, {{"PGHOST", "/nonexistent"}});
        expect_error(r, what);
        EXPECT_TRUE(contains(r.err, "(see migrate_guard --help)")) << r.err;
    }
}

// ---------------------------------------------------------------- error paths

TEST_F(Cli, MissingUnreadableAndBinaryFilesExit3BeforeConnecting)
{
    // the file is read first: a refused connection does not hide the file's error
    std::string refused = "host=127.0.0.1 port=1 connect_timeout=5";
    expect_error(run_cli({"check", "--dsn", refused, temp_dir() + "/no-such-file.sql"}),
                 "could not open migration file \"" + temp_dir() + "/no-such-file.sql\": No such file or directory");
    // a directory opens but cannot be read (root reads any file, so a mode 000 file proves nothing as root)
    mkdir((temp_dir() + "/a-directory.sql").c_str(), 0700);
    expect_error(run_cli({"check", "--dsn", refused, temp_dir() + "/a-directory.sql"}),
                 "could not read migration file \"" + temp_dir() + "/a-directory.sql\": Is a directory");
    if (geteuid() != 0) {
        std::string locked = write_file("locked.sql", "SELECT 1;");
        chmod(locked.c_str(), 0);
        expect_error(run_cli({"check", "--dsn", refused, locked}), "Permission denied");
    }
    // a NUL byte would cut the script where libpq stops reading the parameter
    std::string binary = write_file("binary.sql", std::string("SELECT 1;\0DROP TABLE accounts;", 29));
    expect_error(run_cli({"check", "--dsn", dsn("mg_cli"), binary}), "holds a NUL byte at offset 9");
    // one bad file among good ones: nothing is printed for the good ones
    std::string good = write_file("good.sql", "SELECT 1;");
    CliRun r = run_cli({"check", "--dsn", dsn("mg_cli"), good, temp_dir() + "/no-such-file.sql"});
    expect_error(r, "no-such-file.sql");
    // --expect @FILE
    expect_error(run_cli({"postflight", "x", "--dsn", refused, "--expect", "@" + temp_dir() + "/none.json"}),
                 "could not open --expect file");
}

TEST_F(Cli, ConnectionFailuresExit3WithOneLine)
{
    for (const std::string &command : {"verify", "check", "preflight", "postflight"}) {
        SCOPED_TRACE(command);
        std::vector<std::string> args{command, "--dsn", "host=127.0.0.1 port=1 connect_timeout=5"};
        if (command == "check")
            args.push_back(write_file("conn.sql", "SELECT 1;"));
        if (command == "preflight" || command == "postflight")
            args.push_back("label");
        CliRun r = run_cli(args);
        expect_error(r, "could not connect to the database: ");
        EXPECT_TRUE(contains(r.err, "Connection refused")) << r.err;
    }
    // through the environment (a socket directory without a server)
    expect_error(run_cli({"verify"}, {{"PGHOST", temp_dir()}, {"PGPORT", "1"}}),
                 "could not connect to the database: connection to server on socket \"" + temp_dir() +
                     "/.s.PGSQL.1\" failed");
    // an unknown database, a malformed connection string; diff names the side
    expect_error(run_cli({"verify", "--dsn", dsn("mg_cli_no_such_db")}),
                 "database \"mg_cli_no_such_db\" does not exist");
    expect_error(run_cli({"verify", "--dsn", "host='unterminated"}), "could not connect to the database");
    expect_error(run_cli({"diff", dsn("mg_cli_pass"), "host=127.0.0.1 port=1 connect_timeout=5"}),
                 "could not connect to B: ");
    // the password never shows in messages
    CliRun pw = run_cli({"verify", "--dsn", "postgresql://postgres:s3cret@127.0.0.1:1/x?connect_timeout=5"});
    expect_error(pw, "could not connect");
    EXPECT_FALSE(contains(pw.err, "s3cret"));
}

TEST_F(Cli, DatabaseWithoutTheExtensionExit3)
{
    std::string noext = "migrate_guard is not installed in database \"mg_cli_noext\"";
    std::string file = write_file("noext.sql", "SELECT 1;");
    expect_error(run_cli({"verify", "--dsn", dsn("mg_cli_noext")}), noext);
    expect_error(run_cli({"check", "--dsn", dsn("mg_cli_noext"), file}), noext);
    expect_error(run_cli({"preflight", "--dsn", dsn("mg_cli_noext"), "l"}), noext);
    expect_error(run_cli({"postflight", "--dsn", dsn("mg_cli_noext"), "l"}), noext);
    CliRun b = run_cli({"diff", dsn("mg_cli_pass"), dsn("mg_cli_noext")});
    expect_error(b, noext + " at " + test_host() + ":" + test_port() + " (B): CREATE EXTENSION migrate_guard");
    CliRun a = run_cli({"diff", dsn("mg_cli_noext"), dsn("mg_cli_pass")});
    expect_error(a, noext + " at " + test_host() + ":" + test_port() + " (A): CREATE EXTENSION migrate_guard");
}

TEST_F(Cli, ServerErrorsExit3SayingWhatFailed)
{
    // malformed JSON: the server's ERROR, with what was running and the SQLSTATE
    CliRun r = run_cli({"verify", "--dsn", dsn("mg_cli"), "--expect", "not json"});
    expect_error(r, "verify_fk_rules failed: ERROR 22P02: invalid input syntax for type json");
    // an expectation the function rejects: message, detail and hint on the one line
    r = run_cli({"verify", "--dsn", dsn("mg_cli"), "--expect",
                 R"([{"table": "orders", "references": "accounts", "on_delete": "ERASE"}])"});
    expect_error(r, "verify_fk_rules failed: ERROR ");
    EXPECT_TRUE(contains(r.err, "ERASE")) << r.err;
    // a schema that does not exist
    expect_error(run_cli({"verify", "--dsn", dsn("mg_cli"), "--schemas", "no_such_schema"}), "verify_rls failed: ERROR");
    // a script that is not valid UTF-8 is refused by the server
    std::string latin1 = write_file("latin1.sql", "SELECT 'caf\xe9';\n");
    expect_error(run_cli({"check", "--dsn", dsn("mg_cli"), latin1}),
                 "check_migration of \"" + latin1 + "\" failed: ERROR 22021: invalid byte sequence");
    // a postflight without its preflight
    expect_error(run_cli({"postflight", "--dsn", dsn("mg_cli_flight"), "never-taken"}),
                 "postflight \"never-taken\" failed: ERROR ");
    // preflight: a label is used once
    ASSERT_EQ(run_cli({"preflight", "--dsn", dsn("mg_cli_flight"), "used-once"}).code, 0);
    expect_error(run_cli({"preflight", "--dsn", dsn("mg_cli_flight"), "used-once"}),
                 "preflight \"used-once\" failed: ERROR ");
}

// ---------------------------------------------------------------- verify

TEST_F(Cli, VerifyExitStatusAndFormats)
{
    CliRun pass = run_cli({"verify", "--dsn", dsn("mg_cli_pass")});
    EXPECT_EQ(pass.code, 0) << pass.out << pass.err;
    EXPECT_EQ(pass.err, "");
    EXPECT_TRUE(contains(pass.out, "FK rules (verify_fk_rules): 1 PASS\n")) << pass.out;
    EXPECT_TRUE(contains(pass.out, "RLS (verify_rls): 2 PASS\n")) << pass.out;
    EXPECT_FALSE(contains(pass.out, "public.posts")) << pass.out; // PASS items only with --verbose
    EXPECT_TRUE(contains(pass.out, "verify: PASS\n")) << pass.out;
    CliRun verbose = run_cli({"verify", "-v", "--dsn", dsn("mg_cli_pass")});
    EXPECT_TRUE(contains(verbose.out, "PASS    public.posts (user_id) -> public.users (id)")) << verbose.out;

    // mg_cli: RLS off (FAIL), a CASCADE without expectation (WARN)
    CliRun fail = run_cli({"verify", "--dsn", dsn("mg_cli")});
    EXPECT_EQ(fail.code, 1) << fail.out << fail.err;
    EXPECT_TRUE(contains(fail.out, "FAIL    public.accounts")) << fail.out;
    EXPECT_TRUE(contains(fail.out, "WARN    public.orders (account_id) -> public.accounts (id)")) << fail.out;
    EXPECT_TRUE(contains(fail.out, "verify: FAIL\n")) << fail.out;

    // WARN alone: 0, or 1 with --strict
    CliRun warn = run_cli({"verify", "--dsn", dsn("mg_cli"), "--schemas", "app", "--expect",
                        R"([{"table": "orders", "references": "accounts", "on_delete": "CASCADE"}])"});
    EXPECT_EQ(warn.code, 0) << warn.out << warn.err;
    EXPECT_TRUE(contains(warn.out, "verify: PASS")) << warn.out;
    // the expectation makes the CASCADE a PASS; a table without policy in scope gives the WARN
    Session s("dbname=mg_cli user=postgres");
    ASSERT_TRUE(s.exec("CREATE TABLE app.empty_rls(id int); ALTER TABLE app.empty_rls ENABLE ROW LEVEL SECURITY").ok);
    warn = run_cli({"verify", "--dsn", dsn("mg_cli"), "--schemas", "app", "--expect",
                    R"([{"table": "orders", "references": "accounts", "on_delete": "CASCADE"}])"});
    EXPECT_EQ(warn.code, 0) << warn.out;
    EXPECT_TRUE(contains(warn.out, "WARN    app.empty_rls")) << warn.out;
    EXPECT_TRUE(contains(warn.out, "verify: WARN\n")) << warn.out;
    std::string expect_file = write_file("fk.json", R"([{"table": "orders", "references": "accounts", "on_delete": "CASCADE"}])");
    CliRun strict = run_cli({"verify", "--dsn", dsn("mg_cli"), "--schemas", "app", "--strict", "--expect", "@" + expect_file});
    EXPECT_EQ(strict.code, 1) << strict.out << strict.err;
    EXPECT_EQ(strict.out, warn.out);
    ASSERT_TRUE(s.exec("BEGIN; SET LOCAL migrate_guard.allow_destructive = on; DROP TABLE app.empty_rls; COMMIT").ok);

    // json: one document, every column, NULL as null, arrays and booleans typed
    CliRun json = run_cli({"verify", "--dsn", dsn("mg_cli"), "--format", "json"});
    EXPECT_EQ(json.code, 1);
    EXPECT_EQ(json_field(json.out, "{command}"), "verify");
    EXPECT_EQ(json_field(json.out, "{result}"), "FAIL");
    EXPECT_EQ(json_field(json.out, "{exit_code}"), "1");
    {
        Result r = s.exec_params(
            "SELECT f->>'status', f->'columns', jsonb_typeof(f->'expected_on_delete'), "
            "       (SELECT jsonb_typeof(x->'rls_enabled') || ' ' || jsonb_typeof(x->'policy_count') "
            "          FROM jsonb_array_elements($1::jsonb->'rls') x WHERE x->>'table_name' = 'public.accounts') "
            "  FROM jsonb_array_elements($1::jsonb->'fk_rules') f WHERE f->>'table_name' = 'public.orders'",
            {json.out});
        ASSERT_TRUE(r.ok) << r.message;
        EXPECT_EQ(r.value(0, 0), "WARN");
        EXPECT_EQ(r.value(0, 1), "[\"account_id\"]");
        EXPECT_EQ(r.value(0, 2), "null");
        EXPECT_EQ(r.value(0, 3), "boolean number");
    }
    // github: ::error for FAIL, ::warning for WARN, nothing for PASS
    CliRun gh = run_cli({"verify", "--dsn", dsn("mg_cli"), "--format", "github"});
    EXPECT_EQ(gh.code, 1);
    EXPECT_TRUE(contains(gh.out, "::error title=verify rls%3A public.accounts::FAIL: ")) << gh.out;
    EXPECT_TRUE(contains(gh.out, "::warning title=verify fk rules%3A public.orders (account_id) -> public.accounts (id)::WARN: "))
        << gh.out;
    EXPECT_FALSE(contains(gh.out, "app.notes")) << gh.out;
    EXPECT_TRUE(contains(gh.out, "\nverify: FAIL\n")) << gh.out;
}

TEST_F(Cli, ConnectionFromTheEnvironmentAndDsnForms)
{
    std::map<std::string, std::string> env{
        {"PGHOST", test_host()}, {"PGPORT", test_port()}, {"PGUSER", "postgres"}, {"PGDATABASE", "mg_cli_pass"}};
    EXPECT_EQ(run_cli({"verify"}, env).code, 0);
    // a service file
    std::string services = write_file("pg_service.conf", "[mgtest]\nhost=" + test_host() + "\nport=" + test_port() +
                                                             "\nuser=postgres\ndbname=mg_cli_pass\n");
    EXPECT_EQ(run_cli({"verify"}, {{"PGSERVICEFILE", services}, {"PGSERVICE", "mgtest"}}).code, 0);
    EXPECT_EQ(run_cli({"verify", "--dsn", "service=mgtest"}, {{"PGSERVICEFILE", services}}).code, 0);
    // --dsn wins over the environment; a URI works too
    env["PGDATABASE"] = "mg_cli_noext";
    EXPECT_EQ(run_cli({"verify", "--dsn", dsn("mg_cli_pass")}, env).code, 0);
    EXPECT_EQ(run_cli({"verify", "--dsn", "postgresql://postgres@127.0.0.1:" + test_port() + "/mg_cli_pass"}).code, 0);
    // --dsn=VALUE and -d VALUE
    EXPECT_EQ(run_cli({"verify", "--dsn=" + dsn("mg_cli_pass")}).code, 0);
    EXPECT_EQ(run_cli({"-d", dsn("mg_cli_pass"), "verify"}).code, 0);
}

TEST_F(Cli, ColourOnlyOnATerminalAndNotWithNoColor)
{
    std::vector<std::string> args{"verify", "--dsn", dsn("mg_cli")};
    CliRun piped = run_cli(args);
    EXPECT_FALSE(contains(piped.out, "\033[")) << piped.out;
    CliRun tty = run_cli_on_terminal(args);
    EXPECT_EQ(tty.code, 1);
    EXPECT_TRUE(contains(tty.out, "\033[1;31mFAIL\033[0m")) << tty.out;
    CliRun no_color = run_cli_on_terminal(args, {{"NO_COLOR", "1"}});
    EXPECT_TRUE(contains(no_color.out, "verify: FAIL")) << no_color.out;
    EXPECT_FALSE(contains(no_color.out, "\033[")) << no_color.out;
    CliRun dumb = run_cli_on_terminal(args, {{"TERM", "dumb"}});
    EXPECT_FALSE(contains(dumb.out, "\033[")) << dumb.out;
    CliRun never = run_cli_on_terminal({"verify", "--color=never", "--dsn", dsn("mg_cli")});
    EXPECT_FALSE(contains(never.out, "\033[")) << never.out;
    CliRun always = run_cli({"verify", "--color=always", "--dsn", dsn("mg_cli")});
    EXPECT_TRUE(contains(always.out, "\033[")) << always.out;
    // json and github never carry colour
    CliRun json = run_cli_on_terminal({"verify", "--format=json", "--dsn", dsn("mg_cli")});
    EXPECT_FALSE(contains(json.out, "\033[")) << json.out;
    CliRun gh = run_cli_on_terminal({"verify", "--format=github", "--dsn", dsn("mg_cli")});
    EXPECT_FALSE(contains(gh.out, "\033[")) << gh.out;
}

} // namespace

namespace {

// ---------------------------------------------------------------- diff

TEST_F(Cli, DiffIdenticalDifferentNarrowedAndFormats)
{
    // mg_cli_pass and mg_cli_b were built by the same script
    CliRun same = run_cli({"diff", dsn("mg_cli_pass"), dsn("mg_cli_b")});
    EXPECT_EQ(same.code, 0) << same.out << same.err;
    EXPECT_EQ(same.err, "");
    EXPECT_EQ(same.out, "diff: no differences between A (database \"mg_cli_pass\" at " + test_host() + ":" +
                            test_port() + ") and B (database \"mg_cli_b\" at " + test_host() + ":" + test_port() +
                            ")\n");
    CliRun same_json = run_cli({"diff", "--format=json", dsn("mg_cli_pass"), dsn("mg_cli_b")});
    EXPECT_EQ(same_json.code, 0);
    EXPECT_EQ(json_field(same_json.out, "{identical}"), "true");
    EXPECT_EQ(json_field(same_json.out, "{differences}"), "[]");
    EXPECT_EQ(json_field(same_json.out, "{b,database}"), "mg_cli_b");

    // drift in B: RLS turned off (danger), a table "a%b" added (info), a schema of its own
    Session b("dbname=mg_cli_b user=postgres");
    Result r = b.exec("BEGIN; SET LOCAL migrate_guard.allow_destructive = on;"
                      "ALTER TABLE posts DISABLE ROW LEVEL SECURITY; CREATE TABLE \"a%b\"(id int);"
                      "CREATE SCHEMA other; CREATE TABLE other.t(id int); COMMIT");
    ASSERT_TRUE(r.ok) << r.message;

    CliRun text = run_cli({"diff", dsn("mg_cli_pass"), dsn("mg_cli_b")});
    EXPECT_EQ(text.code, 1) << text.out << text.err;
    EXPECT_EQ(text.err, "");
    EXPECT_TRUE(contains(text.out, "danger CHANGED table public.posts (rls_enabled)\n    in A: true\n    in B: false\n"))
        << text.out;
    EXPECT_TRUE(contains(text.out, "info   ADDED   table public.\"a%b\"\n")) << text.out;
    EXPECT_TRUE(contains(text.out, "other")) << text.out;
    EXPECT_TRUE(contains(text.out, "\ndiff: ")) << text.out;
    EXPECT_TRUE(contains(text.out, " differences between A (database \"mg_cli_pass\"")) << text.out;
    EXPECT_TRUE(contains(text.out, ": 1 danger, ")) << text.out;

    // --schemas narrows both exports
    CliRun narrowed = run_cli({"diff", "--schemas", "public", dsn("mg_cli_pass"), dsn("mg_cli_b")});
    EXPECT_EQ(narrowed.code, 1);
    EXPECT_FALSE(contains(narrowed.out, "other")) << narrowed.out;
    EXPECT_TRUE(contains(narrowed.out, "public.posts")) << narrowed.out;
    // a schema only B has: A's export fails, and says so
    expect_error(run_cli({"diff", "-s", "other", dsn("mg_cli_pass"), dsn("mg_cli_b")}), "export_schema failed in A: ERROR");
    // B against itself after the drift: identical
    EXPECT_EQ(run_cli({"diff", dsn("mg_cli_b"), dsn("mg_cli_b")}).code, 0);

    // json: every difference with every column
    CliRun json = run_cli({"diff", "-f", "json", "-s", "public", dsn("mg_cli_pass"), dsn("mg_cli_b")});
    EXPECT_EQ(json.code, 1);
    EXPECT_EQ(json_field(json.out, "{identical}"), "false");
    EXPECT_EQ(json_field(json.out, "{exit_code}"), "1");
    EXPECT_EQ(json_field(json.out, "{schemas,0}"), "public");
    {
        Session s("dbname=postgres user=postgres");
        Result d = s.exec_params("SELECT d->>'severity', d->>'before_value', d->>'after_value', d ? 'attribute' "
                                 "FROM jsonb_array_elements($1::jsonb->'differences') d "
                                 "WHERE d->>'object_identity' = 'public.posts' AND d->>'attribute' = 'rls_enabled'",
                                 {json.out});
        ASSERT_TRUE(d.ok) << d.message;
        EXPECT_EQ(d.value(0, 0), "danger");
        EXPECT_EQ(d.value(0, 1), "true");
        EXPECT_EQ(d.value(0, 2), "false");
        Result added = s.exec_params("SELECT jsonb_typeof(d->'before_value') FROM jsonb_array_elements($1::jsonb->'differences') d "
                                     "WHERE d->>'change' = 'ADDED' AND d->>'object_identity' = 'public.\"a%b\"'",
                                     {json.out});
        EXPECT_EQ(added.value(), "null"); // NULL columns are null
    }

    // github: danger ::error, info ::notice; % and newlines escaped in the message
    CliRun gh = run_cli({"diff", "--format", "github", "-s", "public", dsn("mg_cli_pass"), dsn("mg_cli_b")});
    EXPECT_EQ(gh.code, 1);
    EXPECT_TRUE(contains(gh.out, "::error title=schema diff%3A danger CHANGED::CHANGED table public.posts "
                                 "(rls_enabled)%0Ain A: true%0Ain B: false\n"))
        << gh.out;
    EXPECT_TRUE(contains(gh.out, "::notice title=schema diff%3A info ADDED::ADDED table public.\"a%25b\"")) << gh.out;
    EXPECT_TRUE(contains(gh.out, "\ndiff: ")) << gh.out;
}

// ---------------------------------------------------------------- preflight, postflight

TEST_F(Cli, PreflightPostflightExitStatusExpectationsAndFormats)
{
    std::string db = dsn("mg_cli_flight");
    CliRun pre = run_cli({"preflight", "--dsn", db, "--schemas", "public", "release-1"});
    EXPECT_EQ(pre.code, 0) << pre.out << pre.err;
    EXPECT_EQ(pre.err, "");
    EXPECT_TRUE(contains(pre.out, "PASS    row counts ")) << pre.out;
    EXPECT_TRUE(contains(pre.out, "PASS    overall ")) << pre.out;
    EXPECT_TRUE(contains(pre.out, "\npreflight \"release-1\": PASS\n")) << pre.out;

    Session s("dbname=mg_cli_flight user=postgres");
    ASSERT_TRUE(s.exec("DELETE FROM items WHERE id <= 5").ok);

    // rows lost without expectation: FAIL
    CliRun fail = run_cli({"postflight", "--dsn", db, "release-1"});
    EXPECT_EQ(fail.code, 1) << fail.out << fail.err;
    EXPECT_TRUE(contains(fail.out, "FAIL    row count: public.items")) << fail.out;
    EXPECT_TRUE(contains(fail.out, "\npostflight \"release-1\": FAIL\n")) << fail.out;
    CliRun gh = run_cli({"postflight", "--dsn", db, "--format", "github", "release-1"});
    EXPECT_EQ(gh.code, 1);
    EXPECT_TRUE(contains(gh.out, "::error title=postflight \"release-1\"%3A row count%3A public.items::FAIL: 20 -> 15"))
        << gh.out;
    EXPECT_FALSE(contains(gh.out, "PASS")) << gh.out; // nothing for what passed

    // expected: PASS (as JSON text, or @FILE)
    CliRun ok = run_cli({"postflight", "--dsn", db, "--expect", R"({"public.items": "-5..0"})", "release-1"});
    EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
    EXPECT_TRUE(contains(ok.out, "\npostflight \"release-1\": PASS\n")) << ok.out;
    std::string expect = write_file("expect.json", R"({"items": -5})");
    EXPECT_EQ(run_cli({"postflight", "--dsn", db, "--expect", "@" + expect, "release-1"}).code, 0);
    // a bad expectation is the server's ERROR
    expect_error(run_cli({"postflight", "--dsn", db, "--expect", R"({"public.items": "lots"})", "release-1"}),
                 "postflight \"release-1\" failed: ERROR 22023: ");

    // DDL matching a guard rule since the preflight: WARN; exit 0, or 1 with --strict
    ASSERT_TRUE(s.exec("CREATE TABLE scratch(id int)").ok);
    ASSERT_TRUE(s.exec("BEGIN; SET LOCAL migrate_guard.allow_destructive = on; DROP TABLE scratch; COMMIT").ok);
    CliRun warn = run_cli({"postflight", "--dsn", db, "--expect", R"({"public.items": "-5..0"})", "release-1"});
    EXPECT_EQ(warn.code, 0) << warn.out << warn.err;
    EXPECT_TRUE(contains(warn.out, "WARN    ddl log ")) << warn.out;
    EXPECT_TRUE(contains(warn.out, "\npostflight \"release-1\": WARN\n")) << warn.out;
    CliRun strict =
        run_cli({"postflight", "--dsn", db, "--strict", "--expect", R"({"public.items": "-5..0"})", "release-1"});
    EXPECT_EQ(strict.code, 1) << strict.out;
    EXPECT_EQ(strict.out, warn.out);

    // json: every row, the overall last
    CliRun json = run_cli({"postflight", "--dsn", db, "-f", "json", "--strict", "--expect",
                           R"({"public.items": "-5..0"})", "release-1"});
    EXPECT_EQ(json.code, 1);
    EXPECT_EQ(json_field(json.out, "{command}"), "postflight");
    EXPECT_EQ(json_field(json.out, "{label}"), "release-1");
    EXPECT_EQ(json_field(json.out, "{result}"), "WARN");
    EXPECT_EQ(json_field(json.out, "{exit_code}"), "1");
    EXPECT_EQ(json_field(json.out, "{strict}"), "true");
    EXPECT_EQ(json_field(json.out, "{checks,-1,check_name}"), "overall");
    EXPECT_EQ(json_field(json.out, "{checks,-1,status}"), "WARN");

    // preflight in json and github
    CliRun pre_json = run_cli({"preflight", "--dsn", db, "-f", "json", "release-2"});
    EXPECT_EQ(pre_json.code, 0) << pre_json.err;
    EXPECT_EQ(json_field(pre_json.out, "{result}"), "PASS");
    EXPECT_EQ(json_field(pre_json.out, "{checks,0,check_name}"), "row counts");
    CliRun pre_gh = run_cli({"preflight", "--dsn", db, "-f", "github", "release-3"});
    EXPECT_EQ(pre_gh.code, 0);
    EXPECT_EQ(pre_gh.out, "preflight \"release-3\": PASS\n");
}

} // namespace

namespace {

// ---------------------------------------------------------------- check

TEST_F(Cli, CheckVerdictsExitStatusAndGrouping)
{
    std::string db = dsn("mg_cli");
    std::string safe = write_file("safe.sql", "CREATE TABLE new_table(id int PRIMARY KEY);\n");
    std::string review = write_file("review.sql", "SET lock_timeout = '2s';\n\nCREATE INDEX accounts_email_idx ON accounts (email);\n");
    std::string blocked = write_file("blocked.sql", "SELECT 1;\n\nDROP TABLE accounts;\n");
    std::string empty = write_file("empty.sql", "");
    std::string broken = write_file("broken.sql", "SELECT 1;\nCREATE TABLE (;\n");

    CliRun r = run_cli({"check", "--dsn", db, safe});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, safe + ": SAFE TO DEPLOY (1 statement)\n");

    r = run_cli({"check", "--dsn", db, review});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_EQ(r.out.rfind(review + ":3: danger index_not_concurrent: CREATE INDEX takes a ShareLock on public.accounts", 0), 0u)
        << r.out;
    EXPECT_TRUE(contains(r.out, "\n    hint: CREATE INDEX CONCURRENTLY accounts_email_idx")) << r.out;
    EXPECT_TRUE(contains(r.out, "\n" + review + ": REVIEW (2 statements; 1 danger)\n")) << r.out;

    r = run_cli({"check", "--dsn", db, blocked});
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_EQ(r.out.rfind(blocked + ":3: blocked drop_table: ", 0), 0u) << r.out;
    EXPECT_TRUE(contains(r.out, "\n" + blocked + ": BLOCKED (2 statements; 1 blocked")) << r.out;

    // nothing to deploy is safe; a script that does not parse is a finding, not an error
    r = run_cli({"check", "--dsn", db, empty});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, empty + ": SAFE TO DEPLOY (0 statements)\n");
    r = run_cli({"check", "--dsn", db, broken});
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, broken + ":2: blocked syntax_error: ")) << r.out;

    // several files: grouped by file in the order given, the worst decides
    r = run_cli({"check", "--dsn", db, blocked, safe, review});
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    size_t b = r.out.find(blocked + ":3:"), s = r.out.find(safe + ": SAFE"), v = r.out.find(review + ":3:");
    EXPECT_TRUE(b != std::string::npos && s != std::string::npos && v != std::string::npos && b < s && s < v) << r.out;
    EXPECT_TRUE(contains(r.out, "\ncheck: BLOCKED (3 files; 1 blocked, 1 danger")) << r.out;
    EXPECT_EQ(run_cli({"check", "--dsn", db, safe, review}).code, 1);
    EXPECT_EQ(run_cli({"check", "--dsn", db, safe, empty}).code, 0);

    // --verbose lists the statements without findings too
    r = run_cli({"check", "-v", "--dsn", db, safe});
    EXPECT_EQ(r.code, 0);
    EXPECT_TRUE(contains(r.out, safe + ":1: ok: CREATE TABLE: CREATE TABLE new_table(id int PRIMARY KEY)\n")) << r.out;

    // standard input
    r = run_cli({"check", "--dsn", db, "-"}, {}, "\n\nTRUNCATE accounts;\n");
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_EQ(r.out.rfind("<stdin>:3: blocked truncate: ", 0), 0u) << r.out;

    // nothing was executed
    Session su("dbname=mg_cli user=postgres");
    EXPECT_EQ(su.exec("SELECT count(*) FROM accounts").value(), "5000");
    EXPECT_EQ(su.exec("SELECT count(*) FROM pg_class WHERE relname IN ('new_table', 'accounts_email_idx')").value(), "0");
}

TEST_F(Cli, CheckJsonAndGithubAnnotations)
{
    std::string db = dsn("mg_cli");
    std::string review = write_file("j_review.sql", "SET lock_timeout = '2s';\nCREATE INDEX ON accounts (email);\n");
    // a file name with , and : (escaped in the annotation's properties), a table name with %
    std::string odd = write_file("odd,name:1.sql", "DROP TABLE \"50%off\";\n");

    CliRun r = run_cli({"check", "--format", "json", "--dsn", db, review, odd});
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_EQ(json_field(r.out, "{command}"), "check");
    EXPECT_EQ(json_field(r.out, "{verdict}"), "BLOCKED");
    EXPECT_EQ(json_field(r.out, "{exit_code}"), "2");
    EXPECT_EQ(json_field(r.out, "{probe}"), "false");
    EXPECT_EQ(json_field(r.out, "{files,0,file}"), review);
    EXPECT_EQ(json_field(r.out, "{files,0,verdict}"), "REVIEW");
    EXPECT_EQ(json_field(r.out, "{files,0,counts,danger}"), "1");
    EXPECT_EQ(json_field(r.out, "{files,1,file}"), odd);
    EXPECT_EQ(json_field(r.out, "{files,1,verdict}"), "BLOCKED");
    {
        Session s("dbname=postgres user=postgres");
        Result f = s.exec_params(
            "SELECT f->>'rule', f->'relations', f->'rewrites', f->'line', jsonb_typeof(f->'statement_no') "
            "FROM jsonb_array_elements($1::jsonb #> '{files,0,findings}') f WHERE f->>'severity' = 'danger'",
            {r.out});
        ASSERT_TRUE(f.ok) << f.message;
        EXPECT_EQ(f.value(0, 0), "index_not_concurrent");
        EXPECT_EQ(f.value(0, 1), "[\"public.accounts\"]");
        EXPECT_EQ(f.value(0, 2), "false");
        EXPECT_EQ(f.value(0, 3), "2");
        EXPECT_EQ(f.value(0, 4), "number");
        // the statement without findings is there too, its NULL columns as null
        Result ok = s.exec_params(
            "SELECT jsonb_typeof(f->'rule'), jsonb_typeof(f->'lock_mode'), f->>'command_tag' "
            "FROM jsonb_array_elements($1::jsonb #> '{files,0,findings}') f WHERE f->>'severity' = 'ok'",
            {r.out});
        EXPECT_EQ(ok.value(0, 0), "null");
        EXPECT_EQ(ok.value(0, 1), "null");
        EXPECT_EQ(ok.value(0, 2), "SET");
    }

    CliRun gh = run_cli({"check", "--format=github", "--dsn", db, review, odd});
    EXPECT_EQ(gh.code, 2) << gh.out << gh.err;
    EXPECT_TRUE(contains(gh.out, "::warning file=" + review +
                                     ",line=2,title=danger index_not_concurrent::CREATE INDEX takes a ShareLock on "
                                     "public.accounts"))
        << gh.out;
    EXPECT_TRUE(contains(gh.out, "%0Ahint: CREATE INDEX CONCURRENTLY")) << gh.out;
    std::string odd_escaped = temp_dir() + "/odd%2Cname%3A1.sql";
    EXPECT_TRUE(contains(gh.out, "::error file=" + odd_escaped + ",line=1,title=blocked drop_table::")) << gh.out;
    EXPECT_TRUE(contains(gh.out, "\"50%25off\"")) << gh.out;
    EXPECT_FALSE(contains(gh.out, "50%off")) << gh.out;
    EXPECT_TRUE(contains(gh.out, "\n" + review + ": REVIEW (2 statements; 1 danger)\n")) << gh.out;
    EXPECT_TRUE(contains(gh.out, "\ncheck: BLOCKED (2 files; 1 blocked, 1 danger, 1 warn)\n")) << gh.out;
    // every annotation is one line
    std::istringstream lines(gh.out);
    for (std::string l; std::getline(lines, l);)
        EXPECT_TRUE(l.rfind("::", 0) == 0 || l.rfind(review, 0) == 0 || l.rfind(odd, 0) == 0 ||
                    l.rfind("check: ", 0) == 0)
            << l;
}

TEST_F(Cli, CheckProbeRunsTheDataProbes)
{
    std::string script = write_file("probe.sql", "SET lock_timeout = '2s';\nALTER TABLE dup ADD CONSTRAINT dup_v UNIQUE (v);\n");
    CliRun plain = run_cli({"check", "--dsn", dsn("mg_cli"), script});
    EXPECT_FALSE(contains(plain.out, "unique_violation")) << plain.out;
    CliRun probe = run_cli({"check", "--probe", "--dsn", dsn("mg_cli"), script});
    EXPECT_TRUE(contains(probe.out, script + ":2: ")) << probe.out;
    EXPECT_TRUE(contains(probe.out, " unique_violation: ")) << probe.out;
    EXPECT_GE(probe.code, 1);
    EXPECT_EQ(json_field(run_cli({"check", "--probe", "-f", "json", "--dsn", dsn("mg_cli"), script}).out, "{probe}"),
              "true");
}

TEST_F(Cli, CheckTenMegabyteFile)
{
    // 10 MB: the whole file reaches the server (the finding is on its last line)
    std::string big;
    big.reserve(10u << 20);
    size_t lines = 0;
    while (big.size() < (10u << 20)) {
        big += "-- padding line of a very long migration script ................................................\n";
        lines++;
    }
    big += "DROP TABLE accounts;\n";
    std::string path = write_file("big.sql", big);
    CliRun r = run_cli({"check", "--dsn", dsn("mg_cli"), path});
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(r.out.rfind(path + ":" + std::to_string(lines + 1) + ": blocked drop_table: ", 0), 0u)
        << r.out.substr(0, 500);
    // a 10 MB statement (a long literal) comes back whole in json
    std::string literal(10u << 20, 'x');
    std::string one = write_file("big_statement.sql", "INSERT INTO dup(id) SELECT length('" + literal + "');\n");
    CliRun j = run_cli({"check", "-f", "json", "--dsn", dsn("mg_cli"), one});
    EXPECT_EQ(j.code, 0) << j.err;
    EXPECT_GT(j.out.size(), 10u << 20);
    EXPECT_EQ(json_field(j.out, "{files,0,verdict}"), "SAFE TO DEPLOY");
}

} // namespace

namespace {

// Names from a pull request (file names) and from the database (object names)
// cannot issue GitHub workflow commands or drive the terminal.
TEST_F(Cli, OutputCannotInjectWorkflowCommandsOrTerminalControls)
{
    std::string db = dsn("mg_cli");
    std::string dir = temp_dir() + "/inject";
    mkdir(dir.c_str(), 0700);
    std::ofstream(dir + "/::error::injected.sql") << "SELECT 1;\n";
    std::ofstream(dir + "/a\n::warning::b.sql") << "SELECT 1;\n";
    std::ofstream(dir + "/x##[error]y.sql") << "DROP TABLE accounts;\n";
    CliRun gh = run_cli({"check", "--format", "github", "--dsn", db, "::error::injected.sql", "a\n::warning::b.sql",
                         "x##[error]y.sql"},
                        {}, "", dir);
    EXPECT_EQ(gh.code, 2) << gh.err;
    std::vector<std::string> lines;
    std::istringstream in(gh.out);
    for (std::string l; std::getline(in, l);)
        lines.push_back(l);
    // the annotations of the blocked file, then plain lines that are no command
    EXPECT_TRUE(contains(gh.out, "migrate_guard: ::error::injected.sql: SAFE TO DEPLOY (1 statement)\n")) << gh.out;
    EXPECT_TRUE(contains(gh.out, "\na ::warning::b.sql: SAFE TO DEPLOY (1 statement)\n")) << gh.out;
    EXPECT_TRUE(contains(gh.out, "\nx## [error]y.sql: BLOCKED")) << gh.out;
    EXPECT_TRUE(contains(gh.out, "::error file=x##[error]y.sql,line=1,title=blocked drop_table::")) << gh.out;
    for (const std::string &l : lines) {
        bool annotation = l.rfind("::error file=x##[error]y.sql,", 0) == 0 || l.rfind("::warning file=x##[error]y.sql,", 0) == 0;
        EXPECT_TRUE(annotation || (l.rfind("::", 0) != 0 && !contains(l, "##[") )) << l;
    }

    // text: a name with control characters is quoted with C escapes, colour stays
    std::ofstream(dir + "/t\033]0;owned\007.sql") << "DROP TABLE accounts;\n";
    CliRun text = run_cli({"check", "--color=always", "--dsn", db, "t\033]0;owned\007.sql"}, {}, "", dir);
    EXPECT_EQ(text.code, 2) << text.err;
    EXPECT_TRUE(contains(text.out, "\"t\\033]0;owned\\a.sql\":1:")) << text.out;
    EXPECT_FALSE(contains(text.out, "\033]")) << text.out;
    EXPECT_TRUE(contains(text.out, "\033[1;31mblocked\033[0m")) << text.out;
}

// The white space GitHub's runner trims before it looks for "::" (.NET
// Char.IsWhiteSpace), plus U+180E, U+200B-U+200D, U+2060 and U+FEFF (to be safe), in UTF-8.
const std::vector<std::string> kUnicodeBlanks = {
    "\u0085", "\u00a0", "\u1680", "\u180e", "\u2000", "\u2001", "\u2002", "\u2003", "\u2004",
    "\u2005", "\u2006", "\u2007", "\u2008", "\u2009", "\u200a", "\u200b", "\u200c", "\u200d",
    "\u2028", "\u2029", "\u202f", "\u205f", "\u2060", "\u3000", "\ufeff"};

// the first character of a line the runner would not trim
size_t first_visible(const std::string &l)
{
    size_t i = 0;
    for (bool more = true; more && i < l.size();) {
        more = false;
        if (std::string(" \t\v\f\r").find(l[i]) != std::string::npos) {
            i++;
            more = true;
            continue;
        }
        for (const std::string &b : kUnicodeBlanks)
            if (l.compare(i, b.size(), b) == 0) {
                i += b.size();
                more = true;
                break;
            }
    }
    return i;
}

// Every line of a text or GitHub output: none issues a workflow command
// (the runner trims leading blanks, then looks for "::"; "##[" anywhere),
// except the annotations the client writes itself (`annotations`: their prefixes).
void expect_no_forged_command(const std::string &out, const std::vector<std::string> &annotations = {})
{
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);) {
        bool own = false;
        for (const std::string &a : annotations)
            own = own || l.rfind(a, 0) == 0;
        if (own)
            continue;
        size_t first = first_visible(l);
        EXPECT_FALSE(l.compare(first, 2, "::") == 0) << "line: " << l << "\n" << out;
        EXPECT_FALSE(contains(l, "##[")) << "line: " << l << "\n" << out;
    }
}

bool has_line(const std::string &out, const std::string &line)
{
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);)
        if (l == line)
            return true;
    return false;
}

// A file name or an object name holding a newline cannot write a line of its
// own in the text format: no fake verdict, no workflow command (attack2_cli).
TEST_F(Cli, TextFormatQuotesNamesAndNeutralisesEveryLine)
{
    std::string db = dsn("mg_cli");
    std::string dir = temp_dir() + "/forge";
    mkdir(dir.c_str(), 0700);
    const std::string forged = "x\n::error file=README.md,line=1::owned\n.sql";
    const std::string verdict = "evil.sql: BLOCKED\nmigration.sql: SAFE TO DEPLOY (1 statement)\nz.sql";
    std::ofstream(dir + "/" + forged) << "SELECT 1;\n";
    std::ofstream(dir + "/" + verdict) << "DROP TABLE accounts;\n";
    std::ofstream(dir + "/x##[error]y.sql") << "SELECT 1;\n";
    std::ofstream(dir + "/::warning::z.sql") << "SELECT 1;\n";
    CliRun r = run_cli({"check", "--format", "text", "--dsn", db, forged, verdict, "x##[error]y.sql",
                        "::warning::z.sql"},
                       {}, "", dir);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_TRUE(has_line(r.out, "\"x\\n::error file=README.md,line=1::owned\\n.sql\": SAFE TO DEPLOY (1 statement)"))
        << r.out;
    EXPECT_TRUE(contains(r.out, "\n\"evil.sql: BLOCKED\\nmigration.sql: SAFE TO DEPLOY (1 statement)\\nz.sql\":1: "
                                "blocked drop_table: "))
        << r.out;
    EXPECT_FALSE(has_line(r.out, "migration.sql: SAFE TO DEPLOY (1 statement)")) << r.out;
    EXPECT_TRUE(has_line(r.out, "x## [error]y.sql: SAFE TO DEPLOY (1 statement)")) << r.out;
    EXPECT_TRUE(has_line(r.out, "migrate_guard: ::warning::z.sql: SAFE TO DEPLOY (1 statement)")) << r.out;
    expect_no_forged_command(r.out);
    // JSON: the same strings, "##[" written with a \u escape
    r = run_cli({"check", "--format", "json", "--dsn", db, "x##[error]y.sql", forged}, {}, "", dir);
    EXPECT_EQ(r.code, 0) << r.err;
    expect_no_forged_command(r.out);
    EXPECT_EQ(json_field(r.out, "{files,0,file}"), "x##[error]y.sql");
    EXPECT_EQ(json_field(r.out, "{files,1,file}"), forged);

    // names from the database, in messages, report items and diffs
    Session su("dbname=postgres user=postgres");
    ASSERT_TRUE(su.exec("DROP DATABASE IF EXISTS mg_cli_forge WITH (FORCE)").ok);
    ASSERT_TRUE(su.exec("CREATE DATABASE mg_cli_forge").ok);
    {
        Session s("dbname=mg_cli_forge user=postgres");
        Result c = s.exec("CREATE EXTENSION migrate_guard;"
                          "CREATE TABLE \"t\n::error::owned\nverify: PASS\"(id int);"
                          "CREATE TABLE \"u\n  ##[error]owned\"(id int);"
                          "INSERT INTO \"t\n::error::owned\nverify: PASS\" VALUES (1);");
        ASSERT_TRUE(c.ok) << c.message;
    }
    std::string forge = dsn("mg_cli_forge");
    // check: the server's message names the table (its newlines are the name's)
    std::string drop = write_file("forge_drop.sql", "DROP TABLE \"t\n::error::owned\nverify: PASS\";\n");
    r = run_cli({"check", "--dsn", forge, drop});
    EXPECT_EQ(r.code, 2) << r.err;
    expect_no_forged_command(r.out);
    EXPECT_FALSE(has_line(r.out, "verify: PASS")) << r.out;
    // verify: report items named after the tables
    r = run_cli({"verify", "--dsn", forge});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    expect_no_forged_command(r.out);
    EXPECT_FALSE(has_line(r.out, "verify: PASS")) << r.out;
    EXPECT_TRUE(contains(r.out, "\n  FAIL    \"public.\\\"t\\n::error::owned\\nverify: PASS\\\"\" row-level")) << r.out;
    EXPECT_TRUE(has_line(r.out, "verify: FAIL")) << r.out;
    // the same in GitHub annotations: escaped data and properties, plain lines neutralised
    r = run_cli({"verify", "--format", "github", "--dsn", forge});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    expect_no_forged_command(r.out, {"::error title=verify rls%3A public.", "::warning title=verify "});
    EXPECT_TRUE(contains(r.out, "::error title=verify rls%3A public.\"t%0A%3A%3Aerror%3A%3Aowned%0Averify%3A PASS\"::"))
        << r.out;
    EXPECT_FALSE(has_line(r.out, "verify: PASS")) << r.out;
    // diff: the object only B has
    r = run_cli({"diff", dsn("mg_cli_pass"), forge});
    EXPECT_EQ(r.code, 1) << r.err;
    expect_no_forged_command(r.out);
    EXPECT_TRUE(contains(r.out, "\"table public.\\\"t\\n::error::owned\\nverify: PASS\\\"\"")) << r.out;
    r = run_cli({"diff", "--format", "github", dsn("mg_cli_pass"), forge});
    EXPECT_EQ(r.code, 1) << r.err;
    expect_no_forged_command(r.out, {"::error title=schema diff", "::warning title=schema diff",
                                     "::notice title=schema diff"});
    // preflight: the label is a field of the verdict line
    r = run_cli({"preflight", "--dsn", forge, "l\n::error::owned"});
    expect_no_forged_command(r.out);
    EXPECT_TRUE(has_line(r.out, "preflight \"l\\n::error::owned\": FAIL")) << r.out; // the label as JSON writes it

    // stderr: one line, control characters '?', no "##["
    r = run_cli({"check", "--dsn", db, dir + "/no\033]0;x\007##[error]such.sql"});
    expect_error(r, "could not open migration file");
    EXPECT_FALSE(contains(r.err, "\033")) << r.err;
    EXPECT_FALSE(contains(r.err, "##[")) << r.err;
    EXPECT_TRUE(contains(r.err, "no?]0;x?## [error]such.sql")) << r.err;
    ASSERT_TRUE(su.exec("DROP DATABASE mg_cli_forge WITH (FORCE)").ok);
}

// GitHub's runner trims every Unicode blank (U+00A0, U+3000, ...) before it
// looks for "::": a file name or a table comment starting a line with one
// then "::" cannot write a workflow command, in any format (attack3_cli_unicode_blank).
TEST_F(Cli, UnicodeBlanksCannotForgeWorkflowCommands)
{
    std::string db = dsn("mg_cli");
    std::string dir = temp_dir() + "/unicode_blanks";
    mkdir(dir.c_str(), 0700);
    std::vector<std::string> files;
    for (const std::string &b : kUnicodeBlanks) {
        files.push_back(b + "::error file=README.md,line=1::all clear");
        std::ofstream(dir + "/" + files.back()) << "SELECT 1;\n";
    }
    std::ofstream(dir + "/\u00a0::stop-commands::tok") << "SELECT 1;\n";
    std::ofstream(dir + "/b.sql") << "DROP TABLE accounts;\n";
    std::vector<std::string> args = {"check", "--dsn", db};
    args.insert(args.end(), files.begin(), files.end());
    for (const char *format : {"text", "github"}) {
        std::vector<std::string> a = args;
        a.insert(a.begin() + 1, {"--format", format});
        CliRun r = run_cli(a, {}, "", dir);
        EXPECT_EQ(r.code, 0) << r.out << r.err;
        expect_no_forged_command(r.out);
        expect_no_forged_command(r.err);
    }
    // text: the name is quoted, the blank written as its bytes (as git does)
    CliRun r = run_cli({"check", "--dsn", db, "\u00a0::error file=README.md,line=1::all clear"}, {}, "", dir);
    EXPECT_TRUE(has_line(r.out, "\"\\302\\240::error file=README.md,line=1::all clear\": SAFE TO DEPLOY (1 statement)"))
        << r.out;
    // github: a file named <U+00A0>::stop-commands::tok does not silence the annotations after it
    r = run_cli({"check", "--format", "github", "--dsn", db, "\u00a0::stop-commands::tok", "b.sql"}, {}, "", dir);
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    expect_no_forged_command(r.out, {"::error file=b.sql,line=1,", "::warning file=b.sql,line=1,"});
    EXPECT_TRUE(has_line(r.out, "migrate_guard: \u00a0::stop-commands::tok: SAFE TO DEPLOY (1 statement)")) << r.out;
    EXPECT_TRUE(contains(r.out, "\n::error file=b.sql,line=1,title=blocked drop_table::")) << r.out;

    // diff: a table comment any table owner writes, a line of it starting with a blank
    Session su("dbname=postgres user=postgres");
    ASSERT_TRUE(su.exec("DROP DATABASE IF EXISTS mg_cli_blank WITH (FORCE)").ok);
    ASSERT_TRUE(su.exec("CREATE DATABASE mg_cli_blank TEMPLATE mg_cli_pass").ok);
    {
        Session s("dbname=mg_cli_blank user=postgres");
        Result c = s.exec("COMMENT ON TABLE users IS E'harmless\\n\\u3000::error file=README.md,line=1::forged';"
                          "COMMENT ON TABLE posts IS E'\\u00a0\\u2003::warning::forged too';");
        ASSERT_TRUE(c.ok) << c.message;
    }
    for (const char *format : {"text", "github"}) {
        r = run_cli({"diff", "--format", format, dsn("mg_cli_pass"), dsn("mg_cli_blank")});
        EXPECT_EQ(r.code, 1) << r.out << r.err;
        expect_no_forged_command(r.out, {"::notice title=schema diff"});
        EXPECT_TRUE(contains(r.out, "forged")) << r.out;
    }
    ASSERT_TRUE(su.exec("DROP DATABASE mg_cli_blank WITH (FORCE)").ok);
}

// A database whose extension is older than the functions the client calls: exit 3, one clear line.
TEST_F(Cli, DatabaseWithAnOlderExtensionExit3)
{
    Session su("dbname=postgres user=postgres");
    ASSERT_TRUE(su.exec("DROP DATABASE IF EXISTS mg_cli_old WITH (FORCE)").ok);
    ASSERT_TRUE(su.exec("CREATE DATABASE mg_cli_old").ok);
    {
        Session s("dbname=mg_cli_old user=postgres");
        Result c = s.exec("SET client_min_messages = warning; CREATE EXTENSION migrate_guard VERSION '0.1.0'");
        ASSERT_TRUE(c.ok) << c.message;
    }
    std::string old = "migrate_guard 0.1.0 is installed in database \"mg_cli_old\" at " + test_host() + ":" +
                      test_port();
    std::string file = write_file("old.sql", "SELECT 1;");
    for (const std::vector<std::string> &args :
         std::vector<std::vector<std::string>>{{"verify", "--dsn", dsn("mg_cli_old")},
                                               {"check", "--dsn", dsn("mg_cli_old"), file},
                                               {"preflight", "--dsn", dsn("mg_cli_old"), "l"},
                                               {"postflight", "--dsn", dsn("mg_cli_old"), "l"}})
        expect_error(run_cli(args), old + "; this client needs 0.2.0: run ALTER EXTENSION migrate_guard UPDATE there");
    expect_error(run_cli({"diff", dsn("mg_cli_pass"), dsn("mg_cli_old")}), old + " (B); this client needs 0.2.0");
    {
        Session s("dbname=mg_cli_old user=postgres");
        ASSERT_TRUE(s.exec("ALTER EXTENSION migrate_guard UPDATE").ok);
    }
    EXPECT_EQ(run_cli({"check", "--dsn", dsn("mg_cli_old"), file}).code, 0);
    ASSERT_TRUE(su.exec("DROP DATABASE mg_cli_old WITH (FORCE)").ok);
}

} // namespace
