-- release 8: invoices get a status and an index by customer; the old import table goes
ALTER TABLE invoices ADD COLUMN status text NOT NULL DEFAULT 'open';
CREATE INDEX invoices_customer_idx ON invoices (customer_id);
ALTER TABLE customers RENAME COLUMN email TO email_address;
DROP TABLE invoice_import;
