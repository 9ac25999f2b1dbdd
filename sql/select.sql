--
-- select: reading DynamoDB items through foreign tables, and which
-- operation each query shape becomes.
--
\set VERBOSITY terse
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
RESET client_min_messages;
\getenv ddb_endpoint DYNAMO_ENDPOINT

\! node test/tools/fixture.mjs create-table test/data/select/app.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items sel_app test/data/select/app.items.json

CREATE SERVER sel_ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (endpoint :'ddb_endpoint', region 'us-east-1');
CREATE USER MAPPING FOR CURRENT_USER SERVER sel_ddb
  OPTIONS (access_key_id 'AKIDSELECTTEST', secret_access_key 'select-secret');

CREATE FOREIGN TABLE app (
  pk text OPTIONS (column_name 'PK'),
  sk text OPTIONS (column_name 'SK'),
  gsi1pk text OPTIONS (column_name 'GSI1PK'),
  gsi1sk text OPTIONS (column_name 'GSI1SK'),
  type text,
  status text,
  total numeric,
  qty int,
  tags text[],
  note text,
  name text,
  email text,
  active boolean
) SERVER sel_ddb OPTIONS (table_name 'sel_app');

-- everything, through a Scan
SELECT pk, sk, status, total, qty, tags, note, active FROM app ORDER BY pk, sk;

-- full key: GetItem
EXPLAIN (VERBOSE, COSTS OFF)
SELECT name, email FROM app WHERE pk = 'USER#user-1' AND sk = 'USER#user-1';
SELECT name, email FROM app WHERE pk = 'USER#user-1' AND sk = 'USER#user-1';
-- a key that does not exist, and an empty one
SELECT name FROM app WHERE pk = 'USER#nobody' AND sk = 'USER#nobody';
SELECT name FROM app WHERE pk = '' AND sk = '';

-- a list of full keys: BatchGetItem (repeats asked once)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT pk, name FROM app WHERE pk IN ('USER#user-1', 'USER#user-2', 'USER#user-1') AND sk IN ('USER#user-1', 'USER#user-2');
SELECT pk, name FROM app
 WHERE (pk, sk) IN (('USER#user-1', 'USER#user-1')) ;
SELECT pk, sk, name FROM app
 WHERE pk IN ('USER#user-1', 'USER#user-2', 'USER#user-1') AND sk IN ('USER#user-1', 'USER#user-2')
 ORDER BY pk;

-- partition key: Query on the table, with a sort key prefix
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sk, status FROM app WHERE pk = 'USER#user-2' AND sk LIKE 'ORDER#%';
SELECT sk, status FROM app WHERE pk = 'USER#user-2' AND sk LIKE 'ORDER#%' ORDER BY sk;
SELECT sk FROM app WHERE pk = 'USER#user-2' AND sk ^@ 'ORDER#order-00' ORDER BY sk;
SELECT sk FROM app WHERE pk = 'USER#user-2' AND starts_with(sk, 'ORDER#order-00') ORDER BY sk;

-- the seeds' access pattern: cancelled orders of a user, a Query on GSI1
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sk, total FROM app
 WHERE gsi1pk = 'USER#user-3' AND gsi1sk LIKE 'ORDER#cancelled%';
SELECT sk, total FROM app
 WHERE gsi1pk = 'USER#user-3' AND gsi1sk LIKE 'ORDER#cancelled%' ORDER BY sk;

-- a LIKE with a wildcard inside stays local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sk FROM app WHERE pk = 'USER#user-3' AND sk LIKE 'ORDER#%1%';
SELECT sk FROM app WHERE pk = 'USER#user-3' AND sk LIKE 'ORDER#%1%' ORDER BY sk;

-- sort key ranges need the C collation; under the default one they stay local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sk FROM app WHERE pk = 'USER#user-3' AND sk > 'ORDER#order-010';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sk FROM app WHERE pk = 'USER#user-3' AND sk COLLATE "C" > 'ORDER#order-010';
SELECT sk FROM app WHERE pk = 'USER#user-3' AND sk COLLATE "C" > 'ORDER#order-010' ORDER BY sk;
SELECT sk FROM app WHERE pk = 'USER#user-3'
   AND sk COLLATE "C" >= 'ORDER#order-009' AND sk COLLATE "C" <= 'ORDER#order-011' ORDER BY sk;

