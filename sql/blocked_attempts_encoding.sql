--
-- blocked_attempts_encoding: the refusal ring is shared by databases of
-- different encodings; the view always returns valid text in the encoding
-- of the database reading it (characters it cannot represent are escaped)
--
\set VERBOSITY terse
SELECT current_database() AS suite_db \gset
CREATE DATABASE blocked_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c blocked_latin1
SET client_encoding = 'UTF8';
CREATE EXTENSION migrate_guard;
CREATE TABLE "tabelle_ä"(id int);
-- refused in the LATIN1 database: é and ä are LATIN1 characters
TRUNCATE "tabelle_ä" /* latin1: café */;
\c :suite_db
SET client_encoding = 'UTF8';
CREATE TABLE tbl_utf8(id int);
-- refused in this UTF8 database: the CJK characters and the emoji have no LATIN1 form
TRUNCATE tbl_utf8 /* utf8: 日本 😀 café */;
-- read in UTF8: both as written, and usable by any text function
SELECT database_name = current_database() AS here, object_identity, statement, upper(statement) AS upper
  FROM migrate_guard.blocked_attempts
 WHERE statement LIKE 'TRUNCATE%' AND (statement LIKE '%latin1:%' OR statement LIKE '%utf8:%') ORDER BY attempt;
\c blocked_latin1
SET client_encoding = 'UTF8';
-- read in LATIN1: what LATIN1 cannot hold is escaped, the rest converted
SELECT database_name = current_database() AS here, object_identity, statement, upper(statement) AS upper,
       length(statement) AS characters
  FROM migrate_guard.blocked_attempts
 WHERE statement LIKE 'TRUNCATE%' AND (statement LIKE '%latin1:%' OR statement LIKE '%utf8:%') ORDER BY attempt;
\c :suite_db
SET migrate_guard.allow_destructive = on;
DROP DATABASE blocked_latin1;
