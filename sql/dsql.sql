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

-- No region anywhere: the hostname names none and the server's environment
-- (scripts/test.sh starts PostgreSQL with a clean one) has none.
\set VERBOSITY default
SELECT dsql_generate_db_connect_auth_token('db.internal.example');
\set VERBOSITY terse

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

-- Recipes: connect to DSQL with a fresh token at connect time.  This
-- PostgreSQL stands in for the cluster (it trusts local connections, so the
-- password itself is not checked); the token is for the real endpoint.
\getenv pghost PGHOST
\getenv pgport PGPORT
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
RESET client_min_messages;
CREATE TABLE dsql_standin (id int PRIMARY KEY, note text);
INSERT INTO dsql_standin VALUES (1, 'from the stand-in cluster');

-- dblink: the token is the password of each new connection
SELECT dblink_connect('dsql', format('host=%s port=%s dbname=%s user=%s password=%s',
         :'pghost', :'pgport', current_database(), current_user,
         dsql_generate_db_connect_admin_auth_token('abc123.dsql.us-east-1.on.aws')));
SELECT * FROM dblink('dsql', 'SELECT id, note FROM dsql_standin') AS t(id int, note text);
SELECT dblink_disconnect('dsql');

-- postgres_fdw: a function renews the password of the user mapping; call it
-- before using the server (postgres_fdw reconnects when the mapping changes,
-- and when DSQL has closed the session, which it does after an hour)
CREATE SERVER dsql_pg FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host :'pghost', port :'pgport', dbname :'DBNAME');
CREATE USER MAPPING FOR CURRENT_USER SERVER dsql_pg OPTIONS (user :'USER');
CREATE FUNCTION dsql_renew_password(server name, endpoint text, admin boolean DEFAULT true)
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  token text := CASE WHEN admin
                     THEN dsql_generate_db_connect_admin_auth_token(endpoint)
                     ELSE dsql_generate_db_connect_auth_token(endpoint) END;
  verb text := CASE WHEN EXISTS (SELECT 1 FROM pg_user_mappings m
                                 WHERE m.srvname = server AND m.usename = current_user
                                   AND EXISTS (SELECT 1 FROM unnest(m.umoptions) o WHERE o LIKE 'password=%'))
                    THEN 'SET' ELSE 'ADD' END;
BEGIN
  EXECUTE format('ALTER USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (%s password %L)',
                 server, verb, token);
END
$fn$;
CREATE FOREIGN TABLE dsql_remote (id int, note text)
  SERVER dsql_pg OPTIONS (table_name 'dsql_standin');
SELECT dsql_renew_password('dsql_pg', 'abc123.dsql.us-east-1.on.aws');
SELECT * FROM dsql_remote;
SELECT split_part(o, '?', 1) AS password_host FROM pg_user_mappings m, unnest(m.umoptions) o
 WHERE m.srvname = 'dsql_pg' AND o LIKE 'password=%';
-- later: a new token, a new connection, the same data
SET dynamo_fdw.signing_time = '2026-01-02 04:04:05+00';
SELECT dsql_renew_password('dsql_pg', 'abc123.dsql.us-east-1.on.aws');
SELECT * FROM dsql_remote;
SELECT split_part(split_part(o, 'X-Amz-Date=', 2), '&', 1) AS signed_at FROM pg_user_mappings m, unnest(m.umoptions) o
 WHERE m.srvname = 'dsql_pg' AND o LIKE 'password=%';
SET dynamo_fdw.signing_time = '2026-01-02 03:04:05+00';
DROP FOREIGN TABLE dsql_remote;
DROP FUNCTION dsql_renew_password(name, text, boolean);
DROP USER MAPPING FOR CURRENT_USER SERVER dsql_pg;
DROP SERVER dsql_pg;
DROP TABLE dsql_standin;
DROP EXTENSION postgres_fdw;
DROP EXTENSION dblink;

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
