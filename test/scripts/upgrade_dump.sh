#!/usr/bin/env bash
# test/scripts/upgrade_dump.sh - the extension's life across versions and
# dumps, on the harness's cluster and DynamoDB Local.
#
# Upgrade: CREATE EXTENSION dynamo_fdw VERSION '1.0' then ALTER EXTENSION
# dynamo_fdw UPDATE reaches dynamo_fdw.control's default_version, and the
# objects it leaves (members, function definitions and ACLs, the FDW's
# handler and validator) are exactly those of a fresh CREATE EXTENSION.
# While default_version is 1.0 (no SQL object has changed since 1.0), the
# update is a no-op and no update script may exist; once it moves on, an
# update path from 1.0 must exist and the comparison checks it.
#
# Dump: a database with a server, user mappings (the superuser's, a role's,
# PUBLIC's), a foreign table with table and column options, a schema of
# IMPORT FOREIGN SCHEMA and grants goes through pg_dump -Fc and pg_restore
# into a fresh database; the catalog (options intact for the superuser,
# ACLs) and the same queries give the same rows there, also for the role.
#
# Usage: bash test/scripts/upgrade_dump.sh   (scripts/test.sh runs it with
# DYNAMO_ENDPOINT, PGHOST, PGPORT, PGUSER and DYNAMO_FDW_PG_BIN set)

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${DYNAMO_FDW_PG_BIN:-$(pg_config --bindir)}
FIXTURE="$ROOT/test/tools/fixture.mjs"
: "${DYNAMO_ENDPOINT:?DYNAMO_ENDPOINT must name DynamoDB Local (scripts/test.sh sets it)}"

id=$$
DBS="ud_up_$id ud_fresh_$id ud_src_$id ud_dst_$id"
ROLE=ud_alice_$id
T_ORDERS=ud-orders-$id
T_USERS=ud-users-$id
work=$(mktemp -d)
errors=0
n=0

