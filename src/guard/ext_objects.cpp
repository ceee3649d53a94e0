/* ext_objects.cpp — see ext_objects.h. */
#include "common/bridge.h"
#include "common/ext_state.h"
#include "guard/ext_objects.h"

extern "C" {
#include "access/genam.h"
#include "catalog/indexing.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_default_acl.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_language.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_publication_rel.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_statistic_ext.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

#include <dlfcn.h>
#include <sys/stat.h>

namespace mg {
namespace {

/* Catalogs whose rows hang on a relation: where the relation's OID is. */
struct OwnerColumns {
    Oid catalog;
    Oid oid_index;
    AttrNumber oid_column;
    AttrNumber relation[2]; /* up to two relations (a foreign key: both ends) */
    AttrNumber type;        /* a domain constraint: the domain */
    AttrNumber nspace;      /* default privileges: the schema */
};

const OwnerColumns kOwners[] = {
    {TriggerRelationId, TriggerOidIndexId, Anum_pg_trigger_oid, {Anum_pg_trigger_tgrelid, 0}, 0, 0},
    {RewriteRelationId, RewriteOidIndexId, Anum_pg_rewrite_oid, {Anum_pg_rewrite_ev_class, 0}, 0, 0},
    {PolicyRelationId, PolicyOidIndexId, Anum_pg_policy_oid, {Anum_pg_policy_polrelid, 0}, 0, 0},
    {ConstraintRelationId, ConstraintOidIndexId, Anum_pg_constraint_oid,
     {Anum_pg_constraint_conrelid, Anum_pg_constraint_confrelid}, Anum_pg_constraint_contypid, 0},
    {AttrDefaultRelationId, AttrDefaultOidIndexId, Anum_pg_attrdef_oid, {Anum_pg_attrdef_adrelid, 0}, 0, 0},
    {StatisticExtRelationId, StatisticExtOidIndexId, Anum_pg_statistic_ext_oid,
     {Anum_pg_statistic_ext_stxrelid, 0}, 0, 0},
    {PublicationRelRelationId, PublicationRelObjectIndexId, Anum_pg_publication_rel_oid,
     {Anum_pg_publication_rel_prrelid, 0}, 0, 0},
    {DefaultAclRelationId, DefaultAclOidIndexId, Anum_pg_default_acl_oid, {0, 0}, 0,
     Anum_pg_default_acl_defaclnamespace},
};

const OwnerColumns *owner_columns(Oid classId)
{
    for (const OwnerColumns &o : kOwners)
        if (o.catalog == classId)
            return &o;
    return nullptr;
}

/* Reads attributes of one catalog row by OID; false when there is no such row. */
template <typename Fn>
bool with_catalog_row(Oid catalog, Oid index, AttrNumber oid_column, Oid objectId, bool new_version, Fn &&fn)
{
    Relation rel = table_open(catalog, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, oid_column, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(objectId));
    SysScanDesc scan = systable_beginscan(rel, index, true, new_version ? SnapshotSelf : nullptr, 1, &key);
    HeapTuple tup = systable_getnext(scan);
    bool found = HeapTupleIsValid(tup);
    if (found)
        fn(tup, RelationGetDescr(rel));
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    return found;
}

Oid oid_column_value(HeapTuple tup, TupleDesc desc, AttrNumber att)
{
    if (att == 0)
        return InvalidOid;
    bool isnull;
    Datum d = heap_getattr(tup, att, desc, &isnull);
    return isnull ? InvalidOid : DatumGetObjectId(d);
}

/* The schema of a relation, as the current command left it when new_version. */
Oid relation_namespace(Oid relid, bool new_version)
{
    if (!new_version)
        return get_rel_namespace(relid);
    Oid nsp = InvalidOid;
    with_catalog_row(RelationRelationId, ClassOidIndexId, Anum_pg_class_oid, relid, true,
                     [&](HeapTuple tup, TupleDesc) { nsp = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup))->relnamespace; });
    return nsp;
}

bool in_extension_schema(Oid nsp)
{
    const ExtState &ext = ext_state();
    return OidIsValid(nsp) && nsp == ext.schema_oid;
}

} // namespace

bool is_extension_relation(Oid relid)
{
    const ExtState &ext = ext_state();
    return ext.present && OidIsValid(relid) && in_extension_schema(get_rel_namespace(relid));
}

