/* subxact.cpp — see subxact.h. */
#include "common/bridge.h"
#include "review/subxact.h"

namespace mg::review {

bool error_must_propagate(const ErrorData *err)
{
    int category = ERRCODE_TO_CATEGORY(err->sqlerrcode);
    /* a cancel, a shutdown, running out of memory or an internal error is not about the statement */
    return category == ERRCODE_INSUFFICIENT_RESOURCES || category == ERRCODE_OPERATOR_INTERVENTION ||
           category == ERRCODE_SYSTEM_ERROR || category == ERRCODE_INTERNAL_ERROR ||
           category == ERRCODE_PROGRAM_LIMIT_EXCEEDED;
}

} // namespace mg::review
