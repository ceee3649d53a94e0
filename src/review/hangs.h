/*
 * hangs.h — what the script hangs under the objects it creates.
 *
 * The guard exempts a relation created in the same transaction, and nothing
 * else: an existing table attached as a partition of a new table, made to
 * inherit from it, typed by a new composite type, an existing sequence owned
 * by a new table's column, an existing table whose foreign key references a
 * new table or whose column is of a new type, an existing table moved into a
 * new schema -- each is judged on its own when a statement on the new object
 * reaches it (guard/object_access.h, guard/dml_check.h).  The review replays
 * these links in script order (replay_hangs(), called by replay_statement())
 * and rules_reach.cpp judges each statement on a created object by the
 * existing objects it reaches through them.
 *
 *   kind          made by                                  reached by
 *   inherits      ALTER TABLE c INHERIT p,                 DELETE/UPDATE/MERGE/TRUNCATE of p (not ONLY),
 *                 CREATE TABLE c (...) INHERITS (p)        DROP TABLE p CASCADE, ALTER COLUMN TYPE
 *   partition     ALTER TABLE p ATTACH PARTITION c,        the same, DROP TABLE p (no CASCADE needed),
 *                 CREATE TABLE c PARTITION OF p            ALTER TABLE p DROP COLUMN
 *   typed         ALTER TABLE c OF p, CREATE TABLE c OF p  DROP TYPE p CASCADE, ALTER TYPE p DROP/ALTER
 *                                                          ATTRIBUTE ... CASCADE
 *   owned_by      ALTER/CREATE SEQUENCE c OWNED BY p.col   DROP TABLE p, ALTER TABLE p DROP COLUMN col
 *   foreign_key   c's FOREIGN KEY ... REFERENCES p         TRUNCATE p CASCADE, DROP TABLE p CASCADE; with
 *                                                          ON DELETE/UPDATE actions, an all-rows DELETE or
 *                                                          UPDATE of p
 *   column_type   a column of c of type p                  DROP TYPE / DROP TABLE p CASCADE
 *
 * A link ends when the script undoes it (NO INHERIT, DETACH PARTITION, NOT
 * OF, OWNED BY NONE, DROP CONSTRAINT, DROP COLUMN, ALTER COLUMN TYPE) or drops
 * either side.
 */
#pragma once

#include "review/replay.h"

namespace mg::review {

enum class HangKind : uint8_t { inherits, partition, typed, owned_by, foreign_key, column_type };

struct Hang {
    HangKind kind;
    int parent;          /* identity of the created object (ScriptRel.id, ScriptObject.id) */
    char *parent_name;   /* for messages */
    Oid child_relid;     /* an existing relation ... */
    int child;           /* ... or a created one (its identity; 0: existing) */
    char *child_name;    /* for messages */
    char *column;        /* owned_by: the parent's column; column_type, foreign_key: the child's column(s) */
    char *constraint;    /* foreign_key: its name (as PostgreSQL names it when the script does not) */
    char del_action;     /* foreign_key: FKCONSTR_ACTION_* */
    char upd_action;
    List *fk_columns;    /* foreign_key: the child's columns (char *) */
    List *ref_columns;   /* foreign_key: the parent's referenced columns (char *; NIL: its primary key) */
    int stmt;            /* the statement that made the link */
};

/* Applies the links st makes or undoes (replay_statement() calls it). */
void replay_hangs(ScriptState *state, Statement *st);

/* The links under the created object with this identity (Hang *), in script order. */
List *hangs_under(const ScriptState *state, int parent);

/* The created non-relation object of this type and name (nullptr: the script creates none, or dropped it). */
ScriptObject *find_object(ScriptState *state, ObjectType type, List *names);
/* A created type by name (composite types are relations: *rel receives one): its identity, or 0. */
int created_type_id(ScriptState *state, const TypeName *type, ScriptRel **rel);

/* "the partition", "the inheritance child", ... for messages; "statement 3 attached ... as a partition of ..." */
char *hang_text(const Hang *h);

} // namespace mg::review
