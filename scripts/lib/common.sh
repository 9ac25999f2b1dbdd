# scripts/lib/common.sh - paths, logging and small helpers shared by
# scripts/test.sh and scripts/demo.sh.
#
# Source it from a script that has set DF_ROOT to the top of the clone.
# Everything the harness downloads or installs lives in DF_CACHE, outside
# the clone, so that a fresh clone on the same machine reuses it.
#
# Environment (all optional):
#   DYNAMO_FDW_CACHE   cache folder (default $HOME/.cache/dynamo_fdw)
#   DYNAMO_FDW_PG_MAJOR  PostgreSQL major version (default 15, the host's)
#   DYNAMO_FDW_PG_BIN    its binaries (default /usr/lib/postgresql/MAJOR/bin)

# shellcheck shell=bash

DF_CACHE=${DYNAMO_FDW_CACHE:-${HOME:-/root}/.cache/dynamo_fdw}
DF_PG_MAJOR=${DYNAMO_FDW_PG_MAJOR:-15}
DF_PG_BIN=${DYNAMO_FDW_PG_BIN:-/usr/lib/postgresql/$DF_PG_MAJOR/bin}
DF_PG_CONFIG=$DF_PG_BIN/pg_config

# Fake credentials: DynamoDB Local accepts any key, and nothing here may ever
# reach a real AWS endpoint.
DF_FAKE_KEY_ID=AKIDDYNAMOFDWTEST
DF_FAKE_SECRET=dynamo-fdw-fake-secret-key

df_now() { date +%s.%N; }

# df_elapsed START: seconds since START (from df_now), one decimal.
df_elapsed() { awk -v s="$1" -v e="$(df_now)" 'BEGIN { printf "%.1f", e - s }'; }

df_log()  { printf '==> %s\n' "$*"; }
df_note() { printf '    %s\n' "$*"; }
df_warn() { printf 'WARNING: %s\n' "$*"; }
df_err()  { printf 'ERROR: %s\n' "$*"; }

df_is_root() { [ "$(id -u)" -eq 0 ]; }

# df_as_pg CMD...: run CMD as the OS user that owns PostgreSQL clusters
# (postgres when we are root, because initdb and postgres refuse root).
df_as_pg() {
	if df_is_root; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# df_port_in_use PORT: true if something listens on PORT (any address).
df_port_in_use() {
	local port=$1
	if command -v ss >/dev/null 2>&1; then
		if [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; then
			return 0
		fi
	fi
	# A connect that succeeds means a listener; bash closes fd 3 on exit.
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# df_free_port: print a random loopback port nothing listens on.
df_free_port() {
	local i port
	for i in $(seq 1 100); do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if ! df_port_in_use "$port"; then
			echo "$port"
			return 0
		fi
	done
	df_err "could not find a free TCP port on 127.0.0.1 after 100 tries"
	return 1
}

# df_tail_log FILE [N]: show the last N lines of a log, indented.
df_tail_log() {
	local file=$1 n=${2:-20}
	if [ -s "$file" ]; then
		echo "    --- last lines of $file ---"
		tail -n "$n" "$file" | sed 's/^/    | /'
	else
		echo "    ($file is empty or missing)"
	fi
}

# df_suite_env: the environment every suite (and the fixture tool) gets.
# Needs DF_DDB_PORT and DF_PG_PORT.
df_suite_env() {
	unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE \
		AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_FULL_URI \
		AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_AUTHORIZATION_TOKEN \
		AWS_ENDPOINT_URL AWS_ENDPOINT_URL_DYNAMODB
	export DYNAMO_ENDPOINT="http://127.0.0.1:$DF_DDB_PORT"
	export PGHOST=127.0.0.1
	export PGPORT="$DF_PG_PORT"
	export PGUSER=postgres
	export PGDATABASE=${DF_PG_DATABASE:-postgres}
	export AWS_ACCESS_KEY_ID="$DF_FAKE_KEY_ID"
	export AWS_SECRET_ACCESS_KEY="$DF_FAKE_SECRET"
	export AWS_REGION=us-east-1
	export AWS_DEFAULT_REGION=us-east-1
	export AWS_EC2_METADATA_DISABLED=true
	# Suites that start servers of their own use the same PostgreSQL build.
	export DYNAMO_FDW_PG_BIN="$DF_PG_BIN"
	export PATH="$DF_PG_BIN:$PATH"
	# The SDK warns on stderr under node < 22; keep test output clean.
	export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
	# Loopback traffic must never go through a proxy.
	export NO_PROXY=127.0.0.1,localhost,::1
	export no_proxy=$NO_PROXY
}

# df_alive PID: true while PID runs (a zombie child awaiting wait is dead).
df_alive() {
	local stat
	# /proc/PID/stat: "pid (comm) S ..."; comm may hold spaces, so cut after the last ")".
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	case $stat in
	Z* | X* | "") return 1 ;;
	esac
	return 0
}

# df_run LOG CMD...: run CMD with output to LOG and return its status.  CMD
# runs in its own session, in the background, while we wait: a trapped
# signal (Ctrl-C, a CI timeout's SIGTERM) then interrupts the wait at once,
# and df_run_kill stops CMD and everything it started (make, gcc, psql...).
# When DF_RUN_PIDFILE is set, the running CMD's pid is kept there too.
DF_CHILD=
DF_RUN_PIDFILE=
df_run() {
	local log=$1 rc
	shift
	setsid "$@" </dev/null >"$log" 2>&1 9>&- &
	DF_CHILD=$!
	if [ -n "$DF_RUN_PIDFILE" ]; then
		echo "$DF_CHILD" >"$DF_RUN_PIDFILE"
	fi
	wait "$DF_CHILD"
	rc=$?
	DF_CHILD=
	return "$rc"
}

df_run_kill() {
	local pid=$DF_CHILD i
	[ -n "$pid" ] || return 0
	kill -TERM -- "-$pid" 2>/dev/null
	for i in $(seq 1 30); do
		df_alive "$pid" || break
		sleep 0.1
	done
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	DF_CHILD=
}

# df_run_tee LOG CMD...: as df_run, but CMD's output is also shown as it
# comes (a chroot's whole run, which prints its own suite lines).
df_run_tee() {
	local log=$1 rc
	shift
	setsid "$@" </dev/null > >(tee "$log") 2>&1 9>&- &
	DF_CHILD=$!
	if [ -n "$DF_RUN_PIDFILE" ]; then
		echo "$DF_CHILD" >"$DF_RUN_PIDFILE"
	fi
	wait "$DF_CHILD"
	rc=$?
	DF_CHILD=
	return "$rc"
}
