/*
 * blocked_log.h — the cluster-wide ring of refused statements in shared
 * memory, read through the view migrate_guard.blocked_attempts.
 */
#pragma once

#include "guard/rules.h"

namespace mg {

constexpr int kBlockedCapacity = 2048;   /* entries */
constexpr int kBlockedAlwaysKept = 1000; /* the newest entries are never replaced (the contract's 1,000) */

void blocked_log_request_shmem(); /* shmem_request_hook (or _PG_init < 15) */
void blocked_log_init_shmem();    /* shmem_startup_hook */

/* Record a refusal (no-op when the library was not preloaded). */
void blocked_log_record(Rule rule, const char *object, const char *statement);

} // namespace mg
