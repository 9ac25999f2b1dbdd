--
-- bad_input: inputs dynamo_fdw must refuse.  Each block shows the error and
-- its SQLSTATE; after each group of writes the SDK reads the table back
-- (test/tools/fixture.mjs) to show that nothing was written.
--
-- Option names and values the validator refuses at CREATE/ALTER are in
-- options.sql; this test adds the values options.sql does not try and the
-- options only DynamoDB can judge.
--
\set VERBOSITY default
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
RESET client_min_messages;
\getenv ddb_endpoint DYNAMO_ENDPOINT

\! node test/tools/fixture.mjs create-table test/data/bad_input/bi_app.table.json --replace > /dev/null
\! node test/tools/fixture.mjs create-table test/data/bad_input/bi_num.table.json --replace > /dev/null
\! node test/tools/fixture.mjs create-table test/data/bad_input/bi_types.table.json --replace > /dev/null
\! node test/tools/fixture.mjs create-table test/data/bad_input/bi_gone.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items bi_types test/data/bad_input/bi_types.items.json
\! echo '{"PK": "seed", "SK": "0", "note": "untouched"}' | node test/tools/fixture.mjs put-items bi_app - --plain
\! echo '{"id": 1}' | node test/tools/fixture.mjs put-items bi_num - --plain
\! echo '{"pk": "here"}' | node test/tools/fixture.mjs put-items bi_gone - --plain

CREATE SERVER bi_ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (endpoint :'ddb_endpoint', region 'us-east-1');
CREATE USER MAPPING FOR CURRENT_USER SERVER bi_ddb
  OPTIONS (access_key_id 'AKIDBADINPUT', secret_access_key 'bad-input-secret');

---------------------------------------------------------------------------
-- 1. Options (beyond options.sql)
---------------------------------------------------------------------------
CREATE SERVER bi_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (request_cost 'cheap');
\echo SQLSTATE :SQLSTATE
CREATE SERVER bi_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (item_cost 'NaN');
\echo SQLSTATE :SQLSTATE
CREATE SERVER bi_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (connect_timeout '86401');
\echo SQLSTATE :SQLSTATE
CREATE SERVER bi_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (request_timeout 'Infinity');
\echo SQLSTATE :SQLSTATE
CREATE SERVER bi_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (max_attempts '1001');
\echo SQLSTATE :SQLSTATE
CREATE SERVER bi_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (max_attempts '2.5');
\echo SQLSTATE :SQLSTATE
CREATE SERVER bi_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (region '');
\echo SQLSTATE :SQLSTATE
CREATE SERVER bi_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint '');
\echo SQLSTATE :SQLSTATE
CREATE SERVER bi_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (region 'us-east-1', region 'us-west-2');
\echo SQLSTATE :SQLSTATE
CREATE SERVER bi_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (region 'us-east-1');
-- user mapping: a secret without its key id, empty strings, an unknown name
CREATE USER MAPPING FOR CURRENT_USER SERVER bi_bad OPTIONS (secret_access_key 'only-the-secret');
\echo SQLSTATE :SQLSTATE
CREATE USER MAPPING FOR CURRENT_USER SERVER bi_bad OPTIONS (session_token '');
\echo SQLSTATE :SQLSTATE
CREATE USER MAPPING FOR CURRENT_USER SERVER bi_bad OPTIONS (profile '');
\echo SQLSTATE :SQLSTATE
CREATE USER MAPPING FOR CURRENT_USER SERVER bi_bad OPTIONS (role_arn '');
\echo SQLSTATE :SQLSTATE
CREATE USER MAPPING FOR CURRENT_USER SERVER bi_bad OPTIONS (allow_ambient_credentials 'perhaps');
\echo SQLSTATE :SQLSTATE
CREATE USER MAPPING FOR CURRENT_USER SERVER bi_bad OPTIONS (password 'x');
\echo SQLSTATE :SQLSTATE
-- foreign table and column: empty and out-of-range values
CREATE FOREIGN TABLE bi_bad_t (pk text) SERVER bi_bad OPTIONS (partition_key '');
\echo SQLSTATE :SQLSTATE
CREATE FOREIGN TABLE bi_bad_t (pk text) SERVER bi_bad OPTIONS (sort_key '');
\echo SQLSTATE :SQLSTATE
CREATE FOREIGN TABLE bi_bad_t (pk text) SERVER bi_bad OPTIONS (scan_segments '0');
\echo SQLSTATE :SQLSTATE
CREATE FOREIGN TABLE bi_bad_t (pk text) SERVER bi_bad OPTIONS (scan_segments 'all');
\echo SQLSTATE :SQLSTATE
CREATE FOREIGN TABLE bi_bad_t (pk text OPTIONS (column_name '')) SERVER bi_bad;
\echo SQLSTATE :SQLSTATE
CREATE FOREIGN TABLE bi_bad_t (pk text OPTIONS (document '')) SERVER bi_bad;
\echo SQLSTATE :SQLSTATE
DROP SERVER bi_bad;

