--
-- options: the validator knows every option at its level and rejects the
-- rest with a hint listing the valid ones.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
RESET client_min_messages;

-- the wrapper takes no options of its own
ALTER FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (ADD region 'us-east-1');

-- server
CREATE SERVER opt_ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (region 'eu-west-1', endpoint 'http://127.0.0.1:9', use_fips 'false',
           connect_timeout '2.5', request_timeout '30', max_attempts '5',
           request_cost '100', item_cost '0.02');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (table_name 'x');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (regoin 'us-east-1');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (region 'US East 1');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint 'ftp://x');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint 'http://a b');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (use_fips 'maybe');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (connect_timeout '0');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (request_timeout 'soon');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (max_attempts '0');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (item_cost '-1');
ALTER SERVER opt_ddb OPTIONS (SET max_attempts '2');

-- user mapping
CREATE USER MAPPING FOR CURRENT_USER SERVER opt_ddb
  OPTIONS (access_key_id 'AKIDOPTIONS', secret_access_key 'options-secret',
           session_token 'options-token');
ALTER USER MAPPING FOR CURRENT_USER SERVER opt_ddb OPTIONS (ADD profile 'dev');
ALTER USER MAPPING FOR CURRENT_USER SERVER opt_ddb OPTIONS (ADD role_arn 'arn:aws:iam::123456789012:role/r');
ALTER USER MAPPING FOR CURRENT_USER SERVER opt_ddb OPTIONS (ADD allow_ambient_credentials 'true');
ALTER USER MAPPING FOR CURRENT_USER SERVER opt_ddb OPTIONS (ADD region 'us-east-1');
ALTER USER MAPPING FOR CURRENT_USER SERVER opt_ddb OPTIONS (DROP secret_access_key);
ALTER USER MAPPING FOR CURRENT_USER SERVER opt_ddb OPTIONS (SET access_key_id '');
-- a non-superuser may not allow themselves the server's own credentials
CREATE ROLE opt_user;
GRANT USAGE ON FOREIGN SERVER opt_ddb TO opt_user;
SET ROLE opt_user;
CREATE USER MAPPING FOR opt_user SERVER opt_ddb OPTIONS (allow_ambient_credentials 'true');
CREATE USER MAPPING FOR opt_user SERVER opt_ddb
  OPTIONS (access_key_id 'AKIDUSER', secret_access_key 'user-secret');
RESET ROLE;
-- other roles do not see the secrets
SELECT srvname, usename, umoptions FROM pg_user_mappings WHERE srvname = 'opt_ddb' ORDER BY usename;
SET ROLE opt_user;
SELECT srvname, usename, umoptions FROM pg_user_mappings WHERE srvname = 'opt_ddb' ORDER BY usename;
RESET ROLE;

-- foreign table and columns
CREATE FOREIGN TABLE opt_t (
  pk text OPTIONS (column_name 'PK'),
  doc jsonb OPTIONS (document 'true')
) SERVER opt_ddb
  OPTIONS (table_name 'opt-table', partition_key 'PK', sort_key 'SK',
           consistent_read 'true', scan_segments '4');
CREATE FOREIGN TABLE opt_bad (pk text) SERVER opt_ddb OPTIONS (tablename 'x');
CREATE FOREIGN TABLE opt_bad (pk text) SERVER opt_ddb OPTIONS (scan_segments '1001');
CREATE FOREIGN TABLE opt_bad (pk text) SERVER opt_ddb OPTIONS (consistent_read 'sometimes');
CREATE FOREIGN TABLE opt_bad (pk text) SERVER opt_ddb OPTIONS (table_name '');
CREATE FOREIGN TABLE opt_bad (pk text OPTIONS (attribute 'x')) SERVER opt_ddb;
CREATE FOREIGN TABLE opt_bad (pk text OPTIONS (document 'yes please')) SERVER opt_ddb;
ALTER FOREIGN TABLE opt_t ALTER COLUMN pk OPTIONS (SET column_name 'pk');

DROP USER MAPPING FOR opt_user SERVER opt_ddb;
REVOKE USAGE ON FOREIGN SERVER opt_ddb FROM opt_user;
DROP ROLE opt_user;
DROP SERVER opt_ddb CASCADE;
