// connection.h — one libpq connection (RAII), parameterised queries, and the
// errors that end the client with exit status 3.
#pragma once

#include "cli/table.h"

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mgcli {

struct Param {
    Value value;       // std::nullopt sends SQL NULL
    unsigned type_oid; // oid::TEXT, oid::BOOL, ... (no casts in the SQL text)
};

class Connection {
public:
    // dsn: a connection string or URI; std::nullopt (or "") uses libpq's PG*
    // environment and service files. `which` names the connection in messages
    // ("" for the only one; "A"/"B" for diff). Throws CliError when it fails.
    Connection(const std::optional<std::string> &dsn, const std::string &which);
    Connection(const Connection &) = delete; // the notice receiver keeps `this`
    Connection &operator=(const Connection &) = delete;

    // Throws CliError "migrate_guard is not installed in database ..." when
    // the extension is missing, and "migrate_guard 0.1.0 is installed in ...;
    // this client needs 0.2.0" when it is older than kRequiredExtensionVersion.
    void require_extension();

    // Runs one parameterised statement (PQexecParams, text results); `what`
    // says in the error message what failed. Throws CliError on any error.
    Table query(const std::string &what, const char *sql, const std::vector<Param> &params = {});

    // database "name" at host:port (never the password)
    std::string where() const;
    // the same, after the connection's name for diff: A (database "name" at host:port)
    std::string describe() const;
    std::string database() const;
    std::string host() const;
    std::string port() const;

private:
    static void on_notice(void *self, const PGresult *res);
    std::unique_ptr<PGconn, void (*)(PGconn *)> conn_;
    std::string which_;
};

// libpq messages span several lines: one line, whitespace runs collapsed.
std::string one_line(const std::string &text);

// The oldest version of the extension whose functions this client calls.
constexpr const char *kRequiredExtensionVersion = "0.2.0";
// Dotted versions compared number by number ("0.10.0" is not less than "0.2.0").
bool version_less(const std::string &a, const std::string &b);

} // namespace mgcli
