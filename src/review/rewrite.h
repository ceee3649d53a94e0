/*
 * rewrite.h — does an ALTER TABLE sub-command rewrite the table?  The same
 * decisions PostgreSQL takes in ATExecAddColumn / ATPrepAlterColumnType:
 *
 *   ADD COLUMN     rewrites for an identity or stored generated column, a
 *                  domain type with constraints, or a default that is
 *                  volatile once cooked (cookDefault, as CREATE/ALTER TABLE
 *                  cooks it, against the real table) — a non-volatile default
 *                  is stored once in the catalog instead;
 *   ALTER ... TYPE rewrites unless the conversion, coerced and planned the
 *                  way PostgreSQL plans it, reduces to the column itself
 *                  (binary-coercible, e.g. varchar(10) -> varchar(20) or
 *                  varchar -> text).
 *
 * Nothing is evaluated: defaults are only transformed; a conversion is only
 * planned (constant folding) when every function in it is built in
 * (only_builtin_functions(), common/user_code.h).
 */
#pragma once

#include "common/user_code.h"
#include "review/replay.h"

namespace mg::review {

enum class Rewrite : uint8_t { no, yes, unknown };

struct RewriteDecision {
    Rewrite rewrite;
    char *why;      /* the reason, for the message */
    char *detail;   /* e.g. the default as PostgreSQL deparses it; may be NULL */
    bool null_default; /* ADD COLUMN: the default is NULL (PostgreSQL stores none, or it folds to NULL) */
};

RewriteDecision add_column_rewrite(Oid relid, ColumnDef *col);
RewriteDecision type_change_rewrite(Oid relid, AlterTableCmd *cmd, const ScriptState *state);

/*
 * ALTER COLUMN ... TYPE that does not rewrite the table: the existing indexes
 * PostgreSQL builds again all the same (TryReuseIndex() /
 * CheckIndexCompatible(): an index whose operator class or collation on the
 * column changes, or whose expressions or predicate use it), each with why;
 * the table's and those of the children ALTER TABLE recurses to.  NIL: none.
 */
struct RebuiltIndex {
    Oid indexid;
    char *why;
};
List *type_change_rebuilt_indexes(Oid relid, AlterTableCmd *cmd);

/* A CHECK expression transformed against the table in pstate, as CHECK constraints are cooked. */
Node *cook_check_expression(ParseState *pstate, Node *raw);

/* A ParseState with the table in its namespace (when it can be read without waiting). */
ParseState *parse_state_for(Oid relid, Relation *rel_out);
void parse_state_done(ParseState *pstate, Relation rel);

} // namespace mg::review
