--
-- dsql: Aurora DSQL auth tokens.  Tokens pinned at a fixed instant with fake
-- keys (test/js/dsql.test.mjs compares many more with @aws-sdk/dsql-signer),
-- where the region and the credentials come from, and every bad input with
-- its error.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
RESET client_min_messages;

-- Credentials from the caller's user mapping of a dynamo_fdw server.
CREATE SERVER dsql_keys FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (region 'us-east-1');
CREATE USER MAPPING FOR CURRENT_USER SERVER dsql_keys
  OPTIONS (access_key_id 'AKIDDSQLEXAMPLE', secret_access_key 'dsql/secret+KEY');
SET dynamo_fdw.dsql_server = 'dsql_keys';
SET dynamo_fdw.signing_time = '2026-01-02 03:04:05+00';

-- Pinned tokens.  The first two are also checked against the SDK here.
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws') AS token;
\set sdk `node test/tools/dsql_sdk_token.mjs abc123.dsql.us-east-1.on.aws DbConnect us-east-1 900 2026-01-02T03:04:05Z AKIDDSQLEXAMPLE 'dsql/secret+KEY'`
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws') = :'sdk' AS same_as_sdk;
SELECT dsql_generate_db_connect_admin_auth_token('abc123.dsql.us-east-1.on.aws', 'eu-west-2', 3600) AS token;
\set sdk `node test/tools/dsql_sdk_token.mjs abc123.dsql.us-east-1.on.aws DbConnectAdmin eu-west-2 3600 2026-01-02T03:04:05Z AKIDDSQLEXAMPLE 'dsql/secret+KEY'`
SELECT dsql_generate_db_connect_admin_auth_token('abc123.dsql.us-east-1.on.aws', 'eu-west-2', 3600) = :'sdk' AS same_as_sdk;
-- the shortest and longest expiries; NULL means the default, 900
SELECT dsql_generate_db_connect_admin_auth_token('k7q2m.dsql.ap-northeast-1.on.aws', NULL, 1) AS token;
SELECT dsql_generate_db_connect_auth_token('k7q2m.dsql.ap-northeast-1.on.aws', 'ap-northeast-1', 604800) AS token;
SELECT dsql_generate_db_connect_auth_token('k7q2m.dsql.ap-northeast-1.on.aws', NULL, NULL)
     = dsql_generate_db_connect_auth_token('k7q2m.dsql.ap-northeast-1.on.aws') AS null_is_900;
-- the same instant written in another time zone signs the same
SET dynamo_fdw.signing_time = '2026-01-02 05:04:05+02';
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws') AS token;
SET dynamo_fdw.signing_time = '2026-01-02 03:04:05+00';

-- With a session token: inside the signed query.
ALTER USER MAPPING FOR CURRENT_USER SERVER dsql_keys
  OPTIONS (ADD session_token 'FwoGZXIvYXdzEJr//////////wEaDO+/=');
SELECT dsql_generate_db_connect_admin_auth_token('abc123.dsql.us-east-1.on.aws') AS token;
\set sdk `node test/tools/dsql_sdk_token.mjs abc123.dsql.us-east-1.on.aws DbConnectAdmin us-east-1 900 2026-01-02T03:04:05Z AKIDDSQLEXAMPLE 'dsql/secret+KEY' 'FwoGZXIvYXdzEJr//////////wEaDO+/='`
SELECT dsql_generate_db_connect_admin_auth_token('abc123.dsql.us-east-1.on.aws') = :'sdk' AS same_as_sdk;
ALTER USER MAPPING FOR CURRENT_USER SERVER dsql_keys OPTIONS (DROP session_token);

-- The region: the argument, else the endpoint's name (any case).
SELECT split_part(split_part(dsql_generate_db_connect_auth_token('x.dsql.ap-south-1.on.aws'), 'X-Amz-Credential=', 2), '&', 1) AS credential;
SELECT split_part(split_part(dsql_generate_db_connect_auth_token('x.dsql.ap-south-1.on.aws', 'us-west-2'), 'X-Amz-Credential=', 2), '&', 1) AS credential;
SELECT split_part(split_part(dsql_generate_db_connect_auth_token('X.DSQL.EU-NORTH-1.ON.AWS'), 'X-Amz-Credential=', 2), '&', 1) AS credential;
-- the hostname is kept as given
SELECT split_part(dsql_generate_db_connect_auth_token('X.DSQL.EU-NORTH-1.ON.AWS'), '?', 1) AS host_part;
SELECT split_part(dsql_generate_db_connect_auth_token('db_1.internal.example', 'us-east-1'), '?', 1) AS host_part;

