// connection.cpp — see connection.h.
#include "cli/connection.h"

#include "cli/exit_codes.h"
#include "cli/text_output.h"

#include <cstdio>
#include <cstdlib>

namespace mgcli {

std::string one_line(const std::string &text)
{
    std::string out;
    bool space = false;
    for (char c : text) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += c;
    }
    return out;
}

Connection::Connection(const std::optional<std::string> &dsn, const std::string &which)
    : conn_(nullptr, PQfinish), which_(which)
{
    // Keywords listed before dbname are overridden by the DSN's own values;
    // client_encoding UTF8 (unless PGCLIENTENCODING or the DSN says otherwise):
    // migration files and JSON output are UTF-8 whatever the database's encoding.
    std::vector<const char *> keys, values;
    const char *env_encoding = std::getenv("PGCLIENTENCODING");
    if (!env_encoding || !*env_encoding) {
        keys.push_back("client_encoding");
        values.push_back("UTF8");
    }
    keys.push_back("fallback_application_name");
    values.push_back("migrate_guard");
    if (dsn && !dsn->empty()) {
        keys.push_back("dbname");
        values.push_back(dsn->c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_.reset(PQconnectdbParams(keys.data(), values.data(), 1));
    std::string label = which_.empty() ? "the database" : which_;
    if (!conn_)
        throw CliError("could not connect to " + label + ": out of memory");
    if (PQstatus(conn_.get()) != CONNECTION_OK)
        throw CliError("could not connect to " + label + ": " + one_line(PQerrorMessage(conn_.get())));
    PQsetNoticeReceiver(conn_.get(), &Connection::on_notice, this);
}

void Connection::on_notice(void *self, const PGresult *res)
{
    // NOTICEs and WARNINGs of the server go to stderr, one line each, neutralised
    // as error lines are (no control character, no "##["); nothing is thrown
    // back into libpq
    try {
        auto *c = static_cast<Connection *>(self);
        const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY);
        const char *message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        std::string line = std::string(severity ? severity : "NOTICE") + " from " + c->describe() + ": " +
                           (message ? message : "");
        std::fprintf(stderr, "migrate_guard: %s\n", error_line(line).c_str());
    } catch (...) {
        std::fputs("migrate_guard: NOTICE (out of memory)\n", stderr);
    }
}

std::string Connection::database() const
{
    const char *db = PQdb(conn_.get());
    return db ? db : "";
}

std::string Connection::host() const
{
    const char *h = PQhost(conn_.get());
    return h ? h : "";
}

std::string Connection::port() const
{
    const char *p = PQport(conn_.get());
    return p ? p : "";
}

std::string Connection::where() const
{
    return "database \"" + database() + "\" at " + host() + ":" + port();
}

std::string Connection::describe() const
{
    return which_.empty() ? where() : which_ + " (" + where() + ")";
}

void Connection::require_extension()
{
    Table t = query("looking for the extension",
                    "SELECT extversion FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) $1",
                    {{std::string("migrate_guard"), oid::TEXT}});
    if (t.rows.empty())
        throw CliError("migrate_guard is not installed in " + where() + (which_.empty() ? "" : " (" + which_ + ")") +
                       ": CREATE EXTENSION migrate_guard, with the library in shared_preload_libraries");
    // the functions this client calls came with 0.2.0: an older database needs ALTER EXTENSION ... UPDATE
    const std::string installed = t.rows[0][0] ? *t.rows[0][0] : "";
    if (version_less(installed, kRequiredExtensionVersion))
        throw CliError("migrate_guard " + installed + " is installed in " + where() +
                       (which_.empty() ? "" : " (" + which_ + ")") + "; this client needs " +
                       kRequiredExtensionVersion + ": run ALTER EXTENSION migrate_guard UPDATE there");
}

bool version_less(const std::string &a, const std::string &b)
{
    size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        unsigned long x = 0, y = 0;
        for (; i < a.size() && a[i] >= '0' && a[i] <= '9'; i++)
            x = x * 10 + static_cast<unsigned long>(a[i] - '0');
        for (; j < b.size() && b[j] >= '0' && b[j] <= '9'; j++)
            y = y * 10 + static_cast<unsigned long>(b[j] - '0');
        if (x != y)
            return x < y;
        for (; i < a.size() && !(a[i] >= '0' && a[i] <= '9'); i++) {
        }
        for (; j < b.size() && !(b[j] >= '0' && b[j] <= '9'); j++) {
        }
    }
    return false;
}

Table Connection::query(const std::string &what, const char *sql, const std::vector<Param> &params)
{
    std::vector<Oid> types;
    std::vector<const char *> values;
    for (const Param &p : params) {
        types.push_back(p.type_oid);
        values.push_back(p.value ? p.value->c_str() : nullptr);
    }
    std::unique_ptr<PGresult, void (*)(PGresult *)> res(
        PQexecParams(conn_.get(), sql, static_cast<int>(params.size()), types.data(), values.data(), nullptr,
                     nullptr, 0),
        PQclear);
    ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        std::string where = which_.empty() ? "" : " in " + which_;
        const char *sqlstate = res ? PQresultErrorField(res.get(), PG_DIAG_SQLSTATE) : nullptr;
        const char *primary = res ? PQresultErrorField(res.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
        if (!sqlstate || !primary) // no server error: the connection broke, out of memory, ...
            throw CliError(what + " failed" + where + ": " + one_line(PQerrorMessage(conn_.get())));
        std::string msg = what + " failed" + where + ": ERROR " + sqlstate + ": " + one_line(primary);
        if (const char *detail = PQresultErrorField(res.get(), PG_DIAG_MESSAGE_DETAIL))
            msg += " DETAIL: " + one_line(detail);
        if (const char *hint = PQresultErrorField(res.get(), PG_DIAG_MESSAGE_HINT))
            msg += " HINT: " + one_line(hint);
        if (std::string(sqlstate) == "42883")
            msg += " (is migrate_guard in database \"" + database() +
                   "\" older than this client? ALTER EXTENSION migrate_guard UPDATE)";
        throw CliError(msg);
    }
    Table t;
    int nf = PQnfields(res.get()), nt = PQntuples(res.get());
    for (int j = 0; j < nf; j++)
        t.columns.push_back({PQfname(res.get(), j), PQftype(res.get(), j)});
    t.rows.reserve(static_cast<size_t>(nt));
    for (int i = 0; i < nt; i++) {
        std::vector<Value> row;
        row.reserve(static_cast<size_t>(nf));
        for (int j = 0; j < nf; j++) {
            if (PQgetisnull(res.get(), i, j))
                row.emplace_back(std::nullopt);
            else
                row.emplace_back(std::string(PQgetvalue(res.get(), i, j),
                                             static_cast<size_t>(PQgetlength(res.get(), i, j))));
        }
        t.rows.push_back(std::move(row));
    }
    return t;
}

} // namespace mgcli
