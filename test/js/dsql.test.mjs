// test/js/dsql.test.mjs - our Aurora DSQL tokens against @aws-sdk/dsql-signer.
//
// Generates combinations of action (DbConnect / DbConnectAdmin), hostname
// (cluster endpoints of several regions, other names, upper case), region
// (given, or taken from the endpoint's name), expiry (1 s to 7 days),
// signing instant and credentials (with and without a session token, with
// characters that need escaping).  For each, the token from
// @aws-sdk/dsql-signer (credentials passed explicitly, the clock frozen with
// node:test's mock timers) must equal, byte for byte, the one our SQL
// functions return through psql with dynamo_fdw.signing_time set to the same
// instant and the credentials in a user mapping named by
// dynamo_fdw.dsql_server.
//
// Needs the harness's PostgreSQL (PGHOST, PGPORT, PGUSER as a superuser,
// PGDATABASE) with dynamo_fdw installed; no DynamoDB and no network.

import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

import { DsqlSigner } from "@aws-sdk/dsql-signer";
import { prng } from "../tools/ddb_load.mjs";

const N_CASES = 96;
const SERVER = `dsql_js_${process.pid}`;

/* mulberry32, the same generator the other tests use */
const rand = prng(7007).next;
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
const chars = (alphabet, n) => Array.from({ length: n }, () => pick([...alphabet])).join("");
const LOWER = "abcdefghijklmnopqrstuvwxyz0123456789";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "ap-northeast-1", "ap-northeast-3", "cn-north-1"];
const EXPIRIES = [1, 2, 59, 900, 901, 3600, 43200, 86400, 604799, 604800];
const INSTANTS = [
  "2024-02-29T23:59:59Z", "2025-01-01T00:00:00Z", "2025-12-31T23:59:59Z",
  "2026-03-08T10:00:00Z", "2030-06-15T12:34:56Z", "2038-01-19T03:14:08Z",
];

function makeCase(i) {
  const action = i % 2 === 0 ? "DbConnect" : "DbConnectAdmin";
  const credKind = Math.floor(i / 2) % 3;	// 0: keys, 1: + session token, 2: + token needing escapes
  const hostKind = Math.floor(i / 6) % 4;
  const clusterRegion = pick(REGIONS);
  let hostname = `${chars(LOWER, 26)}.dsql.${clusterRegion}.on.aws`;
  let region = clusterRegion;
  let passRegion = false;
  switch (hostKind) {
    case 0:	// region taken from the endpoint's name
      break;
    case 1:	// region given, different from the name's
      region = pick(REGIONS);
      passRegion = true;
      break;
    case 2:	// not a DSQL endpoint name: the region must be given
      hostname = pick(["db.internal.example", "dsql-proxy", "10-0-0-1.nip.io", `c_${chars(LOWER, 5)}.corp.example.com`]);
      region = pick(REGIONS);
      passRegion = true;
      break;
    case 3:	// upper case: kept as given, region still found
      hostname = hostname.toUpperCase();
      passRegion = rand() < 0.5;
      break;
  }
  const credentials = {
    accessKeyId: (credKind === 0 ? "AKIA" : "ASIA") + chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
    secretAccessKey: chars(B64, 40),
  };
  if (credKind === 1) credentials.sessionToken = "IQoJb3JpZ2luX2VjE" + chars(B64, 300 + Math.floor(rand() * 500)) + pick(["", "=", "=="]);
  if (credKind === 2) credentials.sessionToken = "tok/en+with=signs&and?more " + chars(B64, 20) + "'quote";
  return {
    i, action, hostname, region, passRegion, credentials,
    expiresIn: EXPIRIES[i % EXPIRIES.length],
    instant: INSTANTS[Math.floor(i / 4) % INSTANTS.length],
  };
}

const cases = Array.from({ length: N_CASES }, (_, i) => makeCase(i));

// ---- the reference ----

async function sdkToken(c) {
  mock.timers.enable({ apis: ["Date"], now: Date.parse(c.instant) });
  try {
    const signer = new DsqlSigner({
      hostname: c.hostname, region: c.region, expiresIn: c.expiresIn, credentials: { ...c.credentials },
    });
    return c.action === "DbConnectAdmin"
      ? await signer.getDbConnectAdminAuthToken()
      : await signer.getDbConnectAuthToken();
  } finally {
    mock.timers.reset();
  }
}

// ---- ours, through psql ----

const lit = (s) => (s === null || s === undefined ? "NULL" : `'${String(s).replace(/'/g, "''")}'`);

function psql(sql) {
  const res = spawnSync("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"], { input: sql, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`psql failed (${res.status}): ${res.stderr}`);
  return res.stdout;
}

function ourTokens(list) {
  let sql = `SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
DROP SERVER IF EXISTS ${SERVER} CASCADE;
CREATE SERVER ${SERVER} FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (region 'us-east-1');
SET dynamo_fdw.dsql_server = '${SERVER}';
`;
  for (const c of list) {
    const opts = [`access_key_id ${lit(c.credentials.accessKeyId)}`, `secret_access_key ${lit(c.credentials.secretAccessKey)}`];
    if (c.credentials.sessionToken) opts.push(`session_token ${lit(c.credentials.sessionToken)}`);
    const fn = c.action === "DbConnectAdmin" ? "dsql_generate_db_connect_admin_auth_token" : "dsql_generate_db_connect_auth_token";
    sql += `DROP USER MAPPING IF EXISTS FOR CURRENT_USER SERVER ${SERVER};
CREATE USER MAPPING FOR CURRENT_USER SERVER ${SERVER} OPTIONS (${opts.join(", ")});
SET dynamo_fdw.signing_time = ${lit(c.instant)};
SELECT ${fn}(${lit(c.hostname)}, ${c.passRegion ? lit(c.region) : "NULL"}, ${c.expiresIn});
`;
  }
  sql += `DROP SERVER ${SERVER} CASCADE;\n`;
  return psql(sql).split("\n").filter((l) => l.length > 0);
}

