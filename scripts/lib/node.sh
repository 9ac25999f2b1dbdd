# scripts/lib/node.sh - the pinned AWS SDK v3 packages the tests use.
#
# test/tools/package.json (exact versions) and its package-lock.json are
# copied into $DF_CACHE/npm and installed there with `npm ci`, only when
# they changed since the last install (a stamp file holds their checksum).
# test/node_modules is then a symlink to $DF_CACHE/npm/node_modules (ignored
# by git), so every test/**/*.mjs resolves the same packages.

# shellcheck shell=bash

df_node_deps() {
	local src=$DF_ROOT/test/tools dst=$DF_CACHE/npm stamp want major
	major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
	if [ "$major" -lt 20 ]; then
		df_warn "node $(node -v 2>/dev/null) is older than 20; the pinned AWS SDK v3 needs node >= 20"
	fi
	want=$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -d' ' -f1)
	stamp=$dst/.installed
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$dst/node_modules" ]; then
		df_note "npm packages: cached in $dst"
	else
		df_log "installing pinned npm packages into $dst"
		mkdir -p "$dst"
		rm -f "$stamp"
		cp "$src/package.json" "$src/package-lock.json" "$dst/"
		if ! (cd "$dst" && npm ci --no-audit --no-fund --loglevel=error); then
			df_err "npm ci failed in $dst"
			return 1
		fi
		echo "$want" >"$stamp"
	fi
	# Link test/node_modules to the cache; leave a real folder alone.
	local link=$DF_ROOT/test/node_modules
	if [ -e "$link" ] && [ ! -L "$link" ]; then
		df_warn "$link is a real folder, not the harness's symlink; using it as it is"
	elif [ "$(readlink "$link" 2>/dev/null)" != "$dst/node_modules" ]; then
		ln -sfn "$dst/node_modules" "$link"
	fi
}
