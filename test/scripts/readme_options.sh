#!/usr/bin/env bash
# test/scripts/readme_options.sh - README's Options section documents every
# option the extension accepts, and nothing else.
#
# Usage: bash test/scripts/readme_options.sh   (scripts/test.sh runs it as a
# script suite; it needs only bash, grep, sed and awk)
#
# What the code accepts, read from the source:
#   server, user mapping, foreign table, column: the dynamo_options[] table
#     of src/fdw/option.c (with its superuser-only flag);
#   IMPORT FOREIGN SCHEMA: the strcmp(def->defname, "...") tests of
#     src/fdw/import.c;
#   settings: every DefineCustom*Variable("dynamo_fdw.*") in dynamo_fdw.c and
#     src/*/*.c (PGC_SUSET ones are superuser only).
# What README documents: the first-column `names` of the tables under each
# "### <level>" heading of its "## Options" section.  Each level must list
# exactly the options of that level, and an option is marked "superuser
# only" in README exactly when the code says so.

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
README=$ROOT/README.md

errors=0
checked=0
fail() {
	echo "not ok - $*"
	errors=$((errors + 1))
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- what the code accepts: "level name superuser(0/1)" lines ---
awk '
	/^static const DynamoOption dynamo_options\[\]/ { inside = 1; next }
	inside && /^};/ { inside = 0 }
	inside && /\{"[a-z_]+", *[A-Za-z]+RelationId/ {
		line = $0
		sub(/^[ \t]*\{"/, "", line)
		name = line; sub(/".*/, "", name)
		rel = line; sub(/^[^,]*, */, "", rel); sub(/RelationId.*/, "", rel)
		su = (line ~ /, *true *\}/) ? 1 : 0
		level = (rel == "ForeignServer") ? "server" : (rel == "UserMapping") ? "user mapping" : \
			(rel == "ForeignTable") ? "foreign table" : (rel == "Attribute") ? "column" : "unknown:" rel
		print level "|" name "|" su
	}' "$ROOT/src/fdw/option.c" >"$work/code"

grep -o 'strcmp(def->defname, "[a-z_]*")' "$ROOT/src/fdw/import.c" |
	sed 's/.*"\([a-z_]*\)")/IMPORT FOREIGN SCHEMA|\1|0/' | sort -u >>"$work/code"

# DefineCustom...Variable("dynamo_fdw.x", ... PGC_CONTEXT, on the lines after
for f in "$ROOT/dynamo_fdw.c" "$ROOT"/src/*/*.c; do
	awk '
		/DefineCustom[A-Za-z]+Variable\("dynamo_fdw\./ {
			name = $0; sub(/.*Variable\("/, "", name); sub(/".*/, "", name); want = 1; next
		}
		want && /PGC_[A-Z_]+/ {
			ctx = $0; sub(/.*PGC_/, "", ctx); sub(/[^A-Z_].*/, "", ctx)
			print "settings|" name "|" (ctx == "SUSET" || ctx == "POSTMASTER" || ctx == "SIGHUP" ? 1 : 0)
			want = 0
		}' "$f"
done >>"$work/code"

n_code=$(wc -l <"$work/code")
if [ "$n_code" -lt 20 ]; then
	fail "read only $n_code options from the source (src/fdw/option.c, src/fdw/import.c, dynamo_fdw.c): has the layout changed?"
fi

# --- what README documents, in its Options section ---
awk '
	/^## / { in_opts = ($0 == "## Options"); next }
	!in_opts { next }
	/^### / {
		level = tolower(substr($0, 5))
		sub(/ options$/, "", level)
		if (level == "import foreign schema") level = "IMPORT FOREIGN SCHEMA"
		next
	}
	/^\| *`[^`]+` *\|/ {
		name = $0; sub(/^\| *`/, "", name); sub(/`.*/, "", name)
		su = (tolower($0) ~ /superuser only/) ? 1 : 0
		print level "|" name "|" su
	}' "$README" >"$work/doc"

if [ ! -s "$work/doc" ]; then
	fail "README.md has no option tables under \"## Options\""
fi

# every option of the code documented at its level, superuser-only alike
while IFS='|' read -r level name su; do
	checked=$((checked + 1))
	doc=$(awk -F'|' -v l="$level" -v n="$name" '$1 == l && $2 == n { print $3; exit }' "$work/doc")
	if [ -z "$doc" ]; then
		if grep -q "|$name|" "$work/doc"; then
			fail "$level option \"$name\" is documented at another level in README's Options ($(grep "|$name|" "$work/doc" | cut -d'|' -f1 | paste -sd, -))"
		else
			fail "$level option \"$name\" is not documented in README's Options section"
		fi
	elif [ "$doc" != "$su" ]; then
		if [ "$su" = 1 ]; then
			fail "$level option \"$name\" is superuser only, but README does not say \"superuser only\""
		else
			fail "README says $level option \"$name\" is superuser only, but the code lets anyone set it"
		fi
	else
		echo "ok - $level: $name"
	fi
done <"$work/code"

# every documented option exists at that level
while IFS='|' read -r level name su; do
	if ! awk -F'|' -v l="$level" -v n="$name" '$1 == l && $2 == n { f = 1 } END { exit !f }' "$work/code"; then
		fail "README documents $level option \"$name\", which the code does not accept"
	fi
done <"$work/doc"

echo "# $checked options checked ($(cut -d'|' -f1 "$work/code" | sort | uniq -c | awk '{ c = $1; $1 = ""; printf "%s%s %d", sep, substr($0, 2), c; sep = ", " }')); README lists $(wc -l <"$work/doc")"
if [ "$errors" -gt 0 ]; then
	echo "# $errors problems"
	exit 1
fi
exit 0