const havePg = Boolean(process.env.PGHOST || process.env.PGPORT);

test(`${N_CASES} DSQL tokens are byte-identical to @aws-sdk/dsql-signer's`, { skip: havePg ? false : "no PostgreSQL (PGHOST/PGPORT unset)" }, async () => {
  const ours = ourTokens(cases);
  assert.equal(ours.length, cases.length, "one token per case");
  const mismatches = [];
  for (const c of cases) {
    const theirs = await sdkToken(c);
    if (ours[c.i] !== theirs) mismatches.push(`case ${c.i} ${JSON.stringify({ ...c, credentials: undefined })}\n  ours:   ${ours[c.i]}\n  theirs: ${theirs}`);
  }
  assert.equal(mismatches.length, 0, `${mismatches.length} of ${cases.length} tokens differ:\n${mismatches.slice(0, 3).join("\n")}`);
});

test("the combinations cover every action, host form, credential kind, expiry bound and instant", () => {
  assert.ok(cases.length >= 50);
  for (const a of ["DbConnect", "DbConnectAdmin"]) assert.ok(cases.some((c) => c.action === a), a);
  assert.ok(cases.some((c) => !c.credentials.sessionToken), "without session token");
  assert.ok(cases.some((c) => c.credentials.sessionToken?.startsWith("IQoJ")), "with session token");
  assert.ok(cases.some((c) => /[/+= &?']/.test(c.credentials.sessionToken ?? "")), "token needing escapes");
  assert.ok(cases.some((c) => !c.passRegion && c.hostname.includes(".dsql.")), "region from the endpoint");
  assert.ok(cases.some((c) => !c.passRegion && c.hostname.includes(".DSQL.")), "region from an upper-case endpoint");
  assert.ok(cases.some((c) => c.passRegion && !/\.dsql\./i.test(c.hostname)), "other host names");
  for (const e of [1, 604800]) assert.ok(cases.some((c) => c.expiresIn === e), `expiry ${e}`);
  for (const t of INSTANTS) assert.ok(cases.some((c) => c.instant === t), t);
});

test("the reference's clock is really frozen (two tokens a second apart differ)", async () => {
  const c = cases[0];
  const a = await sdkToken(c);
  const b = await sdkToken({ ...c, instant: new Date(Date.parse(c.instant) + 1000).toISOString() });
  assert.notEqual(a, b);
  assert.equal(a, await sdkToken(c));
});

test("psql recipe: PGPASSWORD=$(psql -Atc \"select dsql_generate_db_connect_admin_auth_token(...)\") psql ...", { skip: havePg ? false : "no PostgreSQL (PGHOST/PGPORT unset)" }, () => {
  // The stand-in cluster trusts local connections: what is checked is that
  // the recipe runs as written and hands psql a fresh token (signed now).
  const server = `${SERVER}_psql`;
  psql(`SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
DROP SERVER IF EXISTS ${server} CASCADE;
CREATE SERVER ${server} FOREIGN DATA WRAPPER dynamo_fdw;
CREATE USER MAPPING FOR CURRENT_USER SERVER ${server} OPTIONS (access_key_id 'AKIDPSQLRECIPE', secret_access_key 'psql-recipe-secret');
`);
  try {
    const script = `
set -e
export PGOPTIONS="-c dynamo_fdw.dsql_server=${server}"
PGPASSWORD=$(psql -X -Atc "select dsql_generate_db_connect_admin_auth_token('abc123.dsql.us-east-1.on.aws')") \\
  psql -X -Atc "select 'connected'"
PGPASSWORD=$(psql -X -Atc "select dsql_generate_db_connect_admin_auth_token('abc123.dsql.us-east-1.on.aws')") \\
  sh -c 'printf "%s\\n" "$PGPASSWORD"'
`;
    const res = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    assert.equal(res.status, 0, res.stderr);
    const [connected, password] = res.stdout.trim().split("\n");
    assert.equal(connected, "connected");
    assert.match(password, /^abc123\.dsql\.us-east-1\.on\.aws\/\?Action=DbConnectAdmin&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDPSQLRECIPE%2F\d{8}%2Fus-east-1%2Fdsql%2Faws4_request&X-Amz-Date=\d{8}T\d{6}Z&X-Amz-Expires=900&X-Amz-Signature=[0-9a-f]{64}&X-Amz-SignedHeaders=host$/);
    const signedAt = password.match(/X-Amz-Date=(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/).slice(1).map(Number);
    const ms = Date.UTC(signedAt[0], signedAt[1] - 1, signedAt[2], signedAt[3], signedAt[4], signedAt[5]);
    assert.ok(Math.abs(ms - Date.now()) < 120000, "signed at the current time");
  } finally {
    psql(`DROP SERVER ${server} CASCADE;`);
  }
});
