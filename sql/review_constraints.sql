--
-- review_constraints: validating_constraint, unique_scan, set_not_null_scan,
-- fk_without_index.  Both sides of each catalog decision: big vs empty vs
-- created earlier in the script; NOT VALID vs validated; USING INDEX vs built
-- under the lock; proven (a validated CHECK implies it) vs unproven NOT NULL;
-- indexed vs unindexed foreign key.
--
SET lock_timeout = '2s';
CREATE TABLE users(id bigint PRIMARY KEY, email text, nick text, score int);
INSERT INTO users SELECT g, 'u' || g || '@example.com', 'n' || g, g FROM generate_series(1, 8000) g;
CREATE TABLE orders(id bigint, user_id bigint, shop_id int, amount int);
INSERT INTO orders SELECT g, 1 + g % 8000, g % 7, g FROM generate_series(1, 12000) g;
CREATE TABLE empty_orders(id bigint, user_id bigint, amount int);
CREATE TABLE lines(order_id bigint, user_id bigint, n int);
INSERT INTO lines SELECT g, g % 100, 1 FROM generate_series(1, 5000) g;
CREATE INDEX lines_user_order_idx ON lines (user_id, order_id);   -- leads with user_id
CREATE INDEX lines_n_user_idx ON lines (n, user_id);              -- does not lead with user_id
CREATE INDEX lines_partial_idx ON lines (order_id) WHERE n > 0;   -- partial: does not count
-- proofs for SET NOT NULL
ALTER TABLE users ADD CONSTRAINT users_email_present CHECK (email IS NOT NULL);            -- validated
ALTER TABLE users ADD CONSTRAINT users_nick_present CHECK (nick IS NOT NULL) NOT VALID;    -- not validated
ALTER TABLE users ADD CONSTRAINT users_score_positive CHECK (score > 0);                   -- NULL passes it
CREATE UNIQUE INDEX users_nick_key ON users (nick);
CREATE UNIQUE INDEX users_id_email_key ON users (id, email);
CREATE TABLE parted(id bigint, day date) PARTITION BY RANGE (day);
CREATE TABLE day1(id bigint, day date);
INSERT INTO day1 SELECT g, '2024-01-01' FROM generate_series(1, 1000) g;
CREATE TABLE day2(id bigint, day date);
VACUUM ANALYZE users, orders, empty_orders, lines, day1, day2;

CREATE FUNCTION review(script text) RETURNS TABLE(n int, lock_mode text, relations text[], rule text, severity text,
                                                  message text, hint text)
LANGUAGE sql AS $$
  SELECT statement_no, lock_mode, relations, rule, severity, message, hint FROM migrate_guard.check_migration(script)
$$;
CREATE FUNCTION review_each(VARIADIC statements text[]) RETURNS TABLE(statement text, rule text, severity text,
                                                                     message text)
LANGUAGE sql AS $$
  SELECT s, c.rule, c.severity, c.message
    FROM unnest(statements) WITH ORDINALITY AS u(s, i), migrate_guard.check_migration(s) c
   ORDER BY u.i
$$;

-- FOREIGN KEY: validated under ShareRowExclusiveLock on both tables; NOT VALID then VALIDATE is the recipe
SELECT * FROM review('ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE');
SELECT n, lock_mode, relations, rule, severity FROM review($mig$
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;
CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);
$mig$);
SELECT * FROM review_each(
  'ALTER TABLE empty_orders ADD FOREIGN KEY (user_id) REFERENCES users',
  'CREATE TABLE fresh(id bigint, user_id bigint); ALTER TABLE fresh ADD FOREIGN KEY (user_id) REFERENCES users');

-- fk_without_index: an index must lead with the key's columns (in any order); one created
-- anywhere in the script counts
SELECT * FROM review_each(
  'ALTER TABLE lines ADD FOREIGN KEY (user_id) REFERENCES users NOT VALID',
  'ALTER TABLE lines ADD FOREIGN KEY (order_id, user_id) REFERENCES users (id, email) NOT VALID',
  'ALTER TABLE lines ADD FOREIGN KEY (order_id) REFERENCES users NOT VALID',
  'ALTER TABLE lines ADD FOREIGN KEY (n) REFERENCES users NOT VALID');
SELECT n, rule, severity FROM review($mig$
ALTER TABLE lines ADD FOREIGN KEY (order_id) REFERENCES users NOT VALID;
CREATE INDEX CONCURRENTLY lines_order_idx ON lines (order_id);
$mig$);
-- a new table referencing an existing one: ShareRowExclusiveLock on the referenced table; index it too
SELECT n, lock_mode, relations, rule, severity, message, hint FROM review($mig$
CREATE TABLE payments(id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, order_id bigint);
CREATE TABLE refunds(id bigint, payment_id bigint, FOREIGN KEY (payment_id) REFERENCES payments (id));
CREATE INDEX ON refunds (payment_id);
$mig$);

