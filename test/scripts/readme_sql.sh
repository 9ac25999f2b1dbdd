#!/usr/bin/env bash
# test/scripts/readme_sql.sh - every ```sql example of README.md runs
# against DynamoDB Local and the cluster, with the demo's data; errors only
# where README shows them.  The work is in readme_sql.mjs (see its header).
#
# Usage: bash test/scripts/readme_sql.sh   (scripts/test.sh runs it as a
# script suite, with DYNAMO_ENDPOINT, PGHOST, PGPORT and PGUSER set)

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
exec node "$ROOT/test/scripts/readme_sql.mjs"
