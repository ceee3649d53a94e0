--
-- review_rule_on_new_table: the actions of a rule the script hangs on a table
-- or view it creates itself are judged on the CREATE RULE row like those of a
-- rule on an existing table (an outside attacker's case: no finding, SAFE TO
-- DEPLOY, while the guard refuses the rule's DELETE when the INSERT fires it).
-- ENABLE RULE of an existing rule stays opaque_code (README Limits).
--
CREATE TABLE orders(id int PRIMARY KEY);
INSERT INTO orders SELECT generate_series(1, 100);
CREATE TABLE log(id int);
CREATE RULE r_off AS ON INSERT TO log DO ALSO DELETE FROM orders;
ALTER TABLE log DISABLE RULE r_off;
SELECT statement_no, rule, severity FROM migrate_guard.check_migration(
  E'SET lock_timeout = ''1s'';\nCREATE TABLE t(id int);\nCREATE RULE r AS ON INSERT TO t DO ALSO DELETE FROM orders;\nINSERT INTO t VALUES (1);');
SELECT migrate_guard.migration_verdict(
  E'SET lock_timeout = ''1s'';\nCREATE VIEW vv AS SELECT 1 AS x;\nCREATE RULE r AS ON INSERT TO vv DO INSTEAD DELETE FROM orders;\nINSERT INTO vv VALUES (1);') AS verdict_view;
SELECT statement_no, rule, severity FROM migrate_guard.check_migration(
  E'SET lock_timeout = ''1s'';\nALTER TABLE log ENABLE RULE r_off;\nINSERT INTO log VALUES (2);') WHERE rule IS NOT NULL;
-- what really happens
SET lock_timeout = '1s';
CREATE TABLE t(id int);
CREATE RULE r AS ON INSERT TO t DO ALSO DELETE FROM orders;
INSERT INTO t VALUES (1);
CREATE VIEW vv AS SELECT 1 AS x;
CREATE RULE r AS ON INSERT TO vv DO INSTEAD DELETE FROM orders;
INSERT INTO vv VALUES (1);
ALTER TABLE log ENABLE RULE r_off;
INSERT INTO log VALUES (2);
RESET lock_timeout;
SELECT count(*) AS orders_left FROM orders;
