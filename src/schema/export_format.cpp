/* export_format.cpp — see export_format.h. */
#include "common/bridge.h"
#include "schema/export.h"
#include "schema/export_format.h"
#include "schema/jsonb_build.h"
#include "schema/object_types.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/numeric.h"
}

namespace mg {
namespace {

[[noreturn]] void not_an_export(const char *argname, const char *problem)
{
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("migrate_guard: %s is not a migrate_guard schema export", argname),
                    errdetail("%s", problem),
                    errhint("Pass what migrate_guard.export_schema() returned, unchanged.")));
    pg_unreachable();
}

bool is_object(const JsonbValue &v) { return v.type == jbvBinary && JsonContainerIsObject(v.val.binary.data); }

char *text_of(const JsonbValue &v) { return v.type == jbvString ? pnstrdup(v.val.string.val, v.val.string.len) : pstrdup("?"); }

/* Checks one object's attributes; returns false (with *problem) on the first bad one. */
bool attributes_ok(JsonbContainer *attrs, const char **problem)
{
    JsonbIterator *it = JsonbIteratorInit(attrs);
    JsonbValue v, key = jb_null();
    JsonbIteratorToken tok;
    while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE) {
        CHECK_FOR_INTERRUPTS();
        if (tok == WJB_KEY)
            key = v;
        else if (tok == WJB_VALUE && v.type != jbvString && v.type != jbvBool && v.type != jbvNumeric &&
                 v.type != jbvNull) {
            *problem = psprintf("attribute \"%s\" is %s; attribute values are strings, booleans or numbers",
                                text_of(key), jb_type_name(v));
            return false;
        }
    }
    return true;
}

ArrayType *scope_array(const JsonbValue &scope, const char *argname)
{
    if (scope.type == jbvNull)
        return nullptr;
    if (scope.type != jbvBinary || !JsonContainerIsArray(scope.val.binary.data))
        not_an_export(argname, psprintf("\"scope\" is %s; it is null or an array of schema names", jb_type_name(scope)));
    JsonbContainer *c = scope.val.binary.data;
    int n = static_cast<int>(JsonContainerSize(c));
    Datum *items = static_cast<Datum *>(palloc(sizeof(Datum) * (n > 0 ? n : 1)));
    for (int i = 0; i < n; i++) {
        CHECK_FOR_INTERRUPTS();
        JsonbValue *e = getIthJsonbValueFromContainer(c, static_cast<uint32>(i));
        if (e == nullptr || e->type != jbvString)
            not_an_export(argname, "\"scope\" holds something other than schema names");
        items[i] = PointerGetDatum(cstring_to_text_with_len(e->val.string.val, e->val.string.len));
    }
    return construct_array(items, n, TEXTOID, -1, false, TYPALIGN_INT);
}

} // namespace

ParsedExport parse_export(Jsonb *j, const char *argname)
{
    if (!JB_ROOT_IS_OBJECT(j) || JB_ROOT_IS_SCALAR(j))
        not_an_export(argname, "It is not a JSON object.");
    JsonbContainer *root = &j->root;
    JsonbValue format, version, objects, scope, pg;
    if (!jb_get(root, "format", &format) || format.type != jbvString ||
        static_cast<size_t>(format.val.string.len) != strlen(kExportFormat) ||
        memcmp(format.val.string.val, kExportFormat, format.val.string.len) != 0)
        not_an_export(argname, psprintf("Its \"format\" is not \"%s\".", kExportFormat));
    if (!jb_get(root, "format_version", &version) || version.type != jbvNumeric)
        not_an_export(argname, "It has no numeric \"format_version\".");
    const char *version_text = jb_scalar_text(version);
    if (strcmp(version_text, psprintf("%d", kExportFormatVersion)) != 0)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("migrate_guard: %s is a schema export of format version %s", argname, version_text),
                        errdetail("This version of migrate_guard reads format version %d.", kExportFormatVersion),
                        errhint("Export both sides with the same version of migrate_guard.")));
    if (!jb_get(root, "objects", &objects) || !is_object(objects))
        not_an_export(argname, "It has no \"objects\" object.");

    ParsedExport out;
    out.objects = objects.val.binary.data;
    out.scope = jb_get(root, "scope", &scope) ? scope_array(scope, argname) : nullptr;
    out.postgresql = 0;
    if (jb_get(root, "postgresql", &pg) && pg.type == jbvNumeric)
        out.postgresql = DatumGetInt32(DirectFunctionCall1(numeric_int4, NumericGetDatum(pg.val.numeric)));
    out.count = 0;

    /* every type, object and attribute */
    JsonbIterator *types = JsonbIteratorInit(out.objects);
    JsonbValue v, type_key = jb_string("");
    JsonbIteratorToken tok;
    while ((tok = JsonbIteratorNext(&types, &v, true)) != WJB_DONE) {
        if (tok == WJB_KEY) {
            type_key = v;
            if (object_type_rank_n(v.val.string.val, v.val.string.len) < 0)
                not_an_export(argname, psprintf("It lists objects of an unknown type \"%s\".", text_of(v)));
            continue;
        }
        if (tok != WJB_VALUE)
            continue;
        if (!is_object(v))
            not_an_export(argname, psprintf("\"objects\".\"%s\" is %s, not an object of objects.",
                                            text_of(type_key), jb_type_name(v)));
        JsonbIterator *objs = JsonbIteratorInit(v.val.binary.data);
        JsonbValue o, id = jb_string("");
        JsonbIteratorToken otok;
        while ((otok = JsonbIteratorNext(&objs, &o, true)) != WJB_DONE) {
            CHECK_FOR_INTERRUPTS();
            if (otok == WJB_KEY) {
                id = o;
                continue;
            }
            if (otok != WJB_VALUE)
                continue;
            const char *problem = nullptr;
            if (!is_object(o))
                problem = psprintf("it is %s, not an object of attributes", jb_type_name(o));
            else
                (void) attributes_ok(o.val.binary.data, &problem);
            if (problem != nullptr)
                not_an_export(argname, psprintf("The %s \"%s\": %s.", text_of(type_key), text_of(id), problem));
            out.count++;
        }
    }
    return out;
}

} // namespace mg
