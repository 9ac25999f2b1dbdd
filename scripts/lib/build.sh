# scripts/lib/build.sh - build and install the extension with PGXS.

# shellcheck shell=bash

# PGXS also compiles LLVM bitcode for JIT inlining when the server was built
# with LLVM (Debian's is); it is kept, so the installed bitcode always
# matches the installed library.
DF_MAKE_ARGS="PG_CONFIG=$DF_PG_CONFIG"

# df_build LOG: `make WERROR=1` then `make install`, output in LOG.  On
# failure shows the compiler's messages (not the command lines).
df_build() {
	local log=$1 jobs
	jobs=$(nproc 2>/dev/null || echo 2)
	# shellcheck disable=SC2086
	if ! df_run "$log" make -C "$DF_ROOT" -j"$jobs" WERROR=1 $DF_MAKE_ARGS; then
		df_err "the extension does not build (make WERROR=1)"
		grep -v -E '^(gcc|cc|clang|/usr/bin/clang[-0-9]*) ' "$log" | tail -n 60 | sed 's/^/    | /'
		return 1
	fi
	# shellcheck disable=SC2086
	if ! df_run "$log.install" make -C "$DF_ROOT" install $DF_MAKE_ARGS; then
		df_err "make install failed"
		tail -n 20 "$log.install" | sed 's/^/    | /'
		if ! df_is_root; then
			echo "    Installing needs write access to $("$DF_PG_CONFIG" --pkglibdir) and $("$DF_PG_CONFIG" --sharedir)/extension:"
			echo "    run 'sudo make install PG_CONFIG=$DF_PG_CONFIG' once, or run this script as root."
		fi
		return 1
	fi
}