bool is_user_editable_relation(Oid relid)
{
    const char *name = get_rel_name(relid);
    if (name == nullptr || !is_extension_relation(relid))
        return false;
    return strcmp(name, "fk_expectations") == 0 || strcmp(name, "fk_expectations_id_seq") == 0;
}

bool is_internal_extension_function(Oid funcid)
{
    const ExtState &ext = ext_state();
    if (!ext.present)
        return false;
    HeapTuple tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
    if (!HeapTupleIsValid(tup))
        return false;
    Form_pg_proc p = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tup));
    bool internal = NameStr(p->proname)[0] == '_' || p->prorettype == TRIGGEROID || p->prorettype == EVENT_TRIGGEROID;
    bool ours = in_extension_schema(p->pronamespace);
    ReleaseSysCache(tup);
    return internal && (ours || getExtensionOfObject(ProcedureRelationId, funcid) == ext.ext_oid);
}

namespace {

/* The file of this very library, as loaded (dladdr of one of its functions). */
bool own_library_file(struct stat *st)
{
    Dl_info info;
    if (dladdr(reinterpret_cast<void *>(&is_library_function), &info) == 0 || info.dli_fname == nullptr)
        return false;
    return stat(info.dli_fname, st) == 0;
}

bool same_file(const char *path, const struct stat &own)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_dev == own.st_dev && st.st_ino == own.st_ino;
}

/* path, or path + DLSUFFIX, as PostgreSQL tries a library name (dfmgr.c). */
bool names_file(const char *path, const struct stat &own)
{
    return same_file(path, own) || same_file(psprintf("%s%s", path, DLSUFFIX), own);
}

/* "$libdir/x" -> "<pkglib_path>/x" */
char *expand_libdir(const char *path)
{
    if (strncmp(path, "$libdir", 7) == 0 && (path[7] == '/' || path[7] == '\0'))
        return psprintf("%s%s", pkglib_path, path + 7);
    return pstrdup(path);
}

} // namespace

bool is_library_function(Oid funcid)
{
    HeapTuple tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
    if (!HeapTupleIsValid(tup))
        return false;
    bool c_language = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tup))->prolang == ClanguageId;
    bool isnull = true;
    Datum bin = c_language ? SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_probin, &isnull) : Datum(0);
    char *library = isnull ? nullptr : TextDatumGetCString(bin);
    ReleaseSysCache(tup);
    return library != nullptr && is_library_file(library);
}

bool is_library_file(const char *library)
{
    struct stat own;
    if (library == nullptr || !own_library_file(&own))
        return false;
    /* the file PostgreSQL would load: a path, or a name looked up in dynamic_library_path */
    if (first_dir_separator(library) != nullptr)
        return names_file(expand_libdir(library), own);
    const char *dirs = Dynamic_library_path ? Dynamic_library_path : "$libdir";
    while (*dirs != '\0') {
        size_t len = strcspn(dirs, ":");
        if (len > 0 && names_file(psprintf("%s/%s", expand_libdir(pnstrdup(dirs, len)), library), own))
            return true;
        dirs += len;
        if (*dirs == ':')
            dirs++;
    }
    return false;
}

bool running_own_extension_script()
{
    return creating_extension && OidIsValid(CurrentExtensionObject) &&
           CurrentExtensionObject == get_extension_oid("migrate_guard", true);
}

Oid owning_relation(const ObjectAddress &addr, bool new_version)
{
    if (addr.classId == RelationRelationId)
        return addr.objectSubId != 0 ? addr.objectId : InvalidOid;
    const OwnerColumns *cols = owner_columns(addr.classId);
    if (cols == nullptr || cols->relation[0] == 0)
        return InvalidOid;
    Oid rel = InvalidOid;
    with_catalog_row(cols->catalog, cols->oid_index, cols->oid_column, addr.objectId, new_version,
                     [&](HeapTuple tup, TupleDesc desc) { rel = oid_column_value(tup, desc, cols->relation[0]); });
    return rel;
}

