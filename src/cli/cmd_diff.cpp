// cmd_diff.cpp — `migrate_guard diff DSN_A DSN_B`: export_schema() in both
// databases, compare_schema(A, B) in A; exit 0 when there is no difference.
#include "cli/commands.h"
#include "cli/connection.h"
#include "cli/exit_codes.h"
#include "cli/github_output.h"
#include "cli/json_output.h"
#include "cli/style.h"
#include "cli/text_output.h"

#include <map>

namespace mgcli {

namespace {

Param schemas_param(const Options &o)
{
    if (!o.schemas)
        return {std::nullopt, oid::TEXT_ARRAY};
    return {text_array_literal(*o.schemas), oid::TEXT_ARRAY};
}

std::string export_of(Connection &db, const Options &o)
{
    Table t = db.query("export_schema", "SELECT migrate_guard.export_schema($1)", {schemas_param(o)});
    if (t.rows.size() != 1 || !t.rows[0][0])
        throw CliError("export_schema returned no export in " + db.describe());
    return *t.rows[0][0];
}

std::string object_of(const Table &t, size_t i)
{
    std::string s = t.text(i, "object_type") + " " + t.text(i, "object_identity");
    const Value &attr = t.value(i, "attribute");
    if (attr && !attr->empty())
        s += " (" + *attr + ")";
    return s;
}

std::string connection_json(const Connection &c)
{
    return JsonObject().str("database", c.database()).str("host", c.host()).str("port", c.port()).done();
}

} // namespace

int run_diff(const Options &o)
{
    Connection a(o.args[0], "A");
    a.require_extension();
    Connection b(o.args[1], "B");
    b.require_extension();
    std::string export_a = export_of(a, o);
    std::string export_b = export_of(b, o);
    Table diff = a.query("compare_schema",
                         "SELECT object_type, object_identity, change, attribute, before_value, after_value, severity "
                         "FROM migrate_guard.compare_schema($1, $2)",
                         {{export_a, oid::JSONB}, {export_b, oid::JSONB}});
    int rc = diff.rows.empty() ? EXIT_PASS : EXIT_DIFFERENT;
    std::map<std::string, size_t> by_severity;
    for (size_t i = 0; i < diff.rows.size(); i++)
        by_severity[diff.text(i, "severity", "(no severity)")]++;
    std::string counts;
    for (const char *s : {"danger", "warn", "info"})
        counts += (counts.empty() ? "" : ", ") + std::to_string(by_severity[s]) + " " + s;
    for (const auto &[s, n] : by_severity)
        if (s != "danger" && s != "warn" && s != "info")
            counts += ", " + std::to_string(n) + " " + s;
    std::string between = "between A (" + a.where() + ") and B (" + b.where() + ")";
    std::string summary = diff.rows.empty() ? "no differences " + between
                                            : count(diff.rows.size(), "difference") + " " + between + ": " + counts;

    Style st(o.color);
    switch (o.format) {
    case Format::Text:
        for (size_t i = 0; i < diff.rows.size(); i++) {
            std::string sev = text_field(diff.text(i, "severity", "(none)"));
            std::string line = st.word(sev) + std::string(sev.size() < 6 ? 6 - sev.size() : 0, ' ') + " " +
                               pad(text_field(diff.text(i, "change")), 7) + st.bold(text_field(object_of(diff, i))) +
                               "\n";
            if (const Value &v = diff.value(i, "before_value"))
                line += "    in A: " + indent_continuation(*v, "          ") + "\n";
            if (const Value &v = diff.value(i, "after_value"))
                line += "    in B: " + indent_continuation(*v, "          ") + "\n";
            emit_text(line);
        }
        emit_text(st.bold("diff:") + " " + text_field(summary) + "\n");
        break;
    case Format::Github:
        for (size_t i = 0; i < diff.rows.size(); i++) {
            std::string sev = diff.text(i, "severity");
            std::string level = sev == "danger" ? "error" : sev == "info" ? "notice" : "warning";
            std::string message = diff.text(i, "change") + " " + object_of(diff, i);
            if (const Value &v = diff.value(i, "before_value"))
                message += "\nin A: " + *v;
            if (const Value &v = diff.value(i, "after_value"))
                message += "\nin B: " + *v;
            emit(github_annotation(level, {{"title", "schema diff: " + sev + " " + diff.text(i, "change")}},
                                   message));
        }
        emit(github_plain_line("diff: " + summary));
        break;
    case Format::Json: {
        emit_json(JsonObject()
                      .str("command", "diff")
                      .boolean("identical", diff.rows.empty())
                      .num("exit_code", rc)
                      .raw("schemas", o.schemas ? json_value(text_array_literal(*o.schemas), oid::TEXT_ARRAY) : "null")
                      .raw("a", connection_json(a))
                      .raw("b", connection_json(b))
                      .raw("differences", json_rows(diff))
                      .done() +
                  "\n");
        break;
    }
    }
    return rc;
}

} // namespace mgcli
