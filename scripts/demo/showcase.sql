-- scripts/demo/showcase.sql - what dynamo_fdw can do, step by step.
--
-- scripts/demo.sh runs this with `psql -a` (every line is echoed) on the
-- demo database that scripts/demo/setup.sql prepared.  Each step starts with
-- an \echo banner; new features add their step at the end.

\pset pager off
\set ON_ERROR_STOP on

\echo
\echo '== 1. The extension: a foreign data wrapper with its handler and validator'
\dx dynamo_fdw
\dew+ dynamo_fdw

\echo
\echo '== 2. A server for DynamoDB Local and a user mapping with (fake) keys'
\des+ ddb
\deu+ ddb

\echo
\echo '== 3. Options are checked where they are set; a typo gets a list of the valid ones'
\set ON_ERROR_STOP off
ALTER SERVER ddb OPTIONS (ADD regoin 'eu-west-1');
CREATE USER MAPPING FOR PUBLIC SERVER ddb OPTIONS (secret_key 'x');
\set ON_ERROR_STOP on

\echo
\echo '== 4. Foreign tables over the TypeDORM single table (app-table) and the DynamoBao posts table'
\det+
\d+ orders

\echo
\echo '== 5. Aurora DSQL auth token functions'
\df dsql_*
