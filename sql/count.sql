--
-- count: SELECT count(*) pushed down as Select=COUNT when DynamoDB
-- evaluates every condition, and compared with the same count on a local
-- copy of the data; with this transaction's buffered writes, the count is
-- made here, seen through them.
--
\set VERBOSITY terse
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
RESET client_min_messages;
\getenv ddb_endpoint DYNAMO_ENDPOINT

\! node test/tools/fixture.mjs create-table test/data/select/app.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items sel_app test/data/select/app.items.json

CREATE SERVER cnt_ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (endpoint :'ddb_endpoint', region 'us-east-1');
CREATE USER MAPPING FOR CURRENT_USER SERVER cnt_ddb
  OPTIONS (access_key_id 'AKIDCOUNTTEST', secret_access_key 'count-secret');

CREATE FOREIGN TABLE capp (
  pk text OPTIONS (column_name 'PK'),
  sk text OPTIONS (column_name 'SK'),
  gsi1pk text OPTIONS (column_name 'GSI1PK'),
  gsi1sk text OPTIONS (column_name 'GSI1SK'),
  type text,
  status text,
  total numeric,
  qty int,
  note text
) SERVER cnt_ddb OPTIONS (table_name 'sel_app');
CREATE TABLE lapp AS SELECT * FROM capp;
SELECT count(*) AS local_rows FROM lapp;

-- the shapes: Scan, Scan with a filter, Query, Query on a GSI
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM capp;
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM capp WHERE status = 'cancelled';
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM capp WHERE pk = 'USER#user-1' AND sk LIKE 'ORDER#%';
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM capp WHERE gsi1pk = 'USER#user-1' AND gsi1sk LIKE 'ORDER#cancelled%';
-- several count(*) at once
EXPLAIN (COSTS OFF) SELECT count(*), count(*) FROM capp WHERE qty > 1;

-- not pushed: a condition checked locally, count(column), GROUP BY, HAVING,
-- an expression over the count, GetItem (already one request), a join
EXPLAIN (COSTS OFF) SELECT count(*) FROM capp WHERE note LIKE '%g_ft%';
EXPLAIN (COSTS OFF) SELECT count(note) FROM capp;
EXPLAIN (COSTS OFF) SELECT status, count(*) FROM capp GROUP BY status;
EXPLAIN (COSTS OFF) SELECT 1 FROM capp HAVING count(*) > 1;
EXPLAIN (COSTS OFF) SELECT count(*) + 1 FROM capp;
EXPLAIN (COSTS OFF) SELECT count(*) FROM capp WHERE pk = 'USER#user-1' AND sk = 'USER#user-1';
EXPLAIN (COSTS OFF) SELECT count(*) FROM capp a JOIN capp b USING (pk, sk);

-- each count equals the local table's
CREATE FUNCTION same_count(cond text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE f bigint; l bigint;
BEGIN
  EXECUTE 'SELECT count(*) FROM capp WHERE ' || cond INTO f;
  EXECUTE 'SELECT count(*) FROM lapp WHERE ' || cond INTO l;
  RETURN format('%s: %s %s', cond, f, CASE WHEN f = l THEN 'same' ELSE 'DIFFERENT, local ' || l END);
END $$;
SELECT same_count(c) FROM (VALUES
  ('true'),
  ('status = ''cancelled'''),
  ('status <> ''cancelled'''),
  ('note IS NULL'),
  ('note IS NOT NULL'),
  ('total > 100.5'),
  ('status LIKE ''%cel%'''),
  ('status LIKE ''%i_p%'''),
  ('total BETWEEN 10 AND 100'),
  ('qty IN (1, 2, 3)'),
  ('NOT (qty = 1)'),
  ('qty = 1 OR status = ''shipped'''),
  ('pk = ''USER#user-1'''),
  ('pk = ''USER#user-1'' AND sk LIKE ''ORDER#%'''),
  ('pk = ''USER#user-1'' AND sk > ''ORDER#'' AND total > 10'),
  ('gsi1pk = ''USER#user-1'' AND gsi1sk LIKE ''ORDER#cancelled%'''),
  ('pk = '''''),
  ('pk = ''no such user''')
) v(c);

-- a generic plan with a parameter, NULL included
PREPARE cnt(text) AS SELECT count(*) FROM capp WHERE pk = $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE cnt('USER#user-1');
EXECUTE cnt('USER#user-1');
EXECUTE cnt(NULL);
-- a number no DynamoDB item can hold matches nothing, as in PostgreSQL
PREPARE tot(numeric) AS SELECT pk, sk FROM capp WHERE total = $1;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE tot(10.01);
EXECUTE tot(10.01);
EXECUTE tot(1e200);
EXECUTE tot('NaN');
EXECUTE tot(0.1234567890123456789012345678901234567891);
SELECT pk, sk FROM lapp WHERE total IN (1e200, 'NaN');
RESET plan_cache_mode;

-- buffered writes: the same changes to both tables, counted inside the
-- transaction, nothing left afterwards
BEGIN;
DELETE FROM capp WHERE pk = 'USER#user-1' AND sk = 'ORDER#order-001';
DELETE FROM lapp WHERE pk = 'USER#user-1' AND sk = 'ORDER#order-001';
UPDATE capp SET status = 'cancelled' WHERE pk = 'USER#user-1' AND sk = 'ORDER#order-002';
UPDATE lapp SET status = 'cancelled' WHERE pk = 'USER#user-1' AND sk = 'ORDER#order-002';
INSERT INTO capp (pk, sk, status, qty) VALUES ('USER#user-1', 'ORDER#order-999', 'cancelled', 7);
INSERT INTO lapp (pk, sk, status, qty) VALUES ('USER#user-1', 'ORDER#order-999', 'cancelled', 7);
SELECT same_count(c) FROM (VALUES
  ('true'),
  ('status = ''cancelled'''),
  ('pk = ''USER#user-1'''),
  ('pk = ''USER#user-1'' AND sk LIKE ''ORDER#%'''),
  ('qty > 5')
) v(c);
ROLLBACK;
SELECT same_count('true');
SELECT count(*) FROM capp WHERE pk = 'USER#user-1' AND sk = 'ORDER#order-999';

-- EXPLAIN ANALYZE: one request, no items sent
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM capp WHERE pk = 'USER#user-1';

DROP FUNCTION same_count(text);
DROP TABLE lapp;
DROP FOREIGN TABLE capp;
DROP USER MAPPING FOR CURRENT_USER SERVER cnt_ddb;
DROP SERVER cnt_ddb;
