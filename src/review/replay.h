/*
 * replay.h — the script's own effects, replayed in order without running
 * anything: relations it creates (new), drops, renames or moves; the schemas
 * it creates and its search_path; transaction blocks (BEGIN ... COMMIT);
 * lock_timeout / statement_timeout (timeouts.cpp); columns and CHECK
 * constraints it adds to existing tables; its prepared statements; and, from
 * a first pass over the whole script, every index it creates.
 *
 * A relation name resolves the way PostgreSQL would resolve it when the
 * statement runs: the script's own creations, drops and renames first, then
 * the live catalog, schema by schema along the search_path.
 */
#pragma once

#include "review/review.h"

namespace mg::review {

struct RelKey {
    char nsp[NAMEDATALEN];
    char rel[NAMEDATALEN];
};

/* A name the script changed: created by it, or an existing relation dropped/renamed by it. */
struct ScriptRel {
    char hkey[2 * NAMEDATALEN + 2]; /* "schema\x1fname": the hash key, must come first */
    RelKey key;
    Oid existing;      /* InvalidOid: created by the script */
    bool dropped;      /* the name no longer resolves here */
    char relkind;      /* of a created relation */
    int created_stmt;  /* statement_no that created it */
    int created_xact;  /* the script transaction that created it */
    int id;            /* of a created relation: its identity across renames and moves (hangs.h) */
    Node *definition;  /* of a created relation: the statement that created it (CreateStmt, ...) */
    char *name;        /* schema-qualified, quoted (made once) */
};

enum class RelState : uint8_t { missing, existing, created };

struct RelRef {
    RelState state;
    Oid relid;         /* existing */
    char relkind;
    char *name;        /* schema-qualified, for messages */
    ScriptRel *entry;  /* created */
    const char *key_nsp; /* the schema and name it answers to at this point of the script */
    const char *key_rel;
};

struct Timeout {
    int ms;            /* 0: no limit */
    char *source;      /* where the value comes from, for messages */
};

struct Timeouts {
    Timeout lock;
    Timeout statement;
};

/* A column the script adds to an existing table. */
struct AddedColumn {
    Oid relid;
    char *name;
    TypeName *type;
};

/* A CHECK constraint the script adds to an existing table. */
struct ScriptCheck {
    Oid relid;
    char *name;        /* NULL when unnamed */
    Node *raw_expr;
    bool validated;    /* added without NOT VALID, or validated later by the script */
};

/* An index the script creates anywhere (first pass), by the table name as written. */
struct PlannedIndex {
    char *schema;      /* NULL when unqualified */
    char *table;
    List *columns;     /* char *, key columns in order; an expression is NULL */
    int stmt;          /* statement_no */
};

/* A column of an existing table the script renames: its name in the catalog and the one the script gives it. */
struct RenamedColumn {
    Oid relid;
    char *live;        /* the name in the catalog now */
    char *script;      /* the name from the script's RENAME on */
};

struct Prepared {
    char *name;
    Node *query;       /* raw statement */
    List *argtypes;    /* TypeName *: the parameter types it declares */
};
struct ScriptState;
/* The statement the script PREPAREd under this name, the latest one (nullptr: none). */
const Prepared *find_prepared(const ScriptState *state, const char *name);

/* An object the script creates that is not a relation (hangs.h): a type, function, policy, ... */
struct ScriptObject {
    ObjectType type;   /* OBJECT_TYPE, OBJECT_DOMAIN, OBJECT_FUNCTION, OBJECT_POLICY, OBJECT_TRIGGER, ... */
    char *schema;      /* as written (NULL: unqualified, or no schema of its own) */
    char *name;
    RelRef table;      /* policies and triggers: their table */
    int id;
    int created_stmt;
    int created_xact;
    bool dropped;
};

struct ScriptState {
    const char *sql;       /* the script (meta-commands blanked): parse locations point into it */
    HTAB *rels;            /* "schema\x1fname" -> ScriptRel */
    HTAB *relinfo;         /* existing relation OID -> its name and kind (catalog lookups, once) */
    List *nsp_names;       /* schema names looked up ... */
    List *nsp_oids;        /* ... and their OIDs (InvalidOid: none), once per review */
    List *path;            /* explicit search_path schema names (char *) */
    List *created_schemas; /* char * */
    bool in_block;         /* inside BEGIN ... COMMIT */
    int block_line;        /* line of its BEGIN */
    int xact;              /* ordinal of the current script transaction */
    Timeouts session;      /* in force (SET) */
    Timeouts local;        /* SET LOCAL values inside the block; ms < 0: none */
    Timeouts at_begin;     /* session values at BEGIN (ROLLBACK restores them) */
    Timeouts reset;        /* what RESET gives */
    List *savepoints;      /* SavepointTimeouts *, innermost first (ROLLBACK TO restores them) */
    List *added_columns;   /* AddedColumn * */
    List *checks;          /* ScriptCheck * */
    List *planned_indexes; /* PlannedIndex * */
    List *prepared;        /* Prepared * */
    int next_id;           /* identities of created objects (ScriptRel.id, ScriptObject.id) */
    HTAB *by_id;           /* ScriptRel.id -> the entry under its current name */
    List *objects;         /* ScriptObject *: non-relation objects the script creates */
    List *hangs;           /* Hang * (hangs.h): existing objects the script hangs under the ones it creates */
    List *renamed_columns; /* RenamedColumn * */
    bool renamed;          /* the script renamed, moved or dropped an existing relation, or renamed a column */
    List *session_path;    /* path at the start (path differs once the script sets search_path) */
    /* script_code.h: rules and triggers the script creates or enables on existing tables, the trigger
       firing modes that may be in force (session_replication_role), the statements of the current block */
    List *code;            /* ScriptCode * */
    bool roles_known;
    bool may_origin;
    bool may_replica;
    List *block_stmts;     /* Statement * since the block's BEGIN */
    bool created_temp;     /* the script created a temporary relation (live_names.h names it pg_temp.x) */
    /* parse analysis of the DML of statement analyzed_stmt (rules_guard.cpp), reused by rules_calls.cpp */
    int analyzed_stmt;
    List *analyzed_queries;
    /* resolutions of the statement being judged (the state does not change meanwhile) */
    int memo_count;
    const RangeVar *memo_keys[16];
    RelRef memo_refs[16];
};

/* Allocated in keep_context(); reads the session (search_path, timeouts). */
ScriptState *script_state_create(List *raw_stmts);

RelRef resolve_relation(ScriptState *state, const RangeVar *rv);
RelRef resolve_name_list(ScriptState *state, List *names);
/* The schema-qualified name a CREATE of rv gives its relation. */
char *new_relation_name(ScriptState *state, const RangeVar *rv);
/* The schema a CREATE of rv puts its relation in (pg_temp for a temporary one). */
const char *new_relation_schema(ScriptState *state, const RangeVar *rv);

/* The created relation with this identity, under its current name (nullptr: dropped). */
ScriptRel *created_relation(ScriptState *state, int id);
/* Is the created relation new for the guard (created in the current transaction of the script, or temporary)? */
bool created_in_current_xact(const ScriptState *state, const ScriptRel *e);

/* Applies the statement's effects to the state (after it was judged). */
void replay_statement(ScriptState *state, Statement *st);

/* A new transaction starts for a statement outside a block. */
void replay_begin_statement(ScriptState *state);

const AddedColumn *find_added_column(const ScriptState *state, Oid relid, const char *name);
bool table_has_added_columns(const ScriptState *state, Oid relid);

/* The catalog's name of column `name` of existing relid, as the script names it now (renames replayed). */
const char *live_column_name(const ScriptState *state, Oid relid, const char *name);

/* Does some index of the script lead with exactly these columns (any order) on this table? */
bool planned_index_leads_with(const ScriptState *state, const RelRef &table, const RangeVar *rv, List *columns);

/* Timeouts (timeouts.cpp). */
void timeouts_init(ScriptState *state);
void replay_set(ScriptState *state, VariableSetStmt *set, const Statement *st);
void replay_set_config_calls(ScriptState *state, Node *select, const Statement *st);
void timeouts_begin(ScriptState *state);
void timeouts_end(ScriptState *state, bool commit);
/* SAVEPOINT, RELEASE SAVEPOINT, ROLLBACK TO SAVEPOINT inside the block (kind: TRANS_STMT_...). */
void timeouts_savepoint(ScriptState *state, TransactionStmtKind kind, const char *name);
/* RESET ALL, DISCARD ALL: every setting back to the session's default. */
void timeouts_reset_all(ScriptState *state);
/* The limit on waiting for a lock right now: lock_timeout, else statement_timeout (ms = 0: none). */
const Timeout *lock_wait_limit(const ScriptState *state, const char **setting);

} // namespace mg::review
