# scripts/lib/chroot.sh - Debian chroots for the PostgreSQL versions the
# host does not carry (17 from trixie, 18 from sid).
#
# Two chroots per version, both cached in $DF_CACHE/chroot/ (beside
# DynamoDB Local, outside the clone) and reused as long as their stamp
# matches DF_CHROOT_REV and the package list:
#
#   SUITE-pgN-base   debootstrap --variant=minbase + postgresql-N only: the
#                    clean system a .deb is installed into (a fresh copy of
#                    it per test, so every install starts clean);
#   SUITE-pgN-build  a copy of the base + the build dependencies, nodejs and
#                    pg_buildext: the whole suite runs in it.
#
# Chroots come from the Debian mirror the host's apt uses (read from
# /etc/apt/sources.list and sources.list.d).  The postgres user inside has
# the host's uid and gid, so files the host chowns are the server's inside.
# No service starts inside (policy-rc.d) and no default cluster is created.
#
# Commands run in a chroot through df_chroot_exec, in a private mount
# namespace: /proc and a tmpfs /dev/shm are mounted for the command's life
# and unmounted after it, also on failure (and the kernel drops them with
# the namespace if we are killed).  The host's network is shared, so
# DynamoDB Local on 127.0.0.1 answers from inside.

# shellcheck shell=bash

DF_CHROOT_DIR=$DF_CACHE/chroot
# Bump when the way chroots are made changes: every cached chroot is remade.
DF_CHROOT_REV=1

# df_pg_suite MAJOR: the Debian suite whose own archive carries MAJOR.
df_pg_suite() {
	case $1 in
	15) echo bookworm ;;
	17) echo trixie ;;
	18) echo sid ;;
	*) return 1 ;;
	esac
}

# Build dependencies inside the build chroot (the host's are in deps.sh).
df_chroot_build_pkgs() {
	echo "postgresql-server-dev-$1 postgresql-server-dev-all libcurl4-openssl-dev libssl-dev" \
		"libjson-c-dev zlib1g-dev libicu-dev pkg-config make gcc build-essential curl ca-certificates nodejs debhelper dpkg-dev"
}

# df_debian_mirror: the Debian archive URI the host's apt uses (first one
# of a plain suite, not -security or -updates); deb.debian.org otherwise.
df_debian_mirror() {
	local f uri
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		case $f in
		*.sources)
			uri=$(awk '
				function flush() {
					if (uri != "" && suites ~ /(^| )[a-z]+( |$)/ && uri ~ /debian\/?$/ && enabled) { print uri; found = 1; exit }
					uri = ""; suites = ""; enabled = 1
				}
				BEGIN { enabled = 1 }
				/^[ \t]*$/ { flush(); next }
				/^URIs:/ { uri = $2 }
				/^Suites:/ { $1 = ""; suites = $0; sub(/^ /, "", suites) }
				/^Enabled:[ \t]*no/ { enabled = 0 }
				END { if (!found) flush() }' "$f")
			;;
		*)
			uri=$(awk '$1 == "deb" {
					i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
					if ($(i+1) ~ /^[a-z]+$/ && $i ~ /debian\/?$/) { print $i; exit }
				}' "$f")
			;;
		esac
		if [ -n "$uri" ]; then
			echo "${uri%/}"
			return 0
		fi
	done
	echo http://deb.debian.org/debian
}

# df_chroot_exec ROOT CMD...: run CMD (as root) inside ROOT with /proc and
# /dev/shm mounted for its life (scripts/lib/in_chroot.sh says how).
df_chroot_exec() {
	bash "$DF_ROOT/scripts/lib/in_chroot.sh" "$@"
}

# df_chroot_apt ROOT PKGS...: apt-get update and install PKGS in ROOT.
df_chroot_apt() {
	local root=$1
	shift
	df_chroot_exec "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
		sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@"' apt "$@"
}

