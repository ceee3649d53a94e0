// github_output.h — GitHub Actions workflow commands (--format github):
// ::error file=F,line=L,title=T::message, escaped as the Actions runner
// expects (data: % CR LF; properties: also : and ,).
#pragma once

#include <string>
#include <vector>

namespace mgcli {

std::string github_escape_data(const std::string &s);
std::string github_escape_property(const std::string &s);

struct GithubProperty {
    std::string name, value;
};

// level: "error", "warning" or "notice"; one line ending with '\n'
std::string github_annotation(const std::string &level, const std::vector<GithubProperty> &properties,
                              const std::string &message);

// A line of plain text among the annotations: CR and LF become spaces, "##["
// (the runner's older command syntax, recognised anywhere in a line) becomes
// "## [", and a line that would start with "::" gets a prefix, so that a file
// or object name cannot issue a workflow command of its own.
std::string github_plain_line(const std::string &line);

} // namespace mgcli
