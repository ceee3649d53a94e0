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

} // namespace mgcli