-- Options only DynamoDB can judge, checked at the first query.
-- A table name DynamoDB cannot have (too long):
SELECT format('CREATE FOREIGN TABLE bi_bad_t (pk text) SERVER bi_ddb OPTIONS (table_name %L)',
              repeat('t', 256)) \gexec
SELECT * FROM bi_bad_t;
\echo SQLSTATE :SQLSTATE
DROP FOREIGN TABLE bi_bad_t;
-- document on a column that is not jsonb
CREATE FOREIGN TABLE bi_bad_t (pk text OPTIONS (document 'true')) SERVER bi_ddb
  OPTIONS (table_name 'bi_types');
SELECT * FROM bi_bad_t;
\echo SQLSTATE :SQLSTATE
DROP FOREIGN TABLE bi_bad_t;
-- two columns on one attribute: an INSERT could write only one of them
CREATE FOREIGN TABLE bi_bad_t (pk text, other text OPTIONS (column_name 'pk')) SERVER bi_ddb
  OPTIONS (table_name 'bi_types');
SELECT * FROM bi_bad_t WHERE pk = 'ok';
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_bad_t VALUES ('twice-1', 'twice-2');
\echo SQLSTATE :SQLSTATE
DROP FOREIGN TABLE bi_bad_t;
-- partition_key / sort_key that are not DynamoDB's key: refused, and they
-- do not leak into other foreign tables on the same DynamoDB table
CREATE FOREIGN TABLE bi_bad_t (pk text, t text) SERVER bi_ddb
  OPTIONS (table_name 'bi_types', partition_key 't');
SELECT * FROM bi_bad_t WHERE t = 'text';
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_bad_t VALUES ('wrong-key', 'x');
\echo SQLSTATE :SQLSTATE
ALTER FOREIGN TABLE bi_bad_t OPTIONS (DROP partition_key, ADD sort_key 't');
SELECT * FROM bi_bad_t WHERE pk = 'ok';
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_bad_t VALUES ('wrong-key', 'x');
\echo SQLSTATE :SQLSTATE
ALTER FOREIGN TABLE bi_bad_t OPTIONS (SET sort_key 'pk');
SELECT * FROM bi_bad_t WHERE pk = 'ok';
\echo SQLSTATE :SQLSTATE
ALTER FOREIGN TABLE bi_bad_t OPTIONS (DROP sort_key, ADD partition_key 'pk');
SELECT * FROM bi_bad_t WHERE pk = 'ok';
DROP FOREIGN TABLE bi_bad_t;
-- nothing was written by the refused INSERTs
\! node test/tools/fixture.mjs count bi_types

