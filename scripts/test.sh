#!/usr/bin/env bash
# scripts/test.sh - build dynamo_fdw and run every test suite, in one command,
# against every PostgreSQL version it supports.
#
# Usage: bash scripts/test.sh            (no prompts; CI runs it through .ci/run)
#        bash scripts/test.sh --pg 17    (one version; --pg may be repeated)
#
# Versions: 15 is the host's (Debian bookworm).  17 and 18 come from Debian
# trixie and sid, in chroots made with debootstrap and cached beside
# DynamoDB Local (scripts/lib/chroot.sh); making them needs root, so a run
# as another user tests 15 only and says so.
#
# What it does, in order:
#   1. installs missing Debian packages (as root with apt-get; otherwise it
#      prints the apt-get line and stops);
#   2. fetches DynamoDB Local (npm package amplify-dynamodb-simulator, sha256
#      checked) and the pinned AWS SDK v3 packages into the cache
#      ${DYNAMO_FDW_CACHE:-$HOME/.cache/dynamo_fdw}; later runs reuse them;
#   3. runs the suites that need no server once: the C unit tests
#      (test/unit) and a short libFuzzer run of each target of test/fuzz;
#   4. for each version: starts a fresh DynamoDB Local, then a scratch
#      PostgreSQL cluster on a free loopback port, builds the extension with
#      -Werror and installs it, and runs every suite that needs the server
#      (df_suites_pg in scripts/lib/suites.sh: pg_regress, isolationtester
#      specs, node:test of test/js, test/scripts/*.sh).  For 17 and 18 that part runs inside the
#      version's chroot: this same script, in its inner mode, on a copy of
#      the tree; the chroot shares the host's network, so DynamoDB Local
#      answers there too.  As root it then builds the version's Debian
#      package and installs it into a clean chroot (scripts/lib/package.sh);
#   5. stops everything it started (also on failure and Ctrl-C) and prints
#      one closing line "N passed, N failed" counting every test of every
#      version; the exit status is non-zero when anything failed or could not
#      start.
#
# Suites get DYNAMO_ENDPOINT, PGHOST, PGPORT, PGUSER, PGDATABASE, fake
# AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_REGION=us-east-1,
# AWS_EC2_METADATA_DISABLED=true, DYNAMO_FDW_PG_BIN and
# DYNAMO_FDW_SERVER_HOME (the HOME of the PostgreSQL server process, empty
# at start).
#
# DYNAMO_FDW_KEEP_LOGS=DIR copies the suites' logs and the server log there
# before the scratch folder goes (scripts/sanitize.sh uses it).
#
# Knobs for testing the harness itself: DYNAMO_FDW_JAVA (java binary),
# DYNAMO_FDW_DDB_PORT / DYNAMO_FDW_PG_PORT (fixed ports), DYNAMO_FDW_DDB_SHA256
# (expected tarball checksum), DYNAMO_FDW_CACHE (cache folder),
# DYNAMO_FDW_PG_VERSIONS (the versions to test, as --pg gives them),
# DYNAMO_FDW_NO_PACKAGES=1 (skip the Debian package tests).
#
# Internal: DYNAMO_FDW_INNER=COUNTFILE runs step 4's suites for
# DYNAMO_FDW_PG_MAJOR against the DynamoDB Local on DYNAMO_FDW_DDB_PORT and
# writes "PASSED FAILED SKIPPED" to COUNTFILE instead of a closing line.

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
# shellcheck source=lib/chroot.sh
. "$DF_ROOT/scripts/lib/chroot.sh"
# shellcheck source=lib/package.sh
. "$DF_ROOT/scripts/lib/package.sh"

DF_T0=$(df_now)
DF_TMP=
DF_DDB_PID=
DF_DDB_PORT=
DF_PG_DIR=
DF_PG_PORT=
DF_SIGNAL_STATUS=
DF_WATCHDOG=
DF_INNER=${DYNAMO_FDW_INNER:-}

