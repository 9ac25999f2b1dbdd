# scripts/lib/suites.sh - run each suite and count its tests.
#
# Every suite adds to DF_PASSED / DF_FAILED / DF_SKIPPED test by test.  A
# suite that cannot run, crashes or exits non-zero without a failing test
# line counts one failure more, so a broken suite can never look like a pass.
# The df_count_* functions only parse output, so test/scripts/ can check
# them on canned output.
#
# Per-suite lines are written as "[suite] passed N, failed N" on purpose:
# only the closing line of scripts/test.sh has the "N passed, N failed" form.

# shellcheck shell=bash

DF_PASSED=0
DF_FAILED=0
DF_SKIPPED=0
# Put before each suite's name in its line ("pg17 pg_regress"): the suites
# that need a server run once per PostgreSQL version.
DF_TALLY_PREFIX=

# df_suites_pg LOGDIR: every suite that needs the extension installed in a
# running PostgreSQL (DF_PG_BIN's).  scripts/test.sh runs this same list
# against every version, on the host and in the chroots.
df_suites_pg() {
	local logdir=$1
	df_suite_regress "$logdir"
	df_suite_isolation "$logdir"
	if [ "$DF_FAILED" -gt 0 ] && [ -s "$DF_PG_DIR/postgres.log" ]; then
		df_tail_log "$DF_PG_DIR/postgres.log" 30
	fi
	df_suite_node "$logdir"
	df_suite_scripts "$logdir"
}

# df_tally SUITE PASSED FAILED [SKIPPED]: add to the totals and say so.
df_tally() {
	local suite=$DF_TALLY_PREFIX$1 p=$2 f=$3 s=${4:-0}
	DF_PASSED=$((DF_PASSED + p))
	DF_FAILED=$((DF_FAILED + f))
	DF_SKIPPED=$((DF_SKIPPED + s))
	if [ "$s" -gt 0 ]; then
		echo "[$suite] passed $p, failed $f, skipped $s"
	else
		echo "[$suite] passed $p, failed $f"
	fi
}

# df_fail_step WHAT: a bring-up step failed; it counts as one failed test.
df_fail_step() {
	df_err "$1"
	df_tally "${2:-bring-up}" 0 1
}

# df_count_tap FILE: print "PASSED FAILED SKIPPED MISSING" for TAP output
# made of one or more concatenated TAP streams.  MISSING is how many tests
# the plans ("1..N") announced but no line reported (a crashed program).
df_count_tap() {
	awk '
		/^ok([ \t]|$)/ {
			if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) s++; else p++
			next
		}
		/^not ok([ \t]|$)/ {
			if ($0 ~ /#[ \t]*[Tt][Oo][Dd][Oo]/) s++; else f++
			next
		}
		/^1\.\.[0-9]+/ { sub(/^1\.\./, ""); plan += $0 + 0; next }
		END {
			m = plan - (p + f + s)
			if (m < 0) m = 0
			printf "%d %d %d %d\n", p, f, s, m
		}' "$1"
}

