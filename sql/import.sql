--
-- import: IMPORT FOREIGN SCHEMA, one foreign table per DynamoDB table.
--
-- Keys are typed from DescribeTable's attribute definitions (S text,
-- N numeric, B bytea) and NOT NULL; index keys are typed and nullable;
-- sampled attributes get typed columns when their type is consistent (jsonb
-- when it is not); a jsonb document column holds the whole item.  LIMIT TO
-- and EXCEPT name DynamoDB tables as DynamoDB spells them.  Every DynamoDB
-- table here starts with imp_, and all of them are deleted at the end, so
-- other suites sharing DynamoDB Local never see them.
--
\set VERBOSITY terse
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
RESET client_min_messages;
\getenv ddb_endpoint DYNAMO_ENDPOINT

-- composite key (S, N) with a KEYS_ONLY GSI and an INCLUDE LSI
\! node test/tools/fixture.mjs create-table test/data/import/imp_composite.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items imp_composite test/data/import/imp_composite.items.json
-- numeric partition key only, with a binary-keyed INCLUDE GSI
\! node test/tools/fixture.mjs create-table test/data/import/imp_numkey.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items imp_numkey test/data/import/imp_numkey.items.json
-- binary partition key, numeric sort key
\! node test/tools/fixture.mjs create-table test/data/import/imp_binkey.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items imp_binkey test/data/import/imp_binkey.items.json
-- TypeDORM's single-table design: PK, SK and GSI1 (GSI1PK, GSI1SK)
\! node test/tools/fixture.mjs create-table test/data/import/imp_typedorm.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items imp_typedorm test/data/import/imp_typedorm.items.json
-- one attribute of each DynamoDB type, for sampling
\! node test/tools/fixture.mjs create-table test/data/import/imp_sampled.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items imp_sampled test/data/import/imp_sampled.items.json
-- upper case, dash, dot, space, reserved words, Unicode, a system column
-- name and a 70-byte name
\! node test/tools/fixture.mjs create-table test/data/import/imp_awkward.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items imp_Awkward-Names.v2 test/data/import/imp_awkward.items.json
-- a table name longer than PostgreSQL's 63 bytes, and two that agree on
-- their first 63 bytes
\! node test/tools/fixture.mjs create-table test/data/import/imp_long.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items imp_a_very_long_dynamodb_table_name_that_is_longer_than_postgresql_allows test/data/import/imp_long.items.json
\! node test/tools/fixture.mjs create-table test/data/import/imp_twin_one.table.json --replace > /dev/null
\! node test/tools/fixture.mjs create-table test/data/import/imp_twin_two.table.json --replace > /dev/null
-- an attribute called "document"; two attributes agreeing on 63 bytes
\! node test/tools/fixture.mjs create-table test/data/import/imp_doc_clash.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items imp_doc_clash test/data/import/imp_doc_clash.items.json
\! node test/tools/fixture.mjs create-table test/data/import/imp_attr_clash.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items imp_attr_clash test/data/import/imp_attr_clash.items.json
-- enough tables that ListTables needs a second page (100 names a page)
\! node test/data/import/page_tables.mjs create imp_page_ 105

CREATE SERVER imp_ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (endpoint :'ddb_endpoint', region 'us-east-1');
CREATE USER MAPPING FOR CURRENT_USER SERVER imp_ddb
  OPTIONS (access_key_id 'AKIDIMPORTTEST', secret_access_key 'import-secret');

-- What an import created, compactly: one line per column.
CREATE FUNCTION imp_columns(schema_name text)
RETURNS TABLE (foreign_table name, col name, type text, not_null boolean, options text[])
LANGUAGE sql AS $$
  SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
         a.attnotnull, a.attfdwoptions
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = schema_name AND a.attnum > 0 AND NOT a.attisdropped
   ORDER BY c.relname COLLATE "C", a.attnum
$$;

--
-- The main import: the remote schema name is free (dynamodb by convention).
--
CREATE SCHEMA imp;
IMPORT FOREIGN SCHEMA dynamodb
  LIMIT TO (imp_composite, imp_numkey, imp_binkey, imp_typedorm, imp_sampled,
            "imp_Awkward-Names.v2",
            imp_a_very_long_dynamodb_table_name_that_is_longer_than_postgresql_allows)
  FROM SERVER imp_ddb INTO imp;
SELECT c.relname, t.ftoptions
  FROM pg_foreign_table t JOIN pg_class c ON c.oid = t.ftrelid
 WHERE c.relnamespace = 'imp'::regnamespace
 ORDER BY c.relname COLLATE "C";
\d+ imp.imp_composite
\d+ imp.imp_numkey
\d+ imp.imp_binkey
\d+ imp.imp_typedorm
\d+ imp.imp_sampled
\d+ imp."imp_Awkward-Names.v2"
\d+ imp.imp_a_very_long_dynamodb_table_name_that_is_longer_than_postgre

