/* dynamo_fdw--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION dynamo_fdw" to load this file. \quit

CREATE FUNCTION dynamo_fdw_handler()
RETURNS fdw_handler
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FUNCTION dynamo_fdw_validator(text[], oid)
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER dynamo_fdw
  HANDLER dynamo_fdw_handler
  VALIDATOR dynamo_fdw_validator;

-- Aurora DSQL IAM auth tokens.  Not STRICT: a NULL hostname gets a clear
-- error rather than a silent NULL token.
CREATE FUNCTION dsql_generate_db_connect_auth_token(
    hostname text, region text DEFAULT NULL, expires_in integer DEFAULT 900)
RETURNS text
AS 'MODULE_PATHNAME', 'dsql_generate_db_connect_auth_token'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

CREATE FUNCTION dsql_generate_db_connect_admin_auth_token(
    hostname text, region text DEFAULT NULL, expires_in integer DEFAULT 900)
RETURNS text
AS 'MODULE_PATHNAME', 'dsql_generate_db_connect_admin_auth_token'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

-- The token functions can sign with the server's own AWS identity (ambient
-- credentials), so only roles a superuser chooses may call them.
REVOKE EXECUTE ON FUNCTION dsql_generate_db_connect_auth_token(text, text, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION dsql_generate_db_connect_admin_auth_token(text, text, integer) FROM PUBLIC;