---------------------------------------------------------------------------
-- 2. DynamoDB values a column cannot hold (reads): an error naming the
--    table, column and key, never a NULL or a rounded value
---------------------------------------------------------------------------
CREATE TYPE bi_color AS ENUM ('red', 'green');
CREATE FOREIGN TABLE bi_types (
  pk text, n numeric, i2 int2, i4 int4, i8 int8, f4 float4, b boolean, t text,
  j jsonb, d date, u uuid, e bi_color, ta text[], ia int[], by bytea
) SERVER bi_ddb;
-- the wrong key options above left DynamoDB's key schema alone: GetItem
EXPLAIN (COSTS OFF) SELECT * FROM bi_types WHERE pk = 'ok';
SELECT * FROM bi_types WHERE pk = 'ok';
SELECT e FROM bi_types WHERE pk = 'ok-enum';
SELECT n FROM bi_types WHERE pk = 'str-in-numeric';
\echo SQLSTATE :SQLSTATE
SELECT n FROM bi_types WHERE pk = 'numstr-in-numeric';
\echo SQLSTATE :SQLSTATE
SELECT i2 FROM bi_types WHERE pk = 'int2-overflow';
\echo SQLSTATE :SQLSTATE
SELECT i4 FROM bi_types WHERE pk = 'int4-overflow';
\echo SQLSTATE :SQLSTATE
SELECT i8 FROM bi_types WHERE pk = 'int8-overflow';
\echo SQLSTATE :SQLSTATE
SELECT i4 FROM bi_types WHERE pk = 'int4-fraction';
\echo SQLSTATE :SQLSTATE
SELECT f4 FROM bi_types WHERE pk = 'float4-overflow';
\echo SQLSTATE :SQLSTATE
SELECT b FROM bi_types WHERE pk = 'num-in-bool';
\echo SQLSTATE :SQLSTATE
SELECT b FROM bi_types WHERE pk = 'str-in-bool';
\echo SQLSTATE :SQLSTATE
SELECT t FROM bi_types WHERE pk = 'bin-in-text';
\echo SQLSTATE :SQLSTATE
SELECT t FROM bi_types WHERE pk = 'map-in-text';
\echo SQLSTATE :SQLSTATE
SELECT t FROM bi_types WHERE pk = 'nul-in-text';
\echo SQLSTATE :SQLSTATE
SELECT d FROM bi_types WHERE pk = 'bad-date';
\echo SQLSTATE :SQLSTATE
SELECT u FROM bi_types WHERE pk = 'bad-uuid';
\echo SQLSTATE :SQLSTATE
SELECT e FROM bi_types WHERE pk = 'bad-enum';
\echo SQLSTATE :SQLSTATE
SELECT ta FROM bi_types WHERE pk = 'ns-in-textarr';
\echo SQLSTATE :SQLSTATE
SELECT ia FROM bi_types WHERE pk = 'ss-in-intarr';
\echo SQLSTATE :SQLSTATE
SELECT ia FROM bi_types WHERE pk = 'big-in-intarr';
\echo SQLSTATE :SQLSTATE
SELECT by FROM bi_types WHERE pk = 'str-in-bytea';
\echo SQLSTATE :SQLSTATE
-- a string in a jsonb column is a JSON string, never parsed as JSON
SELECT j, jsonb_typeof(j) FROM bi_types WHERE pk = 'str-in-jsonb';
-- a Scan stops at the first item that does not fit: no partial answer
SELECT count(i2) FROM bi_types;
\echo SQLSTATE :SQLSTATE
-- the same through a filter that DynamoDB evaluates (1.5 < 2 passes it)
SELECT pk FROM bi_types WHERE i4 < 2;
\echo SQLSTATE :SQLSTATE

