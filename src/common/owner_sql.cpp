/* owner_sql.cpp — see owner_sql.h. */
#include "common/bridge.h"
#include "audit/audit.h"
#include "common/ext_state.h"
#include "common/owner_sql.h"

namespace mg {

OwnerScope enter_owner_scope()
{
    OwnerScope scope;
    GetUserIdAndSecContext(&scope.saved_user, &scope.saved_sec);
    Oid owner = ext_state().ddl_log_owner;
    if (!OidIsValid(owner))
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("migrate_guard: the extension's tables are missing in this database")));
    scope.guc_level = NewGUCNestLevel();
    (void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
                             true, 0, false);
    SetUserIdAndSecContext(owner, scope.saved_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
    begin_internal_sql();
    return scope;
}

void leave_owner_scope(const OwnerScope &scope)
{
    end_internal_sql();
    SetUserIdAndSecContext(scope.saved_user, scope.saved_sec);
    AtEOXact_GUC(true, scope.guc_level);
}

} // namespace mg
