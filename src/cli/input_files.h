// input_files.h — reading the files the client sends to the server.
#pragma once

#include <string>

namespace mgcli {

// The whole content of path ("-": standard input). Throws CliError naming the
// file when it cannot be read, or when it holds a NUL byte (libpq sends text
// parameters as C strings: the script would be cut there).
std::string read_input_file(const std::string &path, const char *what);

// --expect: the JSON itself, or @FILE for the content of FILE.
std::string json_argument(const std::string &arg, const char *option);

} // namespace mgcli
