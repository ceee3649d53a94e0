/* new_dependencies.cpp — see new_dependencies.h. */
#include "common/bridge.h"
#include "common/ext_state.h"
#include "guard/classify.h"
#include "guard/ext_objects.h"
#include "guard/new_dependencies.h"
#include "guard/verdict.h"

extern "C" {
#include "access/genam.h"
#include "catalog/indexing.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_rewrite.h"
#include "utils/fmgroids.h"
}

namespace mg {
namespace {

bool relation_is_temporary(Oid relid)
{
    return OidIsValid(relid) && get_rel_relkind(relid) != '\0' && get_rel_persistence(relid) == RELPERSISTENCE_TEMP;
}

/* The schema of an object of a catalog that has one (InvalidOid otherwise or when missing). */
Oid object_schema(const ObjectAddress &addr)
{
    if (!is_objectclass_supported(addr.classId) || get_object_attnum_namespace(addr.classId) == InvalidAttrNumber)
        return InvalidOid;
    int cache = get_object_catcache_oid(addr.classId);
    if (cache != -1) {
        HeapTuple tup = SearchSysCache1(cache, ObjectIdGetDatum(addr.objectId));
        if (!HeapTupleIsValid(tup))
            return InvalidOid;
        bool isnull;
        Datum d = SysCacheGetAttr(cache, tup, get_object_attnum_namespace(addr.classId), &isnull);
        ReleaseSysCache(tup);
        return isnull ? InvalidOid : DatumGetObjectId(d);
    }
    return InvalidOid;
}

char *temp_detail(const char *depender, const char *temporary)
{
    return psprintf("%s would depend on %s, a temporary object: when the session ends (or runs DISCARD TEMP) "
                    "PostgreSQL drops it with CASCADE, taking %s with it, without any refusal or audit row.",
                    depender, temporary, depender);
}

} // namespace

bool object_is_temporary(const ObjectAddress &addr)
{
    switch (addr.classId) {
    case RelationRelationId:
        return relation_is_temporary(addr.objectId);
    case NamespaceRelationId:
        return isAnyTempNamespace(addr.objectId);
    default:
        break;
    }
    Oid rel = owning_relation(addr, false);
    if (OidIsValid(rel))
        return relation_is_temporary(rel);
    if (addr.classId == ConstraintRelationId) {
        /* a domain's constraint: temporary with its domain */
        HeapTuple tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(addr.objectId));
        if (HeapTupleIsValid(tup)) {
            Oid type = reinterpret_cast<Form_pg_constraint>(GETSTRUCT(tup))->contypid;
            ReleaseSysCache(tup);
            return OidIsValid(type) && isAnyTempNamespace(type_namespace(type));
        }
        return false;
    }
    Oid nsp = object_schema(addr);
    return OidIsValid(nsp) && isAnyTempNamespace(nsp);
}

void check_new_dependencies(const UtilityScope &scope)
{
    /* make the statement's own catalog changes visible to the scans below */
    CommandCounterIncrement();
    Relation depend = table_open(DependRelationId, AccessShareLock);
    List *matches = NIL;
    ListCell *lc;
    foreach (lc, scope.touched) {
        ObjectAddress addr = *static_cast<const ObjectAddress *>(lfirst(lc));
        if (addr.classId == AttrDefaultRelationId && addr.objectSubId != 0) {
            /* reported as (pg_attrdef, relation, column): find the default itself */
            addr = ObjectAddress{AttrDefaultRelationId,
                                 GetAttrDefaultOid(addr.objectId, static_cast<AttrNumber>(addr.objectSubId)), 0};
            if (!OidIsValid(addr.objectId))
                continue;
        }
        const ObjectAddress *obj = &addr;
        if (obj->classId == ProcedureRelationId && is_library_function(obj->objectId) &&
            getExtensionOfObject(ProcedureRelationId, obj->objectId) != ext_state().ext_oid) {
            char *who = describe_object(*obj);
            matches = add_match(NIL, Rule::guard_tamper, who);
            static_cast<Match *>(linitial(matches))->detail =
                psprintf("%s would run C code of migrate_guard's own library: only the extension's own functions "
                         "may (its event trigger functions, run by an event trigger of anyone else, write forged "
                         "rows into migrate_guard.ddl_log).",
                         who);
            break;
        }
        bool temporary = object_is_temporary(*obj);
        ScanKeyData key[2];
        ScanKeyInit(&key[0], Anum_pg_depend_classid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(obj->classId));
        ScanKeyInit(&key[1], Anum_pg_depend_objid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(obj->objectId));
        SysScanDesc scan = systable_beginscan(depend, DependDependerIndexId, true, nullptr, 2, key);
        HeapTuple tup;
        while (matches == NIL && HeapTupleIsValid(tup = systable_getnext(scan))) {
            Form_pg_depend d = reinterpret_cast<Form_pg_depend>(GETSTRUCT(tup));
            if (d->deptype == DEPENDENCY_EXTENSION || d->deptype == DEPENDENCY_AUTO_EXTENSION)
                continue;
            ObjectAddress ref = {d->refclassid, d->refobjid, d->refobjsubid};
            bool on_temporary = !temporary && object_is_temporary(ref);
            bool on_own_code = !on_temporary && ref.classId == ProcedureRelationId &&
                               is_internal_extension_function(ref.objectId);
            if (!on_temporary && !on_own_code)
                continue;
            ObjectAddress dependent = {d->classid, d->objid, d->objsubid};
            if (dependent.classId == RewriteRelationId) {
                /* a view's query is its "_RETURN" rule: name the view */
                Oid view = owning_relation(dependent, false);
                char kind = OidIsValid(view) ? get_rel_relkind(view) : '\0';
                if (kind == RELKIND_VIEW || kind == RELKIND_MATVIEW)
                    dependent = ObjectAddress{RelationRelationId, view, 0};
            }
            char *who = describe_object(dependent);
            char *what = describe_object(ref);
            matches = add_match(NIL, on_temporary ? Rule::drop_cascade : Rule::guard_tamper, who);
            static_cast<Match *>(linitial(matches))->detail =
                on_temporary ? temp_detail(who, what)
                             : psprintf("%s would call or reference %s, an internal function of migrate_guard: only "
                                        "the extension's own objects may (an event trigger of anyone else running "
                                        "the audit's functions writes forged rows into migrate_guard.ddl_log).",
                                        who, what);
        }
        systable_endscan(scan);
        if (matches != NIL)
            break;
    }
    table_close(depend, AccessShareLock);
    if (matches != NIL)
        judge(matches, scope.source, scope.location, scope.length);
}

} // namespace mg
