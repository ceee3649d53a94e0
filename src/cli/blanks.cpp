// blanks.cpp — see blanks.h.
#include "cli/blanks.h"

namespace mgcli {

namespace {

bool is_unicode_blank(unsigned cp)
{
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200D) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x2060 || cp == 0x3000 ||
           cp == 0xFEFF;
}

unsigned char byte_at(const std::string &s, size_t i) { return static_cast<unsigned char>(s[i]); }

} // namespace

size_t unicode_blank_length(const std::string &s, size_t i)
{
    if (i >= s.size())
        return 0;
    unsigned char b0 = byte_at(s, i);
    size_t n = b0 >= 0xC2 && b0 <= 0xDF ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : 0; // every blank is 2 or 3 bytes
    if (n == 0 || i + n > s.size())
        return 0;
    unsigned cp = b0 & (n == 2 ? 0x1F : 0x0F);
    for (size_t k = 1; k < n; k++) {
        unsigned char b = byte_at(s, i + k);
        if ((b & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    return is_unicode_blank(cp) ? n : 0;
}

size_t blank_length(const std::string &s, size_t i)
{
    if (i >= s.size())
        return 0;
    switch (s[i]) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r': return 1;
    default: return unicode_blank_length(s, i);
    }
}

bool has_unicode_blank(const std::string &s)
{
    for (size_t i = 0; i < s.size(); i++)
        if (static_cast<unsigned char>(s[i]) >= 0xC2 && unicode_blank_length(s, i) != 0)
            return true;
    return false;
}

} // namespace mgcli
