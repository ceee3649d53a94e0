// status_report.h — the reports of preflight, postflight and verify: items
// with a status word (PASS, WARN, FAIL, MISSING), their worst status and the
// exit status it gives, in text and GitHub formats.
#pragma once

#include "cli/style.h"

#include <string>
#include <vector>

namespace mgcli {

struct StatusItem {
    std::string name, status, detail;
};

struct StatusSection {
    std::string title; // "" when the report has one section
    std::string key;   // short name in GitHub annotation titles ("fk rules"); "" when one section
    std::vector<StatusItem> items;
};

// PASS, WARN or FAIL: FAIL when any item is FAIL, MISSING, or a word the
// client does not know (or NULL); WARN when any is WARN; PASS otherwise
std::string worst_status(const std::vector<StatusSection> &sections);
// 0 for PASS, 1 for FAIL, WARN 0 (1 with --strict)
int status_exit_code(const std::string &worst, bool strict);

// Text: each section's title with its counts, then its items (PASS items only
// when show_pass), then "<what>: <worst>".
void print_status_text(const Style &st, const std::vector<StatusSection> &sections, bool show_pass,
                       const std::string &what, const std::string &worst);
// GitHub: ::error for FAIL/MISSING/unknown, ::warning for WARN, then "<what>: <worst>".
void print_status_github(const std::vector<StatusSection> &sections, const std::string &what,
                         const std::string &worst);

} // namespace mgcli
