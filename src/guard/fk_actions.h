/*
 * fk_actions.h — what an all-rows DELETE / UPDATE / MERGE of new tables does
 * to existing ones through foreign-key actions.
 *
 * "Created in this transaction" exempts a table, never the existing tables
 * hung under it: an old table given a foreign key ON DELETE CASCADE to a new
 * table loses every row (that references it) when every row of the new table
 * is deleted.  So when a DELETE/UPDATE/MERGE that changes every row
 * (delete_without_where / update_without_where) writes only exempt
 * relations, the guard follows the referential actions PostgreSQL will run —
 * the RI action triggers on the tables whose rows the statement deletes or
 * whose referenced key it changes — to the closure of tables they reach:
 *
 *   ON DELETE CASCADE                        the referencing rows are deleted
 *   ON DELETE SET NULL / SET DEFAULT,        the referencing columns are
 *   ON UPDATE CASCADE / SET NULL / SET DEFAULT  overwritten
 *
 * and judges each existing (non-exempt) table reached like a DELETE
 * (delete_without_where) or UPDATE (update_without_where) without WHERE on
 * it, whatever the number of levels, through partitioned and inheritance
 * targets and partitioned referencing tables.  An UPDATE reaches through ON
 * UPDATE actions only when it may change a referenced column (one it assigns,
 * a stored generated one, or any when a BEFORE UPDATE row trigger may change
 * it).  Nothing of this runs for a statement that has a real WHERE or writes
 * an existing table (which is judged by itself).
 */
#pragma once

#include "guard/classify.h"

namespace mg {

/*
 * The ModifyTable node mt of plan matched rule (delete_without_where or
 * update_without_where) on relations that are all exempt: append a Match for
 * every existing table its foreign-key actions reach.
 */
List *fk_action_matches(List *matches, PlannedStmt *plan, ModifyTable *mt, Rule rule);

} // namespace mg
