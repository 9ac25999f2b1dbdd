--
-- dml: INSERT, UPDATE, DELETE and RETURNING on DynamoDB foreign tables.
--
-- Every write is read back with the AWS SDK (test/tools/fixture.mjs prints
-- DynamoDB JSON, map keys and set members sorted), never through the FDW,
-- so what is checked is what DynamoDB stored.  Statements here run in
-- autocommit: each one's writes reach DynamoDB when it ends.  Transactions
-- (merging, savepoints, batches) are in txn.sql.  Every DynamoDB table here
-- starts with dml_ and is deleted at the end.
--
\set VERBOSITY terse
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
RESET client_min_messages;
\getenv ddb_endpoint DYNAMO_ENDPOINT

-- key id (S)
\! node test/tools/fixture.mjs create-table test/data/dml/dml_types.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items dml_types test/data/dml/dml_types.items.json
-- key PK (S), SK (N)
\! node test/tools/fixture.mjs create-table test/data/dml/dml_comp.table.json --replace > /dev/null
-- key h (B)
\! node test/tools/fixture.mjs create-table test/data/dml/dml_bin.table.json --replace > /dev/null
-- key PK (S), SK (S), a single-table design read through a document column
\! node test/tools/fixture.mjs create-table test/data/dml/dml_doc.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items dml_doc test/data/dml/dml_doc.items.json

CREATE SERVER dml_ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (endpoint :'ddb_endpoint', region 'us-east-1');
CREATE USER MAPPING FOR CURRENT_USER SERVER dml_ddb
  OPTIONS (access_key_id 'AKIDDMLTEST', secret_access_key 'dml-secret');

-- one column of each type; "Other Name" through column_name; no document
-- column, so attributes like "unmapped" are invisible here
CREATE FOREIGN TABLE types (
  id text,
  s text,
  n numeric,
  i2 int2,
  i4 int4,
  i8 int8,
  f8 float8,
  b boolean,
  by bytea,
  j jsonb,
  js json,
  ss text[],
  ns numeric[],
  ints int[],
  bs bytea[],
  d date,
  other text OPTIONS (column_name 'Other Name')
) SERVER dml_ddb OPTIONS (table_name 'dml_types');

--
-- INSERT: every type, as DynamoDB stores it
--
INSERT INTO types VALUES
  ('all', 'text', 12345678901234567890123456789012345678, -32768, 2147483647,
   -9223372036854775808, 0.1, true, '\x00ff10',
   '{"big": 123456789012345678901234567890.12345678, "neg": -0.5, "zero": 0, "e": 1e30,
     "l": [1, "a", null, true, false, {"m": [2.50]}], "o": {}, "a": [], "s": ""}',
   '{"k": [1.000, "x"]}',
   '{b,a,""}', '{1.5,-2,1e-5,100}', '{3,1,2}', '{"\\x01","\\x","\\xfeed"}',
   '2024-02-29', 'spaced out')
RETURNING id, n, j, ss, bs;
-- NULL and empty arrays write no attribute at all (DynamoDB has no empty set)
INSERT INTO types (id, s, ss, ns, bs, j) VALUES ('sparse', NULL, '{}', '{}', '{}', NULL);
-- empty strings and binaries are values, not NULL
INSERT INTO types (id, s, by, j) VALUES ('empty', '', '', '""');
-- 38 significant digits, the smallest and largest magnitudes, trailing zeros
INSERT INTO types (id, n, ns) VALUES
  ('num', -0.00000000000000000000000000000000000001234567890123456789012345678901234567,
   '{1E-130,9.9999999999999999999999999999999999999E+125,1.50,100000000000000000000000000000000000000000}');
-- jsonb scalars and arrays at the top: S, N, BOOL, NULL, L
INSERT INTO types (id, j) VALUES ('j-num', '42.0'), ('j-arr', '[[], {}, [null]]'),
  ('j-null', 'null'), ('j-bool', 'false');
-- as DynamoDB stored them (keep-1 was loaded with the SDK)
\! node test/tools/fixture.mjs scan dml_types
-- what the FDW reads back matches
SELECT id, n, i2, i4, i8, f8, b, by, j, js, ss, ns, ints, bs, d, other
  FROM types WHERE id = 'all';

