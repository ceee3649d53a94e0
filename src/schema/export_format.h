/*
 * export_format.h — reading an export back (from an argument, a stored
 * snapshot or a client): everything is checked before it is used, so that a
 * jsonb that is not an export, or one of an unknown format version, is a
 * clear ERROR rather than a wrong comparison.
 */
#pragma once

#include "common/pg.h"

extern "C" {
#include "utils/array.h"
#include "utils/jsonb.h"
}

namespace mg {

struct ParsedExport {
    JsonbContainer *objects; /* {"<type>": {"<identity>": {attributes}}} */
    ArrayType *scope;        /* the schemas it covers; nullptr = every user schema */
    int postgresql;          /* major version it was taken on, 0 when absent */
    int count;               /* number of objects */
};

/*
 * Checks that `j` is a migrate_guard schema export of format version 1 (the
 * envelope, every type name, every object and attribute value) and returns
 * its parts; ERROR naming `argname` and the first problem otherwise.
 */
ParsedExport parse_export(Jsonb *j, const char *argname);

} // namespace mg
