// pg_session.h — a small RAII wrapper around a libpq connection for the tests.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

namespace mgtest {

// Result of one statement: rows as text, or the error's fields.
struct Result {
    bool ok = false;
    std::string sqlstate, message, detail, hint;
    std::vector<std::vector<std::string>> rows;
    std::string value(size_t row = 0, size_t col = 0) const;
};

class Session {
public:
    // conninfo parameters on top of the test cluster's host/port/user
    explicit Session(const std::string &extra = "");
    ~Session();
    Session(const Session &) = delete;
    Session &operator=(const Session &) = delete;

    bool connected() const;
    std::string connection_error() const;
    Result exec(const std::string &sql);
    Result exec_params(const std::string &sql, const std::vector<std::string> &params);
    Result prepare(const std::string &name, const std::string &sql);
    Result exec_prepared(const std::string &name);
    const std::vector<std::string> &notices() const { return notices_; }

private:
    static void on_notice(void *self, const PGresult *res);
    Result collect(PGresult *res);
    PGconn *conn_ = nullptr;
    std::vector<std::string> notices_;
};

// conninfo of the test cluster (environment set by scripts/run_tests.sh)
std::string base_conninfo();
std::string server_log_path();

} // namespace mgtest
