#!/usr/bin/env bash
# scripts/lib/deb_check.sh MAJOR DEB PGPORT DDBPORT TABLE - run as root
# inside a clean chroot of MAJOR's Debian suite (scripts/lib/package.sh
# makes one): install DEB with apt-get, then do what its user would do:
# a cluster, CREATE EXTENSION dynamo_fdw, a server on the DynamoDB Local
# at 127.0.0.1:DDBPORT, and a query of TABLE that must return its item.
# Lines starting "deb_check:" are what the harness shows.

set -eu
major=$1 deb=$2 pgport=$3 ddbport=$4 table=$5
bin=/usr/lib/postgresql/$major/bin
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8

for tool in gcc cc make; do
	if command -v "$tool" >/dev/null 2>&1; then
		echo "deb_check: this chroot has $tool: it is not a clean system"
		exit 1
	fi
done
if dpkg-query -W -f='${Status}\n' "postgresql-server-dev-$major" 2>/dev/null | grep -q 'ok installed'; then
	echo "deb_check: this chroot has postgresql-server-dev-$major: it is not a clean system"
	exit 1
fi
apt-get update -qq
apt-get install -y -qq "$deb"
echo "deb_check: installed $(dpkg-query -W -f='${Package} ${Version}' "postgresql-$major-dynamo-fdw")"

data=$(mktemp -d /tmp/deb-check.XXXXXX)
chown postgres: "$data"
trap 'runuser -u postgres -- "$bin/pg_ctl" -D "$data/db" stop -m immediate >/dev/null 2>&1 || true' EXIT
runuser -u postgres -- "$bin/initdb" -D "$data/db" -U postgres -A trust --no-sync >/dev/null
runuser -u postgres -- env -i PATH=/usr/bin:/bin LANG=C.UTF-8 AWS_EC2_METADATA_DISABLED=true HOME="$data" \
	"$bin/pg_ctl" -D "$data/db" -l "$data/log" -w -o "-p $pgport -k $data -c listen_addresses=''" start >/dev/null
out=$(runuser -u postgres -- "$bin/psql" -X -v ON_ERROR_STOP=1 -At -h "$data" -p "$pgport" -d postgres <<SQL
CREATE EXTENSION dynamo_fdw;
CREATE SERVER ddb FOREIGN DATA WRAPPER dynamo_fdw
  OPTIONS (region 'us-east-1', endpoint 'http://127.0.0.1:$ddbport');
CREATE USER MAPPING FOR CURRENT_USER SERVER ddb
  OPTIONS (access_key_id 'AKIDDEBCHECK', secret_access_key 'deb-check-secret');
CREATE FOREIGN TABLE deb_check (pk text, n int, note text) SERVER ddb OPTIONS (table_name '$table');
SELECT extversion FROM pg_extension WHERE extname = 'dynamo_fdw';
SELECT pk || '|' || n || '|' || note FROM deb_check WHERE pk = 'deb';
SQL
)
echo "deb_check: $(echo "$out" | tr '\n' ' ')"
want="deb|$major|installed from a .deb"
if [ "$(echo "$out" | tail -n 1)" != "$want" ]; then
	echo "deb_check: expected the row '$want'"
	cat "$data/log"
	exit 1
fi
echo "deb_check: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') read the item through dynamo_fdw"
