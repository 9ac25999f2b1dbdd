-- scripts/demo/showcase.sql - what dynamo_fdw can do, step by step.
--
-- scripts/demo.sh runs this with `psql -e` (each statement is printed
-- before its result) on an empty database, after loading test/data/demo/
-- into DynamoDB Local.  psql variables: endpoint (DynamoDB Local's URL),
-- key_id and secret (fake keys: DynamoDB Local accepts any).
--
-- The scenarios are those of the ORMs whose users this extension is for:
-- TypeDORM's single-table design and unique attributes, DynamoBao's
-- queryPosts / iterateAll, typeorm-dynamodb's multi-table transactions,
-- and the Aurora DSQL token of the TypeORM/Sequelize DSQL guides.  README's
-- Cookbook is these steps; keep the two in step.

\set QUIET on
\pset pager off
\pset null '(null)'
\set QUIET off
\set ON_ERROR_STOP on
\set SHOW_CONTEXT never

\echo
\echo '==== 1. Connect: the extension, a server (DynamoDB Local here) and the keys of a user mapping'
CREATE EXTENSION dynamo_fdw;
CREATE SERVER ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (region 'us-east-1', endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER ddb
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');

\echo
\echo '==== 2. IMPORT FOREIGN SCHEMA: a foreign table per DynamoDB table, typed from DescribeTable and a sample'
CREATE SCHEMA dynamodb;
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER ddb INTO dynamodb;
\det dynamodb.*
\d dynamodb."app-table"

\echo
\echo '======== TypeDORM: users, orders and unique-email markers in one table (app-table)'
\echo
\echo '==== 3. One foreign table per entity over the single table, with friendlier names and types'
CREATE FOREIGN TABLE users (
  pk          text OPTIONS (column_name 'PK'),
  sk          text OPTIONS (column_name 'SK'),
  gsi1pk      text OPTIONS (column_name 'GSI1PK'),
  gsi1sk      text OPTIONS (column_name 'GSI1SK'),
  id          text,
  name        text,
  email       text,
  status      text,
  updated_at  bigint OPTIONS (column_name 'updatedAt')
) SERVER ddb OPTIONS (table_name 'app-table');
CREATE FOREIGN TABLE orders (
  pk             text OPTIONS (column_name 'PK'),
  sk             text OPTIONS (column_name 'SK'),
  gsi1pk         text OPTIONS (column_name 'GSI1PK'),
  gsi1sk         text OPTIONS (column_name 'GSI1SK'),
  id             text,
  user_id        text OPTIONS (column_name 'userId'),
  status         text,
  total          numeric,
  created_at     timestamptz OPTIONS (column_name 'createdAt'),
  cancelled_at   timestamptz OPTIONS (column_name 'cancelledAt'),
  cancel_reason  text OPTIONS (column_name 'cancelReason'),
  lines          jsonb
) SERVER ddb OPTIONS (table_name 'app-table');

\echo
\echo '==== 4. A user by its key: one GetItem'
EXPLAIN (COSTS OFF)
SELECT id, name, email, status FROM users WHERE pk = 'USER#user-1' AND sk = 'USER#user-1';
SELECT id, name, email, status FROM users WHERE pk = 'USER#user-1' AND sk = 'USER#user-1';

\echo
\echo '==== 5. The cancelled orders of user-1: a Query on GSI1 with begins_with (TypeDORM: queryIndex GSI1, BEGINS_WITH ORDER#cancelled)'
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, total, cancelled_at, cancel_reason FROM orders
 WHERE gsi1pk = 'USER#user-1' AND gsi1sk LIKE 'ORDER#cancelled%';
SELECT id, total, cancelled_at, cancel_reason FROM orders
 WHERE gsi1pk = 'USER#user-1' AND gsi1sk LIKE 'ORDER#cancelled%';

\echo
\echo '==== 6. A join with a local table: the orders of the key accounts'
CREATE TABLE key_accounts (user_id text PRIMARY KEY, manager text);
INSERT INTO key_accounts VALUES ('user-1', 'Odin'), ('user-3', 'Frigg');
EXPLAIN (COSTS OFF)
SELECT k.manager, o.id, o.status, o.total
  FROM key_accounts k JOIN orders o ON o.pk = 'USER#' || k.user_id AND o.sk LIKE 'ORDER#%'
 ORDER BY o.id;
SELECT k.manager, o.id, o.status, o.total
  FROM key_accounts k JOIN orders o ON o.pk = 'USER#' || k.user_id AND o.sk LIKE 'ORDER#%'
 ORDER BY o.id;

\echo
\echo '======== DynamoBao: posts (a single table too), its postsForUser index gsi2'
\echo
\echo '==== 7. The posts of a user through gsi2 (DynamoBao: user.queryPosts())'
CREATE FOREIGN TABLE posts (
  pk          text OPTIONS (column_name '_pk'),
  sk          text OPTIONS (column_name '_sk'),
  gsi2_pk     text OPTIONS (column_name '_gsi2_pk'),
  gsi2_sk     text OPTIONS (column_name '_gsi2_sk'),
  post_id     text OPTIONS (column_name 'postId'),
  user_id     text OPTIONS (column_name 'userId'),
  title       text,
  content     text,
  created_at  bigint OPTIONS (column_name 'createdAt'),
  version     integer
) SERVER ddb OPTIONS (table_name 'posts');
\echo '       gsi2 holds only items that have its sort key too: without a condition that rules'
\echo '       the others out, PostgreSQL''s answer needs a Scan'
EXPLAIN (COSTS OFF)
SELECT post_id, title FROM posts WHERE gsi2_pk = 'p#gsi2#u#01HQ0000000000000000USER01';
\echo '       with gsi2_sk IS NOT NULL (what DynamoBao always writes), a Query on gsi2'
EXPLAIN (COSTS OFF)
SELECT post_id, title FROM posts
 WHERE gsi2_pk = 'p#gsi2#u#01HQ0000000000000000USER01' AND gsi2_sk IS NOT NULL;
SELECT post_id, title FROM posts
 WHERE gsi2_pk = 'p#gsi2#u#01HQ0000000000000000USER01' AND gsi2_sk IS NOT NULL;

\echo
\echo '==== 8. With a contains filter (DynamoBao: filter {content: {$contains: "another"}})'
\echo '       LIKE ''%another%'' becomes DynamoDB''s contains() in the Query''s filter'
EXPLAIN (VERBOSE, COSTS OFF)
SELECT post_id, title, content FROM posts
 WHERE gsi2_pk = 'p#gsi2#u#01HQ0000000000000000USER01' AND gsi2_sk IS NOT NULL
   AND content LIKE '%another%';
SELECT post_id, title, content FROM posts
 WHERE gsi2_pk = 'p#gsi2#u#01HQ0000000000000000USER01' AND gsi2_sk IS NOT NULL
   AND content LIKE '%another%';

\echo
\echo '==== 9. Iterating over all posts with a parallel Scan (DynamoBao: Post.iterateAll()), consumed capacity in EXPLAIN ANALYZE'
ALTER FOREIGN TABLE posts OPTIONS (ADD scan_segments '4');
EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT post_id, title FROM posts WHERE pk LIKE 'p#%';
SELECT post_id, title, to_timestamp(created_at / 1000) AS created FROM posts
 WHERE pk LIKE 'p#%' ORDER BY created_at;

\echo
\echo '======== typeorm-dynamodb: transactions over several tables (users, orders, cart, items)'
\echo
\echo '==== 10. A multi-table transaction: one TransactWriteItems at COMMIT, all or nothing'
SELECT * FROM dynamodb.cart ORDER BY "userId";
BEGIN;
INSERT INTO dynamodb.users (id, name, status) VALUES ('user-123', 'Alice', 'active');
INSERT INTO dynamodb.orders (id, "userId", total, status) VALUES ('order-456', 'user-123', 100.00, 'pending');
DELETE FROM dynamodb.cart WHERE "userId" = 'user-123';
SELECT "userId" FROM dynamodb.cart ORDER BY 1;  -- the transaction sees its own writes
SET LOCAL client_min_messages = debug1;         -- to see the request COMMIT sends
COMMIT;
SELECT u.id, u.name, o.id AS order_id, o.total, o.status
  FROM dynamodb.users u JOIN dynamodb.orders o ON o."userId" = u.id
 WHERE u.id = 'user-123';
SELECT "userId" FROM dynamodb.cart ORDER BY 1;

\echo
\echo '==== 11. More than 100 actions: DynamoDB takes at most 100 a request, so 150 go out as 100 + 50, each batch atomic'
BEGIN;
INSERT INTO dynamodb.items (id, data) SELECT 'item-' || i, 'test' FROM generate_series(1, 150) AS i;
SET LOCAL client_min_messages = debug1;
COMMIT;
SELECT count(*) FROM dynamodb.items WHERE data = 'test';

\echo
\echo '==== 12. ... unless dynamo_fdw.strict_atomicity is on: then the 101st action fails, and nothing is sent'
SET dynamo_fdw.strict_atomicity = on;
BEGIN;
\set ON_ERROR_STOP off
INSERT INTO dynamodb.items (id, data) SELECT 'item-' || i, 'test' FROM generate_series(151, 300) AS i;
\set ON_ERROR_STOP on
ROLLBACK;
RESET dynamo_fdw.strict_atomicity;
SELECT count(*) FROM dynamodb.items WHERE data = 'test';

\echo
\echo '======== TypeDORM unique attributes: the user and a marker item DRM_GEN_USER.EMAIL#<email>, in one transaction'
\echo
\echo '==== 13. A new user with a new email: both items are written'
BEGIN;
INSERT INTO users (pk, sk, gsi1pk, gsi1sk, id, name, email, status)
  VALUES ('USER#user-4', 'USER#user-4', 'USER#user-4', 'USER#user-4#STATUS#active',
          'user-4', 'Freya', 'freya@vanaheim.org', 'active');
INSERT INTO dynamodb."app-table" ("PK", "SK")
  VALUES ('DRM_GEN_USER.EMAIL#freya@vanaheim.org', 'DRM_GEN_USER.EMAIL#freya@vanaheim.org');
COMMIT;
SELECT "PK", "SK" FROM dynamodb."app-table" WHERE "PK" IN ('USER#user-4', 'DRM_GEN_USER.EMAIL#freya@vanaheim.org');

\echo
\echo '==== 14. A second user with an email already taken: unique violation (23505) at COMMIT, and nothing is written'
BEGIN;
INSERT INTO users (pk, sk, gsi1pk, gsi1sk, id, name, email, status)
  VALUES ('USER#user-5', 'USER#user-5', 'USER#user-5', 'USER#user-5#STATUS#active',
          'user-5', 'Loki (again)', 'loki@asgard.com', 'active');
INSERT INTO dynamodb."app-table" ("PK", "SK")
  VALUES ('DRM_GEN_USER.EMAIL#loki@asgard.com', 'DRM_GEN_USER.EMAIL#loki@asgard.com');
\set ON_ERROR_STOP off
COMMIT;
\set ON_ERROR_STOP on
\echo 'SQLSTATE' :LAST_ERROR_SQLSTATE
SELECT count(*) AS "user-5 items" FROM users WHERE pk = 'USER#user-5';

\echo
\echo '======== Aurora DSQL: IAM auth tokens from SQL'
\echo
\echo '==== 15. An admin token for the cluster of the TypeORM/Sequelize DSQL guides (DsqlSigner.getDbConnectAdminAuthToken())'
SET dynamo_fdw.dsql_server = 'ddb';   -- sign with this user mapping's keys (default: the server's own credentials)
CREATE TEMP TABLE dsql AS
  SELECT dsql_generate_db_connect_admin_auth_token('foo0bar1baz2quux3quuux4.dsql.us-east-1.on.aws') AS token;
SELECT token FROM dsql \g (format=unaligned tuples_only=on)
SELECT split_part(p, '=', 1) AS "query parameter", split_part(p, '=', 2) AS value
  FROM dsql, regexp_split_to_table(split_part(token, '?', 2), '&') AS p;

\echo
\echo '==== 16. Connecting with it: the token is the password of user admin (TLS required); take a fresh one per connection'
\echo '  psql:      PGPASSWORD=$(psql -Atc "select dsql_generate_db_connect_admin_auth_token(''foo0bar1baz2quux3quuux4.dsql.us-east-1.on.aws'')") \\'
\echo '               psql "host=foo0bar1baz2quux3quuux4.dsql.us-east-1.on.aws user=admin dbname=postgres sslmode=require"'
\echo '  dblink:    SELECT dblink_connect(''dsql'', format(''host=%s user=admin dbname=postgres sslmode=require password=%s'','
\echo '               ''foo0bar1baz2quux3quuux4.dsql.us-east-1.on.aws'','
\echo '               dsql_generate_db_connect_admin_auth_token(''foo0bar1baz2quux3quuux4.dsql.us-east-1.on.aws'')));'
\echo '  Non-admin roles: dsql_generate_db_connect_auth_token(); DSQL closes every session after one hour.'
