#!/usr/bin/env bash
# scripts/demo.sh - a running DynamoDB Local + PostgreSQL 15 with dynamo_fdw
# and sample single-table data, for trying the extension by hand.
#
# Usage: scripts/demo.sh [start]   bring up (or reuse) the environment, load
#                                  the sample data, run the showcase, print
#                                  how to open psql
#        scripts/demo.sh stop      stop everything the demo started
#        scripts/demo.sh status    say what runs, and where
#
# The same bring-up as scripts/test.sh (scripts/lib/), but the services stay
# up after the script ends.  State (pids, ports, logs) lives in
# ${DYNAMO_FDW_CACHE:-$HOME/.cache/dynamo_fdw}/demo (DYNAMO_FDW_DEMO_STATE
# overrides); the PostgreSQL cluster lives in /var/tmp/dynamo_fdw-demo when
# run as root (the postgres OS user must be able to reach it; with
# DYNAMO_FDW_DEMO_STATE set, in /var/tmp/dynamo_fdw-demo-<its base name>),
# else in the state folder.  Running start again
# reuses what still runs, reloads the data and recreates the demo database
# (sessions open on it are closed).
#
# Sample data (test/data/demo/): app-table, a TypeDORM-style single table
# (users, orders with PK/SK and a GSI1PK/GSI1SK index, unique-email marker
# items); posts, a DynamoBao-style table with its gsi2 index; users, orders,
# cart and items, typeorm-dynamodb's tables.  The showcase is
# scripts/demo/showcase.sql: it creates every PostgreSQL object itself, so
# it doubles as the README's cookbook.

set -u
set -o pipefail

DF_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
. "$DF_ROOT/scripts/lib/common.sh"
# shellcheck source=lib/deps.sh
. "$DF_ROOT/scripts/lib/deps.sh"
# shellcheck source=lib/node.sh
. "$DF_ROOT/scripts/lib/node.sh"
# shellcheck source=lib/ddb.sh
. "$DF_ROOT/scripts/lib/ddb.sh"
# shellcheck source=lib/pg.sh
. "$DF_ROOT/scripts/lib/pg.sh"
# shellcheck source=lib/build.sh
. "$DF_ROOT/scripts/lib/build.sh"

DEMO_STATE=${DYNAMO_FDW_DEMO_STATE:-$DF_CACHE/demo}
DEMO_ENV=$DEMO_STATE/state.env
DEMO_DB=demo
if df_is_root; then
	DEMO_PG_DIR_DEFAULT=/var/tmp/dynamo_fdw-demo${DYNAMO_FDW_DEMO_STATE:+-$(basename "$DYNAMO_FDW_DEMO_STATE")}
else
	DEMO_PG_DIR_DEFAULT=$DEMO_STATE/pg
fi
DEMO_DATA=$DF_ROOT/test/data/demo
PSQL=$DF_PG_BIN/psql

# State of the last start: DDB_PID DDB_PORT PG_DIR PG_PORT.
DDB_PID='' DDB_PORT='' PG_DIR='' PG_PORT=''
load_state() {
	if [ -f "$DEMO_ENV" ]; then
		# shellcheck disable=SC1090
		. "$DEMO_ENV"
	fi
	PG_DIR=${PG_DIR:-$DEMO_PG_DIR_DEFAULT}
}
save_state() {
	mkdir -p "$DEMO_STATE"
	cat >"$DEMO_ENV" <<-EOF
		DDB_PID=$DDB_PID
		DDB_PORT=$DDB_PORT
		PG_DIR=$PG_DIR
		PG_PORT=$PG_PORT
	EOF
}

# Is DDB_PID still our DynamoDB Local (and not a recycled pid)?
ddb_is_ours() {
	[ -n "$DDB_PID" ] && df_alive "$DDB_PID" &&
		tr '\0' ' ' <"/proc/$DDB_PID/cmdline" 2>/dev/null | grep -q 'DynamoDBLocal.jar'
}

stop_all() {
	load_state
	if ddb_is_ours; then
		df_log "stopping DynamoDB Local (pid $DDB_PID)"
		df_ddb_stop "$DDB_PID"
	fi
	if [ -d "$PG_DIR/data" ]; then
		if df_pg_running "$PG_DIR"; then
			df_log "stopping PostgreSQL ($PG_DIR)"
		fi
		df_pg_stop "$PG_DIR"
		rm -rf "$PG_DIR"
	fi
	rm -f "$DEMO_ENV"
}

status() {
	load_state
	if ddb_is_ours && df_ddb_answers "$DDB_PORT"; then
		echo "DynamoDB Local: running on http://127.0.0.1:$DDB_PORT (pid $DDB_PID)"
	else
		echo "DynamoDB Local: not running"
	fi
	if [ -d "$PG_DIR/data" ] && df_pg_running "$PG_DIR"; then
		echo "PostgreSQL:     running on 127.0.0.1:$PG_PORT (data in $PG_DIR/data)"
	else
		echo "PostgreSQL:     not running"
	fi
}

fixture() {
	DYNAMO_ENDPOINT="http://127.0.0.1:$DDB_PORT" node "$DF_ROOT/test/tools/fixture.mjs" "$@"
}

