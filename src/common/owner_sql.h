/*
 * owner_sql.h — running migrate_guard's own SQL as the owner of its tables.
 *
 * The audit log and the snapshot tables are written by roles that have no
 * right on them, so their INSERTs/DELETEs run as the tables' owner.  While
 * they do: SECURITY_RESTRICTED_OPERATION is set, search_path is pinned to
 * pg_catalog (so a caller's schema cannot shadow a function, operator or type
 * the statement uses), and the guard's hooks stand aside (the statements are
 * migrate_guard's own).  Everything is restored on the way out, and by
 * (sub)transaction abort when an error unwinds.
 */
#pragma once

#include "common/pg.h"

namespace mg {

struct OwnerScope {
    Oid saved_user;
    int saved_sec;
    int guc_level;
};

OwnerScope enter_owner_scope();
void leave_owner_scope(const OwnerScope &scope);

/* Runs fn() inside the scope; fn calls PostgreSQL (SPI) directly. */
template <typename Fn>
void as_extension_owner(Fn &&fn)
{
    OwnerScope scope = enter_owner_scope();
    PG_TRY();
    {
        fn();
    }
    PG_FINALLY();
    {
        leave_owner_scope(scope);
    }
    PG_END_TRY();
}

} // namespace mg
