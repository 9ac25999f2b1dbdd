--
-- keyjoin: a join on a foreign table's full primary key reads it with one
-- BatchGetItem per batch of up to 100 outer rows (src/fdw/keyjoin.c).  Every
-- result is compared with the same join against a local copy of the items.
--
\set VERBOSITY terse
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
RESET client_min_messages;
\getenv ddb_endpoint DYNAMO_ENDPOINT

\! node test/tools/fixture.mjs create-table test/data/keyjoin/kj_comp.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items kj_comp test/data/keyjoin/kj_comp.items.json --plain
-- filler, so that reading the whole table costs more than looking keys up
\! node -e 'for (let i = 1; i <= 60; i++) console.log(JSON.stringify({PK: "FILL#" + i, SK: "ITEM", name: "filler " + i, qty: i}))' | node test/tools/fixture.mjs put-items kj_comp - --plain
\! node test/tools/fixture.mjs create-table test/data/keyjoin/kj_num.table.json --replace > /dev/null
\! node -e 'for (let i = 1; i <= 300; i++) console.log(JSON.stringify({id: i, label: "item " + i, sq: i * i}))' | node test/tools/fixture.mjs put-items kj_num - --plain
\! node test/tools/fixture.mjs create-table test/data/keyjoin/kj_dec.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items kj_dec test/data/keyjoin/kj_dec.items.json --plain
\! node -e 'for (let i = 1; i <= 30; i++) console.log(JSON.stringify({amount: 1000 + i / 8, cur: "XXX", label: "filler " + i}))' | node test/tools/fixture.mjs put-items kj_dec - --plain
\! node test/tools/fixture.mjs create-table test/data/keyjoin/kj_bin.table.json --replace > /dev/null
\! node test/tools/fixture.mjs put-items kj_bin test/data/keyjoin/kj_bin.items.json
\! node -e 'for (let i = 1; i <= 40; i++) console.log(JSON.stringify({k: {B: Buffer.from("filler " + i).toString("base64")}, label: {S: "filler " + i}}))' | node test/tools/fixture.mjs put-items kj_bin -

-- (these tables are tiny: make items dear, so that plans are those of big tables)
CREATE SERVER kj_ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (endpoint :'ddb_endpoint', region 'us-east-1', item_cost '50');
CREATE USER MAPPING FOR CURRENT_USER SERVER kj_ddb
  OPTIONS (access_key_id 'AKIDKEYJOINTEST', secret_access_key 'keyjoin-secret');

CREATE FOREIGN TABLE comp (
  pk text OPTIONS (column_name 'PK'),
  sk text OPTIONS (column_name 'SK'),
  name text,
  qty int,
  tags text[]
) SERVER kj_ddb OPTIONS (table_name 'kj_comp');
CREATE FOREIGN TABLE num (id int, label text, sq bigint)
  SERVER kj_ddb OPTIONS (table_name 'kj_num');
CREATE FOREIGN TABLE dec (amount numeric, cur text, label text)
  SERVER kj_ddb OPTIONS (table_name 'kj_dec');
CREATE FOREIGN TABLE bin (k bytea, label text)
  SERVER kj_ddb OPTIONS (table_name 'kj_bin');
-- keys of types whose equality DynamoDB does not share: never batched
CREATE FOREIGN TABLE num_float (id float8, label text)
  SERVER kj_ddb OPTIONS (table_name 'kj_num');
CREATE FOREIGN TABLE comp_bounded (
  pk varchar(10) OPTIONS (column_name 'PK'),
  sk text OPTIONS (column_name 'SK'),
  name text
) SERVER kj_ddb OPTIONS (table_name 'kj_comp');

-- local copies of the items (read with Scan)
CREATE TEMP TABLE comp_local AS SELECT * FROM comp;
CREATE TEMP TABLE num_local AS SELECT * FROM num;
CREATE TEMP TABLE dec_local AS SELECT * FROM dec;
SELECT (SELECT count(*) FROM comp_local) AS comp, (SELECT count(*) FROM num_local) AS num,
       (SELECT count(*) FROM dec_local) AS dec;

