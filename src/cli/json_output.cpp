// json_output.cpp — see json_output.h.
#include "cli/json_output.h"

#include "cli/text_output.h"

#include <cstdio>

namespace mgcli {

// length of the valid UTF-8 sequence starting at s[i], 0 when there is none
static size_t utf8_sequence_length(const std::string &s, size_t i)
{
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len;
    unsigned min;
    unsigned cp;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, min = 0x80, cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, min = 0x800, cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, min = 0x10000, cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    for (size_t k = 1; k < len; k++) {
        unsigned char cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void emit_json(const std::string &document)
{
    std::string out;
    out.reserve(document.size());
    for (size_t i = 0; i < document.size(); i++) {
        if (document.compare(i, 3, "##[") == 0) {
            out += "##\\u005b";
            i += 2;
        } else {
            out += document[i];
        }
    }
    emit(out);
}

std::string json_string(const std::string &s)
{
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (size_t i = 0; i < s.size(); i++) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) { // UTF-8 sequences pass; a byte that starts none becomes U+FFFD
            size_t len = utf8_sequence_length(s, i);
            if (len == 0) {
                out += "\\ufffd";
            } else {
                out.append(s, i, len);
                i += len - 1;
            }
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
    return out;
}

static bool is_json_number(const std::string &s)
{
    // what PostgreSQL prints for integers and finite numerics/floats is a JSON
    // number except for NaN, Infinity and a leading '.' or '+'
    if (s.empty())
        return false;
    size_t i = s[0] == '-' ? 1 : 0;
    if (i >= s.size() || !(s[i] >= '0' && s[i] <= '9'))
        return false;
    if (s[i] == '0' && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9')
        return false;
    for (; i < s.size(); i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
            return false;
    }
    return true;
}

std::string json_value(const Value &v, unsigned type_oid)
{
    if (!v)
        return "null";
    switch (type_oid) {
    case oid::BOOL:
        return *v == "t" ? "true" : *v == "f" ? "false" : json_string(*v);
    case oid::INT2:
    case oid::INT4:
    case oid::INT8:
    case oid::OID:
    case oid::FLOAT4:
    case oid::FLOAT8:
    case oid::NUMERIC:
        return is_json_number(*v) ? *v : json_string(*v);
    case oid::JSON:
    case oid::JSONB:
        return v->empty() ? "null" : *v;
    case oid::TEXT_ARRAY: {
        std::vector<std::string> elems;
        for (const Value &e : parse_text_array(*v))
            elems.push_back(json_value(e, oid::TEXT));
        return json_array(elems);
    }
    default:
        return json_string(*v);
    }
}

std::string json_row(const Table &t, size_t row)
{
    JsonObject o;
    for (size_t j = 0; j < t.columns.size(); j++)
        o.raw(t.columns[j].name, json_value(t.rows[row][j], t.columns[j].type_oid));
    return o.done();
}

std::string json_rows(const Table &t)
{
    std::vector<std::string> rows;
    rows.reserve(t.rows.size());
    for (size_t i = 0; i < t.rows.size(); i++)
        rows.push_back(json_row(t, i));
    return json_array(rows);
}

std::string json_array(const std::vector<std::string> &elements_json)
{
    std::string out = "[";
    for (size_t i = 0; i < elements_json.size(); i++) {
        if (i)
            out += ", ";
        out += elements_json[i];
    }
    return out + "]";
}

JsonObject &JsonObject::raw(const std::string &name, const std::string &json)
{
    if (body_.size() > 1)
        body_ += ", ";
    body_ += json_string(name) + ": " + json;
    return *this;
}

JsonObject &JsonObject::str(const std::string &name, const std::string &value)
{
    return raw(name, json_string(value));
}

JsonObject &JsonObject::num(const std::string &name, long long value)
{
    return raw(name, std::to_string(value));
}

JsonObject &JsonObject::boolean(const std::string &name, bool value)
{
    return raw(name, value ? "true" : "false");
}

} // namespace mgcli
