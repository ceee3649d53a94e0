/*
 * severity.h — how much a difference between two schemas matters.
 *
 *   danger  something a running application or data safety depends on went
 *           away or weakened: a schema, table, view, column, sequence, type,
 *           domain, function, procedure, constraint, unique index, policy,
 *           trigger, extension or event trigger removed; row-level security
 *           turned off or no longer forced; a foreign key's ON DELETE/ON
 *           UPDATE action changed; SECURITY DEFINER added (or the owner or
 *           the pinned search_path of a SECURITY DEFINER function changed);
 *           a view's security_invoker or security_barrier turned off, its
 *           CHECK OPTION removed; a trigger, rule or event trigger disabled
 *           (or set to fire on replicas only); NOT NULL dropped; a table
 *           made UNLOGGED; a privilege revoked; an enum value removed; a
 *           policy turned from RESTRICTIVE to PERMISSIVE, a permissive one
 *           reaching more roles or commands, a restrictive one fewer; a
 *           partition detached or an inheritance child cut off (a parent
 *           gone from partition_of / inherits); a materialized view no
 *           longer populated; a unique index made non-unique or its key,
 *           predicate or NULLS treatment changed; a PRIMARY KEY, UNIQUE,
 *           EXCLUDE or FOREIGN KEY re-added with another guarantee, a
 *           constraint of another kind under the same name, a constraint no
 *           longer validated or no longer enforced (an enforcement trigger
 *           disabled); LEAKPROOF added
 *   warn    any other change of a definition, type, default, owner, option
 *           or setting (a CHECK's or a policy's expression: stricter or
 *           looser is not decidable); a privilege granted; a non-unique index, rule,
 *           publication (member) or default privilege removed; a SECURITY
 *           DEFINER function, rule, event trigger or default privilege added
 *   info    other objects added; an enum value added; comments, column
 *           positions (a removed column shifts the ones after it),
 *           statistics targets, storage, compression, tablespaces, clustering
 */
#pragma once

#include "common/pg.h"

extern "C" {
#include "utils/jsonb.h"
}

namespace mg {

/* An object ADDED (removed = false) or REMOVED. */
const char *object_change_severity(int rank, bool removed, JsonbContainer *attributes);

/*
 * A CHANGED attribute; before/after are the values as text (a left-out
 * attribute's default, or nullptr when it has none), the containers the
 * object's attributes on each side.
 */
const char *attribute_change_severity(int rank, const char *attribute, const char *before, const char *after,
                                      JsonbContainer *before_attributes, JsonbContainer *after_attributes);

/* The value an ADDED or REMOVED row shows for the object (its definition, type, ...), or nullptr. */
const char *object_summary(int rank, JsonbContainer *attributes);

} // namespace mg