# --pg N (repeatable) picks versions; default: 15, and 17 and 18 as root.
DF_VERSIONS=${DYNAMO_FDW_PG_VERSIONS:-}
while [ $# -gt 0 ]; do
	case $1 in
	--pg)
		[ $# -ge 2 ] || { df_err "--pg needs a version (15, 17 or 18)"; exit 2; }
		DF_VERSIONS="$DF_VERSIONS $2"
		shift 2
		;;
	--pg=*)
		DF_VERSIONS="$DF_VERSIONS ${1#--pg=}"
		shift
		;;
	-h | --help)
		sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		df_err "unknown argument: $1 (usage: scripts/test.sh [--pg VERSION]...)"
		exit 2
		;;
	esac
done
DF_DEFAULT_VERSIONS=
if [ -z "$DF_VERSIONS" ]; then
	DF_DEFAULT_VERSIONS=1
	DF_VERSIONS="15 17 18"
fi
for v in $DF_VERSIONS; do
	case $v in
	15 | 17 | 18) ;;
	16) df_err "no Debian suite carries PostgreSQL 16: it is built by the same guards as 17 but not tested"; exit 2 ;;
	*) df_err "PostgreSQL $v is not one the tests run on (15, 17, 18)"; exit 2 ;;
	esac
done

# Files the watchdog reads to find what is running now (they change per version).
df_state_save() {
	[ -n "$DF_TMP" ] && printf 'DF_DDB_PID=%s\nDF_PG_DIR=%s\n' "$DF_DDB_PID" "$DF_PG_DIR" >"$DF_TMP/state"
}

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
		# shellcheck disable=SC1091
		. "$DF_TMP/state" 2>/dev/null
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
	if [ -n "$DF_INNER" ]; then
		# inside a chroot: the outer run adds these to its closing line
		echo "$DF_PASSED $DF_FAILED $DF_SKIPPED" >"$DF_INNER"
		echo "[pg$DF_PG_MAJOR] passed $DF_PASSED, failed $DF_FAILED, skipped $DF_SKIPPED (took $(df_elapsed "$DF_T0")s)"
		[ -n "$DF_SIGNAL_STATUS" ] && exit "$DF_SIGNAL_STATUS"
		[ "$DF_FAILED" -gt 0 ] && exit 1
		exit 0
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

# df_pg_version_suites: on this system (the host, or inside a chroot), bring
# up a scratch cluster of DF_PG_BIN's version, build and install the
# extension, run df_suites_pg, stop the cluster.  Needs DynamoDB Local up.
df_pg_version_suites() {
	local tp tb ts
	DF_PG_DIR=$DF_TMP/pg$DF_PG_MAJOR
	mkdir -p "$DF_PG_DIR"
	df_state_save
	tp=$(df_now)
	if ! df_pg_bringup "$DF_PG_DIR"; then
		df_fail_step "the scratch PostgreSQL $DF_PG_MAJOR cluster could not start" postgresql
		return 1
	fi
	df_note "PostgreSQL $DF_PG_MAJOR on 127.0.0.1:$DF_PG_PORT (data in $DF_PG_DIR), up in $(df_elapsed "$tp")s"
	tb=$(df_now)
	df_log "building and installing the extension for PostgreSQL $DF_PG_MAJOR (make WERROR=1, make install)"
	if df_build "$DF_LOGS/build-$DF_PG_MAJOR.log"; then
		df_note "built and installed in $(df_elapsed "$tb")s"
	else
		df_fail_step "the extension did not build or install for PostgreSQL $DF_PG_MAJOR" build
		echo "[pg_regress, node, scripts] not run on PostgreSQL $DF_PG_MAJOR: the extension did not build"
		df_pg_stop "$DF_PG_DIR"
		return 1
	fi
	DF_PG_DATABASE=postgres
	df_suite_env
	export DYNAMO_FDW_SERVER_HOME=$DF_PG_DIR/home
	ts=$(df_now)
	df_suites_pg "$DF_LOGS"
	df_note "PostgreSQL $DF_PG_MAJOR suites took $(df_elapsed "$ts")s"
	df_pg_stop "$DF_PG_DIR"
}

