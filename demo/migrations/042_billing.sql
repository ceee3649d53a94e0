-- 042_billing.sql: plans, a plan for every customer, referral codes,
-- unique e-mails, invoices, and the missing foreign key on orders.
BEGIN;

CREATE TABLE plans (
    id          bigint PRIMARY KEY,
    name        text NOT NULL,
    price_cents integer NOT NULL
);
INSERT INTO plans VALUES (1, 'free', 0), (2, 'pro', 1900);

ALTER TABLE customers ADD COLUMN plan_id bigint REFERENCES plans;
UPDATE customers SET plan_id = 1 WHERE plan_id IS NULL;
ALTER TABLE customers ALTER COLUMN plan_id SET NOT NULL;

ALTER TABLE customers ADD COLUMN referral_code uuid DEFAULT gen_random_uuid();
ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);

CREATE TABLE invoices (
    id           bigint PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES orders,
    amount_cents bigint NOT NULL
);

CREATE INDEX orders_customer_idx ON orders (customer_id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers;

COMMIT;