-- CHECK: scanned under AccessExclusiveLock unless NOT VALID; fine on an empty or new table
SELECT n, lock_mode, rule, severity, message, hint FROM review('ALTER TABLE orders ADD CONSTRAINT amount_positive CHECK (amount > 0)');
SELECT * FROM review_each(
  'ALTER TABLE orders ADD CHECK (amount < 1000000)',
  'ALTER TABLE orders ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID',
  'ALTER TABLE empty_orders ADD CONSTRAINT amount_positive CHECK (amount > 0)',
  'ALTER TABLE orders ADD COLUMN discount int CHECK (discount >= 0)');

-- UNIQUE / PRIMARY KEY: built under the lock, unless USING INDEX
SELECT n, lock_mode, rule, severity, message, hint FROM review('ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)');
SELECT * FROM review_each(
  'ALTER TABLE users ADD CONSTRAINT users_nick_uq UNIQUE USING INDEX users_nick_key',
  'ALTER TABLE empty_orders ADD UNIQUE (id)',
  'ALTER TABLE orders ADD PRIMARY KEY (id)',
  'ALTER TABLE orders ADD COLUMN ref bigint UNIQUE',
  'ALTER TABLE users ADD CONSTRAINT users_ex EXCLUDE USING btree (score WITH =)');
-- a primary key USING INDEX still makes its columns NOT NULL: proven by a validated CHECK, or a scan
SELECT * FROM review_each(
  'ALTER TABLE users DROP CONSTRAINT users_pkey, ADD PRIMARY KEY USING INDEX users_id_email_key',
  'ALTER TABLE users ADD CONSTRAINT users_nick_pk PRIMARY KEY USING INDEX users_nick_key')
 WHERE rule IS DISTINCT FROM 'drop_cascade';

-- SET NOT NULL: a validated CHECK (col IS NOT NULL) lets PostgreSQL skip the scan
SELECT * FROM review_each(
  'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
  'ALTER TABLE users ALTER COLUMN nick SET NOT NULL',
  'ALTER TABLE users ALTER COLUMN score SET NOT NULL',
  'ALTER TABLE users ALTER COLUMN id SET NOT NULL',
  'ALTER TABLE empty_orders ALTER COLUMN amount SET NOT NULL');
SELECT n, rule, severity, hint FROM review('ALTER TABLE orders ALTER COLUMN amount SET NOT NULL');
-- the recipe inside the script: CHECK ... NOT VALID, VALIDATE, then SET NOT NULL skips the scan
SELECT n, lock_mode, rule, severity, message FROM review($mig$
ALTER TABLE orders ADD CONSTRAINT orders_amount_nn CHECK (amount IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_nn;
ALTER TABLE orders ALTER COLUMN amount SET NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_amount_nn;
$mig$);
-- ... but not without the VALIDATE
SELECT n, rule, severity FROM review($mig$
ALTER TABLE orders ADD CONSTRAINT orders_amount_nn CHECK (amount IS NOT NULL) NOT VALID;
ALTER TABLE orders ALTER COLUMN amount SET NOT NULL;
$mig$) WHERE rule IS NOT NULL;

-- ATTACH PARTITION checks every row of the partition under AccessExclusiveLock
SELECT * FROM review_each(
  'ALTER TABLE parted ATTACH PARTITION day1 FOR VALUES FROM (''2024-01-01'') TO (''2024-01-02'')',
  'ALTER TABLE parted ATTACH PARTITION day2 FOR VALUES FROM (''2024-01-02'') TO (''2024-01-03'')');

-- a column the script adds is not in the catalog: a CHECK the script adds and validates that says
-- `col IS NOT NULL` is the proof; without the VALIDATE there is none
SELECT n, rule, severity, message FROM review($mig$
ALTER TABLE orders ADD COLUMN region text;
UPDATE orders SET region = 'eu' WHERE region IS NULL;
ALTER TABLE orders ADD CONSTRAINT orders_region_present CHECK (region IS NOT NULL AND region <> '') NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_region_present;
ALTER TABLE orders ALTER COLUMN region SET NOT NULL;
$mig$) WHERE rule = 'set_not_null_scan';
SELECT n, rule, severity FROM review($mig$
ALTER TABLE orders ADD COLUMN region text;
ALTER TABLE orders ADD CONSTRAINT orders_region_present CHECK (region IS NOT NULL) NOT VALID;
ALTER TABLE orders ALTER COLUMN region SET NOT NULL;
$mig$) WHERE rule = 'set_not_null_scan';