---------------------------------------------------------------------------
-- 3. Values DynamoDB cannot store (writes)
---------------------------------------------------------------------------
CREATE FOREIGN TABLE bi_app (
  pk text OPTIONS (column_name 'PK'),
  sk text OPTIONS (column_name 'SK'),
  gsi1pk text OPTIONS (column_name 'GSI1PK'),
  n numeric, f8 float8, j jsonb, ta text[], note text
) SERVER bi_ddb;
-- refused before anything is buffered
INSERT INTO bi_app (pk, sk, n) VALUES ('w', 'nan', 'NaN');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_app (pk, sk, f8) VALUES ('w', 'inf', '-Infinity');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_app (pk, sk, ta) VALUES ('w', 'null-member', ARRAY['a', NULL]);
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_app (pk, sk, ta) VALUES ('w', 'dup-member', ARRAY['a', 'b', 'a']);
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_app (pk, sk, j) VALUES ('w', 'bad-json', '{"a": ');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_app (pk, sk, n) VALUES ('w', 'not-a-number', 'abc');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_app (pk, sk, n) VALUES ('w', 'too-big', 1e126);
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_app (pk, sk, n) VALUES ('w', 'too-small', 1e-131);
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_app (pk, sk, n) VALUES ('w', '39-digits', 123456789012345678901234567890123456789);
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_app (pk, sk, j) VALUES ('w', 'json-too-big', '{"a": [1, 1e200]}');
\echo SQLSTATE :SQLSTATE
-- an empty JSON object key: DynamoDB refuses it as an attribute name, so it is refused at the row
INSERT INTO bi_app (pk, sk, j) VALUES ('w', 'json-empty-name', '{"": 1}');
\echo SQLSTATE :SQLSTATE
-- an item over 400 KB
INSERT INTO bi_app (pk, sk, note) VALUES ('w', 'huge', repeat('x', 410000));
\echo SQLSTATE :SQLSTATE
UPDATE bi_app SET note = repeat('y', 410000) WHERE pk = 'seed' AND sk = '0';
\echo SQLSTATE :SQLSTATE
UPDATE bi_app SET n = 'NaN' WHERE pk = 'seed' AND sk = '0';
\echo SQLSTATE :SQLSTATE
-- one bad item takes the good ones of its transaction with it
BEGIN;
INSERT INTO bi_app (pk, sk) VALUES ('w', 'good-1');
UPDATE bi_app SET note = 'changed' WHERE pk = 'seed' AND sk = '0';
INSERT INTO bi_app (pk, sk, note) VALUES ('w', 'huge', repeat('x', 410000));
INSERT INTO bi_app (pk, sk) VALUES ('w', 'good-2');
COMMIT;
\echo SQLSTATE :SQLSTATE
\! node test/tools/fixture.mjs scan bi_app

---------------------------------------------------------------------------
-- 4. Keys: NULL, empty, missing, wrongly typed, changed, repeated
---------------------------------------------------------------------------
INSERT INTO bi_app (pk, sk) VALUES (NULL, '1');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_app (pk) VALUES ('no-sort-key');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_app (pk, sk) VALUES ('', '1');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_app (pk, sk) VALUES ('k', '');
\echo SQLSTATE :SQLSTATE
-- an index key cannot be empty either (DynamoDB says so at commit)
INSERT INTO bi_app (pk, sk, gsi1pk) VALUES ('k', 'empty-gsi-key', '');
\echo SQLSTATE :SQLSTATE
UPDATE bi_app SET gsi1pk = '' WHERE pk = 'seed' AND sk = '0';
\echo SQLSTATE :SQLSTATE
UPDATE bi_app SET pk = NULL WHERE pk = 'seed' AND sk = '0';
\echo SQLSTATE :SQLSTATE
UPDATE bi_app SET sk = '' WHERE pk = 'seed' AND sk = '0';
\echo SQLSTATE :SQLSTATE
UPDATE bi_app SET pk = 'moved' WHERE pk = 'seed' AND sk = '0';
\echo SQLSTATE :SQLSTATE
-- two rows with one key in one statement
INSERT INTO bi_app (pk, sk) VALUES ('k', 'twice'), ('k', 'twice');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_app (pk, sk) SELECT 'k', 'same' FROM generate_series(1, 3);
\echo SQLSTATE :SQLSTATE
-- ... and a row whose key already exists, among new ones
INSERT INTO bi_app (pk, sk) VALUES ('k', 'new'), ('seed', '0');
\echo SQLSTATE :SQLSTATE
-- a document column must hold an object with the key
CREATE FOREIGN TABLE bi_doc (d jsonb OPTIONS (document 'true')) SERVER bi_ddb
  OPTIONS (table_name 'bi_app');
