-- the shop's schema, applied to staging and production by demo/30_parity.sql
SET client_min_messages = warning;
CREATE EXTENSION migrate_guard;
CREATE TABLE customers(id bigint PRIMARY KEY, email text NOT NULL UNIQUE, tier text DEFAULT 'basic');
CREATE TABLE orders(id bigint PRIMARY KEY,
                    customer_id bigint NOT NULL REFERENCES customers ON DELETE RESTRICT,
                    total numeric(12,2) NOT NULL, created timestamptz NOT NULL DEFAULT now());
CREATE INDEX orders_customer_idx ON orders(customer_id);
CREATE TABLE tmp_import(id bigint, payload text);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.created := now(); RETURN NEW; END$$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE POLICY customers_app ON customers TO shop_app USING (true);
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tmp_import_app ON tmp_import TO shop_app USING (true);
ALTER TABLE tmp_import ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_app ON orders TO shop_app USING (true);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_analyst ON orders FOR SELECT TO shop_analyst USING (total < 1000);
GRANT SELECT, INSERT, UPDATE ON customers, orders TO shop_app;
GRANT SELECT (id, tier) ON customers TO shop_analyst;
INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 50) g;
INSERT INTO orders SELECT g, 1 + g % 50, g * 3.5 FROM generate_series(1, 400) g;
INSERT INTO tmp_import SELECT g, 'row ' || g FROM generate_series(1, 25) g;
