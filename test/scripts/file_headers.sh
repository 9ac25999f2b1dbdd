#!/usr/bin/env bash
# test/scripts/file_headers.sh - every C source and header of the extension
# opens with PostgreSQL's file header block, which says what the file is for.
#
# Usage: bash test/scripts/file_headers.sh   (scripts/test.sh runs it as a
# script suite; it needs only bash, sed and grep)
#
# The files: dynamo_fdw.c and every .c and .h under src/.  Each must begin
#
#	/*-------------------------------------------------------------------------
#	 *
#	 * NAME.c
#	 *		  What the file is for, in a sentence or more.
#	 ...
#	 * IDENTIFICATION
#	 *		  PATH
#	 ...
#	 *-------------------------------------------------------------------------
#	 */
#
# with NAME its own name and PATH its path from the top of the tree.  The
# test fails naming each file that does not, and what is missing.

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1

RULE='/*-------------------------------------------------------------------------'
CLOSE=' *-------------------------------------------------------------------------'

files=$(ls dynamo_fdw.c src/*.[ch] src/*/*.[ch] 2>/dev/null)
[ -n "$files" ] || { echo "not ok - no sources found under src/"; exit 1; }

checked=0
errors=0
for f in $files; do
	problems=
	name=$(basename "$f")
	[ "$(sed -n 1p "$f")" = "$RULE" ] || problems="$problems; line 1 is not the header rule"
	[ "$(sed -n 2p "$f")" = " *" ] || problems="$problems; line 2 is not \" *\""
	[ "$(sed -n 3p "$f")" = " * $name" ] || problems="$problems; line 3 does not name the file"
	sed -n 4p "$f" | grep -qE '^ \*'$'\t\t''  [^ ]' ||
		problems="$problems; line 4 does not say what the file is for"
	# the block: up to its closing rule and " */"
	block=$(awk -v rule="$CLOSE" 'NR > 1 && $0 == rule { getline n; if (n == " */") ok = 1; exit }
		{ print } END { if (!ok) print "NO CLOSE" }' "$f")
	case $block in
	*"NO CLOSE") problems="$problems; no closing rule and \" */\"" ;;
	esac
	printf '%s\n' "$block" | grep -qx ' \* IDENTIFICATION' &&
		printf '%s\n' "$block" | grep -qxF " *"$'\t\t'"  $f" ||
		problems="$problems; no IDENTIFICATION naming $f"
	checked=$((checked + 1))
	if [ -n "$problems" ]; then
		errors=$((errors + 1))
		echo "not ok $checked - $f:${problems#;}"
	else
		echo "ok $checked - $f"
	fi
done
echo "# $checked files, $errors failed"
[ "$errors" -eq 0 ]