INSERT INTO bi_doc VALUES ('[1, 2]');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_doc VALUES ('{"PK": "d"}');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_doc VALUES ('{"PK": "d", "SK": 5}');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_doc VALUES ('{"PK": "d", "SK": null}');
\echo SQLSTATE :SQLSTATE
DROP FOREIGN TABLE bi_doc;
-- a table without a column for the sort key cannot be written
CREATE FOREIGN TABLE bi_nosk (pk text OPTIONS (column_name 'PK')) SERVER bi_ddb
  OPTIONS (table_name 'bi_app');
INSERT INTO bi_nosk VALUES ('k');
\echo SQLSTATE :SQLSTATE
DROP FOREIGN TABLE bi_nosk;
\! node test/tools/fixture.mjs scan bi_app

-- bi_num's key "id" is a number (N)
CREATE FOREIGN TABLE bi_num_text (id text) SERVER bi_ddb OPTIONS (table_name 'bi_num');
CREATE FOREIGN TABLE bi_num_int (id int) SERVER bi_ddb OPTIONS (table_name 'bi_num');
CREATE FOREIGN TABLE bi_num_bytea (id bytea) SERVER bi_ddb OPTIONS (table_name 'bi_num');
INSERT INTO bi_num_text VALUES ('abc');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_num_text VALUES ('2');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_num_bytea VALUES ('\x01');
\echo SQLSTATE :SQLSTATE
DELETE FROM bi_num_text;
\echo SQLSTATE :SQLSTATE
SELECT id FROM bi_num_text;
\echo SQLSTATE :SQLSTATE
-- a condition on that column is not sent (a string never equals a number
-- key, which would give no rows): it is checked here, and reading fails
EXPLAIN (COSTS OFF) SELECT id FROM bi_num_text WHERE id = '1';
SELECT id FROM bi_num_text WHERE id = '1';
\echo SQLSTATE :SQLSTATE
SELECT count(*) FROM bi_num_text WHERE id = '1';
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_num_int VALUES ('abc');
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_num_int VALUES (NULL);
\echo SQLSTATE :SQLSTATE
-- key values DynamoDB cannot hold, in a lookup
CREATE FOREIGN TABLE bi_num_numeric (id numeric) SERVER bi_ddb OPTIONS (table_name 'bi_num');
SELECT id FROM bi_num_numeric WHERE id = 'NaN';
\echo SQLSTATE :SQLSTATE
SELECT id FROM bi_num_numeric WHERE id IN (1, 'NaN');
\echo SQLSTATE :SQLSTATE
SELECT id FROM bi_num_numeric WHERE id = 1e200;
\echo SQLSTATE :SQLSTATE
SELECT id FROM bi_num_numeric WHERE id = 1;
\! node test/tools/fixture.mjs scan bi_num

---------------------------------------------------------------------------
-- 5. More than 100 actions under strict atomicity: refused before anything
--    is sent
---------------------------------------------------------------------------
SET dynamo_fdw.strict_atomicity = on;
INSERT INTO bi_app (pk, sk) SELECT 'many', g::text FROM generate_series(1, 101) g;
\echo SQLSTATE :SQLSTATE
BEGIN;
INSERT INTO bi_app (pk, sk) SELECT 'many', g::text FROM generate_series(1, 60) g;
UPDATE bi_app SET note = 'changed' WHERE pk = 'seed' AND sk = '0';
INSERT INTO bi_app (pk, sk) SELECT 'many', g::text FROM generate_series(61, 101) g;
\echo SQLSTATE :SQLSTATE
COMMIT;
-- 100 exactly is one request, and fine
BEGIN;
INSERT INTO bi_app (pk, sk) SELECT 'many', g::text FROM generate_series(1, 100) g;
ROLLBACK;
RESET dynamo_fdw.strict_atomicity;
\! node test/tools/fixture.mjs count bi_app

