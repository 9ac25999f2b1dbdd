--
-- txn: the per-transaction write buffer.
--
-- Writes wait in a buffer until COMMIT, one action per item, and go out as
-- TransactWriteItems requests of at most 100 actions.  With
-- client_min_messages at debug1 the commit says how many requests it sent
-- and with how many actions each ("dynamo_fdw: TransactWriteItems with N
-- actions"); test/js/writes_requests.test.mjs counts the same requests
-- at the wire.  Every write is read back with the AWS SDK
-- (test/tools/fixture.mjs), never through the FDW.  Every DynamoDB table
-- here starts with txn_ and is deleted at the end.
--
\set VERBOSITY terse
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
RESET client_min_messages;
\getenv ddb_endpoint DYNAMO_ENDPOINT

\! node test/tools/fixture.mjs create-table test/data/txn/txn_items.table.json --replace > /dev/null
-- typeorm-dynamodb's registration example: five tables
\! node test/tools/fixture.mjs create-table test/data/txn/txn_users.table.json --replace > /dev/null
\! node test/tools/fixture.mjs create-table test/data/txn/txn_profiles.table.json --replace > /dev/null
\! node test/tools/fixture.mjs create-table test/data/txn/txn_wallets.table.json --replace > /dev/null
\! node test/tools/fixture.mjs create-table test/data/txn/txn_audit_logs.table.json --replace > /dev/null
\! node test/tools/fixture.mjs create-table test/data/txn/txn_temp_registrations.table.json --replace > /dev/null
-- key PK (S), SK (N), for Queries
\! node test/tools/fixture.mjs create-table test/data/txn/txn_orders.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items txn_users test/data/txn/txn_users.items.json
\! node test/tools/fixture.mjs put-items txn_temp_registrations test/data/txn/txn_temp_registrations.items.json

CREATE SERVER txn_ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (endpoint :'ddb_endpoint', region 'us-east-1');
CREATE USER MAPPING FOR CURRENT_USER SERVER txn_ddb
  OPTIONS (access_key_id 'AKIDTXNTEST', secret_access_key 'txn-secret');

CREATE FOREIGN TABLE items (pk text, v text, n int)
  SERVER txn_ddb OPTIONS (table_name 'txn_items');

--
-- Merging: writes to one item in one transaction become one action
--
-- INSERT, UPDATE, UPDATE: one Put of the final item
BEGIN;
INSERT INTO items VALUES ('m1', 'a', 1);
UPDATE items SET v = 'b' WHERE pk = 'm1';
UPDATE items SET n = n + 1 WHERE pk = 'm1';
SET LOCAL client_min_messages = debug1;
COMMIT;
\! node test/tools/fixture.mjs get-item txn_items '{"pk":{"S":"m1"}}'
-- UPDATE, UPDATE of an existing item: one Update with both changes, the
-- later one winning; a NULL in between and a value after it
BEGIN;
UPDATE items SET v = 'c', n = NULL WHERE pk = 'm1';
UPDATE items SET v = 'd', n = 7 WHERE pk = 'm1';
UPDATE items SET v = NULL WHERE pk = 'm1';
SET LOCAL client_min_messages = debug1;
COMMIT;
\! node test/tools/fixture.mjs get-item txn_items '{"pk":{"S":"m1"}}'
-- UPDATE, DELETE: one Delete
BEGIN;
UPDATE items SET v = 'gone soon' WHERE pk = 'm1';
DELETE FROM items WHERE pk = 'm1';
SET LOCAL client_min_messages = debug1;
COMMIT;
\! node test/tools/fixture.mjs get-item txn_items '{"pk":{"S":"m1"}}'
-- INSERT, DELETE: nothing is written (a ConditionCheck that it is absent)
BEGIN;
INSERT INTO items VALUES ('m2', 'x', 1);
DELETE FROM items WHERE pk = 'm2';
SET LOCAL client_min_messages = debug1;
COMMIT;
\! node test/tools/fixture.mjs get-item txn_items '{"pk":{"S":"m2"}}'
-- ... and if the item existed, the INSERT still fails at commit, as it
-- would have without the DELETE
INSERT INTO items VALUES ('m3', 'exists', 3);
BEGIN;
INSERT INTO items VALUES ('m3', 'x', 1);
DELETE FROM items WHERE pk = 'm3';
\set VERBOSITY default
COMMIT;
\set VERBOSITY terse
\! node test/tools/fixture.mjs get-item txn_items '{"pk":{"S":"m3"}}'
-- DELETE, INSERT: one Put that replaces the item
BEGIN;
DELETE FROM items WHERE pk = 'm3';
INSERT INTO items VALUES ('m3', 'replaced', NULL);
SET LOCAL client_min_messages = debug1;
COMMIT;
\! node test/tools/fixture.mjs get-item txn_items '{"pk":{"S":"m3"}}'
-- INSERT of an item this transaction made exist: 23505 at once
BEGIN;
INSERT INTO items VALUES ('m4', 'one', 1);
\set VERBOSITY default
INSERT INTO items VALUES ('m4', 'two', 2);
\set VERBOSITY terse
ROLLBACK;
-- UPDATE or DELETE of an item this transaction deleted does nothing
BEGIN;
DELETE FROM items WHERE pk = 'm3';
UPDATE items SET v = 'ghost' WHERE pk = 'm3';
DELETE FROM items WHERE pk = 'm3';
SET LOCAL client_min_messages = debug1;
COMMIT;
\! node test/tools/fixture.mjs get-item txn_items '{"pk":{"S":"m3"}}'

--
-- ROLLBACK sends nothing
--
INSERT INTO items VALUES ('r1', 'keep', 1), ('r2', 'keep', 2);
BEGIN;
DELETE FROM items WHERE pk = 'r1';
UPDATE items SET v = 'changed' WHERE pk = 'r2';
INSERT INTO items VALUES ('r3', 'new', 3);
SET LOCAL client_min_messages = debug1;
ROLLBACK;
\! node test/tools/fixture.mjs scan txn_items
-- an error ends the transaction the same way
BEGIN;
DELETE FROM items WHERE pk = 'r1';
SELECT 1/0;
COMMIT;
\! node test/tools/fixture.mjs get-item txn_items '{"pk":{"S":"r1"}}'

--
-- Savepoints: ROLLBACK TO discards exactly the writes it undoes
--
BEGIN;
INSERT INTO items VALUES ('s1', 'before', 1);
SAVEPOINT a;
INSERT INTO items VALUES ('s2', 'undone', 2);
UPDATE items SET v = 'undone' WHERE pk = 's1';
DELETE FROM items WHERE pk = 'r1';
SAVEPOINT b;
UPDATE items SET v = 'undone too' WHERE pk = 'r2';
ROLLBACK TO SAVEPOINT a;
SELECT * FROM items WHERE pk IN ('s1', 's2', 'r1', 'r2') ORDER BY pk;
INSERT INTO items VALUES ('s3', 'after', 3);
SAVEPOINT c;
UPDATE items SET v = 'kept' WHERE pk = 's1';
RELEASE SAVEPOINT c;
SAVEPOINT d;
DELETE FROM items WHERE pk = 's3';
ROLLBACK TO d;
-- a failed statement inside a savepoint undoes only its own writes
SAVEPOINT e;
INSERT INTO items VALUES ('s4', 'undone', 4), ('s1', 'duplicate', 0);
ROLLBACK TO e;
SET LOCAL client_min_messages = debug1;
COMMIT;
\! node test/tools/fixture.mjs scan txn_items

--
-- PREPARE TRANSACTION is refused: DynamoDB has no two-phase commit
--
BEGIN;
INSERT INTO items VALUES ('p1', 'prepared?', 1);
\set VERBOSITY default
PREPARE TRANSACTION 'txn_dynamo';
\set VERBOSITY terse
\! node test/tools/fixture.mjs get-item txn_items '{"pk":{"S":"p1"}}'
SELECT count(*) FROM pg_prepared_xacts WHERE gid = 'txn_dynamo';
-- a transaction that only read may be prepared
BEGIN;
SELECT count(*) FROM items;
PREPARE TRANSACTION 'txn_read_only';
COMMIT PREPARED 'txn_read_only';

--
-- Read-your-writes: queries in the transaction see its buffered writes
--
BEGIN;
INSERT INTO items VALUES ('y1', 'new', 1);
UPDATE items SET v = 'changed', n = 20 WHERE pk = 'r2';
DELETE FROM items WHERE pk = 's3';
-- through a Scan, a GetItem and a BatchGetItem
SELECT * FROM items ORDER BY pk;
SELECT * FROM items WHERE pk = 'y1';
SELECT * FROM items WHERE pk = 's3';
SELECT * FROM items WHERE pk IN ('y1', 'r2', 's3') ORDER BY pk;
SELECT count(*) FROM items;
-- pushed-down conditions are checked on buffered items too
SELECT pk FROM items WHERE v = 'changed';
SELECT pk FROM items WHERE v = 'keep';
-- nothing has reached DynamoDB yet
\! node test/tools/fixture.mjs scan txn_items
-- a statement does not see its own writes: each item is copied once,
-- copies are not copied again
INSERT INTO items SELECT pk || '-copy', v, n FROM items;
SELECT pk, v FROM items ORDER BY pk;
SET LOCAL client_min_messages = debug1;
COMMIT;
\! node test/tools/fixture.mjs scan txn_items

-- through a Query: the key condition, its order and LIMIT hold for
-- buffered items too
CREATE FOREIGN TABLE orders (pk text OPTIONS (column_name 'PK'),
  sk int OPTIONS (column_name 'SK'), v text)
  SERVER txn_ddb OPTIONS (table_name 'txn_orders');
INSERT INTO orders VALUES ('a', 1, 'one'), ('a', 2, 'two'), ('a', 4, 'four'), ('b', 1, 'other');
BEGIN;
INSERT INTO orders VALUES ('a', 3, 'three'), ('a', 0, 'zero'), ('b', 2, 'other too');
UPDATE orders SET v = 'TWO' WHERE pk = 'a' AND sk = 2;
DELETE FROM orders WHERE pk = 'a' AND sk = 4;
EXPLAIN (COSTS OFF) SELECT * FROM orders WHERE pk = 'a' AND sk > 0 ORDER BY sk DESC;
SELECT * FROM orders WHERE pk = 'a' AND sk > 0 ORDER BY sk DESC;
SELECT * FROM orders WHERE pk = 'a' ORDER BY sk LIMIT 2;
SELECT * FROM orders WHERE pk = 'a' AND v LIKE 't%';
SELECT pk, count(*) FROM orders GROUP BY pk ORDER BY pk;
SET LOCAL client_min_messages = debug1;
COMMIT;
\! node test/tools/fixture.mjs scan txn_orders

--
-- Concurrent writers: what DynamoDB decides at commit
--
-- an item created by someone else before our INSERT commits: 23505
BEGIN;
INSERT INTO items VALUES ('c1', 'ours', 1);
\! echo '[{"pk":{"S":"c1"},"v":{"S":"theirs"}}]' | node test/tools/fixture.mjs put-items txn_items -
\set VERBOSITY default
COMMIT;
\set VERBOSITY terse
-- an item deleted by someone else before our UPDATE commits: 40001
BEGIN;
UPDATE items SET v = 'ours' WHERE pk = 'c1';
\! node test/data/txn/delete_item.mjs txn_items '{"pk":{"S":"c1"}}'
\set VERBOSITY default
COMMIT;
\set VERBOSITY terse
\! node test/tools/fixture.mjs get-item txn_items '{"pk":{"S":"c1"}}'

--
-- 100 actions commit in one request; beyond, batches of 100 unless
-- dynamo_fdw.strict_atomicity is on
--
DELETE FROM items;
BEGIN;
INSERT INTO items SELECT 'b' || i, 'batch', i FROM generate_series(1, 100) i;
SET LOCAL client_min_messages = debug1;
COMMIT;
\! node test/tools/fixture.mjs count txn_items
-- 101 without strict atomicity: two requests, 100 then 1
BEGIN;
UPDATE items SET n = n + 1000 WHERE v = 'batch';
INSERT INTO items VALUES ('b101', 'batch', 1101);
SET LOCAL client_min_messages = debug1;
COMMIT;
SELECT count(*), min(n), max(n) FROM items;
\! node test/tools/fixture.mjs count txn_items
-- 101 with strict atomicity: refused at the 101st action, nothing sent
SET dynamo_fdw.strict_atomicity = on;
BEGIN;
UPDATE items SET v = 'strict' WHERE v = 'batch';
ROLLBACK;
BEGIN;
\set VERBOSITY default
INSERT INTO items SELECT 's' || i, 'strict', i FROM generate_series(1, 101) i;
\set VERBOSITY terse
COMMIT;
SELECT count(*) FILTER (WHERE v = 'strict') AS strict, count(*) AS all FROM items;
\! node test/tools/fixture.mjs count txn_items
-- ... and 100 with strict atomicity commit
BEGIN;
DELETE FROM items WHERE n > 1001;
SET LOCAL client_min_messages = debug1;
COMMIT;
\! node test/tools/fixture.mjs scan txn_items
RESET dynamo_fdw.strict_atomicity;

-- COPY goes through the buffer like INSERT
BEGIN;
COPY items FROM stdin;
cp1	copied in a transaction	1
cp2	copied in a transaction	2
\.
SET LOCAL client_min_messages = debug1;
COMMIT;
\! node test/tools/fixture.mjs scan txn_items
-- two user mappings cannot sign one request: one request each, and strict
-- atomicity refuses the second before anything is sent
CREATE SERVER txn_ddb2 FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (endpoint :'ddb_endpoint', region 'us-east-1');
CREATE USER MAPPING FOR CURRENT_USER SERVER txn_ddb2
  OPTIONS (access_key_id 'AKIDTXNTEST2', secret_access_key 'txn-secret-2');
CREATE FOREIGN TABLE items2 (pk text, v text, n int)
  SERVER txn_ddb2 OPTIONS (table_name 'txn_items');
BEGIN;
INSERT INTO items VALUES ('um1', 'first mapping', 1);
INSERT INTO items2 VALUES ('um2', 'second mapping', 2);
SET LOCAL client_min_messages = debug1;
COMMIT;
SET dynamo_fdw.strict_atomicity = on;
BEGIN;
INSERT INTO items VALUES ('um3', 'first mapping', 3);
INSERT INTO items2 VALUES ('um4', 'second mapping', 4);
ROLLBACK;
RESET dynamo_fdw.strict_atomicity;
\! node test/tools/fixture.mjs scan txn_items
DELETE FROM items WHERE pk IN ('cp1', 'cp2', 'um1', 'um2');

--
-- Bulk mode: BatchWriteItem during the statement, for loads
--
SET dynamo_fdw.bulk_write = on;
EXPLAIN (COSTS OFF) INSERT INTO items SELECT 'x', 'y', 1;
INSERT INTO items SELECT 'bulk' || i, 'bulk', i FROM generate_series(1, 60) i;
COPY items FROM stdin;
copy1	copied	1
copy2	copied	2
copy3	\N	3
\.
\! node test/tools/fixture.mjs count txn_items
SELECT v, count(*), sum(n) FROM items GROUP BY v ORDER BY v;
-- bulk puts replace an existing item, as BatchWriteItem does
INSERT INTO items VALUES ('copy1', 'replaced', 10);
\! node test/tools/fixture.mjs get-item txn_items '{"pk":{"S":"copy1"}}'
-- bulk writes are not rolled back
BEGIN;
INSERT INTO items VALUES ('bulk-rollback', 'stays', 0);
ROLLBACK;
\! node test/tools/fixture.mjs get-item txn_items '{"pk":{"S":"bulk-rollback"}}'
-- nor are those of a statement that fails: the first 400 went out (16
-- requests of 25, in parallel) before row 450 failed
-- (the warning that says so races with the error in psql's output: hidden)
SET client_min_messages = error;
INSERT INTO items SELECT 'fail' || i, 'bulk', 1 / (450 - i) FROM generate_series(1, 450) i;
RESET client_min_messages;
SELECT count(*) FROM items WHERE pk LIKE 'fail%';
DELETE FROM items WHERE pk LIKE 'fail%';
-- INSERT ... SELECT from the table itself, and ON CONFLICT, use the buffer
EXPLAIN (COSTS OFF) INSERT INTO items SELECT pk || '-again', v, n FROM items;
EXPLAIN (COSTS OFF) INSERT INTO items VALUES ('x', 'y', 1) ON CONFLICT DO NOTHING;
RESET dynamo_fdw.bulk_write;

--
-- typeorm-dynamodb's registration, as one SQL transaction: a user, a
-- profile, a wallet, three audit-log entries, two deleted temporary
-- registrations; five tables, one TransactWriteItems request
--
CREATE FOREIGN TABLE users (id text, email text, status text, "createdAt" timestamptz)
  SERVER txn_ddb OPTIONS (table_name 'txn_users');
CREATE FOREIGN TABLE profiles ("userId" text, "firstName" text, "lastName" text,
  preferences jsonb) SERVER txn_ddb OPTIONS (table_name 'txn_profiles');
CREATE FOREIGN TABLE wallets ("userId" text, balance numeric, currency text)
  SERVER txn_ddb OPTIONS (table_name 'txn_wallets');
CREATE FOREIGN TABLE audit_logs (id text, action text, "userId" text, "timestamp" bigint)
  SERVER txn_ddb OPTIONS (table_name 'txn_audit_logs');
CREATE FOREIGN TABLE temp_registrations ("registrationId" text, email text)
  SERVER txn_ddb OPTIONS (table_name 'txn_temp_registrations');
BEGIN;
INSERT INTO users VALUES ('user-123', 'alice@example.com', 'active', '2024-05-01 12:00:00+00');
INSERT INTO profiles VALUES ('user-123', 'Alice', 'Johnson', '{"newsletter": true}');
INSERT INTO wallets VALUES ('user-123', 0.00, 'USD');
INSERT INTO audit_logs VALUES
  ('audit-1', 'USER_CREATED', 'user-123', 1714564800000),
  ('audit-2', 'PROFILE_CREATED', 'user-123', 1714564800000),
  ('audit-3', 'WALLET_CREATED', 'user-123', 1714564800000);
DELETE FROM temp_registrations WHERE "registrationId" IN ('temp-123', 'temp-124');
SET LOCAL client_min_messages = debug1;
COMMIT;
\! node test/tools/fixture.mjs scan txn_users
\! node test/tools/fixture.mjs scan txn_profiles
\! node test/tools/fixture.mjs scan txn_wallets
\! node test/tools/fixture.mjs scan txn_audit_logs
\! node test/tools/fixture.mjs scan txn_temp_registrations
-- the same registration for user-456, who already exists: the request is
-- cancelled, 23505 names the user, and no table changes
BEGIN;
INSERT INTO users VALUES ('user-456', 'bob@example.com', 'active', '2024-05-02 12:00:00+00');
INSERT INTO profiles VALUES ('user-456', 'Bob', 'Smith', '{"newsletter": false}');
INSERT INTO wallets VALUES ('user-456', 0.00, 'EUR');
INSERT INTO audit_logs VALUES
  ('audit-4', 'USER_CREATED', 'user-456', 1714651200000),
  ('audit-5', 'PROFILE_CREATED', 'user-456', 1714651200000),
  ('audit-6', 'WALLET_CREATED', 'user-456', 1714651200000);
DELETE FROM temp_registrations WHERE "registrationId" IN ('temp-456', 'temp-457');
\set VERBOSITY default
COMMIT;
\set VERBOSITY terse
\! node test/tools/fixture.mjs scan txn_users
\! node test/tools/fixture.mjs scan txn_profiles
\! node test/tools/fixture.mjs scan txn_wallets
\! node test/tools/fixture.mjs scan txn_audit_logs
\! node test/tools/fixture.mjs scan txn_temp_registrations

-- clean up, in PostgreSQL and in DynamoDB Local
SET client_min_messages = warning;
DROP SERVER txn_ddb CASCADE;
DROP SERVER txn_ddb2 CASCADE;
RESET client_min_messages;
\! node test/tools/fixture.mjs delete-table txn_items
\! node test/tools/fixture.mjs delete-table txn_orders
\! node test/tools/fixture.mjs delete-table txn_users
\! node test/tools/fixture.mjs delete-table txn_profiles
\! node test/tools/fixture.mjs delete-table txn_wallets
\! node test/tools/fixture.mjs delete-table txn_audit_logs
\! node test/tools/fixture.mjs delete-table txn_temp_registrations
