/*
 * volume.h — the guard by volume: migrate_guard.max_rows_changed, rules
 * mass_delete and mass_update.  The rows a statement really deletes or
 * updates are counted in the executor as they change (volume_probe.cpp) and
 * judged per statement and table (volume_tally.cpp).
 */
#pragma once

#include "common/pg.h"

extern "C" {
#include "executor/execdesc.h"
}

namespace mg {

/* ExecutorStart hook, once the plan state exists: puts the row counters in. */
void volume_executor_started(QueryDesc *qd, int eflags);

/* ExecutorFinish hook, after AFTER triggers (foreign-key actions) ran (its own work runs under guarded()). */
void volume_executor_finished(QueryDesc *qd);

/* Is some executor run of this transaction counting rows (else volume_executor_finished() has nothing to do)? */
bool volume_counting();

/* The transaction callback's part (hooks.cpp): forget the runs of the transaction. */
void volume_xact_event(XactEvent event);

/* The subtransaction callback; called once from install_hooks(). */
void register_volume_callbacks();

} // namespace mg