# df_ddb_fresh: a DynamoDB Local with no tables, for the next version.
df_ddb_fresh() {
	local t
	df_ddb_stop "$DF_DDB_PID"
	DF_DDB_PID=
	t=$(df_now)
	if ! df_ddb_start "$DF_LOGS/dynamodb-local.log"; then
		df_state_save
		return 1
	fi
	df_state_save
	df_note "DynamoDB Local on 127.0.0.1:$DF_DDB_PORT (pid $DF_DDB_PID), answering after $(df_elapsed "$t")s"
}

# df_tree_copy DEST: the sources of this clone, without build products.
df_tree_copy() {
	mkdir -p "$1" &&
		tar -C "$DF_ROOT" -cf - --exclude=.git --exclude='*.o' --exclude='*.so' --exclude='*.bc' \
			--exclude=./results --exclude=./log --exclude=./tmp_check --exclude=./regression.diffs \
			--exclude=./regression.out --exclude=./test/node_modules --exclude=./test/unit/build \
			--exclude=./test/unit/build-asan --exclude=./test/fuzz/build --exclude=./bench/results \
			--exclude=./debian/.debhelper --exclude='./debian/postgresql-*' . |
		tar -C "$1" -xf -
}

# df_chroot_version_suites MAJOR: df_pg_version_suites inside MAJOR's chroot
# (this script in its inner mode, on a copy of the tree), counted here.
df_chroot_version_suites() {
	local major=$1 root src counts t p f s rc
	t=$(df_now)
	df_log "PostgreSQL $major: $(df_pg_suite "$major") chroot (cached in $DF_CHROOT_DIR)"
	df_chroot_lock
	root=$(df_chroot_build "$major" "$DF_LOGS/chroot-$major.log")
	rc=$?
	df_chroot_unlock
	if [ "$rc" -ne 0 ]; then
		df_tail_log "$DF_LOGS/chroot-$major.log" 30
		df_fail_step "no chroot for PostgreSQL $major" "pg$major chroot"
		return 1
	fi
	df_note "chroot ready in $(df_elapsed "$t")s: $root"
	src=$DF_TMP/src-$major
	counts=$DF_TMP/counts-$major
	if ! df_tree_copy "$src"; then
		df_fail_step "could not copy the tree for PostgreSQL $major" "pg$major"
		return 1
	fi
	chmod -R a+rX "$src"
	df_run_tee "$DF_LOGS/inner-$major.log" env DF_CHROOT_BINDS="$DF_TMP $DF_CACHE/npm" DF_CHROOT_CWD="$src" \
		bash "$DF_ROOT/scripts/lib/in_chroot.sh" "$root" env \
		DYNAMO_FDW_INNER="$counts" DYNAMO_FDW_PG_MAJOR="$major" \
		DYNAMO_FDW_PG_BIN="/usr/lib/postgresql/$major/bin" DYNAMO_FDW_DDB_PORT="$DF_DDB_PORT" \
		DYNAMO_FDW_CACHE="$DF_CACHE" PATH="/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" \
		bash "$src/scripts/test.sh"
	rc=$?
	if read -r p f s <"$counts" 2>/dev/null; then
		DF_PASSED=$((DF_PASSED + p))
		DF_FAILED=$((DF_FAILED + f))
		DF_SKIPPED=$((DF_SKIPPED + s))
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			df_fail_step "the PostgreSQL $major run exited $rc with no failed test" "pg$major"
		fi
	else
		df_fail_step "the PostgreSQL $major run in its chroot ended without counts (exit $rc)" "pg$major"
	fi
}

cd "$DF_ROOT" || exit 1
trap df_on_exit EXIT
trap 'df_on_signal INT 130' INT
trap 'df_on_signal TERM 143' TERM

