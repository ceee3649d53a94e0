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

/*
 * A list as the exports print it ("a, b", identifiers quoted as quote_ident
 * would, so ", " inside double quotes belongs to a name): its items.
 */
Items name_items(const char *list)
{
    Items out{nullptr, 0, 0};
    if (list == nullptr)
        return out;
    const char *start = list;
    bool quoted = false;
    for (const char *s = list;; s++) {
        if (*s == '"')
            quoted = !quoted;
        else if (*s == '\0' || (!quoted && s[0] == ',' && s[1] == ' ')) {
            if (s > start)
                items_add(&out, start, static_cast<int>(s - start));
            if (*s == '\0')
                break;
            start = s + 2;
            s++;
        }
    }
    return out;
}

/* Is every name of `before` still in `after`? */
bool names_kept(const char *before, const char *after)
{
    if (before == nullptr)
        return true;
    Items wanted = name_items(before);
    Items have = name_items(after);
    return all_found(&wanted, &have);
}

bool has_name(const char *list, const char *name)
{
    Items l = name_items(list);
    for (int i = 0; i < l.count; i++)
        if (static_cast<size_t>(l.items[i].len) == strlen(name) && memcmp(l.items[i].p, name, l.items[i].len) == 0)
            return true;
    return false;
}

bool starts_with(const char *s, const char *prefix) { return s != nullptr && strncmp(s, prefix, strlen(prefix)) == 0; }

/*
 * A deparsed index or constraint definition without the clauses that do not
 * change what it guarantees: INCLUDE (...), WITH (...), USING INDEX
 * TABLESPACE x, DEFERRABLE, INITIALLY DEFERRED, NOT VALID (reported by
 * "validated").  Clauses are recognised at the top level only, outside
 * parentheses and quoted literals or identifiers.
 */
const char *guarantee_of(const char *def)
{
    static const char *const kParenClauses[] = {" INCLUDE (", " WITH ("};
    static const char *const kWordClauses[] = {" DEFERRABLE", " INITIALLY DEFERRED", " NOT VALID"};
    StringInfoData out;
    initStringInfo(&out);
    int depth = 0;
    for (const char *s = def; *s;) {
        CHECK_FOR_INTERRUPTS();
        if (*s == '\'' || *s == '"') {
            /* a literal ('...', E'...' with backslash escapes) or a quoted identifier, copied whole */
            char q = *s;
            bool escapes = q == '\'' && s > def && (s[-1] == 'E' || s[-1] == 'e');
            const char *e = s + 1;
            for (; *e; e++) {
                if (escapes && *e == '\\' && e[1] != '\0')
                    e++;
                else if (*e == q) {
                    if (e[1] != q)
                        break;
                    e++;
                }
            }
            if (*e)
                e++;
            appendBinaryStringInfo(&out, s, static_cast<int>(e - s));
            s = e;
            continue;
        }
        if (depth == 0 && *s == ' ') {
            bool skipped = false;
            for (const char *c : kParenClauses) {
                size_t n = strlen(c);
                if (strncmp(s, c, n) == 0) {
                    /* skip to the matching parenthesis (quotes inside are rare here and balanced) */
                    const char *e = s + n;
                    int d = 1;
                    bool in_quote = false;
                    char q = 0;
                    for (; *e && d > 0; e++) {
                        if (in_quote) {
                            if (*e == q)
                                in_quote = false;
                        } else if (*e == '\'' || *e == '"') {
                            in_quote = true;
                            q = *e;
                        } else if (*e == '(')
                            d++;
                        else if (*e == ')')
                            d--;
                    }
                    s = e;
                    skipped = true;
                    break;
                }
            }
            if (!skipped && strncmp(s, " USING INDEX TABLESPACE ", 24) == 0) {
                const char *e = s + 24;
                bool in_quote = false;
                for (; *e && (in_quote || *e != ' '); e++)
                    if (*e == '"')
                        in_quote = !in_quote;
                s = e;
                skipped = true;
            }
            for (const char *w : kWordClauses) {
                size_t n = strlen(w);
                if (!skipped && strncmp(s, w, n) == 0 && (s[n] == '\0' || s[n] == ' ')) {
                    s += n;
                    skipped = true;
                }
            }
            if (skipped)
                continue;
        }
        if (*s == '(')
            depth++;
        else if (*s == ')')
            depth--;
        appendStringInfoChar(&out, *s);
        s++;
    }
    return out.data;
}

