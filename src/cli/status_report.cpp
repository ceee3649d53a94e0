// status_report.cpp — see status_report.h.
#include "cli/status_report.h"

#include "cli/exit_codes.h"
#include "cli/github_output.h"
#include "cli/text_output.h"

#include <algorithm>
#include <map>

namespace mgcli {

namespace {

int rank(const std::string &status)
{
    if (status == "PASS")
        return 0;
    if (status == "WARN")
        return 1;
    return 2; // FAIL, MISSING, anything else
}

std::string counts_of(const StatusSection &s)
{
    std::map<std::string, size_t> n;
    for (const StatusItem &i : s.items)
        n[i.status]++;
    std::string out;
    for (const char *w : {"PASS", "WARN", "FAIL", "MISSING"}) {
        if (!n.count(w))
            continue;
        out += (out.empty() ? "" : ", ") + std::to_string(n[w]) + " " + w;
        n.erase(w);
    }
    for (const auto &[w, k] : n)
        out += (out.empty() ? "" : ", ") + std::to_string(k) + " " + w;
    return out.empty() ? "nothing to check" : out;
}

} // namespace

std::string worst_status(const std::vector<StatusSection> &sections)
{
    int worst = 0;
    for (const StatusSection &s : sections)
        for (const StatusItem &i : s.items)
            worst = std::max(worst, rank(i.status));
    return worst == 0 ? "PASS" : worst == 1 ? "WARN" : "FAIL";
}

int status_exit_code(const std::string &worst, bool strict)
{
    if (worst == "PASS")
        return EXIT_PASS;
    if (worst == "WARN")
        return strict ? EXIT_FAIL : EXIT_PASS;
    return EXIT_FAIL;
}

void print_status_text(const Style &st, const std::vector<StatusSection> &sections, bool show_pass,
                       const std::string &what, const std::string &worst)
{
    for (const StatusSection &s : sections) {
        size_t width = 0;
        for (const StatusItem &i : s.items)
            width = std::max(width, std::min<size_t>(display_width(text_field(i.name)), 40));
        std::string indent;
        if (!s.title.empty()) {
            emit_text(st.bold(text_field(s.title) + ":") + " " + text_field(counts_of(s)) + "\n");
            indent = "  ";
        }
        for (const StatusItem &i : s.items) {
            if (i.status == "PASS" && !show_pass)
                continue;
            std::string status = text_field(i.status.empty() ? "(none)" : i.status);
            emit_text(indent + st.word(status) + std::string(status.size() < 7 ? 7 - status.size() : 0, ' ') + " " +
                      pad(text_field(i.name), width) +
                      indent_continuation(i.detail, indent + std::string(9 + width, ' ')) + "\n");
        }
    }
    emit_text(st.bold(text_field(what) + ":") + " " + st.word(text_field(worst)) + "\n");
}

void print_status_github(const std::vector<StatusSection> &sections, const std::string &what,
                         const std::string &worst)
{
    for (const StatusSection &s : sections)
        for (const StatusItem &i : s.items) {
            int r = rank(i.status);
            if (r == 0)
                continue;
            std::string title = what + (s.key.empty() ? "" : " " + s.key) + ": " + i.name;
            emit(github_annotation(r == 1 ? "warning" : "error", {{"title", title}},
                                   (i.status.empty() ? "(no status)" : i.status) + ": " + i.detail));
        }
    emit(github_plain_line(what + ": " + worst));
}

} // namespace mgcli