-- ORDER BY the sort key comes from DynamoDB's order when PostgreSQL would
-- sort the same way (C collation for strings); LIMIT then sets the page size
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sk FROM app WHERE pk = 'USER#user-3' ORDER BY sk COLLATE "C" DESC LIMIT 2;
SELECT sk FROM app WHERE pk = 'USER#user-3' ORDER BY sk COLLATE "C" DESC LIMIT 2;
SELECT sk FROM app WHERE pk = 'USER#user-3' ORDER BY sk COLLATE "C" LIMIT 2;
EXPLAIN (COSTS OFF)
SELECT sk FROM app WHERE pk = 'USER#user-3' ORDER BY sk DESC LIMIT 2;
SELECT sk FROM app WHERE pk = 'USER#user-3' ORDER BY sk DESC LIMIT 2;
SELECT gsi1sk FROM app WHERE gsi1pk = 'USER#user-2' ORDER BY gsi1sk COLLATE "C";

-- DynamoDB refuses empty key values in a key condition; PostgreSQL just
-- compares, so such conditions never reach DynamoDB
SELECT sk FROM app WHERE pk = 'USER#user-3' AND sk > '' AND sk < 'ORDER#order-009' ORDER BY sk;
SELECT sk FROM app WHERE pk = 'USER#user-3' AND sk COLLATE "C" >= '' AND sk ^@ 'ORDER#order-01' ORDER BY sk;
SELECT count(*) FROM app WHERE gsi1pk = '' AND gsi1sk LIKE 'ORDER#%';
SELECT count(*) FROM app WHERE pk = '';

-- filters on other attributes
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sk, qty FROM app WHERE pk = 'USER#user-3' AND qty >= 10 AND status <> 'created';
SELECT sk, qty FROM app WHERE pk = 'USER#user-3' AND qty >= 10 AND status <> 'created' ORDER BY sk;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT pk, sk FROM app WHERE status IN ('shipped', 'created') OR qty = 1;
SELECT pk, sk FROM app WHERE status IN ('shipped', 'created') OR qty = 1 ORDER BY pk, sk;
SELECT pk, sk FROM app WHERE active ORDER BY pk;
SELECT pk, sk FROM app WHERE NOT active ORDER BY pk;
SELECT count(*) FROM app WHERE note IS NOT NULL;
SELECT count(*) FROM app WHERE note IS NULL;
SELECT sk FROM app WHERE note = '' ORDER BY sk;
SELECT count(*) FROM app WHERE status <> 'cancelled';
SELECT count(*) FROM app WHERE total > 100.5 AND total < 1e40;

-- Unicode compares as PostgreSQL does
SELECT name FROM app WHERE name = 'Émile Zoë';
SELECT name FROM app WHERE name LIKE 'Ém%';

-- a parameter of a prepared statement (generic plans included)
SET plan_cache_mode = force_generic_plan;
PREPARE by_key(text, text) AS SELECT name FROM app WHERE pk = $1 AND sk = $2;
EXECUTE by_key('USER#user-2', 'USER#user-2');
EXECUTE by_key(NULL, 'USER#user-2');
EXECUTE by_key('', '');
DEALLOCATE by_key;
PREPARE by_prefix(text, text) AS
  SELECT sk FROM app WHERE pk = $1 AND sk COLLATE "C" >= $2 ORDER BY sk COLLATE "C";
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_prefix('USER#user-1', 'ORDER#order-002');
EXECUTE by_prefix('USER#user-1', 'ORDER#order-002');
EXECUTE by_prefix('USER#user-1', '');
EXECUTE by_prefix('', '');
DEALLOCATE by_prefix;
PREPARE by_status(text) AS SELECT count(*) FROM app WHERE status IN ($1, 'shipped');
EXECUTE by_status(NULL);
EXECUTE by_status('created');
DEALLOCATE by_status;
RESET plan_cache_mode;