# df_count_regress FILE: print "PASSED FAILED SKIPPED" for pg_regress
# output (PostgreSQL 15 "test x ... ok" lines, or the TAP form of 16+).
df_count_regress() {
	awk '
		/^(test |     )[ \t]*[^ \t]+[ \t]+\.\.\. ok/ { p++; next }
		/^(test |     )[ \t]*[^ \t]+[ \t]+\.\.\. FAILED/ { f++; next }
		/^(test |     )[ \t]*[^ \t]+[ \t]+\.\.\. failed \(ignored\)/ { s++; next }
		/^ok [0-9]+ +[-+] / { p++; next }
		/^not ok [0-9]+ +[-+] / { if ($0 ~ /# \(ignored\)/) s++; else f++; next }
		END { printf "%d %d %d\n", p, f, s }' "$1"
}

# df_count_node FILE: print "PASSED FAILED SKIPPED" from the summary of
# `node --test --test-reporter=tap` (the last "# pass N" etc. lines win).
df_count_node() {
	awk '
		/^# pass [0-9]+$/ { p = $3 }
		/^# fail [0-9]+$/ { f = $3 }
		/^# cancelled [0-9]+$/ { c = $3 }
		/^# skipped [0-9]+$/ { s = $3 }
		/^# todo [0-9]+$/ { t = $3 }
		END { printf "%d %d %d\n", p, f + c, s + t }' "$1"
}

# df_suite_unit LOGDIR: C unit tests (make -C test/unit check, TAP).
df_suite_unit() {
	local log=$1/unit.log rc p f s m
	if [ ! -f "$DF_ROOT/test/unit/Makefile" ]; then
		echo "[unit] SKIPPED: test/unit has no Makefile yet (no unit test counted)"
		return 0
	fi
	df_log "suite unit: make -C test/unit check"
	df_run "$log" make -k -C "$DF_ROOT/test/unit" check PG_CONFIG="$DF_PG_CONFIG"
	rc=$?
	sed 's/^/    /' "$log"
	read -r p f s m < <(df_count_tap "$log")
	if [ "$m" -gt 0 ]; then
		df_err "unit: $m planned tests never reported (a test program crashed?)"
		f=$((f + m))
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		df_err "unit: make check exited $rc without a failing test line (build error or crash)"
		f=1
	fi
	if [ "$rc" -eq 0 ] && [ $((p + f + s)) -eq 0 ]; then
		echo "[unit] note: make check ran but printed no TAP line"
	fi
	df_tally unit "$p" "$f" "$s"
}

# df_regress_result NAME LOG RC N DIFFS WHAT: count a pg_regress-style run
# (make installcheck or isolationcheck) of N tests (WHAT: "tests", "specs")
# that exited RC, show its log and the start of DIFFS on failure, and tally
# it under NAME.  A test that reported no result, or a failed run without a
# failed test line, counts as failed.
df_regress_result() {
	local name=$1 log=$2 rc=$3 n=$4 diffs=$5 what=$6 p f s
	sed 's/^/    /' "$log"
	read -r p f s < <(df_count_regress "$log")
	if [ "$f" -gt 0 ] && [ -f "$diffs" ]; then
		echo "    --- ${diffs#"$DF_ROOT"/} (first 400 lines; full file: $diffs) ---"
		head -n 400 "$diffs" | sed 's/^/    /'
	fi
	if [ "$rc" -ne 0 ] && [ $((p + f + s)) -lt "$n" ]; then
		df_err "$name: make exited $rc; $((n - p - f - s)) of $n $what reported no result"
		f=$((f + n - p - f - s))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		df_err "$name: make exited $rc without a failed test line"
		f=1
	fi
	if [ "$rc" -eq 0 ] && [ "$p" -eq 0 ]; then
		df_err "$name: $n $what but no test result line"
		f=$((f + 1))
	fi
	df_tally "$name" "$p" "$f" "$s"
}

# df_suite_regress LOGDIR: pg_regress through `make installcheck`.
df_suite_regress() {
	local log=$1/regress.log rc n
	n=$(find "$DF_ROOT/sql" -maxdepth 1 -name '*.sql' 2>/dev/null | wc -l)
	if [ "$n" -eq 0 ]; then
		echo "[pg_regress] nothing to run: sql/ has no tests yet"
		return 0
	fi
	df_log "suite pg_regress: make installcheck ($n tests)"
	df_run "$log" make -C "$DF_ROOT" installcheck PG_CONFIG="$DF_PG_CONFIG" ISOLATION=
	rc=$?
	df_regress_result pg_regress "$log" "$rc" "$n" "$DF_ROOT/regression.diffs" tests
}

# df_suite_isolation LOGDIR: isolationtester specs (specs/*.spec) through
# `make isolationcheck`, after creating the DynamoDB tables they use
# (test/data/isolation/*.table.json); the endpoint reaches the specs as the
# setting dynamo_fdw_test.endpoint, through PGOPTIONS.
df_suite_isolation() {
	local log=$1/isolation.log rc n spec
	n=$(find "$DF_ROOT/specs" -maxdepth 1 -name '*.spec' 2>/dev/null | wc -l)
	if [ "$n" -eq 0 ]; then
		echo "[isolation] nothing to run: specs/ has no specs yet"
		return 0
	fi
	df_log "suite isolation: make isolationcheck ($n specs)"
	for spec in "$DF_ROOT"/test/data/isolation/*.table.json; do
		if ! node "$DF_ROOT/test/tools/fixture.mjs" create-table "$spec" --replace >>"$log.setup" 2>&1; then
			df_err "isolation: could not create the DynamoDB table of $spec"
			sed 's/^/    /' "$log.setup"
			df_tally isolation 0 "$n" 0
			return 0
		fi
	done
	export PGOPTIONS="-c dynamo_fdw_test.endpoint=$DYNAMO_ENDPOINT"
	df_run "$log" make -C "$DF_ROOT" isolationcheck PG_CONFIG="$DF_PG_CONFIG"
	rc=$?
	unset PGOPTIONS
	df_regress_result isolation "$log" "$rc" "$n" "$DF_ROOT/output_iso/regression.diffs" specs
}

# df_suite_node LOGDIR: node:test suites in test/js/.
df_suite_node() {
	local log=$1/node.log rc p f s n files
	# the files by name: node 21 and later take a directory argument for a
	# module to run, not a folder to search
	mapfile -t files < <(find "$DF_ROOT/test/js" -name '*.test.mjs' -o -name '*.test.js' \
		-o -name '*.test.cjs' 2>/dev/null | sort)
	n=${#files[@]}
	if [ "$n" -eq 0 ]; then
		echo "[node] nothing to run: test/js has no *.test.mjs yet"
		return 0
	fi
	df_log "suite node: node --test test/js/*.test.mjs ($n files)"
	df_run "$log" node --test --test-reporter=tap "${files[@]}"
	rc=$?
	sed 's/^/    /' "$log"
	read -r p f s < <(df_count_node "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		df_err "node: node --test exited $rc without a failing test"
		f=1
	fi
	df_tally node "$p" "$f" "$s"
}

# df_suite_scripts LOGDIR: each test/scripts/*.sh is one test (exit 0 = ok).
df_suite_scripts() {
	local logdir=$1 log script name p=0 f=0
	set -- "$DF_ROOT"/test/scripts/*.sh
	[ -e "$1" ] || return 0
	df_log "suite scripts: test/scripts/*.sh"
	for script in "$@"; do
		name=$(basename "$script" .sh)
		log=$logdir/script-$name.log
		if df_run "$log" bash "$script"; then
			echo "    ok - $name"
			p=$((p + 1))
		else
			echo "    FAILED - $name (exit $?)"
			sed 's/^/    | /' "$log" | tail -n 40
			f=$((f + 1))
		fi
	done
	df_tally scripts "$p" "$f"
}

# df_suite_fuzz LOGDIR: the libFuzzer targets of test/fuzz/, briefly.  One
# test per target: build with clang + libFuzzer (ASan, UBSan), replay the
# committed corpus and fuzz DYNAMO_FDW_FUZZ_SECONDS (default 12) seconds;
# any crash, leak, hang or broken property fails it.  One more test replays
# the corpus through the plain driver built with gcc.  Without clang and
# libFuzzer the fuzz tests fail (they are not skipped).
df_suite_fuzz() {
	local logdir=$1 secs=${DYNAMO_FDW_FUZZ_SECONDS:-12} t log p=0 f=0 rc
	local work=$logdir/fuzz-corpus stats
	local targets="fuzz_sigv4 fuzz_convert"
	[ -f "$DF_ROOT/test/fuzz/Makefile" ] || return 0
	df_log "suite fuzz: make -C test/fuzz run SECONDS=$secs, replay CC=gcc"
	if ! df_run "$logdir/fuzz-build.log" make -C "$DF_ROOT/test/fuzz" all PG_CONFIG="$DF_PG_CONFIG"; then
		df_err "fuzz: the libFuzzer targets did not build (clang and libFuzzer are needed: apt-get install clang-14 libclang-rt-14-dev)"
		tail -n 20 "$logdir/fuzz-build.log" | sed 's/^/    | /'
		for t in $targets; do
			echo "    FAILED - $t (not built)"
		done
		f=2
	else
		for t in $targets; do
			log=$logdir/fuzz-$t.log
			mkdir -p "$work"
			df_run "$log" make -C "$DF_ROOT/test/fuzz" run PG_CONFIG="$DF_PG_CONFIG" \
				TARGETS="$t" SECONDS="$secs" WORK="$work"
			rc=$?
			stats=$(awk '/^#[0-9]+[ \t]+DONE/ { cov = $4; corp = $8 }
				/^stat::number_of_executed_units:/ { n = $2 }
				END { printf "%s executions, cov %s, corpus %s", n, cov, corp }' "$log")
			if [ "$rc" -eq 0 ] && grep -q '^stat::number_of_executed_units' "$log"; then
				echo "    ok - $t: ${secs}s, $stats"
				p=$((p + 1))
			else
				echo "    FAILED - $t (exit $rc; log $log; reproducer in test/fuzz/build/clang/$t-*)"
				grep -E 'ERROR|MODEL|PROPERTY|SUMMARY|Test unit written|\*\*\*|rror:' "$log" | head -n 20 | sed 's/^/    | /'
				f=$((f + 1))
			fi
		done
	fi
	log=$logdir/fuzz-replay-gcc.log
	if df_run "$log" make -C "$DF_ROOT/test/fuzz" replay CC=gcc PG_CONFIG="$DF_PG_CONFIG"; then
		echo "    ok - corpus replay without libFuzzer (gcc, ASan + UBSan): $(grep -c '^ok ' "$log") inputs"
		p=$((p + 1))
	else
		echo "    FAILED - corpus replay without libFuzzer (gcc)"
		tail -n 20 "$log" | sed 's/^/    | /'
		f=$((f + 1))
	fi
	df_tally fuzz "$p" "$f"
}
