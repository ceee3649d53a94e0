/*
 * seq_guard.h — setval() and nextval() on migrate_guard's sequences.
 *
 * Calling setval() or nextval() changes a sequence outside any transaction
 * (a rollback does not undo it), and the sequence is only named by a value
 * (regclass) that may be computed at run time.  So these two functions are
 * judged when they are called, with their actual argument: PostgreSQL calls
 * functions for which needs_fmgr_hook says yes through fmgr_security_definer,
 * whose fmgr_hook start event points the call at seq_write_checked(), which
 * refuses (guard_tamper) a call on one of migrate_guard's protected sequences
 * and otherwise runs the real function.  The library's own SQL (the default
 * of its snapshot tables' ids) is allowed; the audit log takes its ids
 * through nextval_internal() and is not concerned.
 */
#pragma once

#include "common/pg.h"

namespace mg {

bool seq_guard_needs_hook(Oid fn_oid);
void seq_guard_on_call(FmgrInfo *flinfo);

} // namespace mg
