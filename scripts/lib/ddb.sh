# scripts/lib/ddb.sh - fetch, start, wait for and stop DynamoDB Local.
#
# DynamoDB Local comes from AWS's build shipped inside the npm package
# amplify-dynamodb-simulator (pinned version, tarball checked against a
# pinned sha256).  Only package/emulator/ is unpacked, into
# $DF_CACHE/dynamodb-local/<version>/emulator; a stamp holding the checked
# sha256 marks a complete copy, so later runs download nothing.
#
# Environment (all optional, mostly for testing the harness itself):
#   DYNAMO_FDW_JAVA        java binary (default: java on PATH)
#   DYNAMO_FDW_DDB_PORT    port to use instead of a random free one
#   DYNAMO_FDW_DDB_SHA256  expected tarball sha256 (default: the pinned one)

# shellcheck shell=bash

DF_DDB_NPM_NAME=amplify-dynamodb-simulator
DF_DDB_NPM_VERSION=2.9.30
DF_DDB_SHA256_PINNED=3503ffac19f183407909fecdacf4db51ab1fdad1da7b2f177016670b2d80e4b9
DF_DDB_HOME=$DF_CACHE/dynamodb-local/$DF_DDB_NPM_VERSION
DF_DDB_DIR=$DF_DDB_HOME/emulator
DF_DDB_STARTUP_TIMEOUT=${DYNAMO_FDW_DDB_TIMEOUT:-60}

# df_ddb_fetch: make sure an unpacked, checked copy is in the cache.
df_ddb_fetch() {
	local want=${DYNAMO_FDW_DDB_SHA256:-$DF_DDB_SHA256_PINNED}
	local stamp=$DF_DDB_HOME/.sha256 tmp tgz got
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$DF_DDB_DIR/DynamoDBLocal.jar" ]; then
		df_note "DynamoDB Local: cached in $DF_DDB_DIR"
		return 0
	fi
	df_log "fetching DynamoDB Local ($DF_DDB_NPM_NAME@$DF_DDB_NPM_VERSION from the npm registry)"
	mkdir -p "$DF_CACHE/dynamodb-local"
	tmp=$(mktemp -d "$DF_CACHE/dynamodb-local/.fetch.XXXXXX") || return 1
	if ! (cd "$tmp" && npm pack --silent --loglevel=error "$DF_DDB_NPM_NAME@$DF_DDB_NPM_VERSION" >/dev/null); then
		df_err "npm pack $DF_DDB_NPM_NAME@$DF_DDB_NPM_VERSION failed (is the npm registry reachable?)"
		rm -rf "$tmp"
		return 1
	fi
	tgz=$(ls "$tmp"/*.tgz 2>/dev/null | head -n 1)
	if [ -z "$tgz" ]; then
		df_err "npm pack produced no tarball"
		rm -rf "$tmp"
		return 1
	fi
	got=$(sha256sum "$tgz" | cut -d' ' -f1)
	if [ "$got" != "$want" ]; then
		df_err "checksum mismatch for $DF_DDB_NPM_NAME@$DF_DDB_NPM_VERSION"
		echo "    expected sha256 $want"
		echo "    got      sha256 $got"
		echo "    The tarball was not unpacked; refusing to run a DynamoDB Local that is not the pinned one."
		rm -rf "$tmp"
		return 1
	fi
	if ! tar -xzf "$tgz" -C "$tmp" package/emulator/ || [ ! -f "$tmp/package/emulator/DynamoDBLocal.jar" ]; then
		df_err "unpacking package/emulator/ from $tgz failed"
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$DF_DDB_HOME"
	mkdir -p "$DF_DDB_HOME"
	mv "$tmp/package/emulator" "$DF_DDB_DIR"
	echo "$got" >"$stamp"
	rm -rf "$tmp"
	df_note "DynamoDB Local: unpacked into $DF_DDB_DIR (sha256 ok)"
}

# df_ddb_answers PORT: true when ListTables gets a 200 on PORT.
df_ddb_answers() {
	local code
	code=$(curl -s --noproxy '*' --max-time 2 -o /dev/null -w '%{http_code}' \
		-X POST "http://127.0.0.1:$1/" \
		-H 'Content-Type: application/x-amz-json-1.0' \
		-H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
		-H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDDYNAMOFDWTEST/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-target, Signature=0000' \
		--data '{}' 2>/dev/null)
	[ "$code" = 200 ]
}

# df_ddb_launch PORT LOG: start DynamoDB Local in its own process group
# (session), sets DF_DDB_PID.  Does not wait.
df_ddb_launch() {
	local port=$1 log=$2 java=${DYNAMO_FDW_JAVA:-java}
	DF_DDB_PID=
	if ! command -v "$java" >/dev/null 2>&1; then
		df_err "cannot start DynamoDB Local: java ('$java') not found"
		echo "    Install openjdk-17-jre-headless (scripts/test.sh does it when run as root)."
		return 1
	fi
	if df_port_in_use "$port"; then
		df_err "cannot start DynamoDB Local: port $port on 127.0.0.1 is already in use"
		return 1
	fi
	# setsid: own process group, so stopping it stops every thread and child,
	# and Ctrl-C in the terminal reaches only our trap.  fd 9 (scripts/demo.sh's lock) is
	# not handed down, or the lock would live as long as the server.
	(cd "$DF_DDB_DIR" && exec setsid "$java" -Xms64m -XX:TieredStopAtLevel=1 \
		-Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar \
		-inMemory -sharedDb -disableTelemetry -port "$port") </dev/null >"$log" 2>&1 9>&- &
	DF_DDB_PID=$!
	DF_DDB_PORT=$port
}

# df_ddb_wait PORT PID LOG: wait until it answers, or fail with a reason.
df_ddb_wait() {
	local port=$1 pid=$2 log=$3 start=$SECONDS
	while :; do
		if df_ddb_answers "$port"; then
			return 0
		fi
		if ! df_alive "$pid"; then
			wait "$pid" 2>/dev/null
			df_err "DynamoDB Local exited during startup (exit status $?)"
			df_tail_log "$log"
			return 1
		fi
		if [ $((SECONDS - start)) -ge "$DF_DDB_STARTUP_TIMEOUT" ]; then
			df_err "DynamoDB Local did not answer ListTables on port $port within ${DF_DDB_STARTUP_TIMEOUT}s"
			df_tail_log "$log"
			return 1
		fi
		sleep 0.2
	done
}

# df_ddb_start LOG: pick a port (or DYNAMO_FDW_DDB_PORT), launch, wait.
# A randomly picked port that gets taken between the check and the bind is
# retried with another port.
df_ddb_start() {
	local log=$1 port try
	for try in 1 2 3; do
		if [ -n "${DYNAMO_FDW_DDB_PORT:-}" ]; then
			port=$DYNAMO_FDW_DDB_PORT
		else
			port=$(df_free_port) || return 1
		fi
		df_ddb_launch "$port" "$log" || return 1
		if df_ddb_wait "$port" "$DF_DDB_PID" "$log"; then
			return 0
		fi
		df_ddb_stop "$DF_DDB_PID"
		DF_DDB_PID=
		if [ -z "${DYNAMO_FDW_DDB_PORT:-}" ] && grep -q 'Address already in use' "$log" 2>/dev/null; then
			df_note "port $port was taken meanwhile; trying another"
			continue
		fi
		return 1
	done
	return 1
}

# df_ddb_stop PID: stop the process group PID leads; SIGKILL after 5 s.
df_ddb_stop() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 1 50); do
		df_alive "$pid" || break
		sleep 0.1
	done
	if df_alive "$pid"; then
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}
