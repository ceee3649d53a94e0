/*
 * jsonb_build.h — small helpers to build jsonb values with pushJsonbValue()
 * (no SQL, no text round trip) and to read scalars back.
 */
#pragma once

#include "common/pg.h"

extern "C" {
#include "utils/jsonb.h"
}

namespace mg {

JsonbValue jb_string(const char *s);
JsonbValue jb_string_n(const char *s, int len);
JsonbValue jb_bool(bool b);
JsonbValue jb_int(int64 v);
JsonbValue jb_null();

/*
 * An object built directly as a JsonbValue (no pushJsonbValue state
 * machine): add pairs, then jb_object() sorts them in jsonb's key order
 * (shorter keys first, then bytes) and drops repeated keys, as jsonb would.
 */
struct PairList {
    JsonbPair *pairs;
    int count, capacity;
};
void pairs_init(PairList *list, int capacity);
void pairs_add(PairList *list, JsonbValue key, JsonbValue value);
void pairs_put(PairList *list, const char *key, JsonbValue value);
JsonbValue jb_object(PairList *list);
/* Like jb_object, but a repeated key is kept, renamed "<key> (2)", "<key> (3)", ... */
JsonbValue jb_object_keep_all(PairList *list);

/* jsonb's order of object keys */
int jb_key_compare(const char *a, int alen, const char *b, int blen);

/* The value under `key` of an object container, or false when absent. */
bool jb_get(JsonbContainer *obj, const char *key, JsonbValue *out);

/* A scalar as text: strings as they are, booleans true/false, numbers as numeric_out prints them;
 * nullptr for JSON null. */
const char *jb_scalar_text(const JsonbValue &v);

/* JSON type name of a value, for error messages */
const char *jb_type_name(const JsonbValue &v);

} // namespace mg
