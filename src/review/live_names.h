/*
 * live_names.h — a statement as the catalog would read it today.
 *
 * The review resolves names through the script's replayed effects
 * (replay.h): after `ALTER TABLE orders SET SCHEMA s2`, `s2.orders` is the
 * existing public.orders.  Code that looks names up in the live catalog
 * itself — the guard's classifier, parse analysis of DML and queries,
 * truncate_targets() — is handed a copy of the statement in which every
 * relation that resolves to an existing one is named by its catalog name
 * (schema-qualified), and every column of such a table the script renamed
 * by its catalog name.  Relations the script creates, and unknown names, are
 * left as written.
 */
#pragma once

#include "review/replay.h"

namespace mg::review {

/* A copy of stmt with catalog names (stmt itself when nothing needs renaming). */
Node *with_live_names(ScriptState *state, Node *stmt);

} // namespace mg::review