-- Bad input.
\set VERBOSITY default
SELECT dsql_generate_db_connect_auth_token(NULL);
SELECT dsql_generate_db_connect_admin_auth_token(NULL, 'us-east-1', 900);
SELECT dsql_generate_db_connect_auth_token('');
SELECT dsql_generate_db_connect_auth_token('https://abc123.dsql.us-east-1.on.aws');
SELECT dsql_generate_db_connect_auth_token('postgresql://abc123.dsql.us-east-1.on.aws');
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws/postgres');
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws/');
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws?Action=x');
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws:5432');
SELECT dsql_generate_db_connect_auth_token('abc123 .dsql.us-east-1.on.aws');
SELECT dsql_generate_db_connect_auth_token(' abc123.dsql.us-east-1.on.aws');
SELECT dsql_generate_db_connect_auth_token(E'abc123.dsql.us-east-1.on.aws\t');
SELECT dsql_generate_db_connect_auth_token('.abc123.dsql.us-east-1.on.aws');
SELECT dsql_generate_db_connect_auth_token('abc123..dsql.us-east-1.on.aws');
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws.');
SELECT dsql_generate_db_connect_auth_token('user@abc123.dsql.us-east-1.on.aws');
SELECT dsql_generate_db_connect_auth_token('ümlaut.dsql.us-east-1.on.aws');
SELECT dsql_generate_db_connect_auth_token(repeat('a', 64) || '.dsql.us-east-1.on.aws');
SELECT dsql_generate_db_connect_auth_token(repeat('abcdefghi.', 25) || 'on.aws', 'us-east-1');
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws', 'us-east-1', 0);
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws', 'us-east-1', -5);
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws', 'us-east-1', 604801);
SELECT dsql_generate_db_connect_admin_auth_token('abc123.dsql.us-east-1.on.aws', NULL, 2147483647);
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws', '');
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws', 'US East');
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws', 'us-east-1/x');
\set VERBOSITY terse

-- dynamo_fdw.dsql_server must name a dynamo_fdw server the caller may use.
SET dynamo_fdw.dsql_server = 'no_such_server';
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws');
CREATE FOREIGN DATA WRAPPER dsql_other_fdw;
CREATE SERVER dsql_other FOREIGN DATA WRAPPER dsql_other_fdw;
SET dynamo_fdw.dsql_server = 'dsql_other';
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws');
DROP SERVER dsql_other;
DROP FOREIGN DATA WRAPPER dsql_other_fdw;

-- A role that was granted EXECUTE signs with its own user mapping.
CREATE ROLE regress_dsql_alice;
GRANT EXECUTE ON FUNCTION dsql_generate_db_connect_auth_token(text, text, integer) TO regress_dsql_alice;
SET dynamo_fdw.dsql_server = 'dsql_keys';
SET ROLE regress_dsql_alice;
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws');	-- no USAGE
RESET ROLE;
GRANT USAGE ON FOREIGN SERVER dsql_keys TO regress_dsql_alice;
SET ROLE regress_dsql_alice;
\set VERBOSITY default
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws');	-- no mapping
\set VERBOSITY terse
RESET ROLE;
CREATE USER MAPPING FOR regress_dsql_alice SERVER dsql_keys
  OPTIONS (access_key_id 'AKIDALICE', secret_access_key 'alice-secret');
SET ROLE regress_dsql_alice;
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws') AS token;
-- the admin function was not granted to her
SELECT dsql_generate_db_connect_admin_auth_token('abc123.dsql.us-east-1.on.aws');
RESET ROLE;
-- a mapping without keys would sign with the server's own credentials:
-- refused to a non-superuser unless a superuser allowed it
ALTER USER MAPPING FOR regress_dsql_alice SERVER dsql_keys
  OPTIONS (DROP access_key_id, DROP secret_access_key);
SET ROLE regress_dsql_alice;
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws');
RESET ROLE;
-- a PUBLIC mapping serves roles without their own
DROP USER MAPPING FOR regress_dsql_alice SERVER dsql_keys;
CREATE USER MAPPING FOR PUBLIC SERVER dsql_keys
  OPTIONS (access_key_id 'AKIDPUBLIC', secret_access_key 'public-secret');
SET ROLE regress_dsql_alice;
SELECT split_part(split_part(dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws'), 'X-Amz-Credential=', 2), '%', 1) AS access_key;
-- she cannot pin the signing time
SET dynamo_fdw.signing_time = '2020-01-01';
RESET ROLE;
DROP USER MAPPING FOR PUBLIC SERVER dsql_keys;

-- EXECUTE is not granted to PUBLIC.
CREATE ROLE regress_dsql_nobody;
SET ROLE regress_dsql_nobody;
SELECT dsql_generate_db_connect_auth_token('abc123.dsql.us-east-1.on.aws');
SELECT dsql_generate_db_connect_admin_auth_token('abc123.dsql.us-east-1.on.aws');
RESET ROLE;
SELECT p.proname, p.proisstrict, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
  FROM pg_proc p WHERE p.proname LIKE 'dsql_generate_%' ORDER BY 1;

RESET dynamo_fdw.dsql_server;
RESET dynamo_fdw.signing_time;
DROP OWNED BY regress_dsql_alice;
DROP ROLE regress_dsql_alice;
DROP ROLE regress_dsql_nobody;
DROP USER MAPPING FOR CURRENT_USER SERVER dsql_keys;
DROP SERVER dsql_keys;
