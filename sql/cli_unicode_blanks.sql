--
-- cli_unicode_blanks: GitHub's runner trims every Unicode blank (.NET
-- TrimStart: U+00A0, U+2000..U+200A, U+3000, U+0085, ...) before it looks for
-- "::". A migration file named "<U+00A0>::error ..." or "<U+00A0>::stop-commands::tok",
-- or a table comment (written by any table owner, here plain role mg_app)
-- with a line starting "<U+00A0>::error ...", must not print a line the
-- runner reads as a workflow command, in the text and github formats: such a
-- line gets "migrate_guard: " first, and a text-format name holding a
-- non-ASCII blank is quoted, the blank written as its bytes (from
-- attack3_cli_unicode_blank). Lines are shown with `sed -n 'l 0'`
-- (\302\240 = U+00A0).
--
CREATE TABLE orders(id int PRIMARY KEY);
\! d=$(mktemp -d); cd "$d"; nb=$(printf '\302\240'); printf "SET lock_timeout = '1s';\nDROP TABLE orders;\n" > "${nb}::error file=README.md,line=1::all clear"; printf "SET lock_timeout = '1s';\nDROP TABLE orders;\n" > "::warning::plain"; { "$MG_PG_BINDIR/migrate_guard" check --color never -d "dbname=regress_cli_unicode_blanks" "${nb}::error file=README.md,line=1::all clear" "::warning::plain"; echo "exit $?"; } 2>&1 | sed -n 'l 0'; cd /; rm -rf "$d"
-- github format: a first file named <U+00A0>::stop-commands::tok silences the
-- runner before the second file's ::error annotation
\! d=$(mktemp -d); cd "$d"; nb=$(printf '\302\240'); printf "SELECT 1;\n" > "${nb}::stop-commands::tok"; printf "SET lock_timeout = '1s';\nDROP TABLE orders;\n" > "b.sql"; { "$MG_PG_BINDIR/migrate_guard" check --format github -d "dbname=regress_cli_unicode_blanks" "${nb}::stop-commands::tok" b.sql; echo "exit $?"; } 2>&1 | sed -n 'l 0'; cd /; rm -rf "$d"
-- diff: a plain role's table comment
CREATE DATABASE cli_unicode_blanks_a TEMPLATE mg_template;
CREATE DATABASE cli_unicode_blanks_b TEMPLATE mg_template;
\c cli_unicode_blanks_a
CREATE TABLE t(id int);
ALTER TABLE t OWNER TO mg_app;
\c cli_unicode_blanks_b
CREATE TABLE t(id int);
ALTER TABLE t OWNER TO mg_app;
SET ROLE mg_app;
COMMENT ON TABLE t IS E'harmless\n\u00a0::error file=README.md,line=1::forged by a table comment';
RESET ROLE;
\! { "$MG_PG_BINDIR/migrate_guard" diff --color never "dbname=cli_unicode_blanks_a" "dbname=cli_unicode_blanks_b"; echo "exit $?"; } 2>&1 | sed -e 's/ at [^)]*)/)/g' | sed -n 'l 0'
\c regress_cli_unicode_blanks
SET migrate_guard.allow_destructive = on;
DROP DATABASE cli_unicode_blanks_a;
DROP DATABASE cli_unicode_blanks_b;
RESET migrate_guard.allow_destructive;
