// main.cpp — the command-line client `migrate_guard`: parses the command line,
// runs the command, and turns every error into exit status 3 with one line on
// stderr.
#include "cli/commands.h"
#include "cli/connection.h"
#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/options.h"
#include "cli/text_output.h"

#include <cstdio>
#include <exception>
#include <string>

using namespace mgcli;

static int run(const Options &o)
{
    switch (o.command) {
    case Command::Check: return run_check(o);
    case Command::Diff: return run_diff(o);
    case Command::Preflight: return run_preflight(o);
    case Command::Postflight: return run_postflight(o);
    case Command::Verify: return run_verify(o);
    case Command::None: break;
    }
    throw UsageError("no command given");
}

int main(int argc, char **argv)
{
    try {
        Options o = parse_options(argc, argv);
        if (o.help) {
            std::fputs(help_text(), stdout);
            return EXIT_PASS;
        }
        if (o.version) {
            std::fputs(version_text(), stdout);
            return EXIT_PASS;
        }
        int rc = run(o);
        if (std::fflush(stdout) != 0 || std::ferror(stdout))
            throw CliError("could not write to standard output");
        return rc;
    } catch (const UsageError &e) {
        std::fprintf(stderr, "migrate_guard: %s (see migrate_guard --help)\n", error_line(e.what()).c_str());
    } catch (const CliError &e) {
        std::fprintf(stderr, "migrate_guard: %s\n", error_line(e.what()).c_str());
    } catch (const std::bad_alloc &) {
        std::fprintf(stderr, "migrate_guard: out of memory\n");
    } catch (const std::exception &e) {
        std::fprintf(stderr, "migrate_guard: internal error: %s\n", error_line(e.what()).c_str());
    }
    return EXIT_ERROR;
}
