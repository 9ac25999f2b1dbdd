-- scripts/demo/setup.sql - the demo database's objects (run by scripts/demo.sh).
--
-- psql variables: endpoint (DynamoDB Local's URL), key_id, secret (fake keys).
-- The DynamoDB tables app-table and posts are loaded from test/data/demo/
-- with the fixture tool before this runs.

\set ON_ERROR_STOP on

CREATE EXTENSION dynamo_fdw;

CREATE SERVER ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (region 'us-east-1', endpoint :'endpoint');

CREATE USER MAPPING FOR CURRENT_USER SERVER ddb
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');

-- The TypeDORM-style single table: users, orders and unique-email markers
-- share app-table, told apart by their key prefixes.
CREATE FOREIGN TABLE app_table (
  pk      text OPTIONS (column_name 'PK'),
  sk      text OPTIONS (column_name 'SK'),
  gsi1pk  text OPTIONS (column_name 'GSI1PK'),
  gsi1sk  text OPTIONS (column_name 'GSI1SK'),
  item    jsonb OPTIONS (document 'true')
) SERVER ddb OPTIONS (table_name 'app-table', partition_key 'PK', sort_key 'SK');

CREATE FOREIGN TABLE users (
  pk          text OPTIONS (column_name 'PK'),
  sk          text OPTIONS (column_name 'SK'),
  id          text,
  name        text,
  email       text,
  status      text,
  updated_at  bigint OPTIONS (column_name 'updatedAt')
) SERVER ddb OPTIONS (table_name 'app-table', partition_key 'PK', sort_key 'SK');

CREATE FOREIGN TABLE orders (
  pk             text OPTIONS (column_name 'PK'),
  sk             text OPTIONS (column_name 'SK'),
  gsi1pk         text OPTIONS (column_name 'GSI1PK'),
  gsi1sk         text OPTIONS (column_name 'GSI1SK'),
  id             text,
  user_id        text OPTIONS (column_name 'userId'),
  status         text,
  total          numeric,
  currency       text,
  created_at     timestamptz OPTIONS (column_name 'createdAt'),
  cancelled_at   timestamptz OPTIONS (column_name 'cancelledAt'),
  cancel_reason  text OPTIONS (column_name 'cancelReason'),
  lines          jsonb
) SERVER ddb OPTIONS (table_name 'app-table', partition_key 'PK', sort_key 'SK');

-- The DynamoBao-style posts table, with its postsForUser index gsi2.
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
