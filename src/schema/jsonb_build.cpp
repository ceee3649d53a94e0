/* jsonb_build.cpp — see jsonb_build.h. */
#include "common/bridge.h"
#include "schema/jsonb_build.h"

extern "C" {
#include "utils/numeric.h"
}

namespace mg {

JsonbValue jb_string_n(const char *s, int len)
{
    JsonbValue v;
    v.type = jbvString;
    v.val.string.val = const_cast<char *>(s);
    v.val.string.len = len;
    return v;
}

JsonbValue jb_string(const char *s) { return jb_string_n(s, static_cast<int>(strlen(s))); }

JsonbValue jb_bool(bool b)
{
    JsonbValue v;
    v.type = jbvBool;
    v.val.boolean = b;
    return v;
}

JsonbValue jb_int(int64 i)
{
    JsonbValue v;
    v.type = jbvNumeric;
    v.val.numeric = int64_to_numeric(i);
    return v;
}

JsonbValue jb_null()
{
    JsonbValue v;
    v.type = jbvNull;
    return v;
}

void pairs_init(PairList *list, int capacity)
{
    list->capacity = capacity > 4 ? capacity : 4;
    list->count = 0;
    list->pairs = static_cast<JsonbPair *>(palloc(sizeof(JsonbPair) * list->capacity));
}

void pairs_add(PairList *list, JsonbValue key, JsonbValue value)
{
    if (list->count == list->capacity) {
        list->capacity *= 2;
        list->pairs = static_cast<JsonbPair *>(repalloc(list->pairs, sizeof(JsonbPair) * list->capacity));
    }
    JsonbPair &p = list->pairs[list->count];
    p.key = key;
    p.value = value;
    p.order = static_cast<uint32>(list->count);
    list->count++;
}

void pairs_put(PairList *list, const char *key, JsonbValue value) { pairs_add(list, jb_string(key), value); }

int jb_key_compare(const char *a, int alen, const char *b, int blen)
{
    if (alen != blen)
        return alen < blen ? -1 : 1;
    return memcmp(a, b, alen);
}

namespace {

int compare_pairs(const void *x, const void *y)
{
    const JsonbPair *a = static_cast<const JsonbPair *>(x);
    const JsonbPair *b = static_cast<const JsonbPair *>(y);
    int c = jb_key_compare(a->key.val.string.val, a->key.val.string.len, b->key.val.string.val, b->key.val.string.len);
    if (c != 0)
        return c;
    return a->order < b->order ? -1 : a->order > b->order ? 1 : 0;
}

} // namespace

JsonbValue jb_object_keep_all(PairList *list)
{
    if (list->count > 1)
        qsort(list->pairs, list->count, sizeof(JsonbPair), compare_pairs);
    for (int i = 1, dup = 1; i < list->count; i++) {
        JsonbValue &prev = list->pairs[i - 1].key, &k = list->pairs[i].key;
        bool same = jb_key_compare(prev.val.string.val, prev.val.string.len, k.val.string.val, k.val.string.len) == 0;
        dup = same ? dup + 1 : 1;
        if (same)
            k = jb_string(psprintf("%.*s (%d)", k.val.string.len, k.val.string.val, dup));
    }
    return jb_object(list); /* sorts the renamed keys into place */
}

JsonbValue jb_object(PairList *list)
{
    if (list->count > 1)
        qsort(list->pairs, list->count, sizeof(JsonbPair), compare_pairs);
    /* like jsonb: one pair per key (the last one given) */
    int n = 0;
    for (int i = 0; i < list->count; i++) {
        const JsonbValue &k = list->pairs[i].key;
        if (n > 0 && jb_key_compare(list->pairs[n - 1].key.val.string.val, list->pairs[n - 1].key.val.string.len,
                                    k.val.string.val, k.val.string.len) == 0)
            list->pairs[n - 1] = list->pairs[i];
        else
            list->pairs[n++] = list->pairs[i];
    }
    JsonbValue v;
    v.type = jbvObject;
    v.val.object.nPairs = n;
    v.val.object.pairs = list->pairs;
    return v;
}

bool jb_get(JsonbContainer *obj, const char *key, JsonbValue *out)
{
    JsonbValue *v = getKeyJsonValueFromContainer(obj, key, static_cast<int>(strlen(key)), out);
    return v != nullptr;
}

const char *jb_scalar_text(const JsonbValue &v)
{
    switch (v.type) {
    case jbvNull: return nullptr;
    case jbvString: return pnstrdup(v.val.string.val, v.val.string.len);
    case jbvBool: return v.val.boolean ? "true" : "false";
    case jbvNumeric: return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v.val.numeric)));
    default: return "?";
    }
}

const char *jb_type_name(const JsonbValue &v)
{
    switch (v.type) {
    case jbvNull: return "null";
    case jbvString: return "a string";
    case jbvBool: return "a boolean";
    case jbvNumeric: return "a number";
    case jbvArray: return "an array";
    case jbvObject: return "an object";
    case jbvBinary: {
        JsonbContainer *c = v.val.binary.data;
        return JsonContainerIsArray(c) ? "an array" : JsonContainerIsObject(c) ? "an object" : "a scalar";
    }
    default: return "a value";
    }
}

} // namespace mg
