/*
 * rules_timeout.cpp — missing_lock_timeout: a statement that takes a lock
 * keeping writers (or readers) out of an existing relation, while no
 * lock_timeout (or statement_timeout) bounds its wait.  Waiting is the danger:
 * while it waits behind a long query, every query on the relation queues
 * behind it.  The limit in effect is the session's (which includes the role's
 * and the database's defaults and postgresql.conf) replayed through the
 * script's own SETs (timeouts.cpp).
 */
#include "common/bridge.h"
#include "review/locks.h"
#include "review/rules.h"

namespace mg::review {

void review_timeout(Statement *st, ScriptState *state)
{
    if (!blocks_writes(st->lock_mode))
        return;
    const char *setting;
    const Timeout *limit = lock_wait_limit(state, &setting);
    if (limit->ms > 0)
        return;
    /* the relation that gets the strongest lock */
    Oid relid = InvalidOid;
    ListCell *oc, *mc;
    forboth (oc, st->locked_oids, mc, st->locked_modes)
        if (lfirst_int(mc) == st->lock_mode && !OidIsValid(relid))
            relid = lfirst_oid(oc);
    char *rel = qualified_name(relid);
    add_finding(st, "missing_lock_timeout", Severity::warn,
                psprintf("it takes %s on %s with no lock_timeout in effect (%s): if another session holds a "
                         "conflicting lock, it waits without limit, and %s queues behind it meanwhile",
                         a_lock(st->lock_mode), rel,
                         strcmp(limit->source, "not set") == 0
                             ? "lock_timeout = 0: not set by this script, this role, this database or postgresql.conf"
                             : psprintf("lock_timeout = 0 from %s", limit->source),
                         who_waits(st->lock_mode)),
                "SET lock_timeout = '5s'; at the start of the migration (SET LOCAL inside its transaction), and "
                "retry when it times out.");
}

} // namespace mg::review
