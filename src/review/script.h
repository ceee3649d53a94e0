/*
 * script.h — splitting a migration script into statements with PostgreSQL's
 * own parser (raw_parser: no catalog access, nothing evaluated), after
 * blanking psql meta-commands, which are not SQL.
 */
#pragma once

#include "review/review.h"
#include "review/sql_text.h"

namespace mg::review {

struct Script {
    const char *text;   /* as given */
    char *sql;          /* meta-commands blanked; same length and offsets */
    int len;
    List *metas;        /* MetaCommand * */
    List *copy_data;    /* CopyData *: COPY ... FROM STDIN data psql sends, blanked in sql */
    List *stmts;        /* RawStmt * */
    bool failed;        /* the script does not parse */
    int error_location; /* byte offset of the error, -1 when PostgreSQL gave none */
    char *error_message;
};

/* Never ERRORs on bad input: a script that does not parse comes back failed. */
Script *parse_script(const char *text, int len);

/* The Statement for raw statement number `number` (its line, text and tag). */
Statement *make_statement(const Script *script, RawStmt *raw, int number, LineCounter *lines);

} // namespace mg::review