cleanup() {
	local db
	for db in $DBS; do
		"$BIN/dropdb" --if-exists "$db" >/dev/null 2>&1
	done
	"$BIN/psql" -X -q -d postgres -c "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1
	node "$FIXTURE" delete-table "$T_ORDERS" --if-exists >/dev/null 2>&1
	node "$FIXTURE" delete-table "$T_USERS" --if-exists >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

check() {
	n=$((n + 1))
	if [ "$2" = ok ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		[ -n "${3:-}" ] && sed 's/^/#   /' "$3" | head -n 40
		errors=$((errors + 1))
	fi
}

sql() { # sql DB [psql args...]: run stdin in DB, unaligned, tuples only
	local db=$1
	shift
	"$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"
}

# ---------------------------------------------------------------- upgrade
default=$(sed -n "s/^default_version *= *'\(.*\)'.*/\1/p" "$ROOT/dynamo_fdw.control")
for db in ud_up_$id ud_fresh_$id; do
	"$BIN/createdb" "$db" || { echo "Bail out! createdb $db failed"; exit 1; }
done
echo "CREATE EXTENSION dynamo_fdw VERSION '1.0'; ALTER EXTENSION dynamo_fdw UPDATE;" |
	sql "ud_up_$id" >"$work/update.out" 2>&1
check "CREATE EXTENSION VERSION '1.0' then ALTER EXTENSION UPDATE" \
	"$([ $? = 0 ] && echo ok)" "$work/update.out"
got=$(sql "ud_up_$id" -c "SELECT extversion FROM pg_extension WHERE extname = 'dynamo_fdw'")
check "the update reaches default_version $default (got $got)" "$([ "$got" = "$default" ] && echo ok)"
echo "CREATE EXTENSION dynamo_fdw;" | sql "ud_fresh_$id"

objects_sql="
SELECT pg_describe_object(classid, objid, objsubid) FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'dynamo_fdw') ORDER BY 1;
SELECT p.oid::regprocedure, p.proacl, pg_get_functiondef(p.oid) FROM pg_proc p
 JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
 JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'dynamo_fdw' ORDER BY 1;
SELECT fdwname, fdwhandler::regproc, fdwvalidator::regproc, fdwacl, fdwoptions FROM pg_foreign_data_wrapper ORDER BY 1;"
echo "$objects_sql" | sql "ud_up_$id" >"$work/objects-updated"
echo "$objects_sql" | sql "ud_fresh_$id" >"$work/objects-fresh"
diff -u "$work/objects-fresh" "$work/objects-updated" >"$work/objects.diff"
check "the updated extension's objects are a fresh install's ($(grep -c . "$work/objects-fresh") lines)" \
	"$([ $? = 0 ] && [ -s "$work/objects-fresh" ] && echo ok)" "$work/objects.diff"

updates=$(cd "$ROOT" && ls dynamo_fdw--*--*.sql 2>/dev/null | tr '\n' ' ')
if [ "$default" = 1.0 ]; then
	check "default_version is 1.0: no update script exists (${updates:-none}), the update is a no-op" \
		"$([ -z "$updates" ] && grep -q 'already installed' "$work/update.out" && echo ok)" "$work/update.out"
else
	path=$(sql "ud_fresh_$id" -c "SELECT path FROM pg_extension_update_paths('dynamo_fdw') WHERE source = '1.0' AND target = '$default'")
	check "an update path from 1.0 to $default exists ($path)" "$([ -n "$path" ] && echo ok)"
fi

# ------------------------------------------------------------------- dump
node "$FIXTURE" create-table - <<JSON >/dev/null &&
{"TableName": "$T_ORDERS",
 "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
 "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}]}
JSON
node "$FIXTURE" put-items "$T_ORDERS" - --plain <<'JSON' >/dev/null &&
[{"pk": "o1", "sk": "2026-01-01", "Status": "new", "total": 12.5, "lines": [1, 2]},
 {"pk": "o1", "sk": "2026-01-02", "Status": "paid", "total": 99.99},
 {"pk": "o2", "sk": "2026-02-01", "Status": "void", "total": 0, "extra": {"a": "b"}}]
JSON
node "$FIXTURE" create-table - <<JSON >/dev/null &&
{"TableName": "$T_USERS",
 "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
 "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}
JSON
node "$FIXTURE" put-items "$T_USERS" - --plain <<'JSON' >/dev/null
[{"id": "u1", "name": "ann", "age": 31}, {"id": "u2", "name": "bob"}]
JSON
check "DynamoDB Local tables for the dump" "$([ $? = 0 ] && echo ok)"

"$BIN/createdb" "ud_src_$id" && sql "ud_src_$id" >"$work/setup.out" 2>&1 <<SQL
CREATE ROLE $ROLE LOGIN;
CREATE EXTENSION dynamo_fdw;
CREATE SERVER ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (region 'us-east-1', endpoint '$DYNAMO_ENDPOINT');
CREATE USER MAPPING FOR CURRENT_USER SERVER ddb
  OPTIONS (access_key_id 'AKIDSUPERUSER1', secret_access_key 'superuser-secret');
CREATE USER MAPPING FOR $ROLE SERVER ddb
  OPTIONS (access_key_id 'AKIDALICE00001', secret_access_key 'alice-secret', session_token 'alice-token');
CREATE USER MAPPING FOR PUBLIC SERVER ddb
  OPTIONS (access_key_id 'AKIDPUBLIC0001', secret_access_key 'public-secret');
GRANT USAGE ON FOREIGN SERVER ddb TO $ROLE;
CREATE FOREIGN TABLE orders (
  pk text, sk text, status text OPTIONS (column_name 'Status'), total numeric,
  item jsonb OPTIONS (document 'true')
) SERVER ddb OPTIONS (table_name '$T_ORDERS', partition_key 'pk', sort_key 'sk');
GRANT SELECT ON orders TO $ROLE;
CREATE SCHEMA imported;
IMPORT FOREIGN SCHEMA dynamodb LIMIT TO ("$T_USERS") FROM SERVER ddb INTO imported;
CREATE VIEW big_orders AS SELECT pk, sk, total FROM orders WHERE total > 10;
SQL
check "source database: server, 3 user mappings, foreign table, imported schema, view" \
	"$([ $? = 0 ] && echo ok)" "$work/setup.out"

# options in name order: pg_dump does not keep the order they were given in
catalog_sql="
CREATE FUNCTION pg_temp.o(text[]) RETURNS text[] LANGUAGE sql AS 'SELECT array(SELECT unnest(\$1) ORDER BY 1)';
SELECT srvname, pg_temp.o(srvoptions), srvacl FROM pg_foreign_server ORDER BY 1;
SELECT usename, srvname, pg_temp.o(umoptions) FROM pg_user_mappings ORDER BY 1, 2;
SELECT c.oid::regclass, pg_temp.o(ft.ftoptions), c.relacl FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid ORDER BY c.oid::regclass::text;
SELECT attrelid::regclass, attname, atttypid::regtype, pg_temp.o(attfdwoptions) FROM pg_attribute
 WHERE attrelid IN (SELECT ftrelid FROM pg_foreign_table) AND attnum > 0 AND NOT attisdropped ORDER BY attrelid::regclass::text, attnum;
SELECT extname, extversion FROM pg_extension WHERE extname = 'dynamo_fdw';"
query_sql="
SELECT pk, sk, status, total, item - 'lines' FROM orders ORDER BY pk, sk;
SELECT to_jsonb(u) FROM imported.\"$T_USERS\" u ORDER BY to_jsonb(u)::text;
SELECT count(*), sum(total) FROM orders WHERE pk = 'o1';
SELECT * FROM big_orders ORDER BY 1, 2;
SET ROLE $ROLE;
SELECT pk, sk FROM orders WHERE pk = 'o2';
RESET ROLE;"

echo "$catalog_sql" | sql "ud_src_$id" >"$work/catalog-src" 2>&1
echo "$query_sql" | sql "ud_src_$id" >"$work/rows-src" 2>&1
check "source database answers ($(grep -c . "$work/rows-src") lines of rows)" \
	"$(grep -q 'paid' "$work/rows-src" && grep -q 'bob' "$work/rows-src" && grep -q "AKIDALICE00001" "$work/catalog-src" && echo ok)" \
	"$work/rows-src"

"$BIN/pg_dump" -Fc -f "$work/src.dump" "ud_src_$id" >"$work/dump.out" 2>&1
check "pg_dump -Fc" "$([ $? = 0 ] && echo ok)" "$work/dump.out"
"$BIN/createdb" "ud_dst_$id" && "$BIN/pg_restore" --exit-on-error -d "ud_dst_$id" "$work/src.dump" >"$work/restore.out" 2>&1
check "pg_restore into a fresh database" "$([ $? = 0 ] && echo ok)" "$work/restore.out"

echo "$catalog_sql" | sql "ud_dst_$id" >"$work/catalog-dst" 2>&1
diff -u "$work/catalog-src" "$work/catalog-dst" >"$work/catalog.diff"
check "restored catalog: servers, user mappings with their options, foreign tables, column options, ACLs" \
	"$([ $? = 0 ] && echo ok)" "$work/catalog.diff"
echo "$query_sql" | sql "ud_dst_$id" >"$work/rows-dst" 2>&1
diff -u "$work/rows-src" "$work/rows-dst" >"$work/rows.diff"
check "restored database: the same queries give the same rows" "$([ $? = 0 ] && echo ok)" "$work/rows.diff"

echo "1..$n"
[ "$errors" -eq 0 ]
