# scripts/lib/deps.sh - Debian packages the build and the tests need.
#
# df_deps_ensure installs what is missing when we are root (apt-get update
# only when something is missing) and otherwise prints the exact apt-get
# line and fails.

# shellcheck shell=bash

# Always needed.  java and node/npm are checked by command instead, so a
# machine with another JDK or a newer Node.js is left alone.
# clang-14 and libclang-rt-14-dev (libFuzzer, sanitizer runtimes) build the
# fuzz targets of test/fuzz/.
DF_APT_BASE="postgresql-15 postgresql-server-dev-15 libcurl4-openssl-dev libssl-dev libjson-c-dev zlib1g-dev pkg-config make gcc curl clang-14 libclang-rt-14-dev"
# As root the other versions run in chroots (debootstrap, util-linux's
# unshare) and the Debian packages are built (pg_buildext, debhelper).
if [ "$(id -u)" -eq 0 ]; then
	DF_APT_BASE="$DF_APT_BASE debootstrap postgresql-server-dev-all debhelper dpkg-dev build-essential libicu-dev"
fi

df_pkg_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# df_deps_missing: print the missing packages, space separated.
df_deps_missing() {
	local missing="" p
	if command -v dpkg-query >/dev/null 2>&1; then
		for p in $DF_APT_BASE; do
			df_pkg_installed "$p" || missing="$missing $p"
		done
	else
		# Not Debian: check the tools themselves and say what is missing.
		[ -x "$DF_PG_CONFIG" ] || missing="$missing postgresql-15 postgresql-server-dev-15"
		for p in make gcc curl pkg-config; do
			command -v "$p" >/dev/null 2>&1 || missing="$missing $p"
		done
	fi
	if [ -z "${DYNAMO_FDW_JAVA:-}" ] && ! command -v java >/dev/null 2>&1; then
		missing="$missing openjdk-17-jre-headless"
	fi
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		missing="$missing nodejs npm"
	fi
	echo "${missing# }"
}

df_deps_ensure() {
	local missing
	missing=$(df_deps_missing)
	if [ -z "$missing" ]; then
		df_note "system packages: all present"
		return 0
	fi
	if ! df_is_root; then
		df_err "missing packages: $missing"
		echo "Install them as root, then run this again:"
		echo
		echo "  sudo apt-get update && sudo apt-get install -y $missing"
		echo
		return 1
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		df_err "missing packages ($missing) and no apt-get to install them"
		return 1
	fi
	df_log "installing missing packages: $missing"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	if ! apt-get update -qq || ! apt-get install -y -qq --no-install-recommends $missing; then
		df_err "apt-get install failed for: $missing"
		return 1
	fi
	missing=$(df_deps_missing)
	if [ -n "$missing" ]; then
		df_err "still missing after apt-get install: $missing"
		return 1
	fi
}
