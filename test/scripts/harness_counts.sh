#!/usr/bin/env bash
# test/scripts/harness_counts.sh - the harness counts failures as failures.
#
# Usage: bash test/scripts/harness_counts.sh   (scripts/test.sh runs it as a
# script suite; it needs only bash, make, awk and node)
#
# Feeds the suite runners of scripts/lib/suites.sh fake suites that fail in
# the ways real ones do (a failing TAP line, a test program that crashes
# half way, a make that fails before any test, a failing node test, a
# FAILED pg_regress line) and checks that every one is counted as failed.

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/scripts/lib/common.sh"
. "$ROOT/scripts/lib/suites.sh"

errors=0
check() {
	local what=$1 want=$2 got=$3
	if [ "$want" = "$got" ]; then
		echo "ok - $what"
	else
		echo "not ok - $what: want '$want', got '$got'"
		errors=$((errors + 1))
	fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- parsers on canned output ---
cat >"$work/tap" <<'TAP'
1..4
ok 1 - a
not ok 2 - b
ok 3 - c # SKIP no network
not ok 4 - d # TODO later
1..3
ok 1 - e
TAP
check "TAP: ok, not ok, skip, todo, and 2 planned tests never reported" "2 1 2 2" "$(df_count_tap "$work/tap")"

cat >"$work/regress" <<'REG'
============== running regression test queries        ==============
test options                      ... ok           31 ms
test select                       ... FAILED       48 ms
parallel group (2 tests):  dml txn
     dml                          ... ok           20 ms
     txn                          ... FAILED (test process exited with exit code 2)       22 ms
test ignored                      ... failed (ignored)       5 ms
 2 of 4 tests failed, 1 of these failures ignored.
REG
check "pg_regress 15: ok / FAILED / failed (ignored)" "2 2 1" "$(df_count_regress "$work/regress")"

cat >"$work/regress16" <<'REG'
# using postmaster on 127.0.0.1, port 5432
ok 1         - options                                    31 ms
not ok 2     - select                                     48 ms
# parallel group (2 tests):  dml txn
ok 3         + dml                                        20 ms
ok 4         + txn                                        22 ms
1..4
REG
check "pg_regress 16+ TAP lines" "3 1 0" "$(df_count_regress "$work/regress16")"

cat >"$work/node" <<'NODE'
# tests 6
# suites 0
# pass 3
# fail 1
# cancelled 1
# skipped 1
# todo 0
NODE
check "node summary: fail + cancelled are failures" "3 2 1" "$(df_count_node "$work/node")"

# --- whole suite runners on fake suites ---
DF_ROOT=$work/root
DF_PG_CONFIG=/bin/true
mkdir -p "$DF_ROOT/test/unit" "$DF_ROOT/test/js"

# A unit suite whose second program crashes after 2 of its 3 tests.
cat >"$DF_ROOT/test/unit/Makefile" <<'MK'
check:
	@printf '1..2\nok 1 - one\nnot ok 2 - two\n'
	@sh -c 'printf "1..3\nok 1 - a\nok 2 - b\n"; kill -SEGV $$$$'
MK
out=$(df_suite_unit "$work" 2>&1)
check "unit: a failing test and a crash after 2 of 3 tests" "[unit] passed 3, failed 2" "$(echo "$out" | grep '^\[unit\]')"

# A unit suite that fails to build: no TAP at all.
printf 'check:\n\t@echo "cc: error: nope"; exit 2\n' >"$DF_ROOT/test/unit/Makefile"
out=$(df_suite_unit "$work" 2>&1)
check "unit: make fails before any test" "[unit] passed 0, failed 1" "$(echo "$out" | grep '^\[unit\]')"

# pg_regress that stops after the first of three tests (missing expected file).
mkdir -p "$DF_ROOT/sql"
touch "$DF_ROOT/sql/a.sql" "$DF_ROOT/sql/b.sql" "$DF_ROOT/sql/c.sql"
cat >"$DF_ROOT/Makefile" <<'MK'
installcheck:
	@echo 'test a                           ... ok           10 ms'
	@echo 'test b                           ... diff: expected/b.out: No such file or directory'
	@exit 2
MK
out=$(df_suite_regress "$work" 2>&1)
check "pg_regress: tests after an abort count as failed" "[pg_regress] passed 1, failed 2" "$(echo "$out" | grep '^\[pg_regress\]')"

# A node suite with one passing and one failing test.
cat >"$DF_ROOT/test/js/fake.test.mjs" <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
test('passes', () => assert.equal(1, 1));
test('fails', () => assert.equal(1, 2));
JS
out=$(df_suite_node "$work" 2>&1)
check "node: one pass, one fail" "[node] passed 1, failed 1" "$(echo "$out" | grep '^\[node\]')"

# A node test file that dies before reporting: counted as failed.
cat >"$DF_ROOT/test/js/fake.test.mjs" <<'JS'
process.exit(3);
JS
out=$(df_suite_node "$work" 2>&1)
check "node: a test file that exits early" "1" "$(echo "$out" | grep -c '^\[node\] passed 0, failed [1-9]')"

[ "$errors" -eq 0 ]