-- every imported table reads
SELECT * FROM imp.imp_composite ORDER BY customer, order_no;
SELECT * FROM imp.imp_numkey ORDER BY id;
SELECT * FROM imp.imp_binkey ORDER BY version;
SELECT "PK", "SK", "GSI1PK", "GSI1SK", __en, status, total, "updatedAt"
  FROM imp.imp_typedorm ORDER BY "PK", "SK";
SELECT * FROM imp.imp_sampled ORDER BY id LIMIT 4;
SELECT * FROM imp."imp_Awkward-Names.v2" ORDER BY "select";
SELECT * FROM imp.imp_a_very_long_dynamodb_table_name_that_is_longer_than_postgre;

-- typed key columns push down: GetItem, Query on the GSI and on the LSI
EXPLAIN (VERBOSE, COSTS OFF)
SELECT status FROM imp.imp_composite WHERE customer = 'alice' AND order_no = 2;
SELECT status FROM imp.imp_composite WHERE customer = 'alice' AND order_no = 2;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT customer, order_no FROM imp.imp_composite WHERE status = 'open';
SELECT customer, order_no FROM imp.imp_composite WHERE status = 'open' ORDER BY 1, 2;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT order_no, total FROM imp.imp_composite
 WHERE customer = 'alice' AND placed_at LIKE '2024-02%';
SELECT order_no, total FROM imp.imp_composite
 WHERE customer = 'alice' AND placed_at LIKE '2024-02%';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT label FROM imp.imp_numkey WHERE code = '\xff';
SELECT label FROM imp.imp_numkey WHERE code = '\xff';
SELECT body FROM imp.imp_binkey WHERE hash = '\xdeadbeef' AND version = 2;
SELECT "Order-Id" FROM imp."imp_Awkward-Names.v2"
 WHERE "user" = 'u2' AND "créé le" LIKE '2024-02%';

-- TypeDORM: orders of a user by status, one Query on GSI1 with begins_with
EXPLAIN (VERBOSE, COSTS OFF)
SELECT "SK", status, total FROM imp.imp_typedorm
 WHERE "GSI1PK" = 'USER#user-1' AND "GSI1SK" LIKE 'ORDER#cancelled%';
SELECT "SK", status, total FROM imp.imp_typedorm
 WHERE "GSI1PK" = 'USER#user-1' AND "GSI1SK" LIKE 'ORDER#cancelled%'
 ORDER BY "SK";
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM imp.imp_typedorm
 WHERE "GSI1PK" = 'USER#user-1' AND "GSI1SK" LIKE 'ORDER#cancelled%';
SELECT document->>'id' AS id FROM imp.imp_typedorm
 WHERE "GSI1PK" = 'USER#user-1' AND "GSI1SK" LIKE 'ORDER#cancelled%'
 ORDER BY 1;

--
-- Import options
--
-- no sampling: keys, index keys and the document only
CREATE SCHEMA imp_keys;
IMPORT FOREIGN SCHEMA dynamodb LIMIT TO (imp_composite, imp_sampled)
  FROM SERVER imp_ddb INTO imp_keys OPTIONS (sample_size '0');
SELECT * FROM imp_columns('imp_keys');
-- no index keys, another document column name; every sampled attribute
CREATE SCHEMA imp_opts;
IMPORT FOREIGN SCHEMA dynamodb LIMIT TO (imp_composite, imp_sampled)
  FROM SERVER imp_ddb INTO imp_opts
  OPTIONS (import_index_keys 'false', document_column 'Item',
           sample_min_fraction '0');
SELECT * FROM imp_columns('imp_opts');
SELECT id, rare, "Item"->>'rare' AS in_item FROM imp_opts.imp_sampled
 WHERE rare IS NOT NULL;
-- attributes in every sampled item only, no document column
CREATE SCHEMA imp_nodoc;
IMPORT FOREIGN SCHEMA dynamodb LIMIT TO (imp_composite, imp_typedorm)
  FROM SERVER imp_ddb INTO imp_nodoc
  OPTIONS (import_document 'false', sample_min_fraction '1', sample_size '1000');
SELECT * FROM imp_columns('imp_nodoc');
SELECT * FROM imp_nodoc.imp_composite ORDER BY 1, 2;

-- bad options
\set VERBOSITY default
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_ddb INTO imp_keys
  OPTIONS (sample 'yes');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_ddb INTO imp_keys
  OPTIONS (sample_size 'many');
