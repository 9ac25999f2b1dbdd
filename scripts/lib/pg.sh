# scripts/lib/pg.sh - a scratch PostgreSQL cluster (DF_PG_BIN's version) for
# tests and the demo.
#
# The cluster lives in one folder (DIR/data, DIR/postgres.log, the unix
# socket in DIR itself, DIR/home as the server's HOME), is owned by the
# postgres OS user when we are root (initdb refuses root), listens on
# 127.0.0.1 only and trusts local connections.  The postmaster starts with a
# clean environment: no AWS credential variables, no proxy variables,
# AWS_EC2_METADATA_DISABLED=true and an empty HOME, so the extension can
# only use what the tests give it explicitly.

# shellcheck shell=bash

DF_PG_LOCALE=${DYNAMO_FDW_PG_LOCALE:-C.UTF-8}

# df_pg_init DIR PORT: initdb and configure (DIR must exist).
df_pg_init() {
	local dir=$1 port=$2
	mkdir -p "$dir/home"
	chmod 700 "$dir"
	if df_is_root; then
		chown -R postgres: "$dir"
	fi
	if ! df_as_pg "$DF_PG_BIN/initdb" -D "$dir/data" -U postgres -A trust \
		--encoding=UTF8 --locale="$DF_PG_LOCALE" --no-sync --no-instructions \
		>"$dir/initdb.log" 2>&1; then
		df_err "initdb failed"
		df_tail_log "$dir/initdb.log"
		return 1
	fi
	df_pg_set_port "$dir" "$port"
}

# df_pg_set_port DIR PORT: write the settings that depend on DIR and PORT.
df_pg_set_port() {
	local dir=$1 port=$2
	df_as_pg tee "$dir/data/postgresql.auto.conf" >/dev/null <<-EOF
		# written by scripts/lib/pg.sh
		port = $port
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$dir'
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_connections = 40
		shared_buffers = 32MB
		max_prepared_transactions = 5
		log_min_messages = warning
		log_line_prefix = '%m [%p] %q%u@%d '
	EOF
}

# df_pg_start DIR: start the postmaster with a clean environment; wait.
# DYNAMO_FDW_PG_WRAPPER: a command (words without quoting) that pg_ctl runs
# under, inside that environment: scripts/sanitize.sh puts valgrind there.
df_pg_start() {
	local dir=$1
	# shellcheck disable=SC2086
	if ! df_as_pg env -i \
		PATH=/usr/local/bin:/usr/bin:/bin \
		HOME="$dir/home" \
		LANG=C.UTF-8 \
		AWS_EC2_METADATA_DISABLED=true \
		${DYNAMO_FDW_PG_WRAPPER:-} \
		"$DF_PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
		>"$dir/pg_ctl.log" 2>&1 9>&-; then
		df_err "PostgreSQL did not start"
		df_tail_log "$dir/pg_ctl.log" 5
		df_tail_log "$dir/postgres.log"
		return 1
	fi
}

# df_pg_running DIR: true when the cluster in DIR runs.
df_pg_running() {
	[ -f "$1/data/postmaster.pid" ] &&
		df_as_pg "$DF_PG_BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

# df_pg_stop DIR: stop immediately (no checkpoint: the data is scratch).
df_pg_stop() {
	local dir=$1 pid
	[ -f "$dir/data/postmaster.pid" ] || return 0
	if ! df_as_pg "$DF_PG_BIN/pg_ctl" -D "$dir/data" stop -m immediate -w -t 30 >/dev/null 2>&1; then
		pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null)
		if [ -n "$pid" ] && df_alive "$pid"; then
			df_warn "pg_ctl stop failed; killing postmaster $pid"
			kill -KILL "$pid" 2>/dev/null
		fi
	fi
	return 0
}

# df_pg_bringup DIR: init and start a cluster on a free port (or on
# DYNAMO_FDW_PG_PORT); sets DF_PG_PORT.  A picked port taken meanwhile is
# retried with another.
df_pg_bringup() {
	local dir=$1 try port
	for try in 1 2 3; do
		if [ -n "${DYNAMO_FDW_PG_PORT:-}" ]; then
			port=$DYNAMO_FDW_PG_PORT
		else
			port=$(df_free_port) || return 1
		fi
		if df_port_in_use "$port"; then
			df_err "cannot start PostgreSQL: port $port on 127.0.0.1 is already in use"
			return 1
		fi
		if [ "$try" = 1 ]; then
			df_pg_init "$dir" "$port" || return 1
		else
			df_pg_set_port "$dir" "$port"
		fi
		if df_pg_start "$dir"; then
			DF_PG_PORT=$port
			return 0
		fi
		if [ -n "${DYNAMO_FDW_PG_PORT:-}" ] || ! grep -q 'could not bind' "$dir/postgres.log" 2>/dev/null; then
			return 1
		fi
		df_note "port $port was taken meanwhile; trying another"
	done
	return 1
}
