# scripts/lib/package.sh - the Debian packages of debian/, built and
# installed the way a user would (root only).
#
# df_suite_package MAJOR LOGDIR counts two tests for PostgreSQL MAJOR:
#   deb build    dpkg-buildpackage -b of a copy of the tree, in the system
#                that has MAJOR's server headers (the host for 15, the build
#                chroot for 17 and 18), with PG_SUPPORTED_VERSIONS=installed:
#                pg_buildext makes postgresql-MAJOR-dynamo-fdw;
#   deb install  that .deb installed with apt-get into a clean chroot of
#                MAJOR's suite (a throw-away overlay on the cached
#                SUITE-pgMAJOR-base: postgresql-MAJOR and nothing to build
#                with), then, as a user would: a cluster, CREATE EXTENSION
#                dynamo_fdw, a server on DynamoDB Local, a foreign table and
#                a query whose row must come back (scripts/lib/deb_check.sh).

# shellcheck shell=bash

# df_ddb_call TARGET JSON: one DynamoDB Local API call (DF_DDB_PORT).
df_ddb_call() {
	curl -sf --noproxy '*' --max-time 10 -X POST "http://127.0.0.1:$DF_DDB_PORT/" \
		-H 'Content-Type: application/x-amz-json-1.0' \
		-H "X-Amz-Target: DynamoDB_20120810.$1" \
		-H "Authorization: AWS4-HMAC-SHA256 Credential=$DF_FAKE_KEY_ID/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-target, Signature=0000" \
		--data "$2"
}

# df_deb_build MAJOR DIR LOG: build the packages in DIR/src; the .debs land in DIR.
df_deb_build() {
	local major=$1 dir=$2 log=$3 root
	df_tree_copy "$dir/src" || return 1
	local cmd='env PG_SUPPORTED_VERSIONS=installed PG_UPDATECONTROL=yes DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b'
	if [ "$major" = 15 ]; then
		(cd "$dir/src" && $cmd) >"$log" 2>&1
	else
		root=$DF_CHROOT_DIR/$(df_pg_suite "$major")-pg$major-build
		env DF_CHROOT_BINDS="$DF_TMP" DF_CHROOT_CWD="$dir/src" \
			bash "$DF_ROOT/scripts/lib/in_chroot.sh" "$root" $cmd >"$log" 2>&1
	fi
}

# df_deb_install MAJOR DEB LOG: DEB into a clean chroot, then a query.
df_deb_install() {
	local major=$1 deb=$2 log=$3 base ov table
	df_chroot_lock
	base=$(df_chroot_base "$major" "$log")
	local rc=$?
	df_chroot_unlock
	[ "$rc" -eq 0 ] || return 1
	table=deb-check-$major
	# (the table may be left from an earlier package test on this DynamoDB Local)
	df_ddb_call CreateTable "{\"TableName\":\"$table\",\"BillingMode\":\"PAY_PER_REQUEST\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}]}" >>"$log" 2>&1
	df_ddb_call PutItem "{\"TableName\":\"$table\",\"Item\":{\"pk\":{\"S\":\"deb\"},\"n\":{\"N\":\"$major\"},\"note\":{\"S\":\"installed from a .deb\"}}}" >>"$log" 2>&1 ||
		{ echo "DynamoDB Local refused the test table" >>"$log"; return 1; }
	# the chroot sees DF_TMP only: the check goes there
	cp "$DF_ROOT/scripts/lib/deb_check.sh" "$DF_TMP/deb_check.sh" || return 1
	ov=$(mktemp -d "$DF_TMP/deb-root-$major.XXXXXX")
	mkdir -p "$ov/upper" "$ov/work" "$ov/root"
	# the overlay lives in a mount namespace of its own: it goes with it
	env DF_CHROOT_BINDS="$DF_TMP" unshare --mount --propagation private -- bash -c '
		base=$1 ov=$2; shift 2
		mount -t overlay overlay -o "lowerdir=$base,upperdir=$ov/upper,workdir=$ov/work" "$ov/root" || exit 1
		bash "$@"; rc=$?
		umount -l "$ov/root"
		exit $rc' df-overlay "$base" "$ov" \
		"$DF_ROOT/scripts/lib/in_chroot.sh" "$ov/root" \
		bash "$DF_TMP/deb_check.sh" "$major" "$deb" "$(df_free_port)" "$DF_DDB_PORT" "$table" \
		>>"$log" 2>&1
	rc=$?
	rm -rf "$ov"
	return "$rc"
}

df_suite_package() {
	local major=$1 logdir=$2 dir deb p=0 f=0 t
	df_log "suite deb: build postgresql-$major-dynamo-fdw with pg_buildext, install it into a clean $(df_pg_suite "$major") chroot"
	dir=$DF_TMP/deb-$major
	mkdir -p "$dir"
	t=$(df_now)
	deb=
	if df_deb_build "$major" "$dir" "$logdir/deb-build-$major.log"; then
		deb=$(ls "$dir"/postgresql-"$major"-dynamo-fdw_*.deb 2>/dev/null | grep -v dbgsym | head -n 1)
	fi
	if [ -n "$deb" ]; then
		echo "    ok - deb build: $(basename "$deb") in $(df_elapsed "$t")s"
		p=$((p + 1))
	else
		echo "    FAILED - deb build (log $logdir/deb-build-$major.log)"
		tail -n 30 "$logdir/deb-build-$major.log" | sed 's/^/    | /'
		f=$((f + 1))
	fi
	t=$(df_now)
	if [ -z "$deb" ]; then
		echo "    FAILED - deb install: no package to install"
		f=$((f + 1))
	elif df_deb_install "$major" "$deb" "$logdir/deb-install-$major.log"; then
		echo "    ok - deb install into a clean chroot, CREATE EXTENSION and a query through DynamoDB Local ($(df_elapsed "$t")s)"
		grep '^deb_check:' "$logdir/deb-install-$major.log" | sed 's/^/    | /'
		p=$((p + 1))
	else
		echo "    FAILED - deb install (log $logdir/deb-install-$major.log)"
		tail -n 30 "$logdir/deb-install-$major.log" | sed 's/^/    | /'
		f=$((f + 1))
	fi
	df_tally deb "$p" "$f"
}
