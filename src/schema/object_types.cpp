/* object_types.cpp — see object_types.h. */
#include "common/bridge.h"
#include "schema/jsonb_build.h"
#include "schema/object_types.h"

#include <string_view>

namespace mg {
namespace {

/* Containers before their contents: the order of comparisons. */
constexpr std::string_view kTypes[] = {
    "schema",
    "extension",
    "collation",
    "type",
    "domain",
    "sequence",
    "table",
    "view",
    "materialized view",
    "column",
    "constraint",
    "index",
    "trigger",
    "rule",
    "policy",
    "statistics",
    "function",
    "procedure",
    "aggregate",
    "publication",
    "publication table",
    "publication schema",
    "default privileges",
    "event trigger",
};
constexpr int kCount = sizeof kTypes / sizeof kTypes[0];

constexpr int rank_of(std::string_view t)
{
    for (int i = 0; i < kCount; i++)
        if (kTypes[i] == t)
            return i;
    return -1;
}

constexpr int kRelations[] = {rank_of("table"), rank_of("view"), rank_of("materialized view")};
constexpr int kRelationsAndDomains[] = {rank_of("table"), rank_of("view"), rank_of("materialized view"),
                                        rank_of("domain")};
constexpr int kPublications[] = {rank_of("publication")};

/* Past one identifier as quote_ident writes it (quoted: "a ""b"" c"; plain: [a-z0-9_]+). */
const char *skip_identifier(const char *p)
{
    if (*p != '"') {
        while (*p && *p != '.' && *p != ' ')
            p++;
        return p;
    }
    for (p++; *p; p++)
        if (*p == '"') {
            if (p[1] != '"')
                return p + 1;
            p++;
        }
    return p;
}

/* Identity after "<identifier> on " / "<identifier[.identifier]> in publication ", or nullptr. */
const char *after_marker(const char *identity, bool qualified, const char *marker)
{
    const char *p = skip_identifier(identity);
    if (qualified && *p == '.')
        p = skip_identifier(p + 1);
    size_t n = strlen(marker);
    return strncmp(p, marker, n) == 0 && p[n] != '\0' ? p + n : nullptr;
}

} // namespace

int object_type_rank_n(const char *type, int len)
{
    std::string_view t(type, static_cast<size_t>(len));
    for (int i = 0; i < kCount; i++)
        if (kTypes[i] == t)
            return i;
    return -1;
}

int object_type_rank(const char *type) { return object_type_rank_n(type, static_cast<int>(strlen(type))); }

const char *object_type_name(int rank) { return kTypes[rank].data(); }

int object_type_count() { return kCount; }

bool object_parent(int rank, const char *identity, JsonbContainer *attributes, ParentRef *out)
{
    std::string_view type = kTypes[rank];
    if (type == "column") {
        /* schema.relation.column: the relation is everything before the last dot */
        const char *p = skip_identifier(identity);
        if (*p != '.')
            return false;
        p = skip_identifier(p + 1);
        if (*p != '.')
            return false;
        *out = ParentRef{pnstrdup(identity, p - identity), kRelations, 3};
        return true;
    }
    if (type == "constraint" || type == "trigger" || type == "rule" || type == "policy") {
        const char *rel = after_marker(identity, false, " on ");
        if (rel == nullptr)
            return false;
        *out = ParentRef{rel, kRelationsAndDomains, 4};
        return true;
    }
    if (type == "index" || type == "statistics") {
        JsonbValue table;
        if (attributes == nullptr || !jb_get(attributes, "table", &table) || table.type != jbvString)
            return false;
        *out = ParentRef{pnstrdup(table.val.string.val, table.val.string.len), kRelations, 3};
        return true;
    }
    if (type == "publication table" || type == "publication schema") {
        const char *pub = after_marker(identity, type == "publication table", " in publication ");
        if (pub == nullptr)
            return false;
        *out = ParentRef{pub, kPublications, 1};
        return true;
    }
    return false;
}

} // namespace mg
