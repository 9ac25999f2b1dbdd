#!/usr/bin/env bash
# scripts/sanitize.sh - the whole test run with memory checking; says clean
# or not clean.
#
# Usage: bash scripts/sanitize.sh       (no arguments; exit 0 when clean and
#                                       every test passed, 1 when not clean,
#                                       2 when clean but tests failed)
#
# What it does:
#   1. the C unit tests built with -fsanitize=address,undefined (UB fatal,
#      leaks checked), in test/unit/build-asan;
#   2. scripts/test.sh --pg 15 (the host's server; the chroots of other
#      versions have no valgrind) with the scratch PostgreSQL server under valgrind
#      memcheck (every backend: forks are followed), so every suite that
#      talks to it - pg_regress, node, scripts - runs the extension checked;
#      the libFuzzer suite of test.sh is itself ASan + UBSan;
#   3. counts the memcheck errors (one log per process) whose stack goes
#      through dynamo_fdw.so, and greps the server log for AddressSanitizer,
#      "runtime error:" and backends killed by a signal; prints
#      "sanitizers: clean" or "sanitizers: NOT clean".
#
# Why valgrind for the server and not ASan: the postgres executable is not
# instrumented, so ASan would have to be preloaded into it, and on Debian 12
# a preloaded libasan (gcc's or clang's) hangs at start in glibc's locale
# locks once libldap (which postgres, psql and initdb link) is loaded.
# Memcheck needs no special build: the normal dynamo_fdw.so is checked.
# Errors whose stack does not touch dynamo_fdw.so are PostgreSQL's or a
# library's own; they are counted and shown apart, not held against us.
# Neither tool sees an overrun that stays inside a palloc'd block (memory
# contexts carve chunks out of big malloc'd blocks); the fuzz targets run
# convert.c on a model with one malloc per palloc for that.
#
# Environment: DYNAMO_FDW_SANITIZE_DIR keeps the reports and logs in that
# folder instead of a new /tmp/dynamo_fdw-sanitize.XXXXXX.

set -u

DF_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
. "$DF_ROOT/scripts/lib/common.sh"
# shellcheck source=lib/suites.sh
. "$DF_ROOT/scripts/lib/suites.sh"

out=${DYNAMO_FDW_SANITIZE_DIR:-$(mktemp -d /tmp/dynamo_fdw-sanitize.XXXXXX)}
mkdir -p "$out/reports" "$out/logs"
chmod 755 "$out"
chmod 1777 "$out/reports"		# the server (user postgres) writes here
status=0

df_log "dynamo_fdw under the sanitizers ($(date -u '+%Y-%m-%d %H:%M:%S UTC')); reports in $out"

# 1. unit tests under ASan + UBSan
san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
df_log "unit tests built with $san"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 CFLAGS="-O1 -g $san" \
	make -C "$DF_ROOT/test/unit" check BUILD=build-asan >"$out/logs/unit-asan.log" 2>&1
rc=$?
read -r p f s m < <(df_count_tap "$out/logs/unit-asan.log")
echo "    unit (ASan + UBSan): passed $p, failed $((f + m)), exit $rc"
if [ "$rc" -ne 0 ] || [ "$f" -gt 0 ] || [ "$m" -gt 0 ] || [ "$p" -eq 0 ]; then
	status=1
	grep -E 'ERROR|runtime error|not ok|rror:' "$out/logs/unit-asan.log" | head -n 20 | sed 's/^/    | /'
fi

# 2. the whole run, the server under memcheck
if ! command -v valgrind >/dev/null 2>&1; then
	df_err "valgrind is not installed (apt-get install valgrind)"
	echo "sanitizers: NOT clean (could not run)"
	exit 1
fi
vg="$(command -v valgrind) --tool=memcheck --trace-children=yes --leak-check=no"
vg="$vg --num-callers=30 --error-limit=no --log-file=$out/reports/memcheck.%p"
vg="$vg --suppressions=$DF_ROOT/scripts/lib/valgrind.supp"
df_log "scripts/test.sh with the postmaster under: $vg"
DYNAMO_FDW_PG_WRAPPER="$vg" DYNAMO_FDW_KEEP_LOGS="$out/logs" \
	bash "$DF_ROOT/scripts/test.sh" --pg 15 >"$out/logs/test.log" 2>&1
rc=$?
grep -E '^\[[a-z_]+\] passed' "$out/logs/test.log" | sed 's/^/    /'
tail -n 1 "$out/logs/test.log" | sed 's/^/    test.sh: /'
tests_failed=0
if [ "$rc" -ne 0 ]; then
	tests_failed=1
	df_warn "scripts/test.sh failed under valgrind (exit $rc; timing-bound tests may miss their bounds at valgrind's speed); see $out/logs/test.log"
	grep -E 'FAILED|^not ok' "$out/logs/test.log" | head -n 20 | sed 's/^/    | /'
fi

# 3. reports
nproc_checked=$(grep -l 'Memcheck, a memory error detector' "$out"/reports/memcheck.* 2>/dev/null | wc -l)
ours=0
theirs=0
# a frame of ours reads "(in .../dynamo_fdw.so)", or "(txn.c:575)" when
# valgrind found the debug information
ours_re="dynamo_fdw[.]so|[(]($(cd "$DF_ROOT" && ls dynamo_fdw.c src/*/*.c | xargs -n 1 basename |
	sed 's/[.]/[.]/' | paste -sd '|')):[0-9]+[)]"
for r in "$out"/reports/memcheck.*; do
	[ -f "$r" ] || continue
	# one error = a block of "==PID== " lines after a blank "==PID== " line
	read -r o t < <(awk -v ours="$ours_re" '
		/^==[0-9]+== *$/ { if (inerr) { if (hit) o++; else t++ } inerr = 0; hit = 0; next }
		/^==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param|Mismatched|Source and destination|Argument .* of function)/ { inerr = 1 }
		inerr && $0 ~ ours { hit = 1 }
		END { if (inerr) { if (hit) o++; else t++ } printf "%d %d\n", o, t }' "$r")
	ours=$((ours + o))
	theirs=$((theirs + t))
	if [ "$o" -gt 0 ]; then
		echo "    --- $r ---"
		grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|   (at|by) )' "$r" | head -n 30 | sed 's/^/    | /'
	fi
done
nlog=$(grep -c -E 'AddressSanitizer|runtime error:|terminated by signal' "$out/logs/postgres.log" 2>/dev/null)
echo "    memcheck: $nproc_checked server processes checked; $ours errors in dynamo_fdw (its .so or sources in the stack), $theirs elsewhere (PostgreSQL, libraries); server log: ${nlog:-0} crash or sanitizer lines"
if [ "$nproc_checked" -eq 0 ]; then
	df_err "no process ran under memcheck (see $out/logs/test.log)"
	status=1
fi
if [ "$ours" -gt 0 ] || [ "${nlog:-0}" -gt 0 ]; then
	status=1
	grep -E 'AddressSanitizer|runtime error:|terminated by signal' "$out/logs/postgres.log" 2>/dev/null |
		head -n 20 | sed 's/^/    | /'
fi

# The verdict is the reports'; failing tests are said apart (exit 2).
if [ "$status" -ne 0 ]; then
	echo "sanitizers: NOT clean"
	exit 1
fi
if [ "$tests_failed" -ne 0 ]; then
	echo "sanitizers: clean, but tests failed under valgrind (see above)"
	exit 2
fi
echo "sanitizers: clean"
exit 0
