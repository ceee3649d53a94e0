/* exemptions.cpp — see exemptions.h. */
#include "common/bridge.h"
#include "guard/exemptions.h"

namespace mg {
namespace {

bool member_of_extension_being_created(Oid classid, Oid objid)
{
    if (!creating_extension || !OidIsValid(CurrentExtensionObject))
        return false;
    return getExtensionOfObject(classid, objid) == CurrentExtensionObject;
}

bool created_in_this_transaction(Oid relid)
{
    /*
     * A relation created in this transaction is locked AccessExclusive by
     * us; that cheap test spares a relcache lookup for every other one.
     */
    LOCKTAG tag;
    SET_LOCKTAG_RELATION(tag, MyDatabaseId, relid);
    if (!mg_lock_held_by_me(&tag, AccessExclusiveLock))
        return false;
    Relation rel = RelationIdGetRelation(relid);
    if (rel == nullptr)
        return false;
    bool created = rel->rd_createSubid != InvalidSubTransactionId;
    RelationClose(rel);
    return created;
}

} // namespace

bool relation_is_exempt(Oid relid)
{
    if (get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
        return true;
    return created_in_this_transaction(relid) || member_of_extension_being_created(RelationRelationId, relid);
}

bool object_is_exempt(const ObjectAddress &addr)
{
    if (addr.classId == RelationRelationId)
        return relation_is_exempt(addr.objectId);
    if (addr.classId == NamespaceRelationId && isAnyTempNamespace(addr.objectId))
        return true;
    Oid nsp = get_object_namespace(&addr);
    if (OidIsValid(nsp) && isAnyTempNamespace(nsp))
        return true;
    return member_of_extension_being_created(addr.classId, addr.objectId);
}

} // namespace mg
