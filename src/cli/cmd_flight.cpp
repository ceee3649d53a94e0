// cmd_flight.cpp — `migrate_guard preflight LABEL` and `postflight LABEL
// [--expect JSON]`: migrate_guard.preflight()/postflight(), exit 0 PASS, 1 FAIL.
#include "cli/commands.h"
#include "cli/connection.h"
#include "cli/exit_codes.h"
#include "cli/input_files.h"
#include "cli/json_output.h"
#include "cli/status_report.h"
#include "cli/text_output.h"

namespace mgcli {

namespace {

int report(const Options &o, const Table &t)
{
    const char *command = command_name(o.command);
    const std::string &label = o.args[0];
    StatusSection section;
    for (size_t i = 0; i < t.rows.size(); i++)
        section.items.push_back({t.text(i, "check_name", "(no name)"), t.text(i, "status"), t.text(i, "detail")});
    std::vector<StatusSection> sections{section};
    std::string worst = worst_status(sections);
    if (t.rows.empty()) // a report without rows checked nothing: not a PASS
        worst = "FAIL";
    int rc = status_exit_code(worst, o.strict);
    std::string what = std::string(command) + " " + json_string(label);
    switch (o.format) {
    case Format::Text:
        print_status_text(Style(o.color), sections, true, what, worst);
        break;
    case Format::Github:
        print_status_github(sections, what, worst);
        break;
    case Format::Json:
        emit_json(JsonObject()
                      .str("command", command)
                      .str("label", label)
                      .str("result", worst)
                      .num("exit_code", rc)
                      .boolean("strict", o.strict)
                      .raw("checks", json_rows(t))
                      .done() +
                  "\n");
        break;
    }
    return rc;
}

} // namespace

int run_preflight(const Options &o)
{
    Connection db(o.dsn, "");
    db.require_extension();
    Param schemas{std::nullopt, oid::TEXT_ARRAY};
    if (o.schemas)
        schemas.value = text_array_literal(*o.schemas);
    Table t = db.query("preflight " + json_string(o.args[0]),
                       "SELECT check_name, status, detail FROM migrate_guard.preflight($1, $2)",
                       {{o.args[0], oid::TEXT}, schemas});
    return report(o, t);
}

int run_postflight(const Options &o)
{
    Param expect{std::nullopt, oid::JSONB};
    if (o.expect)
        expect.value = json_argument(*o.expect, "--expect file");
    Connection db(o.dsn, "");
    db.require_extension();
    Table t = db.query("postflight " + json_string(o.args[0]),
                       "SELECT check_name, status, detail FROM migrate_guard.postflight($1, $2)",
                       {{o.args[0], oid::TEXT}, expect});
    return report(o, t);
}

} // namespace mgcli
