// cmd_verify.cpp — `migrate_guard verify`: migrate_guard.verify_fk_rules() and
// migrate_guard.verify_rls(), exit 0 PASS, 1 FAIL.
#include "cli/commands.h"
#include "cli/connection.h"
#include "cli/exit_codes.h"
#include "cli/input_files.h"
#include "cli/json_output.h"
#include "cli/status_report.h"
#include "cli/text_output.h"

namespace mgcli {

namespace {

// "(a, b)" of a text[] column
std::string column_list(const Value &v)
{
    if (!v)
        return "";
    std::string out;
    for (const Value &e : parse_text_array(*v))
        out += (out.empty() ? "" : ", ") + (e ? *e : "NULL");
    return " (" + out + ")";
}

} // namespace

int run_verify(const Options &o)
{
    Param expected{std::nullopt, oid::JSONB};
    if (o.expect)
        expected.value = json_argument(*o.expect, "--expect file");
    Param schemas{std::nullopt, oid::TEXT_ARRAY};
    if (o.schemas)
        schemas.value = text_array_literal(*o.schemas);

    Connection db(o.dsn, "");
    db.require_extension();
    Table fk = db.query("verify_fk_rules",
                        "SELECT table_name, constraint_name, columns, referenced_table, referenced_columns, "
                        "on_delete, on_update, expected_on_delete, status, detail "
                        "FROM migrate_guard.verify_fk_rules($1)",
                        {expected});
    Table rls = db.query("verify_rls",
                         "SELECT table_name, rls_enabled, rls_forced, policy_count, status, detail "
                         "FROM migrate_guard.verify_rls($1)",
                         {schemas});

    StatusSection fk_section{"FK rules (verify_fk_rules)", "fk rules", {}};
    for (size_t i = 0; i < fk.rows.size(); i++)
        fk_section.items.push_back({fk.text(i, "table_name", "(no table)") + column_list(fk.value(i, "columns")) +
                                        " -> " + fk.text(i, "referenced_table", "(no table)") +
                                        column_list(fk.value(i, "referenced_columns")),
                                    fk.text(i, "status"), fk.text(i, "detail")});
    StatusSection rls_section{"RLS (verify_rls)", "rls", {}};
    for (size_t i = 0; i < rls.rows.size(); i++)
        rls_section.items.push_back(
            {rls.text(i, "table_name", "(no table)"), rls.text(i, "status"), rls.text(i, "detail")});
    std::vector<StatusSection> sections{fk_section, rls_section};
    std::string worst = worst_status(sections);
    int rc = status_exit_code(worst, o.strict);

    switch (o.format) {
    case Format::Text:
        print_status_text(Style(o.color), sections, o.verbose, "verify", worst);
        break;
    case Format::Github:
        print_status_github(sections, "verify", worst);
        break;
    case Format::Json:
        emit_json(JsonObject()
                      .str("command", "verify")
                      .str("result", worst)
                      .num("exit_code", rc)
                      .boolean("strict", o.strict)
                      .raw("fk_rules", json_rows(fk))
                      .raw("rls", json_rows(rls))
                      .done() +
                  "\n");
        break;
    }
    return rc;
}

} // namespace mgcli
