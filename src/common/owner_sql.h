/*
 * owner_sql.h — running migrate_guard's own SQL as the owner of its tables.
 *
 * The snapshot tables (row_count_snapshots, row_counts) are written, the
 * audit log purged and stored counts read past their row-level security, by
 * roles that have no right to do so themselves: those statements run through
 * SPI as the owner of the extension's tables.  (Audit rows themselves are not
 * written through SQL: audit_writer.cpp inserts them directly.)  While they
 * run: SECURITY_RESTRICTED_OPERATION is set, search_path is pinned to
 * pg_catalog, pg_temp (so a caller's schema cannot shadow a function,
 * operator or type the statement uses), and the guard's hooks stand aside
 * (the statements are migrate_guard's own).  Everything is restored on the
 * way out: by PG_FINALLY when a PostgreSQL error unwinds, and the callback
 * runs under mg::guarded(), so a C++ exception becomes such an error inside
 * the PG_TRY instead of skipping the restore.
 */
#pragma once

#include "common/bridge.h"

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
        guarded("as_extension_owner", fn);
    }
    PG_FINALLY();
    {
        leave_owner_scope(scope);
    }
    PG_END_TRY();
}

} // namespace mg