\set VERBOSITY terse
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_ddb INTO imp_keys
  OPTIONS (sample_size '-1');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_ddb INTO imp_keys
  OPTIONS (sample_size '100001');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_ddb INTO imp_keys
  OPTIONS (sample_size '10 items');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_ddb INTO imp_keys
  OPTIONS (sample_min_fraction '1.5');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_ddb INTO imp_keys
  OPTIONS (sample_min_fraction 'NaN');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_ddb INTO imp_keys
  OPTIONS (import_document 'maybe');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_ddb INTO imp_keys
  OPTIONS (import_index_keys '');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_ddb INTO imp_keys
  OPTIONS (document_column '');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_ddb INTO imp_keys
  OPTIONS (document_column 'a_document_column_name_longer_than_sixty_three_bytes_is_refused_');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_ddb INTO imp_keys
  OPTIONS (document_column 'xmin');

--
-- Names that collide are errors naming both DynamoDB names.
--
CREATE SCHEMA imp_clash;
-- the document column and an attribute
\set VERBOSITY default
IMPORT FOREIGN SCHEMA dynamodb LIMIT TO (imp_doc_clash)
  FROM SERVER imp_ddb INTO imp_clash;
-- two attributes whose names agree on their first 63 bytes
IMPORT FOREIGN SCHEMA dynamodb LIMIT TO (imp_attr_clash)
  FROM SERVER imp_ddb INTO imp_clash;
-- two tables whose names agree on their first 63 bytes
IMPORT FOREIGN SCHEMA dynamodb
  LIMIT TO (imp_twins_whose_names_agree_on_the_first_sixty_three_bytes_and_more_one)
  FROM SERVER imp_ddb INTO imp_clash;
\set VERBOSITY terse
-- ways out: another document column name; no sampling
IMPORT FOREIGN SCHEMA dynamodb LIMIT TO (imp_doc_clash)
  FROM SERVER imp_ddb INTO imp_clash OPTIONS (document_column 'item');
IMPORT FOREIGN SCHEMA dynamodb LIMIT TO (imp_attr_clash)
  FROM SERVER imp_ddb INTO imp_clash OPTIONS (sample_size '0');
SELECT * FROM imp_columns('imp_clash');
SELECT * FROM imp_clash.imp_doc_clash;
SELECT id, document FROM imp_clash.imp_attr_clash;

--
-- LIMIT TO / EXCEPT and ListTables pages
--
-- a name on the second ListTables page, one DynamoDB does not have, and a
-- PostgreSQL spelling that is not DynamoDB's (nothing imported for it)
CREATE SCHEMA imp_list;
IMPORT FOREIGN SCHEMA dynamodb
  LIMIT TO (imp_page_104, imp_no_such_table, imp_awkward)
  FROM SERVER imp_ddb INTO imp_list;
SELECT * FROM imp_columns('imp_list');
SELECT * FROM imp_list.imp_page_104;
-- EXCEPT: everything else on the server (other suites' tables too, so only
-- ours are counted); the twins would collide, so they stay out
CREATE SCHEMA imp_all;
IMPORT FOREIGN SCHEMA dynamodb
  EXCEPT (imp_twins_whose_names_agree_on_the_first_sixty_three_bytes_and_more_one,
          imp_composite)
  FROM SERVER imp_ddb INTO imp_all
  OPTIONS (sample_size '0', import_document 'false');
SELECT count(*) AS imp_tables,
       count(*) FILTER (WHERE relname LIKE 'imp\_page\_%') AS page_tables,
       min(relname) FILTER (WHERE relname LIKE 'imp\_page\_%') AS first_page_table,
       max(relname) FILTER (WHERE relname LIKE 'imp\_page\_%') AS last_page_table,
       bool_or(relname = 'imp_composite') AS has_excepted,
       bool_or(relname LIKE 'imp\_twins%') AS has_twins
  FROM pg_class
 WHERE relnamespace = 'imp_all'::regnamespace AND relname LIKE 'imp\_%';

--
-- Access: the current user's user mapping
--
CREATE ROLE regress_imp_nomap;
GRANT USAGE ON FOREIGN SERVER imp_ddb TO regress_imp_nomap;
GRANT CREATE ON SCHEMA imp_list TO regress_imp_nomap;
SET ROLE regress_imp_nomap;
IMPORT FOREIGN SCHEMA dynamodb LIMIT TO (imp_binkey)
  FROM SERVER imp_ddb INTO imp_list;
RESET ROLE;

--
-- Every imported table can be written at once (read back with the SDK)
--
INSERT INTO imp.imp_composite (customer, order_no, placed_at, status, total)
  VALUES ('carol', 7, '2024-04-01', 'open', 1.25);
-- the document column's members go in too; a key column may not be NULL
INSERT INTO imp.imp_composite (customer, order_no, document)
  VALUES ('carol', 8, '{"note": "from the document", "total": 2.50}');
