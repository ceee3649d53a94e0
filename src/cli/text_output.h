// text_output.h — writing to stdout, and the small text helpers of the text format.
#pragma once

#include <string>

namespace mgcli {

// writes s to stdout (errors are checked once, at exit, by main.cpp). Control
// characters other than newline and tab become '?', except colour sequences
// (ESC [ digits;... m): a name or message from a file or the server cannot
// move the cursor, retitle the terminal or rewrite earlier lines.
void emit(const std::string &s);
// The text format's output: emit() after neutralising each line as
// github_plain_line() does for GitHub (CI logs run workflow commands found in
// any output): "##[" becomes "## [", and a line whose first visible
// characters are "::" gets "migrate_guard: " before them. Blanks are every
// character the runner trims (cli/blanks.h: U+00A0, U+3000, ... too).
void emit_text(const std::string &s);
// The text of one line on stderr (CI logs read stderr for workflow commands
// too; the line itself starts with "migrate_guard: "): whitespace runs become
// one space, other control characters '?', and "##[" becomes "## [".
std::string error_line(const std::string &what);
// A one-line field of the text format (a file, object or check name, a rule,
// a label): unchanged when it holds no control character and no non-ASCII
// blank (cli/blanks.h), otherwise in double quotes with C escapes (\n, \t,
// \033, \", \\; a non-ASCII blank as its bytes, \302\240) as git quotes such names, so
// that it stays on its line and cannot forge another (a verdict, a workflow
// command) nor drive the terminal.
std::string text_field(const std::string &s);
// every line after the first indented by `indent` (multi-line messages)
std::string indent_continuation(const std::string &text, const std::string &indent);
// s followed by spaces up to `width` characters (UTF-8 aware), then one space
std::string pad(const std::string &s, size_t width);
// the first line of s, cut to at most max characters ("..." when cut)
std::string first_line(const std::string &s, size_t max);
// number of characters (UTF-8 code points) in s
size_t display_width(const std::string &s);
// "n word" or "n words"
std::string count(size_t n, const std::string &word);

} // namespace mgcli
