/* bridge.cpp — out-of-line halves of the C++/PostgreSQL bridge (bridge.h). */
#include "common/bridge.h"

namespace mg {

void raise_cpp_failure(const char *where, const char *what)
{
    ereport(ERROR,
            (errcode(ERRCODE_INTERNAL_ERROR),
             errmsg("migrate_guard: internal error in %s", where),
             errdetail("A C++ exception was caught: %s", what)));
    pg_unreachable();
}

} // namespace mg

#ifdef MG_NEED_SRF_SHIM
/* PostgreSQL 14 has no InitMaterializedSRF(): set the tuplestore up by hand. */
void mg_init_materialized_srf(FunctionCallInfo fcinfo)
{
    ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
    if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
        !(rsinfo->allowedModes & SFRM_Materialize))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("set-valued function called in context that cannot accept a set")));
    MemoryContext per_query = rsinfo->econtext->ecxt_per_query_memory;
    MemoryContext old = MemoryContextSwitchTo(per_query);
    TupleDesc tupdesc;
    if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "return type must be a row type");
    rsinfo->returnMode = SFRM_Materialize;
    rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
    rsinfo->setDesc = CreateTupleDescCopy(tupdesc);
    MemoryContextSwitchTo(old);
}
#endif
