// pg_session.cpp — see pg_session.h.
#include "pg_session.h"

#include <cstdlib>

#include <poll.h>

namespace mgtest {

static std::string env_or(const char *name, const char *fallback)
{
    const char *v = std::getenv(name);
    return v && *v ? v : fallback;
}

std::string base_conninfo()
{
    return "host=" + env_or("MG_TEST_HOST", "/tmp/migrate_guard/test") +
           " port=" + env_or("MG_TEST_PORT", "54329") + " connect_timeout=10";
}

std::string server_log_path()
{
    return env_or("MG_TEST_HOST", "/tmp/migrate_guard/test") + std::string("/server.log");
}

std::string Result::value(size_t row, size_t col) const
{
    if (row >= rows.size() || col >= rows[row].size())
        return "<none>";
    return rows[row][col];
}

Session::Session(const std::string &extra)
{
    // connect asynchronously so that WARNINGs sent during login are captured
    std::string conninfo = base_conninfo() + " " + extra;
    conn_ = PQconnectStart(conninfo.c_str());
    if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD)
        return;
    PQsetNoticeReceiver(conn_, &Session::on_notice, this);
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
        pollfd p{PQsocket(conn_), static_cast<short>(st == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
        if (poll(&p, 1, 10000) <= 0)
            break;
        st = PQconnectPoll(conn_);
    }
}

Session::~Session()
{
    if (conn_)
        PQfinish(conn_);
}

bool Session::connected() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

std::string Session::connection_error() const
{
    return conn_ ? PQerrorMessage(conn_) : "out of memory";
}

void Session::on_notice(void *self, const PGresult *res)
{
    const char *msg = PQresultErrorMessage(res);
    static_cast<Session *>(self)->notices_.push_back(msg ? msg : "");
}

Result Session::collect(PGresult *res)
{
    Result r;
    ExecStatusType st = PQresultStatus(res);
    r.ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    auto field = [&](int code) {
        const char *f = PQresultErrorField(res, code);
        return std::string(f ? f : "");
    };
    if (!r.ok) {
        r.sqlstate = field(PG_DIAG_SQLSTATE);
        r.message = field(PG_DIAG_MESSAGE_PRIMARY);
        r.detail = field(PG_DIAG_MESSAGE_DETAIL);
        r.hint = field(PG_DIAG_MESSAGE_HINT);
        if (r.message.empty())
            r.message = PQerrorMessage(conn_);
    }
    for (int i = 0; i < PQntuples(res); i++) {
        std::vector<std::string> row;
        for (int j = 0; j < PQnfields(res); j++)
            row.emplace_back(PQgetisnull(res, i, j) ? "<null>" : PQgetvalue(res, i, j));
        r.rows.push_back(std::move(row));
    }
    PQclear(res);
    return r;
}

Result Session::exec(const std::string &sql)
{
    // PQexec returns the last result of a multi-statement string
    return collect(PQexec(conn_, sql.c_str()));
}

Result Session::exec_params(const std::string &sql, const std::vector<std::string> &params)
{
    std::vector<const char *> values;
    for (const auto &p : params)
        values.push_back(p.c_str());
    return collect(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0));
}

Result Session::prepare(const std::string &name, const std::string &sql)
{
    return collect(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
}

Result Session::exec_prepared(const std::string &name)
{
    return collect(PQexecPrepared(conn_, name.c_str(), 0, nullptr, nullptr, nullptr, 0));
}

} // namespace mgtest
