--
-- contains: col LIKE '%abc%' sent as contains(col, :v) AND attribute_type
-- (col, 'S'), and compared with PostgreSQL's LIKE on a local copy.
--
\set VERBOSITY terse
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
RESET client_min_messages;
\getenv ddb_endpoint DYNAMO_ENDPOINT

\! node test/tools/fixture.mjs create-table test/data/contains/tbl.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items cnt_like test/data/contains/tbl.items.json

CREATE SERVER like_ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (endpoint :'ddb_endpoint', region 'us-east-1');
CREATE USER MAPPING FOR CURRENT_USER SERVER like_ddb
  OPTIONS (access_key_id 'AKIDLIKETEST', secret_access_key 'like-secret');
CREATE FOREIGN TABLE flike (id int, s text) SERVER like_ddb
  OPTIONS (table_name 'cnt_like');
-- items 1-21 hold strings; 22-25 a string set, a list, NULL, nothing
CREATE TABLE llike AS SELECT * FROM flike WHERE id <= 21 OR id >= 24;
SELECT count(*) FROM llike;

EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM flike WHERE s LIKE '%abc%';
-- only '%literal%' becomes contains(); other patterns stay local
EXPLAIN (COSTS OFF) SELECT id FROM flike WHERE s LIKE '%a_c%';
EXPLAIN (COSTS OFF) SELECT id FROM flike WHERE s LIKE '%abc';
EXPLAIN (COSTS OFF) SELECT id FROM flike WHERE s LIKE '%%';
EXPLAIN (COSTS OFF) SELECT id FROM flike WHERE s LIKE '%a%c%';
EXPLAIN (COSTS OFF) SELECT id FROM flike WHERE s ILIKE '%abc%';

CREATE FUNCTION same_like(pat text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE f int[]; l int[];
BEGIN
  EXECUTE format('SELECT coalesce(array_agg(id ORDER BY id), ''{}'') FROM flike WHERE s LIKE %L AND (id <= 21 OR id >= 24)', pat) INTO f;
  EXECUTE format('SELECT coalesce(array_agg(id ORDER BY id), ''{}'') FROM llike WHERE s LIKE %L', pat) INTO l;
  RETURN format('%s: %s %s', pat, f, CASE WHEN f = l THEN 'same' ELSE 'DIFFERENT, local ' || l::text END);
END $$;
SELECT same_like(p) FROM (VALUES
  ('%abc%'), ('%ABC%'), ('%b%'), ('%%b%%'), ('%\%%'), ('%\_%'), ('%\\%'),
  ('%é%'), ('%caf%'), ('%ï%'), ('%𝄞%'), ('%本語%'), ('%語テ%'), ('% %'),
  ('%' || E'\t' || '%'), ('%' || E'\n' || '%'), ('%abcabc%'), ('%c a%'),
  ('%e%'), ('%off%'), ('%100\%%')
) v(p);

-- a string set or list holding 'abc' is not a string: not returned (read
-- into a text column it would be an error)
SELECT id FROM flike WHERE s LIKE '%abc%' ORDER BY id;
SELECT s FROM flike WHERE id = 22;

DROP FUNCTION same_like(text);
DROP TABLE llike;
DROP FOREIGN TABLE flike;
DROP USER MAPPING FOR CURRENT_USER SERVER like_ddb;
DROP SERVER like_ddb;
