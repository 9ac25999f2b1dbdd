#!/usr/bin/env bash
# test/scripts/layers.sh - the wall between the AWS layer and the wrapper
# holds, and json-c stays where it is today or retreats.
#
# Usage: bash test/scripts/layers.sh   (scripts/test.sh runs it as a script
# suite; it needs only bash, grep, sed and sort)
#
# Includes are followed the way the Makefile's compiler sees them: a quoted
# name is looked for beside the including file, then in src/, src/aws/,
# src/fdw/ and src/dsql/ (PG_CPPFLAGS); a name found there is one of ours
# and its own includes count as the includer's (transitively), any other
# name is a system or PostgreSQL header.  Conditional includes (#if
# PG_VERSION_NUM ...) count whatever the version.
#
# The rules:
#   1. src/aws/ (every .c and .h) reaches no header of ours outside
#      src/aws/ but src/pg_compat.h: never src/fdw/ (whose dynamo_fdw.h
#      brings the executor's headers) nor src/dsql/.  src/dsql/ reaches
#      only src/dsql/, src/aws/ and src/pg_compat.h.
#   2. Neither src/aws/ nor src/dsql/ includes a planner, executor or FDW
#      header of PostgreSQL, directly or through ours.  Forbidden:
#        optimizer/*  executor/*  parser/*  rewrite/*  tcop/*
#        commands/explain*  foreign/fdwapi.h
#        nodes/pathnodes.h  nodes/execnodes.h  nodes/plannodes.h
#        nodes/primnodes.h  nodes/makefuncs.h  nodes/nodeFuncs.h
#        access/table.h  access/tableam.h  access/heapam.h  access/relscan.h
#        access/genam.h  access/sysattr.h  access/tupconvert.h
#        utils/rel.h  utils/selfuncs.h  utils/ruleutils.h
#      Allowed, for the record: PostgreSQL's utils (palloc, ereport,
#      memory contexts, hash tables, syscache and invalidation callbacks),
#      catalog/*, foreign/foreign.h (ForeignServer and UserMapping: catalog
#      lookups), access/xact.h (transaction callbacks) and
#      access/htup_details.h (reading a syscache tuple), storage/*, lib/*,
#      common/*, miscadmin.h, pgstat.h.
#   3. src/aws/sigv4.c and sigv4.h include no PostgreSQL header at all
#      (system and OpenSSL headers only): test/unit builds them alone.
#   4. Only src/aws/http.c includes curl (<curl/...>), in the whole tree.
#   5. json-c (<json.h>, <json-c/...>) is included by src/aws/ddb_json.h
#      alone, and the files that reach ddb_json.h are exactly JSON_C_USERS
#      below: a new one fails, and so does one that no longer uses json-c
#      (take it off the list: the list only shrinks).  Headers that only
#      pass json-c trees along name them "struct json_c_object" and do not
#      include json-c, so the list is the files that read or build JSON.
#
# The test fails, naming the file and the include chain, when any rule is
# broken.

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1

# Rule 5's list: the users of json-c, headers and sources, all inside
# src/aws/: the wrapper builds and reads DynamoDB's JSON as ddb_value.h's
# trees, through the typed operations of ops_read.c, ops_write.c and
# operations.c.
JSON_C_USERS="
src/aws/cred_util.c
src/aws/ddb_json.h
src/aws/ddb_value.c
"

FORBIDDEN_RE='^(optimizer|executor|parser|rewrite|tcop)/|^commands/explain|^foreign/fdwapi[.]h$|^nodes/(pathnodes|execnodes|plannodes|primnodes|makefuncs|nodeFuncs)[.]h$|^access/(table|tableam|heapam|relscan|genam|sysattr|tupconvert)[.]h$|^utils/(rel|selfuncs|ruleutils)[.]h$'

SEARCH="src src/aws src/fdw src/dsql"

errors=0
checked=0
ok() {
	checked=$((checked + 1))
	echo "ok $checked - $*"
}
fail() {
	checked=$((checked + 1))
	errors=$((errors + 1))
	echo "not ok $checked - $*"
}

