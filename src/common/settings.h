/*
 * settings.h — the migrate_guard.* GUCs and who may turn the flag on.
 */
#pragma once

#include "guard/rules.h"

namespace mg {

enum class Mode : int { enforce = 0, warn = 1, off = 2 };

void define_settings();

Mode mode();
bool flag_is_set();            /* migrate_guard.allow_destructive as set */
const char *admin_role_name(); /* migrate_guard.admin_role */
const char *reason();          /* migrate_guard.reason, never NULL */
bool require_reason();
RuleSet blocked_rules();       /* always contains guard_tamper */
int max_rows_changed();        /* migrate_guard.max_rows_changed; 0 = off */
const char *mode_name(Mode m);

/* May this role turn the flag on?  Superusers and members of admin_role. */
bool role_may_unlock(Oid role);

/*
 * Is the flag in force for the statement being checked?  It must be set and
 * the real caller (the outer user, which SET ROLE changes and SECURITY
 * DEFINER does not) must still be allowed to unlock.
 */
bool flag_in_force();

} // namespace mg
