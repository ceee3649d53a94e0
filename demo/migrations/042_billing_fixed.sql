-- 042_billing.sql, corrected after migrate_guard.check_migration(): every
-- lock is short and bounded, nothing is rewritten or scanned under a lock.
SET lock_timeout = '5s';

CREATE TABLE plans (
    id          bigint PRIMARY KEY,
    name        text NOT NULL,
    price_cents integer NOT NULL
);
INSERT INTO plans VALUES (1, 'free', 0), (2, 'pro', 1900);

-- the plan: a nullable column, its foreign key NOT VALID, an index, a
-- backfill, then VALIDATE and a NOT NULL proven by a validated CHECK
ALTER TABLE customers ADD COLUMN plan_id bigint;
ALTER TABLE customers ADD CONSTRAINT customers_plan_fk FOREIGN KEY (plan_id) REFERENCES plans NOT VALID;
CREATE INDEX CONCURRENTLY customers_plan_idx ON customers (plan_id);
UPDATE customers SET plan_id = 1 WHERE plan_id IS NULL;
ALTER TABLE customers VALIDATE CONSTRAINT customers_plan_fk;
ALTER TABLE customers ADD CONSTRAINT customers_plan_present CHECK (plan_id IS NOT NULL) NOT VALID;
ALTER TABLE customers VALIDATE CONSTRAINT customers_plan_present;
ALTER TABLE customers ALTER COLUMN plan_id SET NOT NULL;
ALTER TABLE customers DROP CONSTRAINT customers_plan_present;

-- referral codes: the column, a default for new rows, a backfill
ALTER TABLE customers ADD COLUMN referral_code uuid;
ALTER TABLE customers ALTER COLUMN referral_code SET DEFAULT gen_random_uuid();
UPDATE customers SET referral_code = gen_random_uuid() WHERE referral_code IS NULL;

-- unique e-mails: the index built concurrently, then the constraint on it
CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON customers (email);
ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_key;

CREATE TABLE invoices (
    id           bigint PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES orders,
    amount_cents bigint NOT NULL
);
CREATE INDEX invoices_order_idx ON invoices (order_id);

CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