# load_data: every test/data/demo/NAME.table.json (re)created, then its
# NAME.items.json (plain JSON) and NAME.items.ddb.jsonl (DynamoDB JSON).
load_data() {
	local spec base table
	for spec in "$DEMO_DATA"/*.table.json; do
		base=${spec%.table.json}
		table=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).TableName)' "$spec") || return 1
		fixture create-table --replace "$spec" >/dev/null || return 1
		if [ -f "$base.items.json" ]; then
			fixture put-items "$table" "$base.items.json" --plain >/dev/null || return 1
		fi
		if [ -f "$base.items.ddb.jsonl" ]; then
			fixture put-items "$table" "$base.items.ddb.jsonl" >/dev/null || return 1
		fi
		df_note "$table: $(fixture count "$table") items"
	done
}

start() {
	local t0 reused=""
	t0=$(df_now)
	df_deps_ensure || return 1
	mkdir -p "$DEMO_STATE"
	df_ddb_fetch || return 1
	df_node_deps || return 1
	load_state

	# DynamoDB Local: reuse it if it still runs and answers.
	if ddb_is_ours && df_ddb_answers "$DDB_PORT"; then
		df_note "DynamoDB Local: reusing pid $DDB_PID on port $DDB_PORT"
		reused="DynamoDB Local"
	else
		if ddb_is_ours; then
			df_ddb_stop "$DDB_PID"
		fi
		# Keep the previous port when it is free, so printed commands stay valid.
		if [ -n "$DDB_PORT" ] && [ -z "${DYNAMO_FDW_DDB_PORT:-}" ] && ! df_port_in_use "$DDB_PORT"; then
			DYNAMO_FDW_DDB_PORT=$DDB_PORT df_ddb_start "$DEMO_STATE/dynamodb-local.log" || return 1
		else
			df_ddb_start "$DEMO_STATE/dynamodb-local.log" || return 1
		fi
		DDB_PID=$DF_DDB_PID
		DDB_PORT=$DF_DDB_PORT
		df_note "DynamoDB Local: started on port $DDB_PORT (pid $DDB_PID)"
	fi
	save_state

	# PostgreSQL: reuse a running cluster, restart a stopped one, or create one.
	if [ -d "$PG_DIR/data" ] && df_pg_running "$PG_DIR"; then
		df_note "PostgreSQL: reusing the cluster on port $PG_PORT"
		reused="${reused:+$reused and }PostgreSQL"
	else
		if [ -d "$PG_DIR" ]; then
			df_pg_stop "$PG_DIR"
			rm -rf "$PG_DIR"
		fi
		mkdir -p "$PG_DIR"
		if [ -n "$PG_PORT" ] && [ -z "${DYNAMO_FDW_PG_PORT:-}" ] && ! df_port_in_use "$PG_PORT"; then
			DYNAMO_FDW_PG_PORT=$PG_PORT df_pg_bringup "$PG_DIR" || return 1
		else
			df_pg_bringup "$PG_DIR" || return 1
		fi
		PG_PORT=$DF_PG_PORT
		df_note "PostgreSQL: started on port $PG_PORT (data in $PG_DIR/data)"
	fi
	save_state

	df_log "building and installing the extension"
	df_build "$DEMO_STATE/build.log" || return 1

	df_log "loading the sample data into DynamoDB Local"
	load_data || return 1

	df_log "creating an empty database $DEMO_DB"
	"$PSQL" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
		-c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DEMO_DB WITH (FORCE)" -c "CREATE DATABASE $DEMO_DB" || return 1

	df_log "showcase (scripts/demo/showcase.sql): each step's SQL, then its result"
	(cd "$DF_ROOT" && "$PSQL" -X -e -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$DEMO_DB" \
		-v ON_ERROR_STOP=1 -v endpoint="http://127.0.0.1:$DDB_PORT" \
		-v key_id="$DF_FAKE_KEY_ID" -v secret="$DF_FAKE_SECRET" \
		-f scripts/demo/showcase.sql) || return 1

	echo
	df_log "the demo is up (${reused:+reused $reused; }$(df_elapsed "$t0")s)"
	echo
	echo "  Open a session:     psql -h 127.0.0.1 -p $PG_PORT -U postgres $DEMO_DB"
	echo "  Look at DynamoDB:   DYNAMO_ENDPOINT=http://127.0.0.1:$DDB_PORT node test/tools/fixture.mjs scan app-table"
	echo "  Stop everything:    scripts/demo.sh stop"
	echo
}

cd "$DF_ROOT" || exit 1

# One demo command at a time.
mkdir -p "$DEMO_STATE"
exec 9>"$DEMO_STATE/lock"
if ! flock -w 120 9; then
	df_err "another scripts/demo.sh is still running (lock $DEMO_STATE/lock)"
	exit 1
fi

case "${1:-start}" in
start)
	# Leave nothing half started behind: on failure or Ctrl-C stop it all.
	trap 'echo; df_err "interrupted"; stop_all; exit 130' INT TERM
	if ! start; then
		echo
		df_err "the demo did not come up; stopping what it started"
		stop_all
		exit 1
	fi
	;;
stop)
	stop_all
	df_log "demo stopped"
	;;
status)
	status
	;;
-h | --help | help)
	sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"
	;;
*)
	echo "usage: scripts/demo.sh [start|stop|status]" >&2
	exit 2
	;;
esac
