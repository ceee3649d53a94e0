// blanks.h — what a CI runner skips before it looks for a workflow command.
//
// GitHub's runner trims a line with .NET's String.TrimStart(), which removes
// every Unicode white-space character (Char.IsWhiteSpace), not only ' ' and
// '\t': a line "<U+00A0>::error ..." is a workflow command there. The client
// treats all of them, plus a few invisible characters a viewer would not show
// (to be safe), as leading blanks when it neutralises a line, and quotes a
// text-format field that holds one.
#pragma once

#include <cstddef>
#include <string>

namespace mgcli {

// Byte length of the blank at s[i] (UTF-8), 0 when there is none there:
// ASCII space, \t, \n, \v, \f, \r, and U+0085, U+00A0, U+1680, U+180E,
// U+2000-U+200D, U+2028, U+2029, U+202F, U+205F, U+2060, U+3000, U+FEFF.
size_t blank_length(const std::string &s, size_t i);
// Byte length of a non-ASCII blank at s[i] (the list above without ASCII), or 0.
size_t unicode_blank_length(const std::string &s, size_t i);
// Does s hold a non-ASCII blank anywhere?
bool has_unicode_blank(const std::string &s);

} // namespace mgcli
