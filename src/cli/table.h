// table.h — the rows of a query result, every value text or NULL.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mgcli {

using Value = std::optional<std::string>; // std::nullopt is SQL NULL

struct Column {
    std::string name;
    unsigned type_oid = 0; // the column's type (pg_type OID), to write it as JSON
};

struct Table {
    std::vector<Column> columns;
    std::vector<std::vector<Value>> rows;

    // index of a column by name; throws CliError when the server did not return it
    size_t column(const std::string &name) const;
    // value of a column, or "" when NULL
    std::string text(size_t row, const std::string &name, const std::string &if_null = "") const;
    const Value &value(size_t row, const std::string &name) const;
};

// The elements of a one-dimensional array as PostgreSQL prints it
// ({a,"b c",NULL}); throws CliError when it is not one.
std::vector<Value> parse_text_array(const std::string &literal);

// A text[] parameter value: {"a","b"} with every element quoted (a value
// sent with PQexecParams, not SQL text).
std::string text_array_literal(const std::vector<std::string> &elements);

// Type OIDs the client sends or reads (fixed in every PostgreSQL version).
namespace oid {
constexpr unsigned BOOL = 16, INT8 = 20, INT2 = 21, INT4 = 23, TEXT = 25, OID = 26, JSON = 114, FLOAT4 = 700,
                   FLOAT8 = 701, NUMERIC = 1700, TEXT_ARRAY = 1009, JSONB = 3802;
}

} // namespace mgcli
