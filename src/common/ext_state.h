/*
 * ext_state.h — is the extension installed in this database?  Cached per
 * backend, invalidated by catalog changes.
 */
#pragma once

#include "common/pg.h"

namespace mg {

struct ExtState {
    bool present;     /* CREATE EXTENSION migrate_guard ran in this database */
    Oid ext_oid;      /* pg_extension OID */
    Oid schema_oid;   /* the migrate_guard schema */
    Oid ddl_log_oid;  /* migrate_guard.ddl_log, the protected audit table */
    Oid ddl_log_owner; /* the role audit rows are written as */
};

void register_ext_state_callbacks();

namespace detail {
extern ExtState g_ext_state;
extern bool g_ext_state_valid;
const ExtState &look_up_ext_state();
} // namespace detail

/*
 * The cached state; looks it up when the cache was invalidated.  Inline: the
 * hooks ask on every statement, and the answer is nearly always cached.
 */
inline const ExtState &ext_state()
{
    return likely(detail::g_ext_state_valid) ? detail::g_ext_state : detail::look_up_ext_state();
}

/* Is this event trigger one of the extension's own? */
bool is_own_event_trigger(Oid evt_oid);

} // namespace mg
