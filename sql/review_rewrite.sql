--
-- review_rewrite: table_rewrite and not_null_without_default.  PostgreSQL's
-- own decisions, both sides of each: volatile vs stable default, identity /
-- serial / stored generated / constrained domain, rewriting vs
-- binary-coercible type change, USING; big vs empty vs created earlier.
--
SET lock_timeout = '2s';
CREATE TABLE customers(id bigint PRIMARY KEY, code varchar(10), note varchar, score int, seen timestamp);
INSERT INTO customers SELECT g, 'c' || g, 'n', g, '2024-01-01' FROM generate_series(1, 10000) g;
CREATE TABLE empty_customers(id bigint, code varchar(10));
CREATE DOMAIN positive_int AS int CHECK (VALUE > 0);
CREATE DOMAIN plain_int AS int;
CREATE DOMAIN stamped AS timestamptz DEFAULT clock_timestamp();
CREATE FUNCTION my_volatile() RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 1';
CREATE FUNCTION my_stable() RETURNS int LANGUAGE sql STABLE AS 'SELECT 1';
CREATE FUNCTION my_convert(int) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT $1::bigint';
CREATE MATERIALIZED VIEW customer_codes AS SELECT id, code FROM customers;
VACUUM ANALYZE customers, empty_customers, customer_codes;

CREATE FUNCTION review(script text) RETURNS TABLE(n int, lock_mode text, rewrites boolean, rule text, severity text,
                                                  message text)
LANGUAGE sql AS $$
  SELECT statement_no, lock_mode, rewrites, rule, severity, message FROM migrate_guard.check_migration(script)
$$;
CREATE FUNCTION review_each(VARIADIC statements text[]) RETURNS TABLE(statement text, rewrites boolean, rule text,
                                                                     severity text, message text)
LANGUAGE sql AS $$
  SELECT s, c.rewrites, c.rule, c.severity, c.message
    FROM unnest(statements) WITH ORDINALITY AS u(s, i), migrate_guard.check_migration(s) c
   WHERE c.rule IS DISTINCT FROM 'alter_column_type'  -- the guard's rule: review_guard
   ORDER BY u.i
$$;

-- ADD COLUMN: a volatile default rewrites, a non-volatile one is stored once (the cooked expression decides)
SELECT * FROM review_each(
  'ALTER TABLE customers ADD COLUMN token uuid DEFAULT gen_random_uuid()',
  'ALTER TABLE customers ADD COLUMN created_at timestamptz DEFAULT now()',
  'ALTER TABLE customers ADD COLUMN created_at timestamptz DEFAULT clock_timestamp()',
  'ALTER TABLE customers ADD COLUMN tier int DEFAULT 1',
  'ALTER TABLE customers ADD COLUMN tier int DEFAULT my_stable()',
  'ALTER TABLE customers ADD COLUMN tier int DEFAULT my_volatile() + 1',
  'ALTER TABLE customers ADD COLUMN tier text DEFAULT ''x'' || random()::text',
  'ALTER TABLE customers ADD COLUMN region text');
-- identity, serial, stored generated, domains
SELECT * FROM review_each(
  'ALTER TABLE customers ADD COLUMN seq_no bigint GENERATED ALWAYS AS IDENTITY',
  'ALTER TABLE customers ADD COLUMN seq_no bigserial',
  'ALTER TABLE customers ADD COLUMN double_score int GENERATED ALWAYS AS (score * 2) STORED',
  'ALTER TABLE customers ADD COLUMN amount positive_int',
  'ALTER TABLE customers ADD COLUMN amount plain_int DEFAULT 5',
  'ALTER TABLE customers ADD COLUMN stamp stamped');
-- a default naming a sequence the script creates: not resolvable now, judged by the function it calls
SELECT n, rewrites, rule, severity, message FROM review($mig$
CREATE SEQUENCE customer_numbers;
ALTER TABLE customers ADD COLUMN number bigint DEFAULT nextval('customer_numbers');
$mig$);
-- the same rewrites on an empty table and on a table of the script are ok
SELECT * FROM review_each(
  'ALTER TABLE empty_customers ADD COLUMN token uuid DEFAULT gen_random_uuid()',
  'CREATE TABLE fresh(id int); ALTER TABLE fresh ADD COLUMN token uuid DEFAULT gen_random_uuid()');

-- NOT NULL without a default fails on a table with rows; fine on an empty or new one, or with a default
SELECT * FROM review_each(
  'ALTER TABLE customers ADD COLUMN plan text NOT NULL',
  'ALTER TABLE customers ADD COLUMN plan text NOT NULL DEFAULT ''free''',
  'ALTER TABLE customers ADD COLUMN plan_id bigint GENERATED ALWAYS AS IDENTITY NOT NULL',
  'ALTER TABLE empty_customers ADD COLUMN plan text NOT NULL',
  'CREATE TABLE fresh(id int); ALTER TABLE fresh ADD COLUMN plan text NOT NULL');

-- ALTER COLUMN TYPE: binary-coercible changes do not rewrite, conversions do
SELECT * FROM review_each(
  'ALTER TABLE customers ALTER COLUMN code TYPE varchar(20)',
  'ALTER TABLE customers ALTER COLUMN code TYPE varchar(5)',
  'ALTER TABLE customers ALTER COLUMN code TYPE text',
  'ALTER TABLE customers ALTER COLUMN note TYPE text',
  'ALTER TABLE customers ALTER COLUMN score TYPE bigint',
  'ALTER TABLE customers ALTER COLUMN score TYPE plain_int',
  'ALTER TABLE customers ALTER COLUMN score TYPE positive_int',
  'ALTER TABLE customers ALTER COLUMN score TYPE bigint USING my_convert(score)',
  'ALTER TABLE customers ALTER COLUMN score TYPE int USING score',
  'ALTER TABLE customers ALTER COLUMN seen TYPE timestamptz',
  'ALTER TABLE customers ALTER COLUMN seen TYPE date',
  'ALTER TABLE customers ALTER COLUMN score TYPE point',
  'ALTER TABLE customers ALTER COLUMN no_such_column TYPE text',
  'ALTER TABLE empty_customers ALTER COLUMN id TYPE numeric');
-- a column the script adds, then changes
SELECT n, rewrites, rule, severity, message FROM review($mig$
ALTER TABLE customers ADD COLUMN discount int;
ALTER TABLE customers ALTER COLUMN discount TYPE numeric;
$mig$) WHERE rule = 'table_rewrite';
-- timestamp -> timestamptz does not rewrite when the session time zone is UTC (PostgreSQL's own test)
SET timezone = 'UTC';
SELECT * FROM review_each('ALTER TABLE customers ALTER COLUMN seen TYPE timestamptz');
RESET timezone;

-- other sub-commands and statements that rewrite or copy every row under their lock
SELECT * FROM review_each(
  'ALTER TABLE customers SET UNLOGGED',
  'ALTER TABLE customers SET LOGGED',
  'ALTER TABLE customers SET TABLESPACE pg_default',
  'ALTER TABLE customers SET ACCESS METHOD heap',
  'VACUUM FULL customers',
  'VACUUM customers',
  'CLUSTER customers USING customers_pkey',
  'REFRESH MATERIALIZED VIEW customer_codes',
  'VACUUM FULL empty_customers');
SELECT rule, severity, hint FROM migrate_guard.check_migration('REFRESH MATERIALIZED VIEW customer_codes') WHERE rule IS NOT NULL;
