--
-- dsql: Aurora DSQL auth tokens, byte for byte what @aws-sdk/dsql-signer
-- makes, and clear errors for bad input.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
RESET client_min_messages;

-- credentials from a user mapping of a dynamo_fdw server, at a fixed instant
CREATE SERVER dsql_keys FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (region 'us-east-1');
CREATE USER MAPPING FOR CURRENT_USER SERVER dsql_keys
  OPTIONS (access_key_id 'AKIDDSQL', secret_access_key 'dsql-secret');
SET dynamo_fdw.dsql_server = 'dsql_keys';
SET dynamo_fdw.signing_time = '2026-01-02 03:04:05+00';

\set sdk `node test/tools/dsql_sdk_token.mjs abc123.dsql.us-east-1.on.aws DbConnect us-east-1 900 2026-01-02T03:04:05Z AKIDDSQL dsql-secret`
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws') AS token;
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws') = :'sdk' AS same_as_sdk;

\set sdk `node test/tools/dsql_sdk_token.mjs abc123.dsql.us-east-1.on.aws DbConnectAdmin eu-west-2 3600 2026-01-02T03:04:05Z AKIDDSQL dsql-secret`
SELECT dsql_generate_db_connect_admin_auth_token('abc123.dsql.us-east-1.on.aws', 'eu-west-2', 3600) = :'sdk' AS same_as_sdk;

-- with a session token, inside the signed query
ALTER USER MAPPING FOR CURRENT_USER SERVER dsql_keys
  OPTIONS (ADD session_token 'FwoGZXIvYXdzEJr//////////wEaDO+/=');
\set sdk `node test/tools/dsql_sdk_token.mjs abc123.dsql.us-east-1.on.aws DbConnectAdmin us-east-1 900 2026-01-02T03:04:05Z AKIDDSQL dsql-secret 'FwoGZXIvYXdzEJr//////////wEaDO+/='`
SELECT dsql_generate_db_connect_admin_auth_token('abc123.dsql.us-east-1.on.aws') AS token;
SELECT dsql_generate_db_connect_admin_auth_token('abc123.dsql.us-east-1.on.aws') = :'sdk' AS same_as_sdk;

-- the region comes from the argument, else from the endpoint's name
SELECT split_part(split_part(dsql_generate_db_connect_auth_token('x.dsql.ap-south-1.on.aws'), 'X-Amz-Credential=', 2), '&', 1);
SELECT split_part(split_part(dsql_generate_db_connect_auth_token('x.dsql.ap-south-1.on.aws', 'us-west-2'), 'X-Amz-Credential=', 2), '&', 1);

-- bad input
\set VERBOSITY terse
SELECT dsql_generate_db_connect_auth_token(NULL);
SELECT dsql_generate_db_connect_auth_token('');
SELECT dsql_generate_db_connect_auth_token('https://abc123.dsql.us-east-1.on.aws');
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws/postgres');
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws:5432');
SELECT dsql_generate_db_connect_auth_token('abc123 .dsql.us-east-1.on.aws');
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws', 'us-east-1', 0);
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws', 'us-east-1', -5);
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws', 'us-east-1', 604801);
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws', 'US East');
SELECT length(dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws', 'us-east-1', 604800)) > 0 AS seven_days_ok;
SET dynamo_fdw.dsql_server = 'no_such_server';
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws');

-- EXECUTE is not granted to PUBLIC
RESET dynamo_fdw.dsql_server;
CREATE ROLE dsql_nobody;
SET ROLE dsql_nobody;
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws');
RESET ROLE;
DROP ROLE dsql_nobody;

-- only a superuser may pin the signing time
CREATE ROLE dsql_plain;
SET ROLE dsql_plain;
SET dynamo_fdw.signing_time = '2020-01-01';
RESET ROLE;
DROP ROLE dsql_plain;

RESET dynamo_fdw.signing_time;
DROP SERVER dsql_keys CASCADE;