-- outer rows: matches, repeats, misses, NULL and empty keys, near misses
CREATE TEMP TABLE wanted (u text, s text, note text);
INSERT INTO wanted VALUES
  ('USER#1', 'PROFILE', 'ada'),
  ('USER#1', 'ORDER#2', 'order'),
  ('USER#1', 'PROFILE', 'ada again'),
  ('USER#9', 'PROFILE', 'no such user'),
  (NULL, 'PROFILE', 'null partition key'),
  ('USER#2', NULL, 'null sort key'),
  ('', 'PROFILE', 'empty partition key'),
  ('USER#2', '', 'empty sort key'),
  ('USER#3', 'PROFILE', 'emile'),
  ('USER#4', 'PROFILE', 'no name'),
  ('user#1', 'PROFILE', 'lower case'),
  ('USER#1  ', 'PROFILE', 'two trailing spaces'),
  ('ORG#1', 'ORG#1', 'self');
ANALYZE wanted;
-- 1..120, 1..20 again, misses (0, 301, 302) and NULLs: 145 rows, 2 batches
CREATE TEMP TABLE ids (id int);
INSERT INTO ids SELECT g FROM generate_series(1, 120) g;
INSERT INTO ids SELECT g FROM generate_series(1, 20) g;
INSERT INTO ids VALUES (0), (301), (302), (NULL), (NULL);
ANALYZE ids;