DF_TMP=$(mktemp -d /tmp/dynamo_fdw-test.XXXXXX)
chmod 711 "$DF_TMP"
DF_LOGS=$DF_TMP/logs
mkdir -p "$DF_LOGS"
DF_RUN_PIDFILE=$DF_TMP/running.pid

# Inner mode: one version's server suites inside its chroot.
if [ -n "$DF_INNER" ]; then
	DF_TALLY_PREFIX="pg$DF_PG_MAJOR "
	df_log "PostgreSQL $DF_PG_MAJOR inside its chroot ($(. /etc/os-release && echo "$PRETTY_NAME"))"
	DF_DDB_PORT=${DYNAMO_FDW_DDB_PORT:-}
	if [ -z "$DF_DDB_PORT" ] || ! df_ddb_answers "$DF_DDB_PORT"; then
		df_fail_step "DynamoDB Local does not answer on 127.0.0.1:${DF_DDB_PORT:-?} from the chroot" dynamodb-local
		exit 1
	fi
	if ! df_node_deps; then
		df_fail_step "the npm packages the tests use are not in $DF_CACHE/npm" npm
		exit 1
	fi
	df_pg_version_suites
	exit 0
fi

df_log "dynamo_fdw test run ($(date -u '+%Y-%m-%d %H:%M:%S UTC'), cache $DF_CACHE)"
DF_RUN_VERSIONS=
for v in $DF_VERSIONS; do
	if [ "$v" != 15 ] && ! df_is_root; then
		if [ -n "$DF_DEFAULT_VERSIONS" ]; then
			df_note "PostgreSQL $v not tested: its chroot needs root (run as root, or --pg $v with sudo)"
			DF_SKIPPED=$((DF_SKIPPED + 1))
			continue
		fi
		df_err "PostgreSQL $v runs in a chroot, which needs root"
		DF_FAILED=$((DF_FAILED + 1))
		continue
	fi
	DF_RUN_VERSIONS="$DF_RUN_VERSIONS $v"
done
df_note "PostgreSQL versions:$DF_RUN_VERSIONS"
DF_PACKAGES=0
if df_is_root && [ -z "${DYNAMO_FDW_NO_PACKAGES:-}" ]; then
	DF_PACKAGES=1
fi

# 1. system packages
if ! df_deps_ensure; then
	df_fail_step "required packages are missing"
	exit 1
fi

mkdir -p "$DF_CACHE"

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
df_note "bring-up took $(df_elapsed "$DF_T0")s"
df_watchdog_start

# 3. suites that need no server, once
ts=$(df_now)
df_suite_unit "$DF_LOGS"
df_suite_fuzz "$DF_LOGS"
df_note "unit and fuzz took $(df_elapsed "$ts")s"

# 4. every version
for v in $DF_RUN_VERSIONS; do
	tv=$(df_now)
	if [ "$DF_DDB_OK" != 1 ] || [ "$DF_NODE_OK" != 1 ]; then
		echo "[pg$v pg_regress, node, scripts] not run: DynamoDB Local or the npm packages are missing (see above)"
		DF_FAILED=$((DF_FAILED + 1))
		continue
	fi
	df_log "PostgreSQL $v"
	if ! df_ddb_fresh; then
		df_fail_step "DynamoDB Local could not start for PostgreSQL $v" dynamodb-local
		continue
	fi
	if [ "$v" = 15 ]; then
		DF_TALLY_PREFIX="pg15 "
		df_pg_version_suites
	else
		DF_TALLY_PREFIX=
		df_chroot_version_suites "$v"
	fi
	if [ "$DF_PACKAGES" = 1 ]; then
		DF_TALLY_PREFIX="pg$v "
		df_suite_package "$v" "$DF_LOGS"
	fi
	DF_TALLY_PREFIX=
	df_note "PostgreSQL $v took $(df_elapsed "$tv")s"
done

exit 0
