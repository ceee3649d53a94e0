/*
 * attribute_defaults.h — attribute values an export leaves out.
 *
 * An attribute whose value is the usual default of its object type (a
 * table's persistence "permanent", a column's not_null false, a function's
 * volatility VOLATILE, ...) is not written into the export, which keeps it
 * small and lists only what is notable; compare_schema() shows the default
 * when one side leaves the attribute out.
 */
#pragma once

#include "common/pg.h"

namespace mg {

/* The default value (as text) of attribute `attr` of objects of type `rank`, or nullptr. */
const char *attribute_default(int rank, const char *attr, int attr_len);

} // namespace mg
