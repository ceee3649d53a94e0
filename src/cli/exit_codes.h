// exit_codes.h — the exit statuses of the command-line client, and the error
// that ends it with status 3.
#pragma once

#include <stdexcept>
#include <string>

namespace mgcli {

enum ExitCode : int {
    EXIT_PASS = 0,    // check: SAFE TO DEPLOY; diff: identical; preflight/postflight/verify: PASS
    EXIT_REVIEW = 1,  // check: REVIEW; diff: differences; preflight/postflight/verify: FAIL
    EXIT_BLOCKED = 2, // check: BLOCKED
    EXIT_ERROR = 3,   // usage error, unreadable file, connection failure, no extension, server ERROR
};
constexpr int EXIT_FAIL = EXIT_REVIEW;
constexpr int EXIT_DIFFERENT = EXIT_REVIEW;

// Anything that ends the program with exit status 3. what() is the one line
// printed on stderr after "migrate_guard: ".
class CliError : public std::runtime_error {
public:
    explicit CliError(const std::string &message) : std::runtime_error(message) {}
};

// A usage error: also points at --help.
class UsageError : public CliError {
public:
    explicit UsageError(const std::string &message) : CliError(message) {}
};

} // namespace mgcli
