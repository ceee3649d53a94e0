/*
 * rls_exposure.h — row-level security weakened without DISABLE ROW LEVEL
 * SECURITY or DROP POLICY, judged at the point of effect (object_access.h).
 *
 *   a permissive policy that lets every row through   PostgreSQL ORs the
 *     (USING or WITH CHECK always true, or referencing  permissive policies of
 *     no column of the table: all or nothing)          a table: one that is
 *                                                     always true opens every
 *                                                     row to the roles it
 *                                                     applies to (disable_rls)
 *   a parent that shows the table's rows unfiltered    a query on a parent
 *     (INHERIT or ATTACH PARTITION of a table with     applies the parent's
 *     RLS under a parent — or ancestor — without RLS,  policies only, never
 *     one created in this transaction, or one that     the child's
 *     does not FORCE it when the table does)           (disable_rls)
 *
 * ALTER POLICY that replaces USING, WITH CHECK or the roles is classified
 * with the utility statements (drop_policy, classify_utility.cpp).  Tables
 * exempt from the guard (temporary, created in this transaction) are never
 * refused; a table without RLS enabled has nothing to weaken.
 */
#pragma once

#include "guard/classify.h"

namespace mg {

/* A policy just created (read as the current command left it). */
List *weak_policy_matches(Oid policy);

/* A pg_inherits row (child, parent) just added or removed (removed: nothing). */
List *exposing_parent_matches(Oid child, Oid parent);

} // namespace mg
