-- release 8, after review: a lock timeout, the index built concurrently, the
-- column kept (renamed in a later release once the application reads both),
-- the import table left for the admin's planned cleanup
SET lock_timeout = '5s';
ALTER TABLE invoices ADD COLUMN status text NOT NULL DEFAULT 'open';
CREATE INDEX CONCURRENTLY invoices_customer_idx ON invoices (customer_id);
