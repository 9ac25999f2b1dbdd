#!/usr/bin/env bash
# scripts/test.sh - build dynamo_fdw and run every test suite, in one command.
#
# Usage: bash scripts/test.sh        (no arguments, no prompts; CI runs it
#                                     through .ci/run)
#
# What it does, in order:
#   1. installs missing Debian packages (as root with apt-get; otherwise it
#      prints the apt-get line and stops);
#   2. fetches DynamoDB Local (npm package amplify-dynamodb-simulator, sha256
#      checked) and the pinned AWS SDK v3 packages into the cache
#      ${DYNAMO_FDW_CACHE:-$HOME/.cache/dynamo_fdw}; later runs reuse them;
#   3. starts DynamoDB Local and a scratch PostgreSQL 15 cluster on free
#      loopback ports, builds the extension with -Werror and installs it;
#   4. runs the C unit tests (test/unit), a short libFuzzer run of each
#      target of test/fuzz, pg_regress (sql/), isolationtester (specs/),
#      node:test (test/js) and script suites (test/scripts/*.sh), counting
#      every test;
#   5. stops everything it started (also on failure and Ctrl-C) and prints
#      one closing line "N passed, N failed"; the exit status is non-zero
#      when anything failed or could not start.
#
# Suites get DYNAMO_ENDPOINT, PGHOST, PGPORT, PGUSER, PGDATABASE, fake
# AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_REGION=us-east-1,
# AWS_EC2_METADATA_DISABLED=true, and DYNAMO_FDW_SERVER_HOME (the HOME of the
# PostgreSQL server process, empty at start).
#
# DYNAMO_FDW_KEEP_LOGS=DIR copies the suites' logs and the server log there
# before the scratch folder goes (scripts/sanitize.sh uses it).
#
# Knobs for testing the harness itself: DYNAMO_FDW_JAVA (java binary),
# DYNAMO_FDW_DDB_PORT / DYNAMO_FDW_PG_PORT (fixed ports), DYNAMO_FDW_DDB_SHA256
# (expected tarball checksum), DYNAMO_FDW_CACHE (cache folder).

set -u
exec 2>&1

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
# shellcheck source=lib/suites.sh
. "$DF_ROOT/scripts/lib/suites.sh"

DF_T0=$(df_now)
DF_TMP=
DF_DDB_PID=
DF_DDB_PORT=
DF_PG_DIR=
DF_PG_PORT=
DF_SIGNAL_STATUS=
DF_WATCHDOG=

# If this script is killed outright (SIGKILL leaves no trap to run), a
# watchdog stops DynamoDB Local and PostgreSQL once it sees us gone.
df_watchdog_start() {
	local parent=$$
	(
		while kill -0 "$parent" 2>/dev/null; do
			sleep 1
		done
		DF_CHILD=$(cat "$DF_RUN_PIDFILE" 2>/dev/null)
		df_run_kill
		df_ddb_stop "$DF_DDB_PID"
		df_pg_stop "$DF_PG_DIR"
		rm -rf "$DF_TMP"
	) </dev/null >/dev/null 2>&1 9>&- &
	DF_WATCHDOG=$!
}

# Stop everything we started, then print the closing line (always last).
df_on_exit() {
	local t
	trap - EXIT INT TERM
	t=$(df_now)
	if [ -n "$DF_WATCHDOG" ]; then
		kill "$DF_WATCHDOG" 2>/dev/null
		wait "$DF_WATCHDOG" 2>/dev/null
	fi
	if [ -n "$DF_DDB_PID" ] || [ -n "$DF_PG_DIR" ]; then
		df_log "stopping DynamoDB Local and PostgreSQL"
	fi
	df_ddb_stop "$DF_DDB_PID"
	DF_DDB_PID=
	if [ -n "$DF_PG_DIR" ]; then
		df_pg_stop "$DF_PG_DIR"
	fi
	if [ -n "$DF_TMP" ]; then
		if [ -n "${DYNAMO_FDW_KEEP_LOGS:-}" ] && mkdir -p "$DYNAMO_FDW_KEEP_LOGS"; then
			cp -r "$DF_LOGS/." "$DYNAMO_FDW_KEEP_LOGS/" 2>/dev/null
			cp "$DF_PG_DIR/postgres.log" "$DYNAMO_FDW_KEEP_LOGS/" 2>/dev/null
			df_note "logs kept in $DYNAMO_FDW_KEEP_LOGS"
		fi
		rm -rf "$DF_TMP"
	fi
	df_note "teardown took $(df_elapsed "$t")s; whole run $(df_elapsed "$DF_T0")s"
	if [ $((DF_PASSED + DF_FAILED)) -eq 0 ]; then
		df_err "no test ran"
		DF_FAILED=1
	fi
	echo
	if [ "$DF_SKIPPED" -gt 0 ]; then
		echo "($DF_SKIPPED skipped)"
	fi
	echo "$DF_PASSED passed, $DF_FAILED failed"
	if [ -n "$DF_SIGNAL_STATUS" ]; then
		exit "$DF_SIGNAL_STATUS"
	fi
	if [ "$DF_FAILED" -gt 0 ]; then
		exit 1
	fi
	exit 0
}