-- dates, times and floats are written in one form whatever the session's
-- DateStyle, TimeZone and extra_float_digits: ISO, UTC, shortest exact
CREATE FOREIGN TABLE times (
  id text, d date, ts timestamptz, t timestamp, tt timetz, iv interval, f4 float4,
  f8 float8, ds date[]
) SERVER dml_ddb OPTIONS (table_name 'dml_types');
SET datestyle = 'Postgres, DMY';
SET timezone = 'Asia/Tokyo';
SET intervalstyle = 'sql_standard';
SET extra_float_digits = -10;
INSERT INTO times VALUES ('times', '2024-02-29', '2024-02-29 10:00:00.5+01',
  '2024-02-29 23:59:59', '10:00+05:30', '1 day 2 hours', 0.1, 0.1::float8 + 0.2,
  '{2024-01-02,2024-12-31}')
  RETURNING *;
\! node test/tools/fixture.mjs get-item dml_types '{"id":{"S":"times"}}'
SELECT * FROM times WHERE id = 'times';
RESET datestyle;
RESET timezone;
RESET intervalstyle;
RESET extra_float_digits;
SELECT * FROM times WHERE id = 'times';

-- values DynamoDB cannot hold are refused at the row, naming the column
INSERT INTO types (id, n) VALUES ('bad', 123456789012345678901234567890123456789);
INSERT INTO types (id, n) VALUES ('bad', 1E126);
INSERT INTO types (id, n) VALUES ('bad', 1E-131);
INSERT INTO types (id, n) VALUES ('bad', 'NaN');
INSERT INTO types (id, f8) VALUES ('bad', 'Infinity');
INSERT INTO types (id, f8) VALUES ('bad', 1e300);
INSERT INTO types (id, j) VALUES ('bad', '{"x": 1e200}');
INSERT INTO types (id, j) VALUES ('bad', '{"a": {"": 1}}');
INSERT INTO types (id, ss) VALUES ('bad', '{a,NULL}');
INSERT INTO types (id, ss) VALUES ('bad', '{a,b,a}');
INSERT INTO types (id, ns) VALUES ('bad', '{1.0,1}');
INSERT INTO types (id, bs) VALUES ('bad', '{"\\x01","\\x01"}');
-- an item over DynamoDB's 400 KB limit is refused at the row, naming it
\set VERBOSITY default
INSERT INTO types (id, s) VALUES ('too-big', repeat('x', 409600));
UPDATE types SET s = repeat('x', 409600) WHERE id = 'all';
\set VERBOSITY terse

--
-- keys
--
-- an INSERT of an item that exists is a unique violation naming the item
\set VERBOSITY default
INSERT INTO types (id, s) VALUES ('keep-1', 'clobber?');
\set VERBOSITY terse
-- two rows with one key in one statement: the second is the duplicate, and
-- the statement writes nothing
\set VERBOSITY default
INSERT INTO types (id, s) VALUES ('twice', 'first'), ('twice', 'second');
\set VERBOSITY terse
-- NULL, empty and wrongly typed keys are refused before anything is sent
INSERT INTO types (id, s) VALUES (NULL, 'no key');
INSERT INTO types (id, s) VALUES ('', 'empty key');
-- none of these wrote anything ("bad", "twice" absent; keep-1 unchanged)
\! node test/tools/fixture.mjs scan dml_types

--
-- ON CONFLICT DO NOTHING: an existing item is skipped, a new one written
--
INSERT INTO types (id, s) VALUES ('keep-1', 'skipped'), ('fresh', 'written')
  ON CONFLICT DO NOTHING RETURNING id, s;
-- twice in one statement: the first row wins, the second is skipped
INSERT INTO types (id, s) VALUES ('dup-dn', 'one'), ('dup-dn', 'two')
  ON CONFLICT DO NOTHING RETURNING id, s;
-- keep-1 unchanged, fresh and dup-dn ("one") written
\! node test/tools/fixture.mjs scan dml_types
-- DO UPDATE needs a unique index, which a foreign table cannot have
INSERT INTO types (id, s) VALUES ('keep-1', 'x') ON CONFLICT (id) DO UPDATE SET s = 'y';

--
-- UPDATE: SET what changed, REMOVE what became NULL, keep what no column maps
--
UPDATE types SET s = 'new', n = n + 0.5, b = NULL, ss = '{x,y}', other = 'renamed'
 WHERE id = 'keep-1' RETURNING id, s, n, b, ss, other;
