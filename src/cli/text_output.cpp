// text_output.cpp — see text_output.h.
#include "cli/text_output.h"

#include "cli/blanks.h"
#include "cli/connection.h"

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

namespace {

// length of the SGR (colour) sequence at s[i], or 0
size_t sgr_length(const std::string &s, size_t i)
{
    if (s.compare(i, 2, "\033[") != 0)
        return 0;
    size_t j = i + 2;
    while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';'))
        j++;
    return j < s.size() && s[j] == 'm' ? j + 1 - i : 0;
}

std::string neutralise_line(const std::string &line)
{
    std::string out;
    out.reserve(line.size());
    for (size_t i = 0; i < line.size(); i++) {
        if (line.compare(i, 3, "##[") == 0) {
            out += "## [";
            i += 2;
        } else {
            out += line[i];
        }
    }
    size_t first = 0; // first visible character: past blanks (Unicode ones too) and colour sequences
    for (;;) {
        if (size_t n = blank_length(out, first))
            first += n;
        else if (size_t n = sgr_length(out, first))
            first += n;
        else
            break;
    }
    if (out.compare(first, 2, "::") == 0)
        out.insert(first, "migrate_guard: ");
    return out;
}

} // namespace

void emit_text(const std::string &s)
{
    std::string out;
    out.reserve(s.size() + 16);
    size_t start = 0;
    while (start < s.size()) {
        size_t nl = s.find('\n', start);
        size_t end = nl == std::string::npos ? s.size() : nl;
        out += neutralise_line(s.substr(start, end - start));
        if (nl == std::string::npos)
            break;
        out += '\n';
        start = nl + 1;
    }
    emit(out);
}

std::string error_line(const std::string &what)
{
    std::string line = one_line(what), out;
    for (size_t i = 0; i < line.size(); i++) {
        unsigned char c = static_cast<unsigned char>(line[i]);
        if (line.compare(i, 3, "##[") == 0) {
            out += "## [";
            i += 2;
        } else {
            out += c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
        }
    }
    return out;
}

std::string text_field(const std::string &s)
{
    bool plain = !has_unicode_blank(s);
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f)
            plain = false;
    if (plain)
        return s;
    std::string out = "\"";
    for (size_t i = 0; i < s.size(); i++) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (size_t n = unicode_blank_length(s, i)) { // a non-ASCII blank: its bytes in octal, as git writes them
            for (size_t k = 0; k < n; k++) {
                char oct[5];
                std::snprintf(oct, sizeof oct, "\\%03o", static_cast<unsigned char>(s[i + k]));
                out += oct;
            }
            i += n - 1;
            continue;
        }
        switch (c) {
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\v': out += "\\v"; break;
        case '\f': out += "\\f"; break;
        case '\r': out += "\\r"; break;
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char oct[5];
                std::snprintf(oct, sizeof oct, "\\%03o", c);
                out += oct;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
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