INSERT INTO imp.imp_composite (customer, status) VALUES ('carol', 'no order_no');
-- an existing item is a unique violation naming it
\set VERBOSITY default
INSERT INTO imp.imp_composite (customer, order_no, status) VALUES ('alice', 1, 'again');
\set VERBOSITY terse
\! node test/tools/fixture.mjs get-item imp_composite '{"customer":{"S":"carol"},"order_no":{"N":"7"}}'
\! node test/tools/fixture.mjs get-item imp_composite '{"customer":{"S":"carol"},"order_no":{"N":"8"}}'
\! node test/tools/fixture.mjs get-item imp_composite '{"customer":{"S":"alice"},"order_no":{"N":"1"}}'
INSERT INTO imp.imp_numkey (id, code, label) VALUES (3.25, '\x02', 'three and a quarter');
\! node test/tools/fixture.mjs get-item imp_numkey '{"id":{"N":"3.25"}}'
INSERT INTO imp.imp_binkey (hash, version, body) VALUES ('\xcafe', 1, 'new hash');
\! node test/tools/fixture.mjs get-item imp_binkey '{"hash":{"B":"yv4="},"version":{"N":"1"}}'
INSERT INTO imp.imp_typedorm ("PK", "SK", "GSI1PK", "GSI1SK", __en, id, status, total, "updatedAt")
  VALUES ('USER#user-3', 'ORDER#order-005', 'USER#user-3', 'ORDER#shipped#order-005', 'order',
          'order-005', 'shipped', 50.05, 1600009690);
\! node test/tools/fixture.mjs get-item imp_typedorm '{"PK":{"S":"USER#user-3"},"SK":{"S":"ORDER#order-005"}}'
SELECT "SK", total FROM imp.imp_typedorm
 WHERE "GSI1PK" = 'USER#user-3' AND "GSI1SK" LIKE 'ORDER#shipped%';
INSERT INTO imp.imp_sampled (id, bins, blob, flag, list, meta, nothing, nums, qty, ref, shape, tags)
  VALUES ('item-new', '{"\\x03"}', '\x03', true, '["b", 2]', '{"size": 9}', 'null', '{1.5,2}', 1,
          '"REF-N"', '{"y": 2}', '{new,tags}');
\! node test/tools/fixture.mjs get-item imp_sampled '{"id":{"S":"item-new"}}'
INSERT INTO imp."imp_Awkward-Names.v2"
  ("Order-Id", "select", "user", "créé le", "CamelCase", "a.b", ctid_,
   long_attribute_name_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, "with space", "日本語")
  VALUES ('O-3', 3, 'u3', '2024-03-01', 30, 'dot 3', 'still not', false, 'sp 3', 'さん');
\! node test/tools/fixture.mjs get-item imp_Awkward-Names.v2 '{"Order-Id":{"S":"O-3"},"select":{"N":"3"}}'
INSERT INTO imp.imp_a_very_long_dynamodb_table_name_that_is_longer_than_postgre (pk, note)
  VALUES ('long-2', 'written through the truncated name');
\! node test/tools/fixture.mjs get-item imp_a_very_long_dynamodb_table_name_that_is_longer_than_postgresql_allows '{"pk":{"S":"long-2"}}'

-- clean up, in PostgreSQL and in DynamoDB Local
SET client_min_messages = warning;
DROP SCHEMA imp, imp_keys, imp_opts, imp_nodoc, imp_clash, imp_list, imp_all CASCADE;
RESET client_min_messages;
DROP FUNCTION imp_columns(text);
REVOKE ALL ON FOREIGN SERVER imp_ddb FROM regress_imp_nomap;
DROP ROLE regress_imp_nomap;
DROP SERVER imp_ddb CASCADE;
\! node test/data/import/page_tables.mjs delete imp_page_ 105
\! node test/tools/fixture.mjs delete-table imp_composite
\! node test/tools/fixture.mjs delete-table imp_numkey
\! node test/tools/fixture.mjs delete-table imp_binkey
\! node test/tools/fixture.mjs delete-table imp_typedorm
\! node test/tools/fixture.mjs delete-table imp_sampled
\! node test/tools/fixture.mjs delete-table imp_Awkward-Names.v2
\! node test/tools/fixture.mjs delete-table imp_a_very_long_dynamodb_table_name_that_is_longer_than_postgresql_allows
\! node test/tools/fixture.mjs delete-table imp_twins_whose_names_agree_on_the_first_sixty_three_bytes_and_more_one
\! node test/tools/fixture.mjs delete-table imp_twins_whose_names_agree_on_the_first_sixty_three_bytes_and_more_two
\! node test/tools/fixture.mjs delete-table imp_doc_clash
\! node test/tools/fixture.mjs delete-table imp_attr_clash