-- Same rows (with repeats) from the foreign table and from its local copy?
-- Q has %1$I where the table goes.
CREATE FUNCTION same_rows(q text, ft text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
  only_foreign bigint;
  only_local bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM (' || q || ') x', ft) INTO n;
  EXECUTE format('SELECT count(*) FROM ((' || q || ') EXCEPT ALL (' || q || ')) x',
                 ft, ft || '_local') INTO only_foreign;
  EXECUTE format('SELECT count(*) FROM ((' || q || ') EXCEPT ALL (' || q || ')) x',
                 ft || '_local', ft) INTO only_local;
  RETURN format('%s rows, %s only in %s, %s only in %s_local',
                n, only_foreign, ft, only_local, ft);
END $$;

-- inner join on a composite key
EXPLAIN (VERBOSE, COSTS OFF)
SELECT w.note, c.name, c.qty FROM wanted w JOIN comp c ON c.pk = w.u AND c.sk = w.s;
SELECT w.note, c.name, c.qty FROM wanted w JOIN comp c ON c.pk = w.u AND c.sk = w.s
 ORDER BY 1;
SELECT same_rows($$SELECT w.note, c.name, c.qty FROM wanted w JOIN %1$I c ON c.pk = w.u AND c.sk = w.s$$, 'comp');

-- left join: misses, NULL and empty keys come back NULL-extended
EXPLAIN (VERBOSE, COSTS OFF)
SELECT w.note, c.name, c.tags FROM wanted w LEFT JOIN comp c ON c.pk = w.u AND c.sk = w.s;
SELECT w.note, c.name, c.tags FROM wanted w LEFT JOIN comp c ON c.pk = w.u AND c.sk = w.s
 ORDER BY 1;
SELECT same_rows($$SELECT w.note, c.name, c.tags FROM wanted w LEFT JOIN %1$I c ON c.pk = w.u AND c.sk = w.s$$, 'comp');

-- extra join conditions (on the item, across both sides) decide the match;
-- a WHERE condition filters after NULL-extension
EXPLAIN (VERBOSE, COSTS OFF)
SELECT w.note, c.name FROM wanted w
  LEFT JOIN comp c ON c.pk = w.u AND c.sk = w.s AND c.qty > 2 AND c.name <> w.note
 WHERE coalesce(c.qty, 0) < 5;
SELECT w.note, c.name FROM wanted w
  LEFT JOIN comp c ON c.pk = w.u AND c.sk = w.s AND c.qty > 2 AND c.name <> w.note
 WHERE coalesce(c.qty, 0) < 5 ORDER BY 1;
SELECT same_rows($$SELECT w.note, c.name FROM wanted w
  LEFT JOIN %1$I c ON c.pk = w.u AND c.sk = w.s AND c.qty > 2 AND c.name <> w.note
 WHERE coalesce(c.qty, 0) < 5$$, 'comp');

-- conditions on the foreign table alone are checked on the fetched items
EXPLAIN (VERBOSE, COSTS OFF)
SELECT w.note, c.qty FROM wanted w JOIN comp c ON c.pk = w.u AND c.sk = w.s WHERE c.qty >= 3;
SELECT same_rows($$SELECT w.note, c.qty FROM wanted w JOIN %1$I c ON c.pk = w.u AND c.sk = w.s WHERE c.qty >= 3$$, 'comp');
SELECT same_rows($$SELECT w.note, c.qty FROM wanted w LEFT JOIN %1$I c ON c.pk = w.u AND c.sk = w.s AND c.qty >= 3$$, 'comp');

-- one outer value for both key attributes (an equivalence class)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT w.note, c.name FROM wanted w JOIN comp c ON c.pk = w.u AND c.sk = w.u;
SELECT w.note, c.name FROM wanted w JOIN comp c ON c.pk = w.u AND c.sk = w.u;

-- expressions of both sides in the select list and in an aggregate
EXPLAIN (VERBOSE, COSTS OFF)
SELECT w.note || ': ' || c.name FROM wanted w JOIN comp c ON c.pk = w.u AND c.sk = w.s;
SELECT w.note || ': ' || c.name FROM wanted w JOIN comp c ON c.pk = w.u AND c.sk = w.s ORDER BY 1;
SELECT string_agg(w.note || '=' || coalesce(c.qty, -1), ', ' ORDER BY w.note)
  FROM wanted w LEFT JOIN comp c ON c.pk = w.u AND c.sk = w.s;

-- one key attribute from the outer row, the other a constant or parameter
EXPLAIN (VERBOSE, COSTS OFF)
SELECT w.note, c.name FROM wanted w JOIN comp c ON c.pk = w.u AND c.sk = 'PROFILE';
SELECT same_rows($$SELECT w.note, c.name FROM wanted w JOIN %1$I c ON c.pk = w.u AND c.sk = 'PROFILE'$$, 'comp');
SELECT same_rows($$SELECT w.note, c.name FROM wanted w LEFT JOIN %1$I c ON c.pk = w.u AND c.sk = 'PROFILE'$$, 'comp');
SELECT same_rows($$SELECT w.note, c.name FROM wanted w LEFT JOIN %1$I c ON c.pk = 'USER#1' AND c.sk = w.s$$, 'comp');
PREPARE by_sk(text) AS
  SELECT w.note, c.name FROM wanted w LEFT JOIN comp c ON c.pk = w.u AND c.sk = $1 ORDER BY 1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE by_sk('ORDER#2');
EXECUTE by_sk('ORDER#2');
EXECUTE by_sk('');
RESET plan_cache_mode;
DEALLOCATE by_sk;

-- keys computed from the outer row, and an outer side that is itself a join
EXPLAIN (VERBOSE, COSTS OFF)
SELECT w.note, c.name FROM wanted w JOIN comp c ON c.pk = upper(w.u) AND c.sk = w.s;
SELECT same_rows($$SELECT w.note, c.name FROM wanted w JOIN %1$I c ON c.pk = upper(w.u) AND c.sk = w.s$$, 'comp');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT w.note, v.note, c.name FROM wanted w JOIN wanted v ON v.note = w.note
  JOIN comp c ON c.pk = w.u AND c.sk = v.s;
SELECT same_rows($$SELECT w.note, v.note, c.name FROM wanted w JOIN wanted v ON v.note = w.note
  JOIN %1$I c ON c.pk = w.u AND c.sk = v.s$$, 'comp');

-- partition key only, more than 100 outer rows: two BatchGetItem requests
EXPLAIN (VERBOSE, COSTS OFF)
SELECT i.id, n.label FROM ids i JOIN num n ON n.id = i.id;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT i.id, n.label FROM ids i JOIN num n ON n.id = i.id;
SELECT count(*), count(DISTINCT i.id), sum(n.sq) FROM ids i JOIN num n ON n.id = i.id;
SELECT same_rows($$SELECT i.id, n.label, n.sq FROM ids i JOIN %1$I n ON n.id = i.id$$, 'num');
SELECT same_rows($$SELECT i.id, n.label FROM ids i LEFT JOIN %1$I n ON n.id = i.id$$, 'num');
SELECT same_rows($$SELECT i.id, n.label FROM ids i LEFT JOIN %1$I n ON n.id = i.id AND mod(n.sq, 3) = 0$$, 'num');
-- a batch ends at 100 distinct keys: repeated keys are free
CREATE TEMP TABLE orders AS
  SELECT g AS order_id, g % 50 + 1 AS user50, g % 150 + 1 AS user150 FROM generate_series(1, 1000) g;
ANALYZE orders;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM orders o JOIN num n ON n.id = o.user50;
SELECT same_rows($$SELECT o.order_id, n.label FROM orders o JOIN %1$I n ON n.id = o.user50$$, 'num');
-- 150 keys in turn over 300 rows: up to 8 batches of 100 keys are read
-- together (their requests in flight at once), so each key is asked for
-- once: 2 requests, 100 keys and 50
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM orders o JOIN num n ON n.id = o.user150 WHERE o.order_id <= 300;
SELECT same_rows($$SELECT o.order_id, n.label FROM orders o LEFT JOIN %1$I n ON n.id = o.user150
 WHERE o.order_id <= 300$$, 'num');
SELECT same_rows($$SELECT o.order_id, n.label FROM orders o LEFT JOIN %1$I n ON n.id = o.user150$$, 'num');

-- the outer order is kept
EXPLAIN (COSTS OFF)
SELECT string_agg(n.id::text, ',') FROM (SELECT * FROM ids WHERE id <= 10 ORDER BY id DESC LIMIT 10) i
  JOIN num n ON n.id = i.id;
SELECT string_agg(n.id::text, ',') FROM (SELECT * FROM ids WHERE id <= 10 ORDER BY id DESC LIMIT 10) i
  JOIN num n ON n.id = i.id;

-- semi and anti joins (EXISTS, IN, NOT EXISTS, LEFT JOIN ... IS NULL)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT w.note FROM wanted w
 WHERE EXISTS (SELECT 1 FROM comp c WHERE c.pk = w.u AND c.sk = w.s AND c.qty > 0);
SELECT w.note FROM wanted w
 WHERE EXISTS (SELECT 1 FROM comp c WHERE c.pk = w.u AND c.sk = w.s AND c.qty > 0) ORDER BY 1;
SELECT same_rows($$SELECT w.note FROM wanted w
 WHERE EXISTS (SELECT 1 FROM %1$I c WHERE c.pk = w.u AND c.sk = w.s AND c.qty > 0)$$, 'comp');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT w.note FROM wanted w WHERE NOT EXISTS (SELECT 1 FROM comp c WHERE c.pk = w.u AND c.sk = w.s);
SELECT w.note FROM wanted w WHERE NOT EXISTS (SELECT 1 FROM comp c WHERE c.pk = w.u AND c.sk = w.s)
 ORDER BY 1;
SELECT same_rows($$SELECT w.note FROM wanted w WHERE NOT EXISTS (SELECT 1 FROM %1$I c WHERE c.pk = w.u AND c.sk = w.s)$$, 'comp');
EXPLAIN (COSTS OFF)
SELECT i.id FROM ids i LEFT JOIN num n ON n.id = i.id WHERE n.id IS NULL;
SELECT i.id FROM ids i LEFT JOIN num n ON n.id = i.id WHERE n.id IS NULL ORDER BY 1;
SELECT same_rows($$SELECT i.id FROM ids i WHERE i.id IN (SELECT id FROM %1$I WHERE mod(sq, 7) = 1)$$, 'num');

-- binary keys
CREATE TEMP TABLE blobs (b bytea);
INSERT INTO blobs VALUES ('\x00'), ('\x0001'), ('\xff'), ('\x'), (NULL), ('\x0001'), ('\xfffe');
ANALYZE blobs;
EXPLAIN (COSTS OFF)
SELECT b.b, k.label FROM blobs b LEFT JOIN bin k ON k.k = b.b;
SELECT b.b, k.label FROM blobs b LEFT JOIN bin k ON k.k = b.b ORDER BY 1, 2;

-- numeric keys: 1.50 finds the item stored as 1.5
CREATE TEMP TABLE prices (amount numeric, cur text);
INSERT INTO prices VALUES (1.50, 'EUR'), (1.5, 'USD'), (1.0, 'EUR'), (100.000, 'EUR'),
  (-0.250, 'EUR'), (123456.7890, 'EUR'), (2, 'EUR'), (1.5, 'GBP'), (NULL, 'EUR');
ANALYZE prices;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT p.amount, p.cur, d.label FROM prices p LEFT JOIN dec d ON d.amount = p.amount AND d.cur = p.cur;
SELECT p.amount, p.cur, d.label FROM prices p LEFT JOIN dec d ON d.amount = p.amount AND d.cur = p.cur
 ORDER BY 1, 2;
SELECT same_rows($$SELECT p.amount, p.cur, d.label FROM prices p LEFT JOIN %1$I d ON d.amount = p.amount AND d.cur = p.cur$$, 'dec');

-- not batched: float8 and varchar(n) keys (DynamoDB's equality is not theirs)
EXPLAIN (COSTS OFF)
SELECT i.id, n.label FROM ids i JOIN num_float n ON n.id = i.id;
SELECT count(*) FROM ids i JOIN num_float n ON n.id = i.id;
EXPLAIN (COSTS OFF)
SELECT w.note, c.name FROM wanted w JOIN comp_bounded c ON c.pk = w.u AND c.sk = w.s;
SELECT w.note, c.name FROM wanted w JOIN comp_bounded c ON c.pk = w.u AND c.sk = w.s
 ORDER BY 1;

-- not batched: only part of the key joined; the whole key fixed by constants;
-- a single outer row (a GetItem for it is as good)
EXPLAIN (COSTS OFF)
SELECT w.note, c.name FROM wanted w JOIN comp c ON c.pk = w.u;
EXPLAIN (COSTS OFF)
SELECT w.note, c.name FROM wanted w JOIN comp c ON c.pk = w.u AND c.sk = w.s
 WHERE c.pk = 'USER#1' AND c.sk = 'PROFILE';
EXPLAIN (COSTS OFF)
SELECT w.note, c.name FROM wanted w JOIN comp c ON c.pk = w.u AND c.sk = w.s
 WHERE w.note = 'ada';
SELECT w.note, c.name FROM wanted w JOIN comp c ON c.pk = w.u AND c.sk = w.s
 WHERE w.note = 'ada';

-- rescanned with new parameters (under a nested loop)
EXPLAIN (COSTS OFF)
SELECT v.x, (SELECT count(n.label) FROM ids i JOIN num n ON n.id = i.id WHERE i.id <= v.x)
  FROM (VALUES (5), (110), (0)) v(x);
SELECT v.x, (SELECT count(n.label) FROM ids i JOIN num n ON n.id = i.id WHERE i.id <= v.x)
  FROM (VALUES (5), (110), (0)) v(x);

-- this transaction's own writes are seen: new, changed and deleted items
BEGIN;
INSERT INTO comp (pk, sk, name, qty) VALUES ('USER#9', 'PROFILE', 'new in this transaction', 1);
UPDATE comp SET name = 'Ada, changed' WHERE pk = 'USER#1' AND sk = 'PROFILE';
DELETE FROM comp WHERE pk = 'USER#3' AND sk = 'PROFILE';
EXPLAIN (COSTS OFF)
SELECT w.note, c.name FROM wanted w LEFT JOIN comp c ON c.pk = w.u AND c.sk = w.s;
SELECT w.note, c.name FROM wanted w LEFT JOIN comp c ON c.pk = w.u AND c.sk = w.s
 ORDER BY 1;
ROLLBACK;

-- dynamo_fdw.enable_batched_join turns it off
SET dynamo_fdw.enable_batched_join = off;
EXPLAIN (COSTS OFF)
SELECT w.note, c.name FROM wanted w JOIN comp c ON c.pk = w.u AND c.sk = w.s;
RESET dynamo_fdw.enable_batched_join;

-- not offered for row locks
EXPLAIN (COSTS OFF)
SELECT w.note FROM wanted w JOIN comp c ON c.pk = w.u AND c.sk = w.s FOR UPDATE OF w;

DROP FUNCTION same_rows(text, text);
DROP SERVER kj_ddb CASCADE;
\! node test/tools/fixture.mjs delete-table kj_comp > /dev/null
\! node test/tools/fixture.mjs delete-table kj_num > /dev/null
\! node test/tools/fixture.mjs delete-table kj_dec > /dev/null
\! node test/tools/fixture.mjs delete-table kj_bin > /dev/null
