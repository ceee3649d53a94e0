/* subxact.cpp — see subxact.h. */
#include "common/bridge.h"
#include "review/subxact.h"

namespace mg::review {

bool error_must_propagate(const ErrorData *err)
{
    int category = ERRCODE_TO_CATEGORY(err->sqlerrcode);
    /*
     * A cancel, a shutdown, running out of memory or an internal error is not
     * about the statement (a statement too deeply nested is: it is reported).
     */
    return category == ERRCODE_INSUFFICIENT_RESOURCES || category == ERRCODE_OPERATOR_INTERVENTION ||
           category == ERRCODE_SYSTEM_ERROR || category == ERRCODE_INTERNAL_ERROR;
}

} // namespace mg::review
