/* privileges.cpp — see privileges.h. */
#include "common/bridge.h"
#include "schema/jsonb_build.h"
#include "schema/privileges.h"

#include <algorithm>

extern "C" {
#include "utils/acl.h"
}

namespace mg {

const char *const kPrivilegesPrefix = "privileges for ";

namespace {

struct Privilege {
    AclMode bit;
    const char *name;
};

/* alphabetical: the order of the listed privileges */
constexpr Privilege kPrivileges[] = {
#ifdef ACL_ALTER_SYSTEM
    {ACL_ALTER_SYSTEM, "ALTER SYSTEM"},
#endif
    {ACL_CONNECT, "CONNECT"},
    {ACL_CREATE, "CREATE"},
    {ACL_DELETE, "DELETE"},
    {ACL_EXECUTE, "EXECUTE"},
    {ACL_INSERT, "INSERT"},
#ifdef ACL_MAINTAIN
    {ACL_MAINTAIN, "MAINTAIN"},
#endif
    {ACL_REFERENCES, "REFERENCES"},
    {ACL_SELECT, "SELECT"},
#ifdef ACL_SET
    {ACL_SET, "SET"},
#endif
    {ACL_CREATE_TEMP, "TEMPORARY"},
    {ACL_TRIGGER, "TRIGGER"},
    {ACL_TRUNCATE, "TRUNCATE"},
    {ACL_UPDATE, "UPDATE"},
    {ACL_USAGE, "USAGE"},
};

struct Grant {
    Oid grantee;
    AclMode privs;
    AclMode grantable;
};

bool default_kind(const char *kind, ObjectType *out)
{
    static const struct {
        const char *kind;
        ObjectType type;
    } kKinds[] = {
        {"table", OBJECT_TABLE},   {"sequence", OBJECT_SEQUENCE}, {"function", OBJECT_FUNCTION},
        {"schema", OBJECT_SCHEMA}, {"type", OBJECT_TYPE},         {"domain", OBJECT_DOMAIN},
    };
    for (const auto &k : kKinds)
        if (strcmp(k.kind, kind) == 0) {
            *out = k.type;
            return true;
        }
    return false;
}

} // namespace

void add_privileges(PairList *attributes, Datum acl_datum, bool isnull, const char *kind, Oid owner)
{
    Acl *acl;
    ObjectType objtype;
    if (!isnull)
        acl = DatumGetAclP(acl_datum);
    else if (default_kind(kind, &objtype))
        acl = acldefault(objtype, owner);
    else
        return;

    int n = ACL_NUM(acl);
    AclItem *items = ACL_DAT(acl);
    Grant *grants = static_cast<Grant *>(palloc0(sizeof(Grant) * (n > 0 ? n : 1)));
    int ngrants = 0;
    for (int i = 0; i < n; i++) {
        Grant *g = std::find_if(grants, grants + ngrants, [&](const Grant &x) { return x.grantee == items[i].ai_grantee; });
        if (g == grants + ngrants) {
            g->grantee = items[i].ai_grantee;
            ngrants++;
        }
        g->privs |= ACLITEM_GET_PRIVS(items[i]);
        g->grantable |= ACLITEM_GET_GOPTIONS(items[i]);
    }

    for (int i = 0; i < ngrants; i++) {
        const Grant &g = grants[i];
        if (g.privs == ACL_NO_RIGHTS)
            continue;
        const char *who;
        if (g.grantee == ACL_ID_PUBLIC)
            who = "PUBLIC";
        else if (g.grantee == owner)
            who = "(owner)";
        else {
            char *name = GetUserNameFromId(g.grantee, true);
            who = name ? quote_identifier(name) : psprintf("(dropped role %u)", g.grantee);
        }
        StringInfoData privs;
        initStringInfo(&privs);
        for (const Privilege &p : kPrivileges) {
            if (!(g.privs & p.bit))
                continue;
            appendStringInfo(&privs, "%s%s%s", privs.len > 0 ? ", " : "", p.name,
                             (g.grantable & p.bit) ? " WITH GRANT OPTION" : "");
        }
        pairs_put(attributes, psprintf("%s%s", kPrivilegesPrefix, who), jb_string(privs.data));
    }
}

} // namespace mg
