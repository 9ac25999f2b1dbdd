--
-- credentials: who may use which AWS credentials.
--
-- Keys written in a user mapping belong to its role.  Everything else (the
-- server's environment, files, container or instance role) is "ambient" and
-- belongs to the PostgreSQL server: a non-superuser may use it only where a
-- superuser set allow_ambient_credentials on that user mapping.  The test
-- cluster's server has no ambient credentials at all (clean environment,
-- empty HOME, AWS_EC2_METADATA_DISABLED=true); the provider chain itself is
-- tested against fake endpoints in test/js/credentials.test.mjs.
--
\set VERBOSITY terse
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
RESET client_min_messages;
\getenv ddb_endpoint DYNAMO_ENDPOINT

CREATE SERVER cred_ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (endpoint :'ddb_endpoint', region 'us-east-1');
CREATE FOREIGN TABLE cred_ft (pk text)
  SERVER cred_ddb OPTIONS (table_name 'cred-no-such-table', partition_key 'pk');
CREATE ROLE regress_cred_alice;
CREATE ROLE regress_cred_bob;
GRANT USAGE ON FOREIGN SERVER cred_ddb TO regress_cred_alice, regress_cred_bob;
GRANT SELECT ON cred_ft TO regress_cred_alice, regress_cred_bob;

-- A mapping without keys would sign with the server's credentials.
CREATE USER MAPPING FOR regress_cred_alice SERVER cred_ddb;
SET ROLE regress_cred_alice;
SELECT * FROM cred_ft;
\set VERBOSITY default
SELECT * FROM cred_ft;
\set VERBOSITY terse

-- She cannot allow it herself.
ALTER USER MAPPING FOR regress_cred_alice SERVER cred_ddb
  OPTIONS (ADD allow_ambient_credentials 'true');
RESET ROLE;

-- role_arn alone does not help: the role would be assumed with ambient keys.
ALTER USER MAPPING FOR regress_cred_alice SERVER cred_ddb
  OPTIONS (ADD role_arn 'arn:aws:iam::123456789012:role/reader');
SET ROLE regress_cred_alice;
SELECT * FROM cred_ft;
RESET ROLE;

-- Nor does a profile: the shared files are the server's.
ALTER USER MAPPING FOR regress_cred_alice SERVER cred_ddb
  OPTIONS (DROP role_arn, ADD profile 'alice');
SET ROLE regress_cred_alice;
SELECT * FROM cred_ft;
RESET ROLE;

-- A superuser allows it; then the chain runs, and this server has nothing.
ALTER USER MAPPING FOR regress_cred_alice SERVER cred_ddb
  OPTIONS (DROP profile, ADD allow_ambient_credentials 'true');
SET ROLE regress_cred_alice;
SELECT * FROM cred_ft;
RESET ROLE;

-- The same for a superuser's own mapping without keys.
CREATE USER MAPPING FOR CURRENT_USER SERVER cred_ddb;
SELECT * FROM cred_ft;
DROP USER MAPPING FOR CURRENT_USER SERVER cred_ddb;

-- A PUBLIC mapping: the hint names PUBLIC.
CREATE USER MAPPING FOR PUBLIC SERVER cred_ddb;
SET ROLE regress_cred_bob;
\set VERBOSITY default
SELECT * FROM cred_ft;
\set VERBOSITY terse
RESET ROLE;
DROP USER MAPPING FOR PUBLIC SERVER cred_ddb;

-- Keys in the user mapping: hers to use, and nobody else sees them in
-- pg_user_mappings (a role sees the options of its own mapping only).
ALTER USER MAPPING FOR regress_cred_alice SERVER cred_ddb
  OPTIONS (DROP allow_ambient_credentials,
           ADD access_key_id 'AKIDCREDREGRESS', ADD secret_access_key 'cred-regress-secret');
SET ROLE regress_cred_bob;
SELECT usename, umoptions FROM pg_user_mappings WHERE srvname = 'cred_ddb';
RESET ROLE;
SET ROLE regress_cred_alice;
SELECT usename, umoptions FROM pg_user_mappings WHERE srvname = 'cred_ddb';
RESET ROLE;

-- The DSQL token functions use the server's chain; EXECUTE is revoked from
-- PUBLIC, and this server has no credentials.
SET ROLE regress_cred_bob;
SELECT dsql_generate_db_connect_auth_token('abc.dsql.us-east-1.on.aws', 'us-east-1');
RESET ROLE;
SELECT dsql_generate_db_connect_auth_token('abc.dsql.us-east-1.on.aws', 'us-east-1');

DROP FOREIGN TABLE cred_ft;
DROP USER MAPPING FOR regress_cred_alice SERVER cred_ddb;
DROP SERVER cred_ddb;
DROP ROLE regress_cred_alice;
DROP ROLE regress_cred_bob;
