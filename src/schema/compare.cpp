/*
 * compare.cpp — compare_exports() and compare_schema(jsonb, jsonb).
 *
 * Both exports keep each type's objects, and each object's attributes, in
 * jsonb's key order, so one merge walk per type finds the added, removed
 * and common objects, and one per common object its changed attributes.
 * Exports are input of any size: every walk checks for interrupts, and the
 * severity of a changed list (enum values, privileges) is decided in
 * O(n log n) (severity.cpp).
 */
#include "common/bridge.h"
#include "common/ext_version.h"
#include "schema/attribute_defaults.h"
#include "schema/compare.h"
#include "schema/export.h"
#include "schema/jsonb_build.h"
#include "schema/object_types.h"
#include "schema/severity.h"

namespace mg {
namespace {

/* The key/value pairs of an object container, one after the other. */
struct PairCursor {
    JsonbIterator *it;
    JsonbValue key, value;
    bool valid;
};

void cursor_next(PairCursor *c)
{
    c->valid = false;
    if (c->it == nullptr)
        return;
    JsonbValue v;
    JsonbIteratorToken tok;
    while ((tok = JsonbIteratorNext(&c->it, &v, true)) != WJB_DONE) {
        if (tok == WJB_KEY)
            c->key = v;
        else if (tok == WJB_VALUE) {
            c->value = v;
            c->valid = true;
            return;
        }
    }
    c->it = nullptr;
}

void cursor_init(PairCursor *c, JsonbContainer *obj)
{
    c->it = obj ? JsonbIteratorInit(obj) : nullptr;
    cursor_next(c);
}

/* -1: a's key first, 1: b's key first, 0: same key; an exhausted cursor sorts last */
int cursor_compare(const PairCursor &a, const PairCursor &b)
{
    if (!a.valid || !b.valid)
        return a.valid ? -1 : b.valid ? 1 : 0;
    int c = jb_key_compare(a.key.val.string.val, a.key.val.string.len, b.key.val.string.val, b.key.val.string.len);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
}

JsonbContainer *container_of(const JsonbValue &v) { return v.type == jbvBinary ? v.val.binary.data : nullptr; }

struct Collector {
    Difference *items;
    int count, capacity;
};

void add(Collector *c, const Difference &d)
{
    if (c->count == c->capacity) {
        c->capacity = c->capacity ? c->capacity * 2 : 64;
        c->items = static_cast<Difference *>(c->items ? repalloc(c->items, sizeof(Difference) * c->capacity)
                                                      : palloc(sizeof(Difference) * c->capacity));
    }
    c->items[c->count++] = d;
}

/* Type maps of both sides, by rank. */
struct Sides {
    JsonbContainer **before, **after;
};

JsonbContainer **type_maps(const ParsedExport &e)
{
    int n = object_type_count();
    JsonbContainer **maps = static_cast<JsonbContainer **>(palloc0(sizeof(JsonbContainer *) * n));
    for (int r = 0; r < n; r++) {
        JsonbValue v;
        if (jb_get(e.objects, object_type_name(r), &v))
            maps[r] = container_of(v);
    }
    return maps;
}

bool has_object(JsonbContainer **maps, int rank, const char *identity)
{
    if (maps[rank] == nullptr)
        return false;
    JsonbValue v;
    return getKeyJsonValueFromContainer(maps[rank], identity, static_cast<int>(strlen(identity)), &v) != nullptr;
}

/* Was the object's parent added (or removed) along with it?  Then its own row is left out. */
bool parent_goes_too(int rank, const char *identity, JsonbContainer *attrs, JsonbContainer **here,
                     JsonbContainer **there)
{
    ParentRef p;
    if (!object_parent(rank, identity, attrs, &p))
        return false;
    bool here_has = false, there_has = false;
    for (int i = 0; i < p.nranks; i++) {
        here_has = here_has || has_object(here, p.ranks[i], p.identity);
        there_has = there_has || has_object(there, p.ranks[i], p.identity);
    }
    return here_has && !there_has;
}

void compare_attributes(Collector *out, int rank, const char *identity, JsonbContainer *b, JsonbContainer *a)
{
    PairCursor bc, ac;
    cursor_init(&bc, b);
    cursor_init(&ac, a);
    while (bc.valid || ac.valid) {
        CHECK_FOR_INTERRUPTS();
        int c = cursor_compare(bc, ac);
        const JsonbValue &key = c <= 0 ? bc.key : ac.key;
        const char *attr = pnstrdup(key.val.string.val, key.val.string.len);
        const char *def = attribute_default(rank, key.val.string.val, key.val.string.len);
        const char *before = c <= 0 ? jb_scalar_text(bc.value) : def;
        const char *after = c >= 0 ? jb_scalar_text(ac.value) : def;
        bool same = before == after || (before != nullptr && after != nullptr && strcmp(before, after) == 0);
        if (!same)
            add(out, Difference{rank, identity, "CHANGED", attr, before, after,
                                attribute_change_severity(rank, attr, before, after, b, a)});
        if (c <= 0)
            cursor_next(&bc);
        if (c >= 0)
            cursor_next(&ac);
    }
}

int compare_differences(const void *x, const void *y)
{
    const Difference *a = static_cast<const Difference *>(x);
    const Difference *b = static_cast<const Difference *>(y);
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    int c = strcmp(a->identity, b->identity);
    if (c != 0)
        return c;
    if (a->attribute == nullptr || b->attribute == nullptr)
        return (a->attribute != nullptr) - (b->attribute != nullptr);
    return strcmp(a->attribute, b->attribute);
}

} // namespace

DifferenceList compare_exports(const ParsedExport &before, const ParsedExport &after)
{
    JsonbContainer **bmaps = type_maps(before);
    JsonbContainer **amaps = type_maps(after);
    Collector out{nullptr, 0, 0};
    for (int rank = 0; rank < object_type_count(); rank++) {
        PairCursor bc, ac;
        cursor_init(&bc, bmaps[rank]);
        cursor_init(&ac, amaps[rank]);
        while (bc.valid || ac.valid) {
            CHECK_FOR_INTERRUPTS();
            int c = cursor_compare(bc, ac);
            const JsonbValue &key = c <= 0 ? bc.key : ac.key;
            const char *identity = pnstrdup(key.val.string.val, key.val.string.len);
            if (c < 0) {
                JsonbContainer *attrs = container_of(bc.value);
                if (!parent_goes_too(rank, identity, attrs, bmaps, amaps))
                    add(&out, Difference{rank, identity, "REMOVED", nullptr, object_summary(rank, attrs), nullptr,
                                         object_change_severity(rank, true, attrs)});
                cursor_next(&bc);
            } else if (c > 0) {
                JsonbContainer *attrs = container_of(ac.value);
                if (!parent_goes_too(rank, identity, attrs, amaps, bmaps))
                    add(&out, Difference{rank, identity, "ADDED", nullptr, nullptr, object_summary(rank, attrs),
                                         object_change_severity(rank, false, attrs)});
                cursor_next(&ac);
            } else {
                compare_attributes(&out, rank, identity, container_of(bc.value), container_of(ac.value));
                cursor_next(&bc);
                cursor_next(&ac);
            }
        }
    }
    if (out.count > 1)
        qsort(out.items, out.count, sizeof(Difference), compare_differences);
    return DifferenceList{out.items, out.count};
}

void put_differences(ReturnSetInfo *rsinfo, const DifferenceList &diffs)
{
    for (int i = 0; i < diffs.count; i++) {
        CHECK_FOR_INTERRUPTS();
        const Difference &d = diffs.items[i];
        Datum values[7] = {CStringGetTextDatum(object_type_name(d.rank)), CStringGetTextDatum(d.identity),
                           CStringGetTextDatum(d.change),
                           d.attribute ? CStringGetTextDatum(d.attribute) : (Datum) 0,
                           d.before ? CStringGetTextDatum(d.before) : (Datum) 0,
                           d.after ? CStringGetTextDatum(d.after) : (Datum) 0, CStringGetTextDatum(d.severity)};
        bool nulls[7] = {false, false, false, d.attribute == nullptr, d.before == nullptr, d.after == nullptr, false};
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
}

ParsedExport export_live_like(const ParsedExport &like)
{
    int n;
    Jsonb *live = export_live_schema(like.scope, &n);
    return parse_export(live, "the live schema");
}

void notice_version_mismatch(const ParsedExport &before, const ParsedExport &after)
{
    if (before.postgresql != 0 && after.postgresql != 0 && before.postgresql != after.postgresql)
        ereport(NOTICE, (errmsg("migrate_guard: the exports come from PostgreSQL %d and %d", before.postgresql,
                                after.postgresql),
                         errdetail("Definitions deparsed by different major versions may differ in form only.")));
}

} // namespace mg

using namespace mg;

MG_SQL_FUNCTION(mg_compare_schema_exports)
{
    require_extension_version("compare_schema()", "0.2.0");
    if (PG_ARGISNULL(0))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("migrate_guard: before must be a schema export"),
                        errhint("SELECT * FROM migrate_guard.compare_schema(<export>) compares an export with the "
                                "live schema; <export> is what migrate_guard.export_schema() returned.")));
    ParsedExport before = parse_export(PG_GETARG_JSONB_P(0), "before");
    ParsedExport after = PG_ARGISNULL(1) ? export_live_like(before) : parse_export(PG_GETARG_JSONB_P(1), "after");
    notice_version_mismatch(before, after);
    mg_init_materialized_srf(fcinfo);
    put_differences(reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo), compare_exports(before, after));
    return (Datum) 0;
}
