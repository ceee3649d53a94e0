// options.cpp — parsing of the command line (see help.cpp for what it means).
#include "cli/options.h"

#include "cli/exit_codes.h"

#include <cstring>

namespace mgcli {

const char *command_name(Command c)
{
    switch (c) {
    case Command::Check: return "check";
    case Command::Diff: return "diff";
    case Command::Preflight: return "preflight";
    case Command::Postflight: return "postflight";
    case Command::Verify: return "verify";
    case Command::None: break;
    }
    return "";
}

namespace {

std::optional<Command> command_of(const std::string &word)
{
    for (Command c : {Command::Check, Command::Diff, Command::Preflight, Command::Postflight, Command::Verify})
        if (word == command_name(c))
            return c;
    return std::nullopt;
}

std::vector<std::string> split_schemas(const std::string &list)
{
    std::vector<std::string> out;
    std::string cur;
    for (char ch : list + ",") {
        if (ch != ',') {
            cur += ch;
            continue;
        }
        if (cur.empty())
            throw UsageError("--schemas \"" + list + "\" has an empty schema name");
        out.push_back(cur);
        cur.clear();
    }
    return out;
}

// Which option applies to which commands (a misplaced option is a usage error,
// so that a typo in a pipeline does not silently change what is checked).
void check_applies(const Options &o, bool given, const char *option, std::initializer_list<Command> commands)
{
    if (!given)
        return;
    for (Command c : commands)
        if (o.command == c)
            return;
    std::string list;
    for (Command c : commands)
        list += std::string(list.empty() ? "" : ", ") + command_name(c);
    throw UsageError(std::string(option) + " does not apply to " + command_name(o.command) + " (only to " + list +
                     ")");
}

} // namespace

Options parse_options(int argc, char **argv)
{
    Options o;
    bool color_given = false, format_given = false;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i];
        if (options_done || arg.size() < 2 || arg[0] != '-') {
            if (o.command == Command::None) {
                auto c = command_of(arg);
                if (!c)
                    throw UsageError("unknown command \"" + arg + "\"");
                o.command = *c;
            } else {
                o.args.push_back(arg);
            }
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }
        // --name=value, --name value, -x value
        std::string name = arg, value;
        bool inline_value = false;
        if (arg.rfind("--", 0) == 0) {
            auto eq = arg.find('=');
            if (eq != std::string::npos) {
                name = arg.substr(0, eq);
                value = arg.substr(eq + 1);
                inline_value = true;
            }
        }
        auto flag = [&]() {
            if (inline_value)
                throw UsageError("option " + name + " takes no value");
        };
        auto take_value = [&]() -> std::string {
            if (inline_value)
                return value;
            if (i + 1 >= argc)
                throw UsageError("option " + name + " needs a value");
            return argv[++i];
        };
        if (name == "-h" || name == "--help") {
            flag();
            o.help = true;
        } else if (name == "-V" || name == "--version") {
            flag();
            o.version = true;
        } else if (name == "-v" || name == "--verbose") {
            flag();
            o.verbose = true;
        } else if (name == "--probe") {
            flag();
            o.probe = true;
        } else if (name == "--strict") {
            flag();
            o.strict = true;
        } else if (name == "-d" || name == "--dsn") {
            if (o.dsn)
                throw UsageError("--dsn given twice");
            o.dsn = take_value();
        } else if (name == "-f" || name == "--format") {
            std::string f = take_value();
            if (format_given)
                throw UsageError("--format given twice");
            format_given = true;
            if (f == "text")
                o.format = Format::Text;
            else if (f == "json")
                o.format = Format::Json;
            else if (f == "github")
                o.format = Format::Github;
            else
                throw UsageError("--format must be text, json or github, not \"" + f + "\"");
        } else if (name == "--color" || name == "--colour") {
            std::string w = take_value();
            if (color_given)
                throw UsageError("--color given twice");
            color_given = true;
            if (w == "auto")
                o.color = ColorWhen::Auto;
            else if (w == "always")
                o.color = ColorWhen::Always;
            else if (w == "never")
                o.color = ColorWhen::Never;
            else
                throw UsageError("--color must be auto, always or never, not \"" + w + "\"");
        } else if (name == "-s" || name == "--schemas") {
            auto more = split_schemas(take_value());
            if (!o.schemas)
                o.schemas.emplace();
            o.schemas->insert(o.schemas->end(), more.begin(), more.end());
        } else if (name == "--expect") {
            if (o.expect)
                throw UsageError("--expect given twice");
            o.expect = take_value();
        } else {
            throw UsageError("unknown option \"" + arg + "\"");
        }
    }
    if (o.help || o.version)
        return o;
    if (o.command == Command::None)
        throw UsageError("no command given (check, diff, preflight, postflight or verify)");

    check_applies(o, o.probe, "--probe", {Command::Check});
    check_applies(o, o.strict, "--strict", {Command::Preflight, Command::Postflight, Command::Verify});
    check_applies(o, o.schemas.has_value(), "--schemas", {Command::Diff, Command::Preflight, Command::Verify});
    check_applies(o, o.expect.has_value(), "--expect", {Command::Postflight, Command::Verify});
    if (o.command == Command::Diff && o.dsn)
        throw UsageError("diff takes its two databases as arguments (DSN_A DSN_B), not --dsn");

    size_t n = o.args.size();
    switch (o.command) {
    case Command::Check:
        if (n == 0)
            throw UsageError("check needs at least one FILE (- reads standard input)");
        break;
    case Command::Diff:
        if (n != 2)
            throw UsageError("diff needs exactly two databases: DSN_A DSN_B (got " + std::to_string(n) + ")");
        break;
    case Command::Preflight:
    case Command::Postflight:
        if (n != 1)
            throw UsageError(std::string(command_name(o.command)) + " needs exactly one LABEL (got " +
                             std::to_string(n) + ")");
        if (o.args[0].empty())
            throw UsageError(std::string(command_name(o.command)) + ": LABEL must not be empty");
        break;
    case Command::Verify:
        if (n != 0)
            throw UsageError("verify takes no arguments (got \"" + o.args[0] + "\")");
        break;
    case Command::None:
        break;
    }
    return o;
}

} // namespace mgcli
