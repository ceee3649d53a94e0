/*
 * export.cpp — builds the export of the live database from the family
 * queries (export_queries.h), and the SQL functions export_schema() and
 * schema_fingerprint().
 *
 * Each family is one query over the whole catalog.  Their rows are turned
 * into jsonb directly: JsonbValue trees whose objects are built with their
 * keys already in jsonb's order (no pushJsonbValue state machine, no text
 * round trip), converted to one jsonb at the end.
 */
#include "common/bridge.h"
#include "common/pinned_sql.h"
#include "common/ext_state.h"
#include "common/ext_version.h"
#include "schema/attribute_defaults.h"
#include "schema/export.h"
#include "schema/export_queries.h"
#include "schema/fingerprint.h"
#include "schema/jsonb_build.h"
#include "schema/object_types.h"
#include "schema/pinned_settings.h"
#include "schema/privileges.h"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
}

namespace mg {

const char *const kExportFormat = "migrate_guard schema export";

namespace {

const ExportQuery *const kQueries[] = {
    &kSchemasQuery,       &kExtensionsQuery,        &kCollationsQuery,       &kTypesQuery,
    &kRelationsQuery,     &kColumnsQuery,           &kConstraintsQuery,      &kIndexesQuery,
    &kTriggersQuery,      &kRulesQuery,             &kPoliciesQuery,         &kStatisticsQuery,
    &kRoutinesQuery,      &kPublicationsQuery,      &kPublicationTablesQuery, &kPublicationSchemasQuery,
    &kDefaultPrivilegesQuery, &kEventTriggersQuery,
};
constexpr int kNumQueries = sizeof kQueries / sizeof kQueries[0];

/* what a column of a family query is */
enum class Role : char { attribute, type, identity, acl, acl_kind, owner, attrelid, attnum };

/* One family's result. */
struct Family {
    const ExportQuery *query;
    SPITupleTable *rows;
    int nrows;
    int natts;
    Role *roles;           /* [column] */
    const char **names;    /* [column]: attribute names */
    int *name_lens;
    const char **defaults; /* [column][rank]: the attribute's default, computed on first use */
    int *positions;        /* [row]: column positions (compute_positions), or nullptr */
    PairList scratch;      /* one object's attributes while they are gathered */
};

const char kNotComputed[] = "";

Family run_family(const ExportQuery *q, ArrayType *schemas)
{
    Oid types[1] = {TEXTARRAYOID};
    Datum values[1] = {PointerGetDatum(schemas)};
    char nulls[2] = {schemas ? ' ' : 'n', '\0'};
    int rc = spi_exec(q->sql, 1, types, values, nulls, true);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "migrate_guard: reading the catalog (%s) failed: %s", q->family, SPI_result_code_string(rc));
    Family f;
    f.query = q;
    f.rows = SPI_tuptable;
    f.nrows = static_cast<int>(SPI_processed);
    TupleDesc desc = f.rows->tupdesc;
    f.natts = desc->natts;
    f.roles = static_cast<Role *>(palloc(sizeof(Role) * f.natts));
    f.names = static_cast<const char **>(palloc(sizeof(char *) * f.natts));
    f.name_lens = static_cast<int *>(palloc(sizeof(int) * f.natts));
    bool have_type = false, have_identity = false;
    for (int c = 0; c < f.natts; c++) {
        const char *name = NameStr(TupleDescAttr(desc, c)->attname);
        Role r = Role::attribute;
        if (strcmp(name, "type") == 0)
            r = Role::type, have_type = true;
        else if (strcmp(name, "identity") == 0)
            r = Role::identity, have_identity = true;
        else if (strcmp(name, "_acl") == 0)
            r = Role::acl;
        else if (strcmp(name, "_acl_kind") == 0)
            r = Role::acl_kind;
        else if (strcmp(name, "_owner") == 0)
            r = Role::owner;
        else if (strcmp(name, "_attrelid") == 0)
            r = Role::attrelid;
        else if (strcmp(name, "_attnum") == 0)
            r = Role::attnum;
        f.roles[c] = r;
        f.names[c] = pstrdup(name); /* outlives the result, freed family by family */
        f.name_lens[c] = static_cast<int>(strlen(name));
    }
    if (!have_type || !have_identity)
        elog(ERROR, "migrate_guard: export query for %s lacks its type or identity column", q->family);
    f.positions = nullptr;
    pairs_init(&f.scratch, f.natts + 8);
    int cells = f.natts * object_type_count();
    f.defaults = static_cast<const char **>(palloc(sizeof(char *) * cells));
    for (int i = 0; i < cells; i++)
        f.defaults[i] = kNotComputed;
    return f;
}

/* A text Datum's bytes, copied (the query's result is freed once its objects are built). */
JsonbValue text_value(Datum d)
{
    text *t = DatumGetTextPP(d);
    int len = static_cast<int>(VARSIZE_ANY_EXHDR(t));
    return jb_string_n(pnstrdup(VARDATA_ANY(t), len), len);
}

/* An attribute value as jsonb: booleans and integers keep their JSON type, the rest is text. */
JsonbValue attribute_value(Oid type, Datum d)
{
    switch (type) {
    case BOOLOID: return jb_bool(DatumGetBool(d));
    case INT2OID: return jb_int(DatumGetInt16(d));
    case INT4OID: return jb_int(DatumGetInt32(d));
    case INT8OID: return jb_int(DatumGetInt64(d));
    case TEXTOID: return text_value(d);
    default: {
        Oid out;
        bool varlena;
        getTypeOutputInfo(type, &out, &varlena);
        return jb_string(OidOutputFunctionCall(out, d));
    }
    }
}

/* Is the value the attribute's default (attribute_defaults.h)? */
bool is_default(Family &f, int rank, int col, const JsonbValue &v)
{
    const char *&def = f.defaults[col * object_type_count() + rank];
    if (def == kNotComputed)
        def = attribute_default(rank, f.names[col], f.name_lens[col]);
    if (def == nullptr)
        return false;
    switch (v.type) {
    case jbvBool: return strcmp(def, v.val.boolean ? "true" : "false") == 0;
    case jbvString:
        return strlen(def) == static_cast<size_t>(v.val.string.len) && memcmp(def, v.val.string.val, v.val.string.len) == 0;
    default: return strcmp(def, jb_scalar_text(v)) == 0;
    }
}

/* A column of the family: its relation and number, for positions. */
struct ColumnKey {
    Oid relid;
    int16 attnum;
    int row;
};

int compare_column_keys(const void *a, const void *b)
{
    const ColumnKey *x = static_cast<const ColumnKey *>(a);
    const ColumnKey *y = static_cast<const ColumnKey *>(b);
    if (x->relid != y->relid)
        return x->relid < y->relid ? -1 : 1;
    return x->attnum < y->attnum ? -1 : x->attnum > y->attnum ? 1 : 0;
}

/*
 * "position" of each row of a family with _attrelid/_attnum: its rank among
 * the relation's columns that are not dropped (the family lists only those),
 * so a dropped column in a table's history does not shift the others.
 */
void compute_positions(Family &f)
{
    int relcol = -1, numcol = -1;
    for (int c = 0; c < f.natts; c++) {
        if (f.roles[c] == Role::attrelid)
            relcol = c + 1;
        if (f.roles[c] == Role::attnum)
            numcol = c + 1;
    }
    if (relcol < 0 || numcol < 0)
        return;
    ColumnKey *keys = static_cast<ColumnKey *>(palloc(sizeof(ColumnKey) * (f.nrows > 0 ? f.nrows : 1)));
    for (int r = 0; r < f.nrows; r++) {
        bool n1, n2;
        keys[r].relid = DatumGetObjectId(SPI_getbinval(f.rows->vals[r], f.rows->tupdesc, relcol, &n1));
        keys[r].attnum = DatumGetInt16(SPI_getbinval(f.rows->vals[r], f.rows->tupdesc, numcol, &n2));
        keys[r].row = r;
    }
    qsort(keys, f.nrows, sizeof(ColumnKey), compare_column_keys);
    f.positions = static_cast<int *>(palloc(sizeof(int) * (f.nrows > 0 ? f.nrows : 1)));
    for (int i = 0, rank = 0; i < f.nrows; i++) {
        rank = i > 0 && keys[i - 1].relid == keys[i].relid ? rank + 1 : 1;
        f.positions[keys[i].row] = rank;
    }
}

/* The attributes of one object (a row of a family) as a jsonb object. */
JsonbValue object_value(Family &f, int rank, int row, Datum *values, bool *nulls)
{
    TupleDesc desc = f.rows->tupdesc;
    PairList &attrs = f.scratch;
    attrs.count = 0;
    int acl = -1, acl_kind = -1, owner = -1;
    for (int c = 0; c < f.natts; c++) {
        switch (f.roles[c]) {
        case Role::type:
        case Role::identity: continue;
        case Role::acl: acl = c; continue;
        case Role::acl_kind: acl_kind = c; continue;
        case Role::owner: owner = c; continue;
        case Role::attrelid:
        case Role::attnum: continue;
        case Role::attribute: break;
        }
        if (nulls[c])
            continue;
        JsonbValue v = attribute_value(TupleDescAttr(desc, c)->atttypid, values[c]);
        if (!is_default(f, rank, c, v))
            pairs_add(&attrs, jb_string_n(f.names[c], f.name_lens[c]), v);
    }
    if (f.positions != nullptr)
        pairs_put(&attrs, "position", jb_int(f.positions[row]));
    if (acl >= 0 && acl_kind >= 0 && owner >= 0 && !nulls[acl_kind] && !nulls[owner])
        add_privileges(&attrs, values[acl], nulls[acl], TextDatumGetCString(values[acl_kind]),
                       DatumGetObjectId(values[owner]));
    /* the object keeps an array of exactly its attributes */
    PairList exact;
    exact.count = exact.capacity = attrs.count;
    exact.pairs = static_cast<JsonbPair *>(palloc(sizeof(JsonbPair) * (attrs.count > 0 ? attrs.count : 1)));
    memcpy(exact.pairs, attrs.pairs, sizeof(JsonbPair) * attrs.count);
    return jb_object(&exact);
}

int compare_cstrings(const void *a, const void *b)
{
    return strcmp(*static_cast<char *const *>(a), *static_cast<char *const *>(b));
}

/* null, or the schema names sorted and without repeats */
JsonbValue scope_value(ArrayType *schemas)
{
    if (schemas == nullptr)
        return jb_null();
    Datum *items;
    bool *nulls;
    int n;
    deconstruct_array(schemas, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &n);
    char **names = static_cast<char **>(palloc(sizeof(char *) * (n > 0 ? n : 1)));
    int m = 0;
    for (int i = 0; i < n; i++)
        if (!nulls[i])
            names[m++] = TextDatumGetCString(items[i]);
    qsort(names, m, sizeof(char *), compare_cstrings);
    JsonbValue *elems = static_cast<JsonbValue *>(palloc(sizeof(JsonbValue) * (m > 0 ? m : 1)));
    int k = 0;
    for (int i = 0; i < m; i++)
        if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
            elems[k++] = jb_string(names[i]);
    JsonbValue v;
    v.type = jbvArray;
    v.val.array.nElems = k;
    v.val.array.elems = elems;
    v.val.array.rawScalar = false;
    return v;
}

} // namespace