bool touches_extension(const ObjectAddress &addr, bool new_version, Oid auxiliary_id)
{
    const ExtState &ext = ext_state();
    if (!ext.present)
        return false;
    switch (addr.classId) {
    case ExtensionRelationId:
        return addr.objectId == ext.ext_oid;
    case NamespaceRelationId:
        return addr.objectId == ext.schema_oid;
    case RelationRelationId:
        return in_extension_schema(relation_namespace(addr.objectId, new_version));
    case InheritsRelationId:
        /* objectId: the child, auxiliary_id: the parent */
        return in_extension_schema(relation_namespace(addr.objectId, new_version)) ||
               (OidIsValid(auxiliary_id) && in_extension_schema(get_rel_namespace(auxiliary_id)));
    default:
        break;
    }
    if (const OwnerColumns *cols = owner_columns(addr.classId)) {
        bool touches = false;
        with_catalog_row(cols->catalog, cols->oid_index, cols->oid_column, addr.objectId, new_version,
                         [&](HeapTuple tup, TupleDesc desc) {
                             for (AttrNumber att : cols->relation) {
                                 Oid rel = oid_column_value(tup, desc, att);
                                 if (OidIsValid(rel) && in_extension_schema(get_rel_namespace(rel)))
                                     touches = true;
                             }
                             Oid type = oid_column_value(tup, desc, cols->type);
                             if (OidIsValid(type) && in_extension_schema(type_namespace(type)))
                                 touches = true;
                             if (in_extension_schema(oid_column_value(tup, desc, cols->nspace)))
                                 touches = true;
                         });
        if (touches)
            return true;
    } else if (is_objectclass_supported(addr.classId)) {
        AttrNumber nsp_att = get_object_attnum_namespace(addr.classId);
        if (nsp_att != InvalidAttrNumber) {
            Oid nsp = InvalidOid;
            with_catalog_row(addr.classId, get_object_oid_index(addr.classId), get_object_attnum_oid(addr.classId),
                             addr.objectId, new_version,
                             [&](HeapTuple tup, TupleDesc desc) { nsp = oid_column_value(tup, desc, nsp_att); });
            if (in_extension_schema(nsp))
                return true;
        }
    }
    /* members outside the schema (the event triggers) */
    return getExtensionOfObject(addr.classId, addr.objectId) == ext.ext_oid;
}

bool is_relation_row_type(Oid type)
{
    Oid typrelid = InvalidOid;
    Oid typelem = InvalidOid;
    with_catalog_row(TypeRelationId, TypeOidIndexId, Anum_pg_type_oid, type, true, [&](HeapTuple tup, TupleDesc) {
        Form_pg_type t = reinterpret_cast<Form_pg_type>(GETSTRUCT(tup));
        typrelid = t->typrelid;
        typelem = t->typcategory == TYPCATEGORY_ARRAY ? t->typelem : InvalidOid;
    });
    if (OidIsValid(typrelid))
        return true;
    return OidIsValid(typelem) && typelem != type && is_relation_row_type(typelem);
}

Oid type_namespace(Oid type)
{
    HeapTuple tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(type));
    if (!HeapTupleIsValid(tup))
        return InvalidOid;
    Oid nsp = reinterpret_cast<Form_pg_type>(GETSTRUCT(tup))->typnamespace;
    ReleaseSysCache(tup);
    return nsp;
}

/* "pg_temp_3.f" -> "pg_temp.f": the number of a temporary schema depends on the backend */
char *without_temp_number(char *text)
{
    StringInfoData buf;
    initStringInfo(&buf);
    const char *p = text;
    while (*p) {
        if (strncmp(p, "pg_temp_", 8) == 0 && isdigit(static_cast<unsigned char>(p[8]))) {
            const char *q = p + 8;
            while (isdigit(static_cast<unsigned char>(*q)))
                q++;
            if (*q == '.') {
                appendStringInfoString(&buf, "pg_temp");
                p = q;
                continue;
            }
        }
        appendStringInfoChar(&buf, *p++);
    }
    return buf.data;
}

char *describe_object(const ObjectAddress &addr)
{
    if (addr.classId == RelationRelationId) {
        char *nsp = get_namespace_name(get_rel_namespace(addr.objectId));
        char *rel = get_rel_name(addr.objectId);
        char *ident = without_temp_number(quote_qualified_identifier(nsp, rel ? rel : "?"));
        if (addr.objectSubId > 0) {
            char *att = get_attname(addr.objectId, static_cast<AttrNumber>(addr.objectSubId), true);
            return psprintf("%s.%s", ident, quote_identifier(att ? att : "?"));
        }
        return ident;
    }
    char *ident = getObjectIdentity(&addr, true);
    char *type = getObjectTypeDescription(&addr, true);
    if (ident == nullptr)
        return pstrdup("(unknown object)");
    ident = without_temp_number(ident);
    if (type == nullptr)
        return ident;
    return psprintf("%s %s", type, ident);
}

} // namespace mg