files=$(ls src/aws/*.[ch] src/fdw/*.[ch] src/dsql/*.[ch] src/*.h dynamo_fdw.c 2>/dev/null)
[ -n "$files" ] || { echo "not ok - no sources found under src/"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every include of every file, as "FILE q NAME" (quoted) or "FILE a NAME"
# (<>), then one awk that follows them: for each file, "FILE OURS PATH
# CHAIN" for every header of ours it reaches and "FILE EXT NAME CHAIN" for
# every other header, CHAIN saying how (a>b>c).
for f in $files; do
	sed -n -E "s|^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\".*|$f q \1|p;
		s|^[[:space:]]*#[[:space:]]*include[[:space:]]*<([^>]+)>.*|$f a \1|p" "$f"
done >"$work/includes"
awk -v search="$SEARCH" -v files="$files" '
	function dirname(p) { if (p !~ /\//) return "."; sub(/\/[^\/]*$/, "", p); return p }
	# our header NAME as included from FROM, or ""
	function resolve(from, name,   d, n, dirs, k) {
		d = dirname(from)
		if ((d "/" name) in isfile) return d "/" name
		n = split(search, dirs, " ")
		for (k = 1; k <= n; k++)
			if ((dirs[k] "/" name) in isfile) return dirs[k] "/" name
		return ""
	}
	NR == FNR { isfile[$1] = 1; next }
	{ ninc[$1]++; kind[$1, ninc[$1]] = $2; name[$1, ninc[$1]] = $3 }
	END {
		nf = split(files, fl, /[ \n]+/)
		for (s = 1; s <= nf; s++) {
			start = fl[s]
			if (start == "") continue
			delete seen
			head = 0; tail = 0
			queue[tail] = start; chain[tail] = start; tail++
			seen[start] = 1
			while (head < tail) {
				f = queue[head]; c = chain[head]; head++
				for (k = 1; k <= ninc[f]; k++) {
					nm = name[f, k]
					p = (kind[f, k] == "q") ? resolve(f, nm) : ""
					if (p != "") {
						print start, "OURS", p, c ">" p
						if (!(p in seen)) { seen[p] = 1; queue[tail] = p; chain[tail] = c ">" p; tail++ }
					} else
						print start, "EXT", nm, c ">" nm
				}
			}
		}
	}' <(printf '%s\n' $files) "$work/includes" >"$work/reach"
reach() { awk -v f="$1" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "$work/reach"; }
includes() { awk -v f="$1" '$1 == f { print $2, $3 }' "$work/includes"; }

# rules 1 and 2
for f in $files; do
	case $f in
	src/aws/*) layer=aws allowed_re='^src/(aws/|pg_compat[.]h$)' ;;
	src/dsql/*) layer=dsql allowed_re='^src/(aws/|dsql/|pg_compat[.]h$)' ;;
	*) continue ;;
	esac
	bad=$(reach "$f" | awk '$1 == "OURS" { print }' | while read -r _ path chain; do
		[[ $path =~ $allowed_re ]] || echo "$chain"
	done | head -n 3)
	if [ -n "$bad" ]; then
		fail "$f ($layer) includes a header of another layer: $(echo "$bad" | head -n 1)"
	else
		if [ $layer = aws ]; then ok "$f includes only headers of src/aws/ and pg_compat.h"; else ok "$f includes only headers of src/dsql/, src/aws/ and pg_compat.h"; fi
	fi
	bad=$(reach "$f" | awk '$1 == "EXT" { print }' | while read -r _ name chain; do
		[[ $name =~ $FORBIDDEN_RE ]] && echo "$chain"
	done | head -n 3)
	if [ -n "$bad" ]; then
		fail "$f ($layer) includes a planner/executor/FDW header: $(echo "$bad" | head -n 1)"
	else
		ok "$f includes no planner, executor or FDW header"
	fi
done

# rule 3
for f in src/aws/sigv4.c src/aws/sigv4.h; do
	bad=$(reach "$f" | awk '$1 == "EXT" && $2 !~ /^(std[a-z]*|string|strings|time|ctype|errno|limits|openssl\/[a-z_]+)[.]h$/ { $1 = ""; $2 = ""; print }' | head -n 1)
	bad2=$(reach "$f" | awk '$1 == "OURS" && $2 != "src/aws/sigv4.h" { $1 = ""; $2 = ""; print }' | head -n 1)
	if [ -n "$bad$bad2" ]; then
		fail "$f includes more than system and OpenSSL headers:$bad$bad2"
	else
		ok "$f includes only system and OpenSSL headers"
	fi
done

# rule 4
bad=$(for f in $files; do
	[ "$f" = src/aws/http.c ] && continue
	reach "$f" | awk '$1 == "EXT" && $2 ~ /^curl\// { $1 = ""; $2 = ""; print }'
done | head -n 3)
if [ -n "$bad" ]; then
	fail "curl is included outside src/aws/http.c:$(echo "$bad" | head -n 1)"
else
	ok "only src/aws/http.c includes curl"
fi
if reach src/aws/http.c | grep -q '^EXT curl/curl[.]h '; then
	ok "src/aws/http.c includes curl (this test reads includes)"
else
	fail "src/aws/http.c does not include <curl/curl.h>: has the transport moved? update this test"
fi

# rule 5
bad=$(for f in $files; do
	[ "$f" = src/aws/ddb_json.h ] && continue
	includes "$f" | awk -v f="$f" '$1 == "a" && ($2 == "json.h" || $2 ~ /^json-c\//) { print f " includes <" $2 ">" }'
done | head -n 3)
if [ -n "$bad" ]; then
	fail "json-c included other than through src/aws/ddb_json.h: $(echo "$bad" | head -n 1)"
else
	ok "json-c is included only by src/aws/ddb_json.h"
fi
users=$(for f in $files; do
	if [ "$f" = src/aws/ddb_json.h ] || reach "$f" | grep -q '^OURS src/aws/ddb_json[.]h '; then
		echo "$f"
	fi
done | sort)
listed=$(echo "$JSON_C_USERS" | sed '/^$/d' | sort)
new=$(comm -23 <(echo "$users") <(echo "$listed"))
gone=$(comm -13 <(echo "$users") <(echo "$listed"))
if [ -n "$new" ]; then
	for f in $new; do
		fail "$f uses json-c and is not in JSON_C_USERS (the list only shrinks): $(reach "$f" | awk '$2 == "src/aws/ddb_json.h" { $1 = ""; $2 = ""; print; exit }')"
	done
else
	ok "no file uses json-c beyond the $(echo "$listed" | wc -l) of JSON_C_USERS"
fi
if [ -n "$gone" ]; then
	for f in $gone; do
		fail "$f no longer uses json-c (or is gone): take it off JSON_C_USERS"
	done
else
	ok "every file of JSON_C_USERS still uses json-c"
fi

echo "# $checked checks, $errors failed"
[ "$errors" -eq 0 ]
