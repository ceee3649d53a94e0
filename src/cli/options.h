// options.h — the command line of the client: command, arguments and options.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mgcli {

enum class Command { None, Check, Diff, Preflight, Postflight, Verify };
enum class Format { Text, Json, Github };
enum class ColorWhen { Auto, Always, Never };

struct Options {
    Command command = Command::None;
    std::vector<std::string> args;            // FILE..., DSN_A DSN_B, or LABEL
    std::optional<std::string> dsn;           // --dsn; unset: libpq's PG* environment
    Format format = Format::Text;             // --format
    ColorWhen color = ColorWhen::Auto;        // --color
    bool verbose = false;                     // --verbose
    bool probe = false;                       // --probe (check)
    bool strict = false;                      // --strict (preflight, postflight, verify)
    std::optional<std::vector<std::string>> schemas; // --schemas (diff, preflight, verify)
    std::optional<std::string> expect;        // --expect (postflight, verify): JSON text, or @FILE
    bool help = false;                        // --help
    bool version = false;                     // --version
};

// Parses argv; throws UsageError (exit 3) for anything it cannot accept.
Options parse_options(int argc, char **argv);

const char *command_name(Command c);

} // namespace mgcli
