--
-- direct: UPDATE and DELETE of one item as one UpdateItem or DeleteItem
-- request (direct.c), each run on a local table with the same rows too:
-- RETURNING, row counts, errors and the final rows must be PostgreSQL's.
-- Statements here run alone in their transactions (sent at once); the read
-- path of a transaction block is the second half.  What DynamoDB stored is
-- read back with the AWS SDK at the end.
--
\set VERBOSITY terse
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
RESET client_min_messages;
\getenv ddb_endpoint DYNAMO_ENDPOINT
\! node test/tools/fixture.mjs create-table test/data/direct/direct_t.table.json --replace > /dev/null

CREATE SERVER direct_ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (endpoint :'ddb_endpoint', region 'us-east-1');
CREATE USER MAPPING FOR CURRENT_USER SERVER direct_ddb
  OPTIONS (access_key_id 'AKIDDIRECT', secret_access_key 'direct-secret');
CREATE FOREIGN TABLE dt (pk text, sk int, i2 int2, i4 int4, i8 int8, num numeric,
                         s text COLLATE "C", b boolean, j jsonb)
  SERVER direct_ddb OPTIONS (table_name 'direct_t');
CREATE TABLE dt_local (pk text, sk int, i2 int2, i4 int4, i8 int8, num numeric,
                       s text COLLATE "C", b boolean, j jsonb, PRIMARY KEY (pk, sk));
INSERT INTO dt VALUES
  ('a', 1, 32767, 10, NULL, 1.5, 'old', true, '{"k": [1, 2]}'),
  ('a', 2, NULL, -2147483648, 9223372036854775806, NULL, NULL, false, NULL),
  ('b', 1, 0, 0, 0, 0, '', NULL, '[]');
INSERT INTO dt_local SELECT * FROM dt;

CREATE FUNCTION same_rows() RETURNS text LANGUAGE sql AS $$
  SELECT format('%s rows, %s only in DynamoDB, %s only in the local table',
    (SELECT count(*) FROM dt),
    (SELECT count(*) FROM (SELECT * FROM dt EXCEPT ALL SELECT * FROM dt_local) x),
    (SELECT count(*) FROM (SELECT * FROM dt_local EXCEPT ALL SELECT * FROM dt) x))
$$;

-- what is sent
EXPLAIN (VERBOSE, COSTS OFF) UPDATE dt SET i4 = i4 + 1 WHERE pk = 'a' AND sk = 1;
EXPLAIN (VERBOSE, COSTS OFF)
  UPDATE dt SET i8 = coalesce(i8, 0) - 3, s = 'new', b = NULL WHERE pk = 'a' AND sk = 1 AND s LIKE 'ol%';
EXPLAIN (VERBOSE, COSTS OFF) DELETE FROM dt WHERE pk = 'a' AND sk = 1 AND num > 1;
-- not one request: a column read into another (b = NOT b), no full key
EXPLAIN (COSTS OFF) UPDATE dt SET b = NOT b WHERE pk = 'a' AND sk = 1;
EXPLAIN (COSTS OFF) UPDATE dt SET i4 = 1 WHERE pk = 'a';

