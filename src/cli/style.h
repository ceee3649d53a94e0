// style.h — colour in text output: only when stdout is a terminal (--color
// auto), NO_COLOR is not set and TERM is not "dumb"; or always/never.
#pragma once

#include "cli/options.h"

#include <string>

namespace mgcli {

class Style {
public:
    explicit Style(ColorWhen when);
    bool enabled() const { return enabled_; }
    // the word coloured by what it says: blocked/FAIL/MISSING/BLOCKED and
    // danger red, warn/WARN/REVIEW yellow, ok/PASS/SAFE TO DEPLOY green,
    // anything else as is
    std::string word(const std::string &w) const;
    std::string bold(const std::string &s) const;
    std::string dim(const std::string &s) const;

private:
    std::string paint(const char *sgr, const std::string &s) const;
    bool enabled_;
};

} // namespace mgcli