\! node test/tools/fixture.mjs get-item dml_types '{"id":{"S":"keep-1"}}'
-- an empty array removes the attribute
UPDATE types SET ss = '{}', ns = '{}' WHERE id = 'keep-1';
-- every type, through a Scan
UPDATE types SET i2 = i2 + 1, i8 = i8 + 1, f8 = f8 * 2, by = by || '\x01',
       j = j || '{"added": [1.10]}', ints = ints || 4, d = d + 1
 WHERE s = 'text' RETURNING id, i2, i8, f8, by, j->'added', ints, d;
-- no row matches: nothing is sent
UPDATE types SET s = 'nobody' WHERE id = 'no-such-item';
-- the key cannot change; setting it to itself is no change
UPDATE types SET id = 'other' WHERE id = 'fresh';
UPDATE types SET id = id, s = 'same key' WHERE id = 'fresh';
-- a bad value is refused at the row
UPDATE types SET n = 'NaN' WHERE id = 'fresh';
-- keep-1: ss and ns removed, unmapped attributes kept; all: every type
-- changed; no "no-such-item"; fresh: "same key"
\! node test/tools/fixture.mjs scan dml_types

--
-- DELETE, and RETURNING the deleted row
--
DELETE FROM types WHERE id = 'sparse';
DELETE FROM types WHERE id IN ('empty', 'dup-dn') RETURNING id, s, by;
DELETE FROM types WHERE id = 'no-such-item' RETURNING id;
\! node test/tools/fixture.mjs scan dml_types

--
-- a composite key with a numeric sort key
--
CREATE FOREIGN TABLE comp (
  pk text OPTIONS (column_name 'PK'),
  sk int OPTIONS (column_name 'SK'),
  "size" text,
  qty int
) SERVER dml_ddb OPTIONS (table_name 'dml_comp');
INSERT INTO comp VALUES ('a', 1, 'S', 10), ('a', 2, 'M', 20), ('b', 1, 'L', NULL)
  RETURNING *;
\! node test/tools/fixture.mjs scan dml_comp
-- 1.50 and 1.5 are one DynamoDB number: one key
CREATE FOREIGN TABLE comp_num (
  pk text OPTIONS (column_name 'PK'),
  sk numeric OPTIONS (column_name 'SK'),
  "size" text
) SERVER dml_ddb OPTIONS (table_name 'dml_comp');
\set VERBOSITY default
INSERT INTO comp_num VALUES ('c', 1.5, 'one'), ('c', 1.50, 'two');
\set VERBOSITY terse
INSERT INTO comp_num VALUES ('c', 1.5, 'one');
-- a reserved word as attribute name; NULL removes it
UPDATE comp SET "size" = 'XL', qty = NULL WHERE pk = 'a' AND sk = 2 RETURNING *;
\! node test/tools/fixture.mjs scan dml_comp
-- the sort key cannot be NULL
INSERT INTO comp VALUES ('a', NULL, 'S', 1);
-- a text column cannot write a numeric key attribute
CREATE FOREIGN TABLE comp_bad (
  pk text OPTIONS (column_name 'PK'),
  sk text OPTIONS (column_name 'SK')
) SERVER dml_ddb OPTIONS (table_name 'dml_comp');
\set VERBOSITY default
INSERT INTO comp_bad VALUES ('a', '3');
\set VERBOSITY terse
DELETE FROM comp WHERE pk = 'a' RETURNING pk, sk;
\! node test/tools/fixture.mjs scan dml_comp

--
-- a binary key
--
CREATE FOREIGN TABLE bin (h bytea, v text) SERVER dml_ddb OPTIONS (table_name 'dml_bin');
INSERT INTO bin VALUES ('\xdeadbeef', 'one'), ('\x00', 'zero');
UPDATE bin SET v = 'ONE' WHERE h = '\xdeadbeef';
DELETE FROM bin WHERE h = '\x00';
INSERT INTO bin VALUES ('\x', 'empty key');
\! node test/tools/fixture.mjs scan dml_bin

--
-- the document column: the whole item, merged with the mapped columns
--
CREATE FOREIGN TABLE docs (
  pk text OPTIONS (column_name 'PK'),
  sk text OPTIONS (column_name 'SK'),
  status text,
  item jsonb OPTIONS (document 'true')
) SERVER dml_ddb OPTIONS (table_name 'dml_doc');
-- mapped columns win over the document's members; a NULL column leaves
-- the document's member alone
INSERT INTO docs VALUES ('USER#u2', 'PROFILE', 'active',
  '{"status": "ignored", "name": "Bo", "tags": ["a", "b"], "score": 12.50, "PK": "ignored too"}')
  RETURNING pk, sk, status, item;
