/* severity.cpp — see severity.h. */
#include "common/bridge.h"
#include "schema/attribute_defaults.h"
#include "schema/jsonb_build.h"
#include "schema/object_types.h"
#include "schema/privileges.h"
#include "schema/severity.h"

#include <string_view>

namespace mg {
namespace {

constexpr const char *kDanger = "danger";
constexpr const char *kWarn = "warn";
constexpr const char *kInfo = "info";

bool is(std::string_view a, const char *b) { return b != nullptr && a == b; }

/* an attribute's value as text, or its default when left out */
const char *value_or_default(int rank, JsonbContainer *attrs, const char *attr)
{
    JsonbValue v;
    if (attrs != nullptr && jb_get(attrs, attr, &v))
        return jb_scalar_text(v);
    return attribute_default(rank, attr, static_cast<int>(strlen(attr)));
}

/*
 * Lists as exports write them can be as long as the input: each side is
 * split once into items, one side sorted and the other looked up in it
 * (O(n log n)), and every loop checks for interrupts (statement_timeout,
 * cancel).
 */
struct Item {
    const char *p;
    int len;
};

int compare_items(const void *x, const void *y)
{
    const Item *a = static_cast<const Item *>(x), *b = static_cast<const Item *>(y);
    int c = memcmp(a->p, b->p, static_cast<size_t>(a->len < b->len ? a->len : b->len));
    return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

struct Items {
    Item *items;
    int count, capacity;
};

void items_add(Items *l, const char *p, int len)
{
    if (l->count == l->capacity) {
        l->capacity = l->capacity ? l->capacity * 2 : 16;
        l->items = static_cast<Item *>(l->items ? repalloc(l->items, sizeof(Item) * l->capacity)
                                                : palloc(sizeof(Item) * l->capacity));
    }
    l->items[l->count++] = Item{p, len};
}

/* Is every item of `wanted` in `have` (sorted here)? */
bool all_found(Items *wanted, Items *have)
{
    if (have->count > 1)
        qsort(have->items, have->count, sizeof(Item), compare_items);
    for (int i = 0; i < wanted->count; i++) {
        CHECK_FOR_INTERRUPTS();
        if (have->count == 0 ||
            bsearch(&wanted->items[i], have->items, have->count, sizeof(Item), compare_items) == nullptr)
            return false;
    }
    return true;
}

/* "a, b WITH GRANT OPTION, c" (privilege lists): the privileges; "X WITH GRANT OPTION" counts as X. */
Items privilege_items(const char *list)
{
    Items out{nullptr, 0, 0};
    if (list == nullptr)
        return out;
    std::string_view rest(list);
    while (!rest.empty()) {
        CHECK_FOR_INTERRUPTS();
        size_t comma = rest.find(", ");
        std::string_view entry = rest.substr(0, comma);
        size_t grant = entry.find(" WITH GRANT OPTION");
        if (grant != std::string_view::npos)
            entry = entry.substr(0, grant);
        items_add(&out, entry.data(), static_cast<int>(entry.size()));
        if (comma == std::string_view::npos)
            break;
        rest = rest.substr(comma + 2);
    }
    return out;
}

/* Is every privilege of `before` still in `after`? */
bool privileges_kept(const char *before, const char *after)
{
    if (before == nullptr)
        return true;
    Items wanted = privilege_items(before);
    Items have = privilege_items(after);
    return all_found(&wanted, &have);
}

/* Next literal of a quote_literal list ('a', E'b\\c', 'it''s'), as its raw text; nullptr at the end. */
const char *next_literal(const char **p, int *len)
{
    const char *s = *p;
    while (*s == ',' || *s == ' ')
        s++;
    if (*s == '\0')
        return nullptr;
    const char *start = s;
    if (*s == 'E')
        s++;
    if (*s == '\'') {
        for (s++; *s; s++) {
            if (*s == '\\' && s[1] != '\0')
                s++;
            else if (*s == '\'') {
                if (s[1] != '\'') {
                    s++;
                    break;
                }
                s++;
            }
        }
    } else {
        while (*s && *s != ',')
            s++;
    }
    *len = static_cast<int>(s - start);
    *p = s;
    return start;
}

/* The literals of an enum's value list. */
Items literal_items(const char *list)
{
    Items out{nullptr, 0, 0};
    const char *p = list;
    int len;
    const char *lit;
    while ((lit = next_literal(&p, &len)) != nullptr) {
        CHECK_FOR_INTERRUPTS();
        items_add(&out, lit, len);
    }
    return out;
}

/* Is every enum value of `before` still in `after`? */
bool values_kept(const char *before, const char *after)
{
    if (before == nullptr)
        return true;
    if (after == nullptr)
        return false;
    Items wanted = literal_items(before);
    Items have = literal_items(after);
    return all_found(&wanted, &have);
}

bool search_path_pinned(const char *config)
{
    return config != nullptr && (strncmp(config, "search_path=", 12) == 0 || strstr(config, "; search_path=") != nullptr);
}

} // namespace

const char *object_change_severity(int rank, bool removed, JsonbContainer *attrs)
{
    std::string_view type(object_type_name(rank));
    if (!removed) {
        if ((type == "function" || type == "procedure") && is("DEFINER", value_or_default(rank, attrs, "security")))
            return kWarn;
        if (type == "rule" || type == "event trigger" || type == "default privileges")
            return kWarn;
        return kInfo;
    }
    if (type == "index") {
        const char *def = value_or_default(rank, attrs, "definition");
        return def != nullptr && strncmp(def, "CREATE UNIQUE INDEX", 19) == 0 ? kDanger : kWarn;
    }
    if (type == "statistics")
        return kInfo;
    if (type == "rule" || type == "collation" || type == "publication" || type == "publication table" ||
        type == "publication schema" || type == "default privileges")
        return kWarn;
    return kDanger;
}

const char *attribute_change_severity(int rank, const char *attribute, const char *before, const char *after,
                                      JsonbContainer *before_attrs, JsonbContainer *after_attrs)
{
    std::string_view type(object_type_name(rank));
    std::string_view attr(attribute);

    if (attr.substr(0, strlen(kPrivilegesPrefix)) == kPrivilegesPrefix) {
        if (type == "default privileges")
            return kWarn;
        /* a grantee that became the owner keeps its rights as "(owner)" */
        const char *owner = value_or_default(rank, after_attrs, "owner");
        if (owner != nullptr && attr.substr(strlen(kPrivilegesPrefix)) == quote_identifier(owner))
            return kWarn;
        return privileges_kept(before, after) ? kWarn : kDanger;
    }
    if (attr == "comment" || attr == "statistics" || attr == "storage" || attr == "compression" ||
        attr == "tablespace" || attr == "clustered" || attr == "position")
        return kInfo;
    if (attr == "rls_enabled" || attr == "rls_forced" || attr == "security_invoker" || attr == "security_barrier" ||
        attr == "not_null")
        return is("true", before) ? kDanger : kWarn;
    if (attr == "persistence")
        return is("unlogged", after) ? kDanger : kWarn;
    if (attr == "on_delete" || attr == "on_update")
        return kDanger;
    if (attr == "check_option")
        return after == nullptr ? kDanger : kWarn;
    if (attr == "enabled")
        return (is("DISABLED", after) || is("REPLICA", after)) && !is("DISABLED", before) ? kDanger : kWarn;
    if (attr == "permissive" && type == "policy")
        return is("true", after) ? kDanger : kWarn;
    if (attr == "values" && type == "type")
        return values_kept(before, after) ? kInfo : kDanger;
    if (type == "function" || type == "procedure" || type == "aggregate") {
        bool definer_after = is("DEFINER", value_or_default(rank, after_attrs, "security"));
        bool definer_before = is("DEFINER", value_or_default(rank, before_attrs, "security"));
        if (attr == "security")
            return is("DEFINER", after) ? kDanger : kWarn;
        if (attr == "owner" && definer_after && definer_before)
            return kDanger;
        if (attr == "config" && definer_after && search_path_pinned(before) && !search_path_pinned(after))
            return kDanger;
    }
    return kWarn;
}

const char *object_summary(int rank, JsonbContainer *attrs)
{
    static const struct {
        std::string_view type;
        const char *attribute;
    } kSummaries[] = {
        {"column", "data_type"},        {"constraint", "definition"}, {"index", "definition"},
        {"index", "constraint"},        {"trigger", "definition"},    {"rule", "definition"},
        {"statistics", "definition"},   {"domain", "base_type"},      {"type", "kind"},
        {"sequence", "data_type"},      {"function", "result"},       {"aggregate", "result"},
        {"extension", "version"},       {"policy", "command"},        {"event trigger", "event"},
    };
    std::string_view type(object_type_name(rank));
    for (const auto &s : kSummaries) {
        if (s.type != type)
            continue;
        const char *v = value_or_default(rank, attrs, s.attribute);
        if (v != nullptr)
            return v;
    }
    return nullptr;
}

} // namespace mg