Jsonb *export_live_schema(ArrayType *schemas, int *nobjects)
{
    MemoryContext caller = CurrentMemoryContext;
    int level = pin_settings();
    if (SPI_connect() != SPI_OK_CONNECT)
        elog(ERROR, "migrate_guard: SPI_connect failed");

    /* per object type, its objects: each family's rows are turned into jsonb values, then freed */
    int ntypes = object_type_count();
    PairList *by_type = static_cast<PairList *>(palloc0(sizeof(PairList) * ntypes));
    int n = 0;
    for (const ExportQuery *q : kQueries) {
        if (q->sql == nullptr)
            continue;
        Family f = run_family(q, schemas);
        compute_positions(f);
        int type_col = -1, identity_col = -1;
        for (int c = 0; c < f.natts; c++) {
            if (f.roles[c] == Role::type)
                type_col = c;
            if (f.roles[c] == Role::identity)
                identity_col = c;
        }
        Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * f.natts));
        bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * f.natts));
        for (int r = 0; r < f.nrows; r++) {
            CHECK_FOR_INTERRUPTS();
            heap_deform_tuple(f.rows->vals[r], f.rows->tupdesc, values, nulls);
            if (nulls[type_col] || nulls[identity_col])
                elog(ERROR, "migrate_guard: export query for %s returned an object without type or identity",
                     q->family);
            text *type = DatumGetTextPP(values[type_col]);
            int rank = object_type_rank_n(VARDATA_ANY(type), static_cast<int>(VARSIZE_ANY_EXHDR(type)));
            if (rank < 0)
                elog(ERROR, "migrate_guard: export query for %s returned an unknown object type", q->family);
            if (by_type[rank].pairs == nullptr)
                pairs_init(&by_type[rank], f.nrows);
            pairs_add(&by_type[rank], text_value(values[identity_col]), object_value(f, rank, r, values, nulls));
            n++;
        }
        SPI_freetuptable(f.rows);
    }
    PairList types;
    pairs_init(&types, ntypes);
    for (int rank = 0; rank < ntypes; rank++)
        if (by_type[rank].count > 0) /* identities are unique per type; should two collide, both are kept */
            pairs_put(&types, object_type_name(rank), jb_object_keep_all(&by_type[rank]));

    PairList root;
    pairs_init(&root, 8);
    pairs_put(&root, "format", jb_string(kExportFormat));
    pairs_put(&root, "format_version", jb_int(kExportFormatVersion));
    pairs_put(&root, "postgresql", jb_int(MG_PG_MAJOR));
    pairs_put(&root, "scope", scope_value(schemas));
    pairs_put(&root, "objects", jb_object(&types));
    JsonbValue value = jb_object(&root);

    MemoryContext spi = MemoryContextSwitchTo(caller);
    Jsonb *out = JsonbValueToJsonb(&value);
    MemoryContextSwitchTo(spi);
    SPI_finish();
    unpin_settings(level);
    *nobjects = n;
    return out;
}

} // namespace mg

using namespace mg;

namespace {

ArrayType *schemas_arg(FunctionCallInfo fcinfo, int argno)
{
    ArrayType *schemas = PG_ARGISNULL(argno) ? nullptr : PG_GETARG_ARRAYTYPE_P(argno);
    check_schemas_exist(schemas);
    return schemas;
}

} // namespace

MG_SQL_FUNCTION(mg_export_schema)
{
    require_extension_version("export_schema()", "0.2.0");
    ArrayType *schemas = schemas_arg(fcinfo, 0);
    int n;
    PG_RETURN_JSONB_P(export_live_schema(schemas, &n));
}

MG_SQL_FUNCTION(mg_schema_fingerprint)
{
    require_extension_version("schema_fingerprint()", "0.2.0");
    ArrayType *schemas = schemas_arg(fcinfo, 0);
    int n;
    Jsonb *exp = export_live_schema(schemas, &n);
    PG_RETURN_TEXT_P(cstring_to_text(export_fingerprint(exp)));
}
