/* seq_guard.cpp — see seq_guard.h. */
#include "common/bridge.h"
#include "audit/audit.h"
#include "guard/classify.h"
#include "guard/ext_objects.h"
#include "guard/seq_guard.h"
#include "guard/verdict.h"

extern "C" {
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
}

namespace mg {
namespace {

bool is_sequence_writer(Oid fn)
{
    return fn == F_NEXTVAL || fn == F_SETVAL_REGCLASS_INT8 || fn == F_SETVAL_REGCLASS_INT8_BOOL;
}

Datum seq_write_checked_impl(FunctionCallInfo fcinfo)
{
    Oid fn = fcinfo->flinfo->fn_oid;
    Oid seq = PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0);
    if (OidIsValid(seq) && !running_internal_sql() && !IsBinaryUpgrade && is_protected_relation(seq))
        judge(add_match(NIL, Rule::guard_tamper, relation_identity(seq), seq), debug_query_string, -1, 0);
    switch (fn) {
    case F_NEXTVAL:
        return nextval_oid(fcinfo);
    case F_SETVAL_REGCLASS_INT8:
        return setval_oid(fcinfo);
    default:
        return setval3_oid(fcinfo);
    }
}

extern "C" Datum seq_write_checked(PG_FUNCTION_ARGS)
{
    return guarded("sequence function", [&] { return seq_write_checked_impl(fcinfo); });
}

} // namespace

bool seq_guard_needs_hook(Oid fn_oid)
{
    return is_sequence_writer(fn_oid);
}

void seq_guard_on_call(FmgrInfo *flinfo)
{
    /* fmgr_security_definer calls flinfo->fn_addr next, with the caller's arguments */
    if (is_sequence_writer(flinfo->fn_oid))
        flinfo->fn_addr = seq_write_checked;
}

} // namespace mg
