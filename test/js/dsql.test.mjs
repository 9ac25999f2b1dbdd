/*
 * test/js/dsql.test.mjs - our DSQL tokens against @aws-sdk/dsql-signer's.
 *
 * 64 combinations of action, hostname, region (given or taken from the
 * endpoint's name), expiry, signing instant and credentials with and
 * without a session token.  Each token from dsql_generate_db_connect[_admin]
 * _auth_token (dynamo_fdw.signing_time pinning the instant, keys from a user
 * mapping named by dynamo_fdw.dsql_server) must equal the signer's byte for
 * byte under a frozen clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { sdkToken } from '../tools/dsql_sdk_token.mjs';

function psql(sql) {
	return execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', process.env.PGDATABASE || 'postgres'],
		{ input: sql, encoding: 'utf8' });
}

function lit(s) {
	return `'${String(s).replace(/'/g, "''")}'`;
}

/* A small deterministic PRNG, so a failure can be replayed. */
function prng(seed) {
	let x = seed >>> 0;
	return () => {
		x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
		return x / 4294967296;
	};
}

const hosts = [
	'abc123.dsql.us-east-1.on.aws',
	'zz9plural.dsql.eu-west-1.on.aws',
	'k7q2m.dsql.ap-northeast-1.on.aws',
	'my-cluster.example.internal',
];
const regions = ['us-east-1', 'us-west-2', 'eu-central-1', 'ap-southeast-2', 'cn-north-1'];
const expiries = [1, 60, 900, 3600, 43200, 604800];
const times = ['2026-01-02T03:04:05Z', '2025-12-31T23:59:59Z', '2024-02-29T12:00:00Z'];
const keys = [
	{ key: 'AKIDEXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
	{ key: 'ASIAQUERYEXAMPLE', secret: 'a+b/c=d e', token: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+/=' },
	{ key: 'AKIA0000000000000000', secret: 'x', token: 'short-token' },
];

test('64 DSQL tokens are byte-identical to @aws-sdk/dsql-signer', async () => {
	const rnd = prng(20261123);
	const cases = [];
	for (let i = 0; i < 64; i++) {
		const host = hosts[Math.floor(rnd() * hosts.length)];
		const fromName = host.includes('.dsql.') && rnd() < 0.4;
		cases.push({
			host,
			action: rnd() < 0.5 ? 'DbConnect' : 'DbConnectAdmin',
			region: fromName ? host.split('.dsql.')[1].split('.on.aws')[0] : regions[Math.floor(rnd() * regions.length)],
			passRegion: !fromName,
			expires: expiries[Math.floor(rnd() * expiries.length)],
			time: times[Math.floor(rnd() * times.length)],
			...keys[Math.floor(rnd() * keys.length)],
		});
	}

	let sql = `SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dynamo_fdw;
DROP SERVER IF EXISTS dsql_js CASCADE;
CREATE SERVER dsql_js FOREIGN DATA WRAPPER dynamo_fdw;
CREATE USER MAPPING FOR CURRENT_USER SERVER dsql_js OPTIONS (access_key_id 'x', secret_access_key 'x');
SET dynamo_fdw.dsql_server = 'dsql_js';
`;
	for (const c of cases) {
		const opts = [`SET access_key_id ${lit(c.key)}`, `SET secret_access_key ${lit(c.secret)}`];
		sql += `ALTER USER MAPPING FOR CURRENT_USER SERVER dsql_js OPTIONS (${opts.join(', ')});\n`;
		sql += c.token
			? `DO $$ BEGIN EXECUTE 'ALTER USER MAPPING FOR CURRENT_USER SERVER dsql_js OPTIONS (ADD session_token ' || quote_literal(${lit(c.token)}) || ')'; EXCEPTION WHEN duplicate_object THEN EXECUTE 'ALTER USER MAPPING FOR CURRENT_USER SERVER dsql_js OPTIONS (SET session_token ' || quote_literal(${lit(c.token)}) || ')'; END $$;\n`
			: `DO $$ BEGIN ALTER USER MAPPING FOR CURRENT_USER SERVER dsql_js OPTIONS (DROP session_token); EXCEPTION WHEN undefined_object THEN NULL; END $$;\n`;
		sql += `SET dynamo_fdw.signing_time = ${lit(c.time)};\n`;
		const fn = c.action === 'DbConnectAdmin' ? 'dsql_generate_db_connect_admin_auth_token' : 'dsql_generate_db_connect_auth_token';
		sql += `SELECT ${fn}(${lit(c.host)}, ${c.passRegion ? lit(c.region) : 'NULL'}, ${c.expires});\n`;
	}
	sql += 'DROP SERVER dsql_js CASCADE;\n';

	const ours = psql(sql).split('\n').filter((l) => l.length > 0);
	assert.equal(ours.length, cases.length, 'one token per case');
	let same = 0;
	for (let i = 0; i < cases.length; i++) {
		const theirs = await sdkToken(cases[i]);
		assert.equal(ours[i], theirs, `case ${i}: ${JSON.stringify(cases[i])}`);
		same++;
	}
	assert.equal(same, 64);
});
