#!/usr/bin/env bash
# bench/run.sh - benchmark dynamo_fdw against the AWS SDK v3 and a raw HTTP
# replay, in one run against one DynamoDB Local.
#
# Usage: bash bench/run.sh [--no-build] [bench.mjs options]
#
#   bench.mjs options: --items N (default 100000), --small N (1000),
#   --writes N (10000), --runs N (3), --parallel N (16), --only LIST
#   (scan,memory,txn,bulk; add "plain" for the SDK's default requests),
#   --out FILE (default bench/results.md).  See bench/README.md.
#
# It runs everything twice: with no added latency (bench/results.md), then
# through the test proxy's latency model, 10 ms a request and 40 ms a
# megabyte read (bench/results-latency.md; BENCH_LATENCY=off skips it).
#
# It builds and installs the extension (make WERROR=1; skipped with
# --no-build), starts DynamoDB Local and a scratch PostgreSQL 15 cluster on
# free loopback ports (with scripts/lib/*.sh, as scripts/test.sh does;
# DYNAMO_FDW_PG_BIN picks the PostgreSQL binaries), loads the tables with
# the SDK, runs bench/bench.mjs and stops everything it started.
#
# DynamoDB Local runs with a full JIT and a 2 GB heap here (the test
# harness starts it with C1 only, for a fast start): a scan of 100,000
# items is a long-running load, and all sides share the one server.

set -u

DF_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/lib/common.sh
. "$DF_ROOT/scripts/lib/common.sh"
# shellcheck source=../scripts/lib/node.sh
. "$DF_ROOT/scripts/lib/node.sh"
# shellcheck source=../scripts/lib/ddb.sh
. "$DF_ROOT/scripts/lib/ddb.sh"
# shellcheck source=../scripts/lib/pg.sh
. "$DF_ROOT/scripts/lib/pg.sh"
# shellcheck source=../scripts/lib/build.sh
. "$DF_ROOT/scripts/lib/build.sh"

BUILD=1
if [ "${1:-}" = "--no-build" ]; then
	BUILD=0
	shift
fi

DF_DDB_PID=
DF_PG_DIR=
BENCH_TMP=$(mktemp -d /tmp/dynamo_fdw-bench.XXXXXX)
chmod 711 "$BENCH_TMP"

cleanup() {
	trap - EXIT INT TERM
	df_ddb_stop "$DF_DDB_PID"
	[ -n "$DF_PG_DIR" ] && df_pg_stop "$DF_PG_DIR"
	rm -rf "$BENCH_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# DynamoDB Local for a benchmark: as df_ddb_launch, with a full JIT.
bench_ddb_launch() {
	local port=$1 log=$2
	(cd "$DF_DDB_DIR" && exec setsid "${DYNAMO_FDW_JAVA:-java}" -Xms256m -Xmx2g -XX:+UseParallelGC \
		-Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar \
		-inMemory -sharedDb -disableTelemetry -port "$port") </dev/null >"$log" 2>&1 9>&- &
	DF_DDB_PID=$!
	DF_DDB_PORT=$port
	export BENCH_DDB_PID=$DF_DDB_PID	# bench.mjs reads its CPU time
}

df_log "dynamo_fdw benchmark ($(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg))"
df_ddb_fetch || exit 1
df_node_deps || exit 1

port=$(df_free_port) || exit 1
bench_ddb_launch "$port" "$BENCH_TMP/dynamodb-local.log"

DF_PG_DIR=$BENCH_TMP/pg
mkdir -p "$DF_PG_DIR"
df_pg_bringup "$DF_PG_DIR" || exit 1
df_note "PostgreSQL on 127.0.0.1:$DF_PG_PORT"

if [ "$BUILD" = 1 ]; then
	df_log "building and installing the extension"
	df_build "$BENCH_TMP/build.log" || exit 1
fi

df_ddb_wait "$DF_DDB_PORT" "$DF_DDB_PID" "$BENCH_TMP/dynamodb-local.log" || exit 1
df_note "DynamoDB Local on 127.0.0.1:$DF_DDB_PORT"

df_suite_env
export PATH="$DF_PG_BIN:$PATH"
export BENCH_DDB_DESC="(amplify-dynamodb-simulator $DF_DDB_NPM_VERSION, java -Xmx2g -XX:+UseParallelGC, in memory)"
node "$DF_ROOT/bench/bench.mjs" "$@" || exit 1

# Then the same with a stated model of a network between PostgreSQL and
# DynamoDB (bench/README.md: 10 ms a request, 40 ms a megabyte read),
# unless the caller chose a model or BENCH_LATENCY=off.
case " $* " in
*" --latency "* | *" --mbms "*) exit 0 ;;
esac
[ "${BENCH_LATENCY:-on}" = off ] && exit 0
out=$DF_ROOT/bench/results.md
prev=
for a in "$@"; do
	[ "$prev" = --out ] && out=$a
	prev=$a
done
node "$DF_ROOT/bench/bench.mjs" "$@" --latency 10 --mbms 40 --out "${out%.md}-latency.md"
