// json_output.h — writing JSON (--format json): strings, values of a result
// by their column type, rows as objects, and objects built field by field.
#pragma once

#include "cli/table.h"

#include <string>

namespace mgcli {

std::string json_string(const std::string &s);
// Writes a JSON document (one line) to stdout. "##[" — a workflow command to
// GitHub Actions wherever it stands in a line of a step's output — can occur
// only inside strings, where it is written "##\u005b" (the same string).
void emit_json(const std::string &document);
// a value of a column of type type_oid: numbers, booleans and json stay what
// they are, text[] becomes an array, NULL null, anything else a string
std::string json_value(const Value &v, unsigned type_oid);
// one row as {"column": value, ...}
std::string json_row(const Table &t, size_t row);
// every row: [{...}, ...]
std::string json_rows(const Table &t);

// {"a": ..., "b": ...}, fields added in order (values already JSON)
class JsonObject {
public:
    JsonObject &raw(const std::string &name, const std::string &json);
    JsonObject &str(const std::string &name, const std::string &value);
    JsonObject &num(const std::string &name, long long value);
    JsonObject &boolean(const std::string &name, bool value);
    std::string done() const { return body_ + "}"; }

private:
    std::string body_ = "{";
};

std::string json_array(const std::vector<std::string> &elements_json);

} // namespace mgcli