/*
 * A unique index's definition changed: does the uniqueness it guaranteed
 * still hold as such?  Not when the index is no longer unique, nor when its
 * key, predicate or NULLS treatment changed (INCLUDE columns and storage
 * parameters do not matter).  An index that came to back a UNIQUE or
 * PRIMARY KEY constraint (ADD CONSTRAINT ... USING INDEX) keeps it.
 */
bool uniqueness_weakened(const char *before, const char *after, JsonbContainer *before_attrs,
                         JsonbContainer *after_attrs)
{
    JsonbValue v;
    bool unique_before = before != nullptr ? starts_with(before, "CREATE UNIQUE INDEX")
                                           : before_attrs != nullptr && jb_get(before_attrs, "constraint", &v);
    if (!unique_before)
        return false;
    if (after == nullptr)
        return !(after_attrs != nullptr && jb_get(after_attrs, "constraint", &v));
    if (!starts_with(after, "CREATE UNIQUE INDEX"))
        return true;
    return before != nullptr && strcmp(guarantee_of(before), guarantee_of(after)) != 0;
}

/*
 * A constraint's definition changed (dropped and added again under its
 * name): a PRIMARY KEY, UNIQUE, EXCLUDE or FOREIGN KEY whose guarantee is no
 * longer the same (other columns, other referenced table, other MATCH, NULLS
 * treatment, predicate), or a constraint turned into another kind, is a
 * guarantee gone.  A CHECK whose expression changed may be stricter or
 * looser (not decidable): warn.
 */
bool constraint_weakened(const char *before, const char *after)
{
    if (before == nullptr || after == nullptr)
        return before != nullptr;
    static const char *const kKinds[] = {"PRIMARY KEY", "UNIQUE", "EXCLUDE", "FOREIGN KEY", "CHECK"};
    const char *kind = nullptr;
    for (const char *k : kKinds)
        if (starts_with(before, k))
            kind = k;
    if (kind == nullptr)
        return false;
    if (!starts_with(after, kind))
        return true;
    if (strcmp(kind, "CHECK") == 0)
        return false;
    return strcmp(guarantee_of(before), guarantee_of(after)) != 0;
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
        attr == "not_null" || attr == "populated" || attr == "validated" ||
        attr == "enforced")
        return is("true", before) ? kDanger : kWarn;
    /* a partition detached, an inheritance child cut off: its rows left the parent's queries */
    if (attr == "partition_of" || attr == "inherits")
        return names_kept(before, after) ? kWarn : kDanger;
    if (attr == "definition" && type == "index")
        return uniqueness_weakened(before, after, before_attrs, after_attrs) ? kDanger : kWarn;
    if (attr == "definition" && type == "constraint")
        return constraint_weakened(before, after) ? kDanger : kWarn;
    if (type == "policy" && (attr == "roles" || attr == "command")) {
        /* a permissive policy that reaches more roles or commands, a restrictive one that reaches fewer */
        bool permissive = is("true", value_or_default(rank, after_attrs, "permissive"));
        if (attr == "command")
            return permissive ? (is("ALL", before) ? kWarn : kDanger) : (is("ALL", after) ? kWarn : kDanger);
        const char *wider = permissive ? after : before, *narrower = permissive ? before : after;
        return has_name(narrower, "PUBLIC") || names_kept(wider, narrower) ? kWarn : kDanger;
    }
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
        /* LEAKPROOF: its arguments are shown to it before row-level security and security barriers filter */
        if (attr == "leakproof")
            return is("true", after) ? kDanger : kWarn;
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
