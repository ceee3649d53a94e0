/*
 * privileges.h — an object's ACL as "privileges for <grantee>" attributes.
 *
 * The ACL is normalised so that equal rights give equal attributes in every
 * database: a NULL ACL is PostgreSQL's default for the object kind
 * (acldefault: pg_dump leaves a default ACL out, so a restored copy has NULL
 * where the original had the default written out); the rights of one grantee
 * from all grantors are merged (grantors are left out); the owner is written
 * "(owner)" so that a change of owner is reported once, as the owner; PUBLIC
 * as PUBLIC; other roles by name, quoted like quote_ident.  Each value lists
 * the privileges in alphabetical order, "WITH GRANT OPTION" after those the
 * grantee may grant on.  Grants equal to the kind's default (the owner's
 * rights, EXECUTE on functions and USAGE on types for PUBLIC) are left out;
 * a default grantee that lost every right is written with an empty list.
 */
#pragma once

#include "common/pg.h"

#include "schema/jsonb_build.h"

namespace mg {

/*
 * Adds the attributes for `acl` (isnull: NULL ACL) to an object's attributes.
 * kind: table, sequence, function, schema, type, domain (NULL = the default
 * of that kind), column or stored (NULL = no privileges).
 */
void add_privileges(PairList *attributes, Datum acl, bool isnull, const char *kind, Oid owner);

/* The default privileges text of `grantee` ("(owner)" or "PUBLIC") on an object type, or nullptr. */
const char *default_privileges(const char *object_type, const char *grantee);

/* "privileges for " — the prefix of these attributes */
extern const char *const kPrivilegesPrefix;

} // namespace mg
