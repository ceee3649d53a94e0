/*
 * exemptions.h — objects the guard never refuses: temporary objects,
 * relations created earlier in the same transaction, and members of an
 * extension while that extension's own CREATE/ALTER EXTENSION script runs.
 *
 * An exemption covers the object itself only: a new partitioned table or
 * parent does not exempt the old tables attached under it, and a new type does
 * not exempt the tables typed by it.  The guard applies these tests to every
 * object a statement really acts on (object_access.h, dml_check.h).
 */
#pragma once

#include "common/pg.h"

namespace mg {

bool relation_is_exempt(Oid relid);
bool object_is_exempt(const ObjectAddress &addr);

} // namespace mg
