/*
 * exemptions.h — objects the guard never refuses: temporary objects,
 * relations created earlier in the same transaction, and members of an
 * extension while that extension's own CREATE/ALTER EXTENSION script runs.
 */
#pragma once

#include "common/pg.h"

namespace mg {

bool relation_is_exempt(Oid relid);
bool object_is_exempt(const ObjectAddress &addr);

/*
 * True once an exemption that holds only for the current transaction was
 * used; the hooks reset the plan cache at transaction end in that case, so
 * that a plan cached under the exemption is checked again later.
 */
bool take_transient_exemption_note();

} // namespace mg
