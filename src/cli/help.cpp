// help.cpp — the text of --help (every command, option and exit status) and --version.
#include "cli/help.h"

#ifndef MG_VERSION
#define MG_VERSION "unknown"
#endif

namespace mgcli {

const char *help_text()
{
    return R"(migrate_guard — review migrations and gate deployments with the migrate_guard extension

Usage:
  migrate_guard [OPTION]... check FILE...             review migration scripts (never executed)
  migrate_guard [OPTION]... diff DSN_A DSN_B          compare the schemas of two databases
  migrate_guard [OPTION]... preflight LABEL           before a deployment: store snapshots, check
  migrate_guard [OPTION]... postflight LABEL          after it: compare with the preflight LABEL
  migrate_guard [OPTION]... verify                    foreign-key rules and row-level security

Commands:
  check FILE...      Sends each file to migrate_guard.check_migration() in the database and lists
                     its findings grouped by file and line ("file:line: severity rule: message",
                     then the hint). FILE "-" reads standard input. The verdict is that of
                     migration_verdict(): SAFE TO DEPLOY (no finding above ok), REVIEW (worst is
                     warn or danger), BLOCKED (any blocked); over several files, the worst.
  diff DSN_A DSN_B   Runs export_schema() in both databases and compare_schema(A, B) in A:
                     A is "before", B is "after". DSN_A/DSN_B are libpq connection strings or
                     URIs ("" uses the PG* environment).
  preflight LABEL    migrate_guard.preflight(LABEL): stores a row-count and a schema snapshot
                     under LABEL and checks foreign-key rules and RLS.
  postflight LABEL   migrate_guard.postflight(LABEL): row counts, schema changes, FK rules, RLS
                     and the DDL logged since the preflight LABEL.
  verify             migrate_guard.verify_fk_rules() (expectations from
                     migrate_guard.fk_expectations, or --expect) and migrate_guard.verify_rls().

Options:
  -d, --dsn=DSN         connection string or URI (not for diff); without it libpq's environment
                        (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSERVICE, ...) and
                        service files apply
  -f, --format=FORMAT   text (default), json (one JSON document on stdout), github (GitHub
                        Actions annotations: ::error / ::warning / ::notice)
      --color=WHEN      auto (default: colour only when stdout is a terminal and NO_COLOR is
                        not set), always, never
  -v, --verbose         text: also list statements without findings (check) and checks that
                        passed (verify)
      --probe           check: also run the data probes (check_migration(..., probe => true))
  -s, --schemas=A,B     diff, preflight, verify: only these schemas (exact names; repeatable);
                        verify applies it to verify_rls (verify_fk_rules has no scope)
      --expect=JSON     postflight: expected_row_changes, e.g. '{"public.sessions": "-10..0"}';
                        verify: the FK expectations (verify_fk_rules(expected)); @FILE reads the
                        JSON from FILE
      --strict          preflight, postflight, verify: WARN exits 1 (default: WARN exits 0)
  -h, --help            show this help and exit 0
  -V, --version         show the version and exit 0

Exit status:
  0  check: SAFE TO DEPLOY; diff: no differences; preflight/postflight/verify: PASS (or WARN)
  1  check: REVIEW;         diff: differences;    preflight/postflight/verify: FAIL (or WARN
                                                  with --strict; MISSING counts as FAIL)
  2  check: BLOCKED
  3  error, with one line on stderr: usage error, unreadable file, connection failure, database
     without the extension, or an ERROR raised by the server

Severities (check): blocked > danger > warn > ok. GitHub annotations: blocked and FAIL/MISSING are
::error, danger, warn and WARN are ::warning (diff: danger ::error, warn ::warning,
info ::notice).
)";
}

const char *version_text()
{
    return "migrate_guard (client) " MG_VERSION "\n";
}

} // namespace mgcli