INSERT INTO docs (pk, sk, status, item) VALUES ('USER#u3', 'PROFILE', NULL,
  '{"status": "from the document"}');
-- the key can come from the document alone
CREATE FOREIGN TABLE docs_only (item jsonb OPTIONS (document 'true'))
  SERVER dml_ddb OPTIONS (table_name 'dml_doc');
INSERT INTO docs_only VALUES ('{"PK": "USER#u4", "SK": "PROFILE", "n": 1}');
\! node test/tools/fixture.mjs scan dml_doc
-- ... and must be there, with the key's type, and the document an object
INSERT INTO docs_only VALUES ('{"PK": "USER#u5"}');
INSERT INTO docs_only VALUES ('{"PK": "USER#u5", "SK": 7}');
INSERT INTO docs_only VALUES ('{"PK": "USER#u5", "SK": null}');
INSERT INTO docs_only VALUES ('[1, 2]');
-- UPDATE of a mapped column keeps the rest of the item
UPDATE docs SET status = 'inactive' WHERE pk = 'USER#u1' AND sk = 'PROFILE';
\! node test/tools/fixture.mjs get-item dml_doc '{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"}}'
-- UPDATE of the document: SET what it changes or adds, REMOVE what it drops
UPDATE docs SET item = item - 'visits' || '{"prefs": {"theme": "light"}, "new": true}'
 WHERE pk = 'USER#u1' AND sk = 'PROFILE' RETURNING status, item;
\! node test/tools/fixture.mjs get-item dml_doc '{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"}}'
-- both at once: the column wins for its attribute
UPDATE docs SET status = 'column', item = item || '{"status": "document", "x": 1}'
 WHERE pk = 'USER#u1' AND sk = 'PROFILE';
\! node test/tools/fixture.mjs get-item dml_doc '{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"}}'
-- the key in the document cannot change
UPDATE docs_only SET item = item || '{"SK": "OTHER"}' WHERE item->>'PK' = 'USER#u4';
DELETE FROM docs WHERE pk = 'USER#u4' RETURNING item;
\! node test/tools/fixture.mjs scan dml_doc

-- DynamoDB nests maps and lists 31 deep at most (DynamoDB Local refuses
-- one level more): written, read back by the SDK (30 maps, then the list),
-- and read again through Scan, GetItem and BatchGetItem
CREATE FOREIGN TABLE deep (
  pk text OPTIONS (column_name 'PK'),
  sk text OPTIONS (column_name 'SK'),
  n int,
  doc jsonb
) SERVER dml_ddb OPTIONS (table_name 'dml_doc');
INSERT INTO deep SELECT 'DEEP#' || n, 'A', n,
  (repeat('{"k": ', n) || '[1, "leaf"]' || repeat('}', n))::jsonb
  FROM (VALUES (15), (30)) v(n);
\! node test/tools/fixture.mjs get-item dml_doc '{"PK":{"S":"DEEP#30"},"SK":{"S":"A"}}' | grep -o '"M":' | wc -l
SELECT pk, doc #> array_fill('k'::text, ARRAY[n]) AS innermost,
       doc = (repeat('{"k": ', n) || '[1, "leaf"]' || repeat('}', n))::jsonb AS same
  FROM deep WHERE pk LIKE 'DEEP#%' ORDER BY pk;
SELECT pk, doc #> array_fill('k'::text, ARRAY[n]) AS innermost
  FROM deep WHERE pk = 'DEEP#30' AND sk = 'A';
SELECT pk, doc #> array_fill('k'::text, ARRAY[n]) AS innermost FROM deep
  WHERE pk IN ('DEEP#15', 'DEEP#30') AND sk = 'A' ORDER BY pk;
DELETE FROM deep WHERE pk LIKE 'DEEP#%';

-- clean up, in PostgreSQL and in DynamoDB Local
SET client_min_messages = warning;
DROP SERVER dml_ddb CASCADE;
RESET client_min_messages;
\! node test/tools/fixture.mjs delete-table dml_types
\! node test/tools/fixture.mjs delete-table dml_comp
\! node test/tools/fixture.mjs delete-table dml_bin
\! node test/tools/fixture.mjs delete-table dml_doc
