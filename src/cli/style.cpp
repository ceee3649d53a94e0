// style.cpp — see style.h.
#include "cli/style.h"

#include <cstdlib>
#include <cstring>

#include <unistd.h>

namespace mgcli {

Style::Style(ColorWhen when)
{
    if (when == ColorWhen::Always) {
        enabled_ = true;
    } else if (when == ColorWhen::Never) {
        enabled_ = false;
    } else {
        const char *no_color = std::getenv("NO_COLOR"); // https://no-color.org: set and not empty
        const char *term = std::getenv("TERM");
        enabled_ = isatty(STDOUT_FILENO) && !(no_color && *no_color) && !(term && std::strcmp(term, "dumb") == 0);
    }
}

std::string Style::paint(const char *sgr, const std::string &s) const
{
    return enabled_ ? std::string("\033[") + sgr + "m" + s + "\033[0m" : s;
}

std::string Style::word(const std::string &w) const
{
    if (w == "blocked" || w == "BLOCKED" || w == "FAIL" || w == "MISSING")
        return paint("1;31", w);
    if (w == "danger")
        return paint("31", w);
    if (w == "warn" || w == "WARN" || w == "REVIEW")
        return paint("33", w);
    if (w == "ok" || w == "PASS" || w == "SAFE TO DEPLOY")
        return paint("32", w);
    return w;
}

std::string Style::bold(const std::string &s) const { return paint("1", s); }

std::string Style::dim(const std::string &s) const { return paint("2", s); }

} // namespace mgcli
