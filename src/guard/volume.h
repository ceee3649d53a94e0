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

/* ExecutorFinish hook, after AFTER triggers (foreign-key actions) ran. */
void volume_executor_finished(QueryDesc *qd);

/* Transaction and subtransaction callbacks; called once from install_hooks(). */
void register_volume_callbacks();

} // namespace mg
