// github_output.cpp — see github_output.h.
#include "cli/github_output.h"

#include "cli/blanks.h"

namespace mgcli {

std::string github_escape_data(const std::string &s)
{
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '%': out += "%25"; break;
        case '\r': out += "%0D"; break;
        case '\n': out += "%0A"; break;
        default: out += c;
        }
    }
    return out;
}

std::string github_escape_property(const std::string &s)
{
    std::string out;
    out.reserve(s.size());
    for (char c : github_escape_data(s)) {
        switch (c) {
        case ':': out += "%3A"; break;
        case ',': out += "%2C"; break;
        default: out += c;
        }
    }
    return out;
}

std::string github_annotation(const std::string &level, const std::vector<GithubProperty> &properties,
                              const std::string &message)
{
    std::string out = "::" + level;
    bool first = true;
    for (const GithubProperty &p : properties) {
        if (p.value.empty())
            continue;
        out += first ? " " : ",";
        first = false;
        out += p.name + "=" + github_escape_property(p.value);
    }
    return out + "::" + github_escape_data(message) + "\n";
}

std::string github_plain_line(const std::string &line)
{
    std::string out;
    out.reserve(line.size() + 1);
    for (size_t i = 0; i < line.size(); i++) {
        char c = line[i];
        if (c == '\r' || c == '\n') {
            out += ' ';
        } else if (line.compare(i, 3, "##[") == 0) {
            out += "## [";
            i += 2;
        } else {
            out += c;
        }
    }
    size_t first = 0; // past every blank the runner trims (Unicode ones too)
    while (size_t n = blank_length(out, first))
        first += n;
    if (out.compare(first, 2, "::") == 0)
        out = "migrate_guard: " + out;
    return out + "\n";
}

} // namespace mgcli
