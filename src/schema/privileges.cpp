/* privileges.cpp — see privileges.h. */
#include "common/bridge.h"
#include "schema/jsonb_build.h"
#include "schema/privileges.h"


extern "C" {
#include "catalog/pg_authid.h"
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

namespace {

int compare_grantees(const void *x, const void *y)
{
    Oid a = static_cast<const Grant *>(x)->grantee, b = static_cast<const Grant *>(y)->grantee;
    return (a > b) - (a < b);
}

/* The grants of an ACL, one per grantee (rights from every grantor merged), sorted by grantee. */
Grant *merge_grants(Acl *acl, int *ngrants)
{
    int n = ACL_NUM(acl);
    AclItem *items = ACL_DAT(acl);
    Grant *grants = static_cast<Grant *>(palloc0(sizeof(Grant) * (n > 0 ? n : 1)));
    for (int i = 0; i < n; i++) {
        CHECK_FOR_INTERRUPTS();
        grants[i].grantee = items[i].ai_grantee;
        grants[i].privs = ACLITEM_GET_PRIVS(items[i]);
        grants[i].grantable = ACLITEM_GET_GOPTIONS(items[i]);
    }
    if (n > 1)
        qsort(grants, n, sizeof(Grant), compare_grantees);
    int count = 0;
    for (int i = 0; i < n; i++) {
        if (count > 0 && grants[count - 1].grantee == grants[i].grantee) {
            grants[count - 1].privs |= grants[i].privs;
            grants[count - 1].grantable |= grants[i].grantable;
        } else {
            grants[count++] = grants[i];
        }
    }
    *ngrants = count;
    return grants;
}

char *privileges_text(const Grant &g)
{
    StringInfoData privs;
    initStringInfo(&privs);
    for (const Privilege &p : kPrivileges) {
        if (!(g.privs & p.bit))
            continue;
        appendStringInfo(&privs, "%s%s%s", privs.len > 0 ? ", " : "", p.name,
                         (g.grantable & p.bit) ? " WITH GRANT OPTION" : "");
    }
    return privs.data;
}

/* in grants sorted by grantee (merge_grants) */
const Grant *find_grant(const Grant *grants, int n, Oid grantee)
{
    if (grants == nullptr || n == 0)
        return nullptr;
    Grant key{};
    key.grantee = grantee;
    return static_cast<const Grant *>(bsearch(&key, grants, n, sizeof(Grant), compare_grantees));
}

const char *grantee_name(Oid grantee, Oid owner)
{
    if (grantee == ACL_ID_PUBLIC)
        return "PUBLIC";
    if (grantee == owner)
        return "(owner)";
    char *name = GetUserNameFromId(grantee, true);
    return name ? quote_identifier(name) : psprintf("(dropped role %u)", grantee);
}

} // namespace

void add_privileges(PairList *attributes, Datum acl_datum, bool isnull, const char *kind, Oid owner)
{
    ObjectType objtype;
    bool has_default = default_kind(kind, &objtype);
    if (isnull && !has_default)
        return;
    /* PostgreSQL's default for the kind: what an export leaves out */
    int ndefaults = 0;
    Grant *defaults = has_default ? merge_grants(acldefault(objtype, owner), &ndefaults) : nullptr;
    int ngrants;
    Grant *grants = isnull ? defaults : merge_grants(DatumGetAclP(acl_datum), &ngrants);
    if (isnull)
        ngrants = ndefaults;

    for (int i = 0; i < ngrants; i++) {
        CHECK_FOR_INTERRUPTS();
        const Grant &g = grants[i];
        if (g.privs == ACL_NO_RIGHTS)
            continue;
        const Grant *d = find_grant(defaults, ndefaults, g.grantee);
        if (d != nullptr && d->privs == g.privs && d->grantable == g.grantable)
            continue; /* the default */
        pairs_put(attributes, psprintf("%s%s", kPrivilegesPrefix, grantee_name(g.grantee, owner)),
                  jb_string(privileges_text(g)));
    }
    /* a default grantee that lost every right: written out, empty */
    for (int i = 0; i < ndefaults; i++) {
        const Grant *g = find_grant(grants, ngrants, defaults[i].grantee);
        if (g == nullptr || g->privs == ACL_NO_RIGHTS)
            pairs_put(attributes, psprintf("%s%s", kPrivilegesPrefix, grantee_name(defaults[i].grantee, owner)),
                      jb_string(""));
    }
}

const char *default_privileges(const char *object_type, const char *grantee)
{
    static const struct {
        const char *type;
        ObjectType kind;
    } kKinds[] = {
        {"table", OBJECT_TABLE},        {"view", OBJECT_TABLE},          {"materialized view", OBJECT_TABLE},
        {"sequence", OBJECT_SEQUENCE},  {"function", OBJECT_FUNCTION},   {"procedure", OBJECT_FUNCTION},
        {"aggregate", OBJECT_FUNCTION}, {"schema", OBJECT_SCHEMA},       {"type", OBJECT_TYPE},
        {"domain", OBJECT_DOMAIN},
    };
    for (const auto &k : kKinds) {
        if (strcmp(k.type, object_type) != 0)
            continue;
        Oid owner = BOOTSTRAP_SUPERUSERID;
        int n;
        Grant *defaults = merge_grants(acldefault(k.kind, owner), &n);
        Oid who;
        if (strcmp(grantee, "PUBLIC") == 0)
            who = ACL_ID_PUBLIC;
        else if (strcmp(grantee, "(owner)") == 0)
            who = owner;
        else
            return nullptr;
        const Grant *g = find_grant(defaults, n, who);
        return g ? privileges_text(*g) : nullptr;
    }
    return nullptr;
}

} // namespace mg
