/*
 * ext_state.cpp — per-backend cache of "is migrate_guard installed here".
 *
 * The guard acts only in databases where the extension exists.  Looking that
 * up costs an index scan of pg_extension, far too much for every statement,
 * so the answer is cached and dropped whenever a namespace changes (CREATE
 * EXTENSION creates, DROP EXTENSION drops the migrate_guard schema) or a
 * relation cache invalidation could concern the extension's tables.
 */
#include "common/bridge.h"
#include "common/ext_state.h"

namespace mg {
namespace detail {
ExtState g_ext_state = {false, InvalidOid, InvalidOid, InvalidOid, InvalidOid};
bool g_ext_state_valid = false;
} // namespace detail

namespace {

ExtState &g_state = detail::g_ext_state;
bool &g_valid = detail::g_ext_state_valid;
bool g_callbacks_registered = false;

/* mg-lint: no-throw (invalidation callback: flips a flag) */
void on_namespace_change(Datum, int, uint32)
{
    g_valid = false;
}

/* mg-lint: no-throw (invalidation callback: flips a flag) */
void on_relcache_change(Datum, Oid relid)
{
    /*
     * While the state is incomplete (not installed, or CREATE EXTENSION has
     * created the schema but not yet the log table, earlier in this very
     * transaction) any new relation may be the missing piece.
     */
    if (!g_state.present || !OidIsValid(g_state.ddl_log_oid) || relid == InvalidOid ||
        relid == g_state.ddl_log_oid)
        g_valid = false;
}

} // namespace

void register_ext_state_callbacks()
{
    if (g_callbacks_registered)
        return;
    CacheRegisterSyscacheCallback(NAMESPACEOID, on_namespace_change, (Datum) 0);
    CacheRegisterRelcacheCallback(on_relcache_change, (Datum) 0);
    g_callbacks_registered = true;
}

const ExtState &detail::look_up_ext_state()
{
    if (g_valid)
        return g_state;
    /* also when the library was loaded late (not preloaded): SQL functions and event triggers use it */
    register_ext_state_callbacks();
    bool was_present = g_state.present;
    ExtState s = {false, InvalidOid, InvalidOid, InvalidOid, InvalidOid};
    s.ext_oid = get_extension_oid("migrate_guard", true);
    if (OidIsValid(s.ext_oid)) {
        s.present = true;
        s.schema_oid = get_namespace_oid("migrate_guard", true);
        if (OidIsValid(s.schema_oid))
            s.ddl_log_oid = get_relname_relid("ddl_log", s.schema_oid);
        if (OidIsValid(s.ddl_log_oid)) {
            HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(s.ddl_log_oid));
            if (HeapTupleIsValid(tup)) {
                s.ddl_log_owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup))->relowner;
                ReleaseSysCache(tup);
            }
        }
    }
    g_state = s;
    g_valid = true;
    /*
     * Plans cached while the guard was not installed were never checked:
     * make them go through the planner (and the guard) again.
     */
    if (s.present && !was_present)
        ResetPlanCache();
    return g_state;
}

bool is_own_event_trigger(Oid evt_oid)
{
    const ExtState &s = ext_state();
    return s.present && OidIsValid(evt_oid) &&
           getExtensionOfObject(EventTriggerRelationId, evt_oid) == s.ext_oid;
}

} // namespace mg