df_on_signal() {
	echo
	df_err "interrupted by SIG$1; stopping"
	df_run_kill
	DF_FAILED=$((DF_FAILED + 1))
	DF_SIGNAL_STATUS=$2
	exit "$2"
}

cd "$DF_ROOT" || exit 1
trap df_on_exit EXIT
trap 'df_on_signal INT 130' INT
trap 'df_on_signal TERM 143' TERM

df_log "dynamo_fdw test run ($(date -u '+%Y-%m-%d %H:%M:%S UTC'), cache $DF_CACHE)"

# 1. system packages
if ! df_deps_ensure; then
	df_fail_step "required packages are missing"
	exit 1
fi

mkdir -p "$DF_CACHE"
DF_TMP=$(mktemp -d /tmp/dynamo_fdw-test.XXXXXX)
chmod 711 "$DF_TMP"
DF_LOGS=$DF_TMP/logs
mkdir -p "$DF_LOGS"
DF_RUN_PIDFILE=$DF_TMP/running.pid

# 2. cached downloads
DF_DDB_OK=1
DF_NODE_OK=1
if ! df_ddb_fetch; then
	df_fail_step "DynamoDB Local is not available; suites that need it are skipped" dynamodb-local
	DF_DDB_OK=0
fi
if ! df_node_deps; then
	df_fail_step "the npm packages the tests use could not be installed" npm
	DF_NODE_OK=0
fi

# 3. services (DynamoDB Local boots while we build) and the build
t=$(df_now)
if [ "$DF_DDB_OK" = 1 ]; then
	if ! df_ddb_launch "${DYNAMO_FDW_DDB_PORT:-$(df_free_port)}" "$DF_LOGS/dynamodb-local.log"; then
		df_fail_step "DynamoDB Local could not start" dynamodb-local
		DF_DDB_OK=0
	fi
fi

DF_PG_OK=1
DF_PG_DIR=$DF_TMP/pg
mkdir -p "$DF_PG_DIR"
tp=$(df_now)
if df_pg_bringup "$DF_PG_DIR"; then
	df_note "PostgreSQL 15 on 127.0.0.1:$DF_PG_PORT (data in $DF_PG_DIR), up in $(df_elapsed "$tp")s"
else
	df_fail_step "the scratch PostgreSQL cluster could not start" postgresql
	DF_PG_OK=0
fi

tb=$(df_now)
DF_BUILD_OK=1
df_log "building and installing the extension (make WERROR=1, make install)"
if df_build "$DF_LOGS/build.log"; then
	df_note "built and installed in $(df_elapsed "$tb")s"
else
	df_fail_step "the extension did not build or install" build
	DF_BUILD_OK=0
fi

if [ "$DF_DDB_OK" = 1 ]; then
	if df_ddb_wait "$DF_DDB_PORT" "$DF_DDB_PID" "$DF_LOGS/dynamodb-local.log"; then
		df_note "DynamoDB Local on 127.0.0.1:$DF_DDB_PORT (pid $DF_DDB_PID), answering $(df_elapsed "$t")s after launch"
	elif [ -z "${DYNAMO_FDW_DDB_PORT:-}" ] && grep -q 'Address already in use' "$DF_LOGS/dynamodb-local.log" 2>/dev/null &&
		df_ddb_stop "$DF_DDB_PID" && df_ddb_start "$DF_LOGS/dynamodb-local.log"; then
		df_note "DynamoDB Local on 127.0.0.1:$DF_DDB_PORT (pid $DF_DDB_PID, second port)"
	else
		df_ddb_stop "$DF_DDB_PID"
		DF_DDB_PID=
		df_fail_step "DynamoDB Local could not start" dynamodb-local
		DF_DDB_OK=0
	fi
fi
df_note "bring-up took $(df_elapsed "$DF_T0")s"

df_watchdog_start

# 4. suites
DF_PG_DATABASE=postgres
if [ "$DF_DDB_OK" = 1 ] && [ "$DF_PG_OK" = 1 ]; then
	df_suite_env
	export DYNAMO_FDW_SERVER_HOME=$DF_PG_DIR/home
fi

ts=$(df_now)
df_suite_unit "$DF_LOGS"
df_suite_fuzz "$DF_LOGS"

if [ "$DF_DDB_OK" = 1 ] && [ "$DF_PG_OK" = 1 ] && [ "$DF_NODE_OK" = 1 ]; then
	if [ "$DF_BUILD_OK" = 1 ]; then
		df_suite_regress "$DF_LOGS"
		df_suite_isolation "$DF_LOGS"
		if [ "$DF_FAILED" -gt 0 ] && [ -s "$DF_PG_DIR/postgres.log" ]; then
			df_tail_log "$DF_PG_DIR/postgres.log" 30
		fi
	else
		echo "[pg_regress] not run: the extension did not build"
	fi
	df_suite_node "$DF_LOGS"
	df_suite_scripts "$DF_LOGS"
else
	echo "[pg_regress, node, scripts] not run: DynamoDB Local, PostgreSQL or the npm packages are missing (see above)"
fi
df_note "suites took $(df_elapsed "$ts")s"

exit 0
