/*
 * sql_text.h — reading SQL text the way PostgreSQL's own lexer does
 * (parser/scanner.h): statement starts and lines, psql meta-commands, and
 * the small text edits the hints make (CREATE INDEX -> CREATE INDEX
 * CONCURRENTLY).  Literals, quoted identifiers, dollar quotes and comments
 * are never mistaken for code.
 */
#pragma once

#include "common/pg.h"

namespace mg::review {

/* First byte at or after pos that is neither white space nor inside a comment. */
int skip_blanks(const char *s, int pos, int end);

/* Line numbers of byte offsets visited in increasing order (O(n) in total). */
struct LineCounter {
    const char *text;
    int pos;
    int line;
};
void line_counter_init(LineCounter *lc, const char *text);
int line_at(LineCounter *lc, int offset);

/* Byte offset of the 0-based character position charpos (error cursors count characters). */
int byte_offset_of_char(const char *s, int len, int charpos);

/* A psql meta-command (\set, \i, ...) found outside literals and comments. */
struct MetaCommand {
    int location; /* byte offset of the backslash */
    char *text;   /* the command, up to the end of its line */
};

/*
 * The data psql sends to a COPY ... FROM STDIN (or \copy ... from stdin)
 * instead of running it as SQL: the lines after the line where the statement
 * ends, up to a line holding only \. (in binary format, or without that line:
 * to the end of the script).
 */
struct CopyData {
    int stmt_location; /* first byte of the COPY statement, or the backslash of \copy */
    int start;         /* first byte of the data */
    int end;           /* byte after the data and its \. line */
    bool terminated;   /* a line \. ends it (false: the rest of the script is data) */
    bool binary;       /* FORMAT binary: psql reads to the end of the input */
};

/*
 * Blanks every psql meta-command of sql (from its backslash to the end of its
 * line) in place, keeping every other byte where it was (so offsets and lines
 * stay valid).  The \g family ends a statement in psql: its backslash becomes
 * ';'.  The data lines of COPY ... FROM STDIN are blanked too (line breaks
 * kept), as psql never runs them (*copy_data: CopyData *).  Returns the
 * commands found (MetaCommand *).  *lex_base follows the offset the lexer
 * currently starts from, for error positions.  May ERROR on an unterminated
 * literal or comment.
 */
List *blank_meta_commands(char *sql, int len, int *lex_base, List **copy_data);

/*
 * Statement number (from 1) and extent [start, end) of the statement that
 * contains byte offset location, counting top-level semicolons with the
 * lexer (used to name the statement of a syntax error).  Never ERRORs.
 */
void statement_around(const char *sql, int len, int location, int *number, int *start, int *end);

/* text with insertion put after the first token that is the word `word` (NULL: not found). */
char *insert_after_word(const char *text, const char *word, const char *insertion);

/* The text inside the first parenthesized group that starts at or after byte offset from (NULL: none). */
char *paren_group_text(const char *text, int from);

/* text without trailing blanks and semicolons. */
char *trim_statement(const char *text, int len);

} // namespace mg::review
