# inside chroot: DF_ROOT=copy; args: major ddbport
DF_ROOT=$PWD
export DYNAMO_FDW_PG_MAJOR=$1
. scripts/lib/common.sh; . scripts/lib/pg.sh; . scripts/lib/build.sh; . scripts/lib/suites.sh
DF_DDB_PORT=$2
d=/tmp/reg$1; rm -rf $d; mkdir -p $d
df_pg_bringup $d || exit 1
df_build /tmp/reg$1-build.log || exit 1
df_suite_env
make installcheck PG_CONFIG=$DF_PG_CONFIG > /tmp/reg$1.out 2>&1
grep -E 'ok|FAIL' /tmp/reg$1.out
df_pg_stop $d