-- EXPLAIN ANALYZE counts requests, pages and items
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT sk FROM app WHERE gsi1pk = 'USER#user-3' AND gsi1sk LIKE 'ORDER#cancelled%';

-- a join with a local table on the key: a lookup per outer row, not a Scan
CREATE TEMP TABLE wanted (user_id text);
INSERT INTO wanted VALUES ('USER#user-1'), ('USER#user-3'), ('USER#nobody');
ANALYZE wanted;
-- (a tiny table is cheaper to scan once: make items dear to show the lookups)
ALTER SERVER sel_ddb OPTIONS (ADD item_cost '50');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT w.user_id, a.name FROM wanted w JOIN app a ON a.pk = w.user_id AND a.sk = w.user_id;
SELECT w.user_id, a.name FROM wanted w JOIN app a ON a.pk = w.user_id AND a.sk = w.user_id
 ORDER BY 1;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT w.user_id, count(*) FROM wanted w JOIN app a ON a.pk = w.user_id GROUP BY 1;
SELECT w.user_id, count(*) FROM wanted w JOIN app a ON a.pk = w.user_id GROUP BY 1 ORDER BY 1;
SELECT w.user_id, count(a.pk) FROM wanted w LEFT JOIN app a ON a.pk = w.user_id GROUP BY 1 ORDER BY 1;
ALTER SERVER sel_ddb OPTIONS (DROP item_cost);

-- a parallel Scan in segments returns every item once
ALTER FOREIGN TABLE app OPTIONS (ADD scan_segments '3', consistent_read 'true');
EXPLAIN (COSTS OFF) SELECT count(*) FROM app;
SELECT count(*), count(DISTINCT (pk, sk)) FROM app;
ALTER FOREIGN TABLE app OPTIONS (DROP scan_segments, DROP consistent_read);

-- types: a 38-digit number, maps and lists as jsonb, binary, NULL
CREATE FOREIGN TABLE app_misc (
  pk text OPTIONS (column_name 'PK'),
  total numeric,
  payload jsonb,
  nothing text,
  missing text,
  bin bytea,
  item jsonb OPTIONS (document 'true')
) SERVER sel_ddb OPTIONS (table_name 'sel_app');
SELECT pk, total, payload, nothing, missing, bin FROM app_misc WHERE pk = 'MISC#1';
SELECT item FROM app_misc WHERE pk = 'MISC#1';
-- a document column of type json holds the item as json text, whether the
-- item came in a Query's page or from GetItem
CREATE FOREIGN TABLE app_misc_json (
  pk text OPTIONS (column_name 'PK'),
  sk text OPTIONS (column_name 'SK'),
  item json OPTIONS (document 'true')
) SERVER sel_ddb OPTIONS (table_name 'sel_app');
SELECT item FROM app_misc_json WHERE pk = 'MISC#1';
EXPLAIN (COSTS OFF) SELECT item FROM app_misc_json WHERE pk = 'MISC#1' AND sk = 'MISC#1';
SELECT item::jsonb = (SELECT item FROM app_misc WHERE pk = 'MISC#1') AS same
  FROM app_misc_json WHERE pk = 'MISC#1' AND sk = 'MISC#1';

-- a value that does not fit its column is an error naming column and key
CREATE FOREIGN TABLE app_bad (
  pk text OPTIONS (column_name 'PK'),
  sk text OPTIONS (column_name 'SK'),
  total int
) SERVER sel_ddb OPTIONS (table_name 'sel_app');
\set VERBOSITY default
SELECT total FROM app_bad WHERE pk = 'MISC#1';
SELECT total FROM app_bad WHERE pk = 'USER#user-1' AND sk = 'ORDER#order-001';
CREATE FOREIGN TABLE app_bad2 (
  pk int OPTIONS (column_name 'PK')
) SERVER sel_ddb OPTIONS (table_name 'sel_app');
SELECT * FROM app_bad2 LIMIT 1;
\set VERBOSITY terse

-- a table DynamoDB does not have
CREATE FOREIGN TABLE nosuch (pk text) SERVER sel_ddb OPTIONS (table_name 'sel_nosuch');
SELECT * FROM nosuch;

DROP SERVER sel_ddb CASCADE;