---------------------------------------------------------------------------
-- 6. Missing tables and indexes
---------------------------------------------------------------------------
CREATE FOREIGN TABLE bi_missing (pk text, sk text) SERVER bi_ddb
  OPTIONS (table_name 'bi_no_such_table');
SELECT * FROM bi_missing;
\echo SQLSTATE :SQLSTATE
SELECT * FROM bi_missing WHERE pk = 'a' AND sk = 'b';
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_missing VALUES ('a', 'b');
\echo SQLSTATE :SQLSTATE
DELETE FROM bi_missing WHERE pk = 'a';
\echo SQLSTATE :SQLSTATE
DROP FOREIGN TABLE bi_missing;

-- a table deleted during the session (its metadata is cached)
CREATE FOREIGN TABLE bi_gone (pk text) SERVER bi_ddb;
SELECT pk FROM bi_gone;
\! node test/tools/fixture.mjs delete-table bi_gone
SELECT pk FROM bi_gone;
\echo SQLSTATE :SQLSTATE
SELECT pk FROM bi_gone WHERE pk = 'here';
\echo SQLSTATE :SQLSTATE
INSERT INTO bi_gone VALUES ('new');
\echo SQLSTATE :SQLSTATE
-- deleted between a buffered write and COMMIT
\! node test/tools/fixture.mjs create-table test/data/bad_input/bi_gone.table.json
SELECT pk FROM bi_gone;
BEGIN;
INSERT INTO bi_gone VALUES ('buffered');
\! node test/tools/fixture.mjs delete-table bi_gone
COMMIT;
\echo SQLSTATE :SQLSTATE
-- recreated with another key type: the cached key type is stale
\! node test/tools/fixture.mjs create-table test/data/bad_input/bi_gone.table.json
SELECT pk FROM bi_gone WHERE pk = 'x';
\! node test/tools/fixture.mjs delete-table bi_gone
\! node test/tools/fixture.mjs create-table test/data/bad_input/bi_gone_numeric.table.json
SELECT pk FROM bi_gone WHERE pk = 'x';
\echo SQLSTATE :SQLSTATE
-- that error made the session describe the table anew
INSERT INTO bi_gone VALUES ('x');
\echo SQLSTATE :SQLSTATE
\! node test/tools/fixture.mjs scan bi_gone

-- an index deleted while the table's metadata is cached: the query that
-- meets it fails clearly, the next one plans without it
EXPLAIN (COSTS OFF) SELECT pk FROM bi_app WHERE gsi1pk = 'g';
SELECT pk FROM bi_app WHERE gsi1pk = 'g';
\! node test/tools/delete_index.mjs bi_app GSI1
SELECT pk FROM bi_app WHERE gsi1pk = 'g';
\echo SQLSTATE :SQLSTATE
EXPLAIN (COSTS OFF) SELECT pk FROM bi_app WHERE gsi1pk = 'g';
SELECT pk FROM bi_app WHERE gsi1pk = 'g';

DROP SERVER bi_ddb CASCADE;
DROP TYPE bi_color;
\! node test/tools/fixture.mjs delete-table bi_app > /dev/null
\! node test/tools/fixture.mjs delete-table bi_num > /dev/null
\! node test/tools/fixture.mjs delete-table bi_types > /dev/null
\! node test/tools/fixture.mjs delete-table bi_gone > /dev/null
