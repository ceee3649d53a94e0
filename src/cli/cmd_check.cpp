// cmd_check.cpp — `migrate_guard check FILE...`: migrate_guard.check_migration()
// on each file, findings grouped by file and line, exit status from the verdict.
#include "cli/commands.h"
#include "cli/connection.h"
#include "cli/exit_codes.h"
#include "cli/github_output.h"
#include "cli/input_files.h"
#include "cli/json_output.h"
#include "cli/style.h"
#include "cli/text_output.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <numeric>
#include <set>

namespace mgcli {

namespace {

// severities of check_migration(), mildest first
enum Severity { SEV_OK, SEV_WARN, SEV_DANGER, SEV_BLOCKED, SEV_COUNT };
const std::array<const char *, SEV_COUNT> SEVERITY_WORDS = {"ok", "warn", "danger", "blocked"};

// a severity the client does not know (or NULL) counts as danger: REVIEW
Severity severity_of(const Value &v)
{
    for (size_t i = 0; i < SEVERITY_WORDS.size(); i++)
        if (v && *v == SEVERITY_WORDS[i])
            return static_cast<Severity>(i);
    return SEV_DANGER;
}

// migration_verdict()'s rule: BLOCKED if any blocked, REVIEW if the worst is
// warn or danger, SAFE TO DEPLOY otherwise
const char *verdict_of(Severity worst)
{
    return worst == SEV_BLOCKED ? "BLOCKED" : worst == SEV_OK ? "SAFE TO DEPLOY" : "REVIEW";
}

int exit_of(Severity worst)
{
    return worst == SEV_BLOCKED ? EXIT_BLOCKED : worst == SEV_OK ? EXIT_PASS : EXIT_REVIEW;
}

struct FileReport {
    std::string path;
    Table rows;                   // check_migration()'s rows, by line
    std::vector<size_t> order;    // row indexes by (line, statement_no), server order within a statement
    std::array<size_t, SEV_COUNT> counts{};
    size_t statements = 0;
    Severity worst = SEV_OK;
};

FileReport review(Connection &db, const std::string &path, const std::string &script, bool probe)
{
    FileReport r;
    r.path = path;
    r.rows = db.query("check_migration of \"" + path + "\"",
                      "SELECT statement_no, line, statement, command_tag, lock_mode, relations, rewrites, rule, "
                      "severity, message, hint FROM migrate_guard.check_migration($1, $2)",
                      {{script, oid::TEXT}, {std::string(probe ? "true" : "false"), oid::BOOL}});
    auto number = [&](size_t row, const char *col) {
        const Value &v = r.rows.value(row, col);
        return v ? std::atol(v->c_str()) : 0L;
    };
    r.order.resize(r.rows.rows.size());
    std::iota(r.order.begin(), r.order.end(), 0);
    std::stable_sort(r.order.begin(), r.order.end(), [&](size_t a, size_t b) {
        return std::make_pair(number(a, "line"), number(a, "statement_no")) <
               std::make_pair(number(b, "line"), number(b, "statement_no"));
    });
    std::set<long> statements;
    for (size_t i = 0; i < r.rows.rows.size(); i++) {
        Severity s = severity_of(r.rows.value(i, "severity"));
        r.counts[s]++;
        r.worst = std::max(r.worst, s);
        statements.insert(number(i, "statement_no"));
    }
    r.statements = statements.size();
    return r;
}

std::string counts_text(const std::array<size_t, SEV_COUNT> &counts)
{
    std::string out;
    for (int s = SEV_BLOCKED; s > SEV_OK; s--) {
        if (!counts[s])
            continue;
        out += (out.empty() ? "" : ", ") + std::to_string(counts[s]) + " " + SEVERITY_WORDS[s];
    }
    return out;
}

// "file:line" (or "file" when the row has no line), as the text format prints it
std::string location(const FileReport &r, size_t row)
{
    const Value &line = r.rows.value(row, "line");
    return text_field(r.path) + (line ? ":" + text_field(*line) : "");
}

// the text format's "rule: message" (the message may span lines; the rule is one field)
std::string headline(const FileReport &r, size_t row)
{
    const Value &rule = r.rows.value(row, "rule");
    const Value &message = r.rows.value(row, "message");
    std::string text = message ? *message : "";
    if (text.empty()) // a statement without findings: what it is
        text = text_field(r.rows.text(row, "command_tag")) + ": " + first_line(r.rows.text(row, "statement"), 100);
    return (rule ? text_field(*rule) + ": " : ": ") + text;
}

void print_text(const Style &st, const FileReport &r, bool verbose)
{
    for (size_t i : r.order) {
        Severity s = severity_of(r.rows.value(i, "severity"));
        if (s == SEV_OK && !verbose)
            continue;
        const Value &rule = r.rows.value(i, "rule");
        std::string sev = text_field(r.rows.text(i, "severity", "(no severity)"));
        std::string line = st.bold(location(r, i) + ":") + " " +
                           st.word(sev) + (rule ? " " : "") + indent_continuation(headline(r, i), "    ") + "\n";
        const Value &hint = r.rows.value(i, "hint");
        if (hint && !hint->empty())
            line += "    " + st.dim("hint: ") + indent_continuation(*hint, "    ") + "\n";
        emit_text(line);
    }
    std::string counts = counts_text(r.counts);
    emit_text(st.bold(text_field(r.path) + ":") + " " + st.word(verdict_of(r.worst)) + " (" +
              count(r.statements, "statement") + (counts.empty() ? "" : "; " + counts) + ")\n");
}

void print_github(const FileReport &r)
{
    for (size_t i : r.order) {
        Severity s = severity_of(r.rows.value(i, "severity"));
        if (s == SEV_OK)
            continue;
        std::string message = r.rows.text(i, "message", "(no message)");
        const Value &hint = r.rows.value(i, "hint");
        if (hint && !hint->empty())
            message += "\nhint: " + *hint;
        std::string title = r.rows.text(i, "severity", "(no severity)") + " " + r.rows.text(i, "rule", "(no rule)");
        emit(github_annotation(s == SEV_BLOCKED ? "error" : "warning",
                               {{"file", r.path}, {"line", r.rows.text(i, "line")}, {"title", title}}, message));
    }
    std::string counts = counts_text(r.counts);
    emit(github_plain_line(r.path + ": " + verdict_of(r.worst) + " (" + count(r.statements, "statement") +
                           (counts.empty() ? "" : "; " + counts) + ")"));
}

std::string file_json(const FileReport &r)
{
    JsonObject counts;
    for (int s = SEV_OK; s < SEV_COUNT; s++)
        counts.num(SEVERITY_WORDS[s], static_cast<long long>(r.counts[s]));
    std::vector<std::string> findings;
    for (size_t i : r.order)
        findings.push_back(json_row(r.rows, i));
    return JsonObject()
        .str("file", r.path)
        .str("verdict", verdict_of(r.worst))
        .num("exit_code", exit_of(r.worst))
        .num("statements", static_cast<long long>(r.statements))
        .raw("counts", counts.done())
        .raw("findings", json_array(findings))
        .done();
}

} // namespace

int run_check(const Options &o)
{
    // every file is read before anything is sent: an unreadable one stops the run at once
    std::vector<std::string> scripts;
    for (const std::string &path : o.args)
        scripts.push_back(read_input_file(path, "migration file"));

    Connection db(o.dsn, "");
    db.require_extension();
    Style st(o.color);

    Severity worst = SEV_OK;
    std::array<size_t, SEV_COUNT> totals{};
    std::vector<std::string> files_json;
    for (size_t f = 0; f < o.args.size(); f++) {
        std::string path = o.args[f] == "-" ? "<stdin>" : o.args[f];
        FileReport r = review(db, path, scripts[f], o.probe);
        std::string().swap(scripts[f]); // the script is no longer needed
        worst = std::max(worst, r.worst);
        for (int s = SEV_OK; s < SEV_COUNT; s++)
            totals[s] += r.counts[s];
        switch (o.format) {
        case Format::Text:
            if (f)
                emit("\n");
            print_text(st, r, o.verbose);
            break;
        case Format::Github:
            print_github(r);
            break;
        case Format::Json:
            files_json.push_back(file_json(r));
            break;
        }
    }

    std::string counts = counts_text(totals);
    std::string total = " (" + count(o.args.size(), "file") + (counts.empty() ? "" : "; " + counts) + ")";
    switch (o.format) {
    case Format::Text:
        if (o.args.size() > 1)
            emit_text("\n" + st.bold("check:") + " " + st.word(verdict_of(worst)) + total + "\n");
        break;
    case Format::Github:
        if (o.args.size() > 1)
            emit(github_plain_line(std::string("check: ") + verdict_of(worst) + total));
        break;
    case Format::Json:
        emit_json(JsonObject()
                      .str("command", "check")
                      .boolean("probe", o.probe)
                      .str("verdict", verdict_of(worst))
                      .num("exit_code", exit_of(worst))
                      .raw("files", json_array(files_json))
                      .done() +
                  "\n");
        break;
    }
    return exit_of(worst);
}

} // namespace mgcli