# df_chroot_base MAJOR LOG: make (or reuse) SUITE-pgMAJOR-base; prints its path.
df_chroot_base() {
	local major=$1 log=$2 suite root stamp want tmp mirror pg_uid pg_gid
	suite=$(df_pg_suite "$major") || { df_err "no Debian suite known for PostgreSQL $major" >&2; return 1; }
	root=$DF_CHROOT_DIR/$suite-pg$major-base
	want="rev $DF_CHROOT_REV base $suite postgresql-$major"
	# the host's own suite: its apt sources too (-updates, -security), so
	# that a package built on the host finds the same PostgreSQL version
	if [ "$suite" = "$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")" ]; then
		want="$want host-sources"
	fi
	stamp=$root/.dynamo_fdw-chroot
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		echo "$root"
		return 0
	fi
	mirror=$(df_debian_mirror)
	{
		echo "== debootstrap --variant=minbase $suite from $mirror"
		mkdir -p "$DF_CHROOT_DIR"
		rm -rf "$root" "$root.new"
		tmp=$root.new
		debootstrap --variant=minbase "$suite" "$tmp" "$mirror" || return 1
		# sid's Release on a snapshot mirror can be past its Valid-Until.
		cat >"$tmp/etc/apt/apt.conf.d/90dynamo-fdw" <<-EOF
			// written by dynamo_fdw's scripts/lib/chroot.sh
			Acquire::Check-Valid-Until "false";
			APT::Install-Recommends "false";
			Acquire::Languages "none";
		EOF
		printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
		chmod 755 "$tmp/usr/sbin/policy-rc.d"
		mkdir -p "$tmp/etc/postgresql-common"
		echo "create_main_cluster = false" >"$tmp/etc/postgresql-common/createcluster.conf"
		pg_uid=$(id -u postgres 2>/dev/null)
		pg_gid=$(id -g postgres 2>/dev/null)
		if [ -n "$pg_uid" ]; then
			df_chroot_exec "$tmp" sh -c "groupadd -g $pg_gid postgres && useradd -u $pg_uid -g $pg_gid -d /var/lib/postgresql -s /bin/bash postgres" ||
				echo "(could not give postgres the host's uid $pg_uid; using the package's)"
		fi
		case $want in
		*host-sources)
			cp /etc/apt/sources.list "$tmp/etc/apt/" 2>/dev/null
			cp /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list "$tmp/etc/apt/sources.list.d/" 2>/dev/null
			grep -l -v -i debian "$tmp"/etc/apt/sources.list.d/* 2>/dev/null | xargs -r grep -L -i 'debian.org\|debian-security' | xargs -r rm -f
			df_chroot_exec "$tmp" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -y -qq upgrade' || return 1
			;;
		esac
		echo "== apt-get install postgresql-$major"
		df_chroot_apt "$tmp" "postgresql-$major" || return 1
		echo "$want" >"$tmp/.dynamo_fdw-chroot"
		mv "$tmp" "$root"
	} >>"$log" 2>&1 || { df_err "making the $suite chroot for PostgreSQL $major failed (log: $log)" >&2; return 1; }
	echo "$root"
}

# df_chroot_build MAJOR LOG: make (or reuse) SUITE-pgMAJOR-build; prints its path.
df_chroot_build() {
	local major=$1 log=$2 suite base root stamp want pkgs
	suite=$(df_pg_suite "$major") || return 1
	root=$DF_CHROOT_DIR/$suite-pg$major-build
	pkgs=$(df_chroot_build_pkgs "$major")
	want="rev $DF_CHROOT_REV build $suite postgresql-$major $pkgs"
	stamp=$root/.dynamo_fdw-chroot
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		echo "$root"
		return 0
	fi
	# same chroot, packages added: install them into it
	if [ -f "$stamp" ] && [ "$(sed 's/ build .*//' "$stamp")" = "rev $DF_CHROOT_REV" ]; then
		{
			echo "== $root: installing the new package list: $pkgs"
			# shellcheck disable=SC2086
			df_chroot_apt "$root" $pkgs && echo "$want" >"$stamp"
		} >>"$log" 2>&1 && { echo "$root"; return 0; }
	fi
	base=$(df_chroot_base "$major" "$log") || return 1
	{
		echo "== copying $base to $root and installing: $pkgs"
		rm -rf "$root" "$root.new"
		cp -a "$base" "$root.new" || return 1
		# shellcheck disable=SC2086
		df_chroot_apt "$root.new" $pkgs || return 1
		echo "$want" >"$root.new/.dynamo_fdw-chroot"
		mv "$root.new" "$root"
	} >>"$log" 2>&1 || { df_err "making the $suite build chroot for PostgreSQL $major failed (log: $log)" >&2; return 1; }
	echo "$root"
}

# df_chroot_lock: serialise chroot creation between concurrent runs (fd 8).
df_chroot_lock() {
	mkdir -p "$DF_CHROOT_DIR"
	exec 8>"$DF_CHROOT_DIR/.lock"
	flock 8
}

df_chroot_unlock() {
	exec 8>&-
}
