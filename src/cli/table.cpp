// table.cpp — see table.h.
#include "cli/table.h"

#include "cli/exit_codes.h"

namespace mgcli {

size_t Table::column(const std::string &name) const
{
    for (size_t i = 0; i < columns.size(); i++)
        if (columns[i].name == name)
            return i;
    throw CliError("the server's result has no column \"" + name +
                   "\" (is the extension older than this client? ALTER EXTENSION migrate_guard UPDATE)");
}

const Value &Table::value(size_t row, const std::string &name) const
{
    return rows.at(row).at(column(name));
}

std::string Table::text(size_t row, const std::string &name, const std::string &if_null) const
{
    const Value &v = value(row, name);
    return v ? *v : if_null;
}

std::string text_array_literal(const std::vector<std::string> &elements)
{
    std::string out = "{";
    for (size_t i = 0; i < elements.size(); i++) {
        out += i ? ",\"" : "\"";
        for (char c : elements[i]) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

std::vector<Value> parse_text_array(const std::string &literal)
{
    std::vector<Value> out;
    size_t i = 0, n = literal.size();
    if (i < n && literal[i] == '[') { // [lower:upper]={...}
        i = literal.find('=');
        i = i == std::string::npos ? n : i + 1;
    }
    if (i >= n || literal[i] != '{')
        throw CliError("the server sent an array the client cannot read: " + literal.substr(0, 80));
    i++;
    if (i < n && literal[i] == '}')
        return out;
    while (i < n) {
        std::string elem;
        bool quoted = false;
        if (literal[i] == '"') {
            quoted = true;
            for (i++; i < n && literal[i] != '"'; i++) {
                if (literal[i] == '\\' && i + 1 < n)
                    i++;
                elem += literal[i];
            }
            i++; // closing quote
        } else {
            for (; i < n && literal[i] != ',' && literal[i] != '}'; i++)
                elem += literal[i];
        }
        if (!quoted && elem == "NULL")
            out.emplace_back(std::nullopt);
        else
            out.emplace_back(elem);
        if (i < n && literal[i] == ',') {
            i++;
            continue;
        }
        if (i < n && literal[i] == '}')
            return out;
        break;
    }
    throw CliError("the server sent an array the client cannot read: " + literal.substr(0, 80));
}

} // namespace mgcli
