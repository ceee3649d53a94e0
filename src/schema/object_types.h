/*
 * object_types.h — the object types of a schema export, in the order
 * comparisons list them, and how an object names its parent.
 *
 * Identities are names quoted as quote_ident would (never OIDs):
 *   schema, extension, publication, event trigger   name
 *   table, view, sequence, index, type, ...         schema.name
 *   column                                          schema.relation.column
 *   constraint, trigger, rule, policy               name on schema.relation (or domain)
 *   function, procedure, aggregate                  schema.name(argument types)
 *   publication table / schema                      schema.table / schema in publication name
 *   default privileges                              for role r [in schema s] on tables|...
 * Objects that belong to another (a column to its table, ...) name it in
 * their identity or in their "table" attribute: comparisons report a removed
 * table once, not each of its columns.
 */
#pragma once

#include "common/pg.h"

extern "C" {
#include "utils/jsonb.h"
}

namespace mg {

/* Rank of an object type (its position in the table), or -1 when unknown. */
int object_type_rank(const char *type);
int object_type_rank_n(const char *type, int len);

/* Name of the type with this rank. */
const char *object_type_name(int rank);

/* Number of object types. */
int object_type_count();

/* The object an object belongs to: its identity and the types it may have. */
struct ParentRef {
    const char *identity;
    const int *ranks;
    int nranks;
};

/*
 * The parent of an object of type `rank` with this identity and attributes
 * (the "table" attribute names it for indexes and statistics); false for
 * objects that belong to none.
 */
bool object_parent(int rank, const char *identity, JsonbContainer *attributes, ParentRef *out);

} // namespace mg