-- arithmetic
UPDATE dt SET i4 = i4 + 1 WHERE pk = 'a' AND sk = 1 RETURNING pk, sk, i4;
UPDATE dt_local SET i4 = i4 + 1 WHERE pk = 'a' AND sk = 1 RETURNING pk, sk, i4;
UPDATE dt SET i4 = 5 + i4, num = num - 0.25 WHERE pk = 'a' AND sk = 1 RETURNING i4, num;
UPDATE dt_local SET i4 = 5 + i4, num = num - 0.25 WHERE pk = 'a' AND sk = 1 RETURNING i4, num;
UPDATE dt SET i8 = i8 + 1 WHERE pk = 'a' AND sk = 2 RETURNING i8;
UPDATE dt_local SET i8 = i8 + 1 WHERE pk = 'a' AND sk = 2 RETURNING i8;
-- overflow: the guard fails, PostgreSQL computes and refuses
UPDATE dt SET i8 = i8 + 1 WHERE pk = 'a' AND sk = 2 RETURNING i8;
UPDATE dt_local SET i8 = i8 + 1 WHERE pk = 'a' AND sk = 2 RETURNING i8;
UPDATE dt SET i4 = i4 - 1 WHERE pk = 'a' AND sk = 2 RETURNING i4;
UPDATE dt_local SET i4 = i4 - 1 WHERE pk = 'a' AND sk = 2 RETURNING i4;
UPDATE dt SET i2 = coalesce(i2, 0) + 1 WHERE pk = 'a' AND sk = 1 RETURNING i2;
UPDATE dt_local SET i2 = coalesce(i2, 0) + 1 WHERE pk = 'a' AND sk = 1 RETURNING i2;
-- NULL operands: NULL + 1 is NULL, coalesce gives its default
UPDATE dt SET num = num + 1 WHERE pk = 'a' AND sk = 2 RETURNING num;
UPDATE dt_local SET num = num + 1 WHERE pk = 'a' AND sk = 2 RETURNING num;
-- a default and value whose sum cannot fit
UPDATE dt SET i2 = coalesce(i2, 32767) + 1 WHERE pk = 'a' AND sk = 2 RETURNING i2;
UPDATE dt_local SET i2 = coalesce(i2, 32767) + 1 WHERE pk = 'a' AND sk = 2 RETURNING i2;
UPDATE dt SET i2 = coalesce(i2, 7) - 2 WHERE pk = 'a' AND sk = 2 RETURNING i2;
UPDATE dt_local SET i2 = coalesce(i2, 7) - 2 WHERE pk = 'a' AND sk = 2 RETURNING i2;
-- mixed integer types: int8 + int4, int2 + int4
UPDATE dt SET i8 = 2 + i8 WHERE pk = 'b' AND sk = 1 RETURNING i8;
UPDATE dt_local SET i8 = 2 + i8 WHERE pk = 'b' AND sk = 1 RETURNING i8;
UPDATE dt SET i4 = i2 - 1 WHERE pk = 'b' AND sk = 1 RETURNING i4;
UPDATE dt_local SET i4 = i2 - 1 WHERE pk = 'b' AND sk = 1 RETURNING i4;
SELECT same_rows();

-- constants, NULL (REMOVE), documents
UPDATE dt SET s = 'new', b = NULL, j = '{"x": {"y": [true, null, 1.10]}}' WHERE pk = 'a' AND sk = 1 RETURNING s, b, j;
UPDATE dt_local SET s = 'new', b = NULL, j = '{"x": {"y": [true, null, 1.10]}}' WHERE pk = 'a' AND sk = 1 RETURNING s, b, j;
SELECT same_rows();

-- appending to a jsonb list: list_append when the attribute is a list and
-- the value an array; an object, a scalar or NULL is read and computed
EXPLAIN (COSTS OFF) UPDATE dt SET j = j || '[true]' WHERE pk = 'a' AND sk = 1;
UPDATE dt SET j = j || '[2, "x"]' WHERE pk = 'a' AND sk = 1 RETURNING j;
UPDATE dt_local SET j = j || '[2, "x"]' WHERE pk = 'a' AND sk = 1 RETURNING j;
UPDATE dt SET j = j || '[true, 1.50]' WHERE pk = 'a' AND sk = 1 RETURNING j;
UPDATE dt_local SET j = j || '[true, 1.50]' WHERE pk = 'a' AND sk = 1 RETURNING j;
UPDATE dt SET j = j || '7' WHERE pk = 'a' AND sk = 1 RETURNING j;
UPDATE dt_local SET j = j || '7' WHERE pk = 'a' AND sk = 1 RETURNING j;
UPDATE dt SET j = j || '[1]' WHERE pk = 'a' AND sk = 2 RETURNING j;
UPDATE dt_local SET j = j || '[1]' WHERE pk = 'a' AND sk = 2 RETURNING j;
SELECT same_rows();

