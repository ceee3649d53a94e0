/*
 * scope.h — the utility statement being run, as the guard's at-effect checks
 * see it.
 *
 * The ProcessUtility hook opens a scope around every statement it lets run.
 * While it runs, PostgreSQL reports what the statement really does through
 * object_access_hook (objects dropped, truncated, created, altered — after
 * the statement resolved its names and took its locks, cascades included);
 * object_access.cpp judges those objects and records the created/altered
 * ones in the scope, and when the statement is done, close_scope() checks
 * that none of them came to depend on a temporary object or on migrate_guard's
 * own code (new_dependencies.cpp).
 */
#pragma once

#include "common/pg.h"

namespace mg {

struct UtilityScope {
    Node *stmt;     /* the parse tree of the statement */
    const char *source; /* its text: bytes [location, location + length) of source */
    int location;
    int length;
    bool cascade;   /* the statement says CASCADE */
    bool warned;    /* a warn-mode WARNING was already given for it */
    List *touched;  /* ObjectAddress * created or altered by it (TopTransactionContext) */
    List *pending;  /* PendingPart * dropped parts of relations, judged at the end */
};

/*
 * A part of a relation (trigger, constraint, rule, policy, default, index,
 * row type) that the statement dropped: it is judged at the end of the
 * statement unless its relation was dropped too (the relation's own
 * judgement, which names it, covers what hung on it).
 */
struct PendingPart {
    Oid owner;
    List *matches; /* Match * (TopTransactionContext) */
};
void add_pending_part(Oid owner, List *matches);
void forget_pending_parts(Oid owner);

/* Opens a scope for stmt; returns its depth, to be given to close_scope(). */
int open_scope(Node *stmt, const char *source, int location, int length, bool warned);
/* Closes it: on success (completed) the temporary-dependency check runs. */
void close_scope(int depth, bool completed);
/* The innermost scope, or nullptr (no utility statement is running). */
UtilityScope *current_scope();
/* Forget every scope (transaction end). */
void reset_scopes();

/* Does the statement say CASCADE (DROP, DROP OWNED, ALTER ... DROP ... CASCADE)? */
bool statement_cascades(const Node *stmt);

/* Remember an object the current statement created or altered. */
void note_touched(const ObjectAddress &addr);

} // namespace mg
