// text_output.cpp — see text_output.h.
#include "cli/text_output.h"

#include <cstdio>

namespace mgcli {

void emit(const std::string &s)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); i++) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '\033' && i + 1 < s.size() && s[i + 1] == '[') { // SGR (colour) only
            size_t j = i + 2;
            while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';'))
                j++;
            if (j < s.size() && s[j] == 'm') {
                out.append(s, i, j + 1 - i);
                i = j;
                continue;
            }
        }
        out += (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? '?' : static_cast<char>(c);
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
}

std::string indent_continuation(const std::string &text, const std::string &indent)
{
    std::string out;
    for (char c : text) {
        out += c;
        if (c == '\n')
            out += indent;
    }
    return out;
}

size_t display_width(const std::string &s)
{
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xc0) != 0x80)
            n++;
    return n;
}

std::string pad(const std::string &s, size_t width)
{
    size_t w = display_width(s);
    return s + std::string(w < width ? width - w : 0, ' ') + " ";
}

std::string first_line(const std::string &s, size_t max)
{
    size_t start = s.find_first_not_of(" \t\r\n");
    if (start == std::string::npos)
        return "";
    size_t end = s.find('\n', start);
    std::string line = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
        line.pop_back();
    bool cut = end != std::string::npos && s.find_first_not_of(" \t\r\n", end) != std::string::npos;
    if (display_width(line) > max) {
        // cut at a character boundary
        size_t chars = 0, i = 0;
        for (; i < line.size(); i++) {
            if ((static_cast<unsigned char>(line[i]) & 0xc0) != 0x80 && chars++ == max)
                break;
        }
        line.resize(i);
        cut = true;
    }
    return cut ? line + " ..." : line;
}

std::string count(size_t n, const std::string &word)
{
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

} // namespace mgcli