-- conditions decide: 0 rows, never a new item
UPDATE dt SET i4 = 0 WHERE pk = 'a' AND sk = 1 AND s = 'old' RETURNING i4;
UPDATE dt_local SET i4 = 0 WHERE pk = 'a' AND sk = 1 AND s = 'old' RETURNING i4;
UPDATE dt SET i4 = 0 WHERE pk = 'a' AND sk = 2 AND s IS NULL AND b IS NOT NULL AND i4 < 0 RETURNING i4;
UPDATE dt_local SET i4 = 0 WHERE pk = 'a' AND sk = 2 AND s IS NULL AND b IS NOT NULL AND i4 < 0 RETURNING i4;
UPDATE dt SET i4 = 1 WHERE pk = 'b' AND sk = 1 AND s = '' AND s LIKE '%' AND i4 IN (0, 1) RETURNING i4;
UPDATE dt_local SET i4 = 1 WHERE pk = 'b' AND sk = 1 AND s = '' AND s LIKE '%' AND i4 IN (0, 1) RETURNING i4;
UPDATE dt SET i4 = 1 WHERE pk = 'zz' AND sk = 1 RETURNING i4;
UPDATE dt SET i4 = 1 WHERE pk = 'a' AND sk = NULL RETURNING i4;
UPDATE dt SET i4 = 1 WHERE pk = '' AND sk = 1 RETURNING i4;
SELECT count(*) FROM dt WHERE pk = 'zz';
SELECT same_rows();

-- DELETE
DELETE FROM dt WHERE pk = 'b' AND sk = 1 AND num > 0 RETURNING pk;
DELETE FROM dt_local WHERE pk = 'b' AND sk = 1 AND num > 0 RETURNING pk;
DELETE FROM dt WHERE pk = 'b' AND sk = 1 AND num = 0 RETURNING pk, sk, s, j;
DELETE FROM dt_local WHERE pk = 'b' AND sk = 1 AND num = 0 RETURNING pk, sk, s, j;
DELETE FROM dt WHERE pk = 'b' AND sk = 1 RETURNING pk;
SELECT same_rows();

-- a prepared statement's parameters
PREPARE inc(int, text, int) AS UPDATE dt SET i4 = i4 + $1 WHERE pk = $2 AND sk = $3 RETURNING i4;
EXECUTE inc(100, 'a', 1);
EXECUTE inc(NULL, 'a', 1);
EXECUTE inc(1, NULL, 1);
UPDATE dt_local SET i4 = i4 + 100 WHERE pk = 'a' AND sk = 1;
UPDATE dt_local SET i4 = i4 + NULL WHERE pk = 'a' AND sk = 1;
DEALLOCATE inc;
SELECT same_rows();

-- the read path: in a transaction block the same plans read the item
-- first, see the transaction's own writes, and write at commit
BEGIN;
UPDATE dt SET i4 = coalesce(i4, 0) + 1 WHERE pk = 'a' AND sk = 1 RETURNING i4;
UPDATE dt SET i4 = coalesce(i4, 0) + 1 WHERE pk = 'a' AND sk = 1 RETURNING i4;
INSERT INTO dt VALUES ('c', 1, 1, 1, 1, 1, 'c', true, NULL);
UPDATE dt SET i4 = i4 + 1, s = NULL WHERE pk = 'c' AND sk = 1 RETURNING i4, s;
DELETE FROM dt WHERE pk = 'a' AND sk = 2 RETURNING pk, sk;
UPDATE dt SET i4 = 9 WHERE pk = 'a' AND sk = 2 RETURNING i4;
SELECT pk, sk, i4, s FROM dt ORDER BY pk, sk;
COMMIT;
BEGIN;
UPDATE dt_local SET i4 = coalesce(i4, 0) + 1 WHERE pk = 'a' AND sk = 1;
UPDATE dt_local SET i4 = coalesce(i4, 0) + 1 WHERE pk = 'a' AND sk = 1;
INSERT INTO dt_local VALUES ('c', 1, 1, 1, 1, 1, 'c', true, NULL);
UPDATE dt_local SET i4 = i4 + 1, s = NULL WHERE pk = 'c' AND sk = 1;
DELETE FROM dt_local WHERE pk = 'a' AND sk = 2;
COMMIT;
SELECT same_rows();
BEGIN;
UPDATE dt SET i4 = i4 + 1 WHERE pk = 'a' AND sk = 1;
ROLLBACK;
SELECT same_rows();

-- what DynamoDB holds
\! node test/tools/fixture.mjs scan direct_t

DROP FUNCTION same_rows();
DROP TABLE dt_local;
DROP SERVER direct_ddb CASCADE;
\! node test/tools/fixture.mjs delete-table direct_t
