/*
 * test/js/security.test.mjs - who may sign with which AWS identity, where
 * secrets must never show, and that no attribute name or value can change
 * an expression.
 *
 * Runs on the harness's cluster and DynamoDB Local (PGHOST ..., and
 * DYNAMO_ENDPOINT).  Two suites also use test/tools/fake_aws.mjs on
 * loopback as the DynamoDB endpoint, because it verifies every request's
 * SigV4 signature, records the key id that signed it, and keeps the
 * requests (so the signatures the extension computed are known and can be
 * looked for in the server log).
 *
 *  - ambient credentials: the server's shared credentials file (in its
 *    HOME, DYNAMO_FDW_SERVER_HOME, under a profile of its own that nothing
 *    else reads) is usable by a non-superuser only where a superuser set
 *    allow_ambient_credentials on that user mapping;
 *  - secrets (secret_access_key, session_token, the request signatures) are
 *    absent from EXPLAIN (VERBOSE), from error messages, from the server
 *    log with log_min_messages = debug1 and debug_print_plan on (plans and
 *    their fdw_private), and from pg_user_mappings as other roles see it;
 *  - attribute names and values holding quotes, #, :, reserved words,
 *    spaces, dots, parentheses and Unicode are written by the SDK, queried
 *    through the extension (keys, filters, projections) and compared with
 *    the SDK's own answer; INSERT and UPDATE through the extension are read
 *    back with the SDK.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync, rmSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import {
	DynamoDBClient,
	CreateTableCommand,
	DeleteTableCommand,
	GetItemCommand,
	ScanCommand,
	BatchWriteItemCommand,
	waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { PsqlSession } from '../tools/psql.mjs';
import { startFakeAws } from '../tools/fake_aws.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ENDPOINT = process.env.DYNAMO_ENDPOINT;
const SERVER_HOME = process.env.DYNAMO_FDW_SERVER_HOME;

/* Secrets configured in this suite: none may ever show. */
const UM = {
	id: 'AKIDSECURITYSUITE1',
	secret: 'secSuiteSecret/0123456789+abcdefEXAMPLEKEY',
	token: 'secSuiteSessionToken/+=0123456789abcdefEXAMPLE',
};
const OTHER = { id: 'AKIDSECURITYOTHER1', secret: 'secOtherSecret/0123456789abcdefEXAMPLEKEY' };
const UNKNOWN = { id: 'AKIDSECURITYUNKNOWN', secret: 'secUnknownSecret/0123456789abcdefEXAMPLE' };
const AMBIENT = { id: 'AKIDSECURITYAMBIENT', secret: 'secAmbientSecret/0123456789abcdefEXAMPLE' };
const PROFILE = 'dynamo-fdw-security-suite';
const SECRETS = [UM.secret, UM.token, OTHER.secret, UNKNOWN.secret, AMBIENT.secret];

const ddb = new DynamoDBClient({
	endpoint: ENDPOINT,
	region: 'us-east-1',
	credentials: { accessKeyId: 'AKIDDYNAMOFDWTEST', secretAccessKey: 'dynamo-fdw-fake-secret-key' },
});

let fake;
let su;						/* superuser session */
let logPath = null;
let logStart = 0;
const seen = [];			/* every error message, detail and hint the suite saw */
const echoSigs = [];		/* signatures sent to the echoing endpoint */

async function q(session, sql) {
	const r = await session.query(sql);
	if (r.error)
		seen.push(r.error.message);
	return r;
}

async function ok(session, sql) {
	const r = await q(session, sql);
	assert.equal(r.error, null, `${sql}\n  failed: ${r.error && r.error.message}`);
	return r;
}

/* psql's LAST_ERROR_MESSAGE lacks detail and hint: ask for them too. */
async function fails(session, sql, sqlstate) {
	const r = await q(session, sql);
	assert.ok(r.error, `should have failed: ${sql}`);
	if (sqlstate)
		assert.equal(r.error.sqlstate, sqlstate, `${sql}: ${r.error.message}`);
	return r.error;
}

function noSecretIn(text, where) {
	for (const s of SECRETS)
		assert.ok(!text.includes(s), `${where} contains a secret: ${s}`);
}

/* Signatures the extension computed for requests to the fake. */
function signatures() {
	const out = [];
	for (const e of fake.log) {
		const m = /Signature=([0-9a-f]{64})/.exec(String(e.headers?.authorization ?? ''));
		if (m)
			out.push(m[1]);
	}
	return out;
}

before(async () => {
	fake = await startFakeAws({
		secrets: Object.fromEntries([UM, OTHER, AMBIENT].map((k) => [k.id, k.secret])),
	});
	su = new PsqlSession();
	await ok(su, 'SET client_min_messages = warning');
	await ok(su, 'CREATE EXTENSION IF NOT EXISTS dynamo_fdw');
	await ok(su, 'RESET client_min_messages');
	/* everything this session does is logged at debug1 (checked at the end) */
	await ok(su, 'SET log_min_messages = debug1');
	for (const sql of [
		'DROP SERVER IF EXISTS sec_fake CASCADE',
		'DROP SERVER IF EXISTS sec_ddb CASCADE',
		'DROP ROLE IF EXISTS sec_alice',
		'DROP ROLE IF EXISTS sec_bob',
		`CREATE SERVER sec_fake FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint '${fake.url}', region 'us-east-1', max_attempts '1')`,
		`CREATE SERVER sec_ddb FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint '${ENDPOINT}', region 'us-east-1')`,
		'CREATE ROLE sec_alice',
		'CREATE ROLE sec_bob',
		'GRANT USAGE ON FOREIGN SERVER sec_fake TO sec_alice, sec_bob',
		'CREATE FOREIGN TABLE sec_ft (pk text, v text) SERVER sec_fake OPTIONS (table_name \'sec-fake-table\')',
		'GRANT SELECT, INSERT, UPDATE, DELETE ON sec_ft TO sec_alice, sec_bob',
	])
		await ok(su, sql);

	/* The server's log, read through the server (no OS access needed). */
	const cur = (await ok(su, 'SELECT pg_current_logfile()')).rows[0][0];
	const guess = cur ?? (await ok(su, "SELECT current_setting('data_directory') || '/../postgres.log'")).rows[0][0];
	const st = await q(su, `SELECT size FROM pg_stat_file('${guess}', true)`);
	if (!st.error && st.rows.length && st.rows[0][0] !== null) {
		logPath = guess;
		logStart = Number(st.rows[0][0]);
	}
});

after(async () => {
	if (su) {
		for (const sql of [
			'RESET ROLE',
			'DROP SERVER IF EXISTS sec_fake CASCADE',
			'DROP SERVER IF EXISTS sec_ddb CASCADE',
			'DROP ROLE IF EXISTS sec_alice',
			'DROP ROLE IF EXISTS sec_bob',
		])
			await su.query(sql);
		await su.close();
	}
	if (fake)
		await fake.close();
	for (const t of ['sec_names', 'sec_keys'])
		await ddb.send(new DeleteTableCommand({ TableName: t })).catch(() => {});
	ddb.destroy();
});

/* ---------------------------------------------------------------------- */
/* Ambient credentials                                                     */
/* ---------------------------------------------------------------------- */

test('ambient credentials: only where a superuser allowed them', async (t) => {
	if (!SERVER_HOME || !existsSync(SERVER_HOME)) {
		t.skip('DYNAMO_FDW_SERVER_HOME is not set (run through scripts/test.sh)');
		return;
	}
	const awsDir = join(SERVER_HOME, '.aws');
	const madeDir = !existsSync(awsDir);
	const credFile = join(awsDir, 'credentials');
	assert.ok(madeDir || !existsSync(credFile), 'the server HOME already has a credentials file; not touching it');
	mkdirSync(awsDir, { recursive: true, mode: 0o755 });
	chmodSync(awsDir, 0o755);
	writeFileSync(credFile, `[${PROFILE}]\naws_access_key_id = ${AMBIENT.id}\naws_secret_access_key = ${AMBIENT.secret}\n`);
	chmodSync(credFile, 0o644);
	try {
		await ok(su, `CREATE USER MAPPING FOR sec_alice SERVER sec_fake OPTIONS (profile '${PROFILE}')`);
		const before = fake.calls.dynamo;

		/* Her mapping names the profile, but the file is the server's. */
		await ok(su, 'SET ROLE sec_alice');
		let e = await fails(su, 'SELECT * FROM sec_ft', '28000');
		assert.match(e.message, /allow_ambient_credentials|ambient|superuser/i);
		e = await fails(su, `ALTER USER MAPPING FOR sec_alice SERVER sec_fake OPTIONS (ADD allow_ambient_credentials 'true')`, '42501');
		e = await fails(su, "INSERT INTO sec_ft VALUES ('a', 'b')", '28000');
		await ok(su, 'RESET ROLE');
		assert.equal(fake.calls.dynamo, before, 'no request may be sent, signed or not');

		/* Bob has no mapping at all. */
		await ok(su, 'SET ROLE sec_bob');
		await fails(su, 'SELECT * FROM sec_ft', '42704');
		await ok(su, 'RESET ROLE');

		/* A superuser allows it: now the chain runs and finds the profile. */
		await ok(su, `ALTER USER MAPPING FOR sec_alice SERVER sec_fake OPTIONS (ADD allow_ambient_credentials 'true')`);
		await ok(su, 'SET ROLE sec_alice');
		const r = await ok(su, 'SELECT * FROM sec_ft');
		await ok(su, 'RESET ROLE');
		assert.equal(r.rows.length, 0);
		assert.ok(fake.calls.dynamo > before);
		assert.equal(fake.lastDynamo.accessKeyId, AMBIENT.id);
		assert.equal(fake.lastDynamo.signatureOk, true);

		/* Taking it back takes effect at once, in the same session. */
		await ok(su, 'ALTER USER MAPPING FOR sec_alice SERVER sec_fake OPTIONS (DROP allow_ambient_credentials)');
		await ok(su, 'SET ROLE sec_alice');
		await fails(su, 'SELECT * FROM sec_ft', '28000');
		await ok(su, 'RESET ROLE');

		/* A non-superuser PUBLIC mapping without keys is no way round it. */
		await ok(su, 'DROP USER MAPPING FOR sec_alice SERVER sec_fake');
		await ok(su, `CREATE USER MAPPING FOR PUBLIC SERVER sec_fake OPTIONS (profile '${PROFILE}')`);
		await ok(su, 'SET ROLE sec_bob');
		await fails(su, 'SELECT * FROM sec_ft', '28000');
		await ok(su, 'RESET ROLE');
		await ok(su, 'DROP USER MAPPING FOR PUBLIC SERVER sec_fake');
		assert.deepEqual(fake.problems.splice(0), []);
	} finally {
		await su.query('RESET ROLE');
		rmSync(credFile, { force: true });
		if (madeDir)
			rmSync(awsDir, { recursive: true, force: true });
	}
});

/* ---------------------------------------------------------------------- */
/* Secrets                                                                 */
/* ---------------------------------------------------------------------- */

test('secrets: absent from EXPLAIN (VERBOSE), errors, pg_user_mappings and the debug1 log', async () => {
	await ok(su, `CREATE USER MAPPING FOR sec_alice SERVER sec_fake
		OPTIONS (access_key_id '${UM.id}', secret_access_key '${UM.secret}', session_token '${UM.token}')`);
	await ok(su, `CREATE USER MAPPING FOR sec_bob SERVER sec_fake
		OPTIONS (access_key_id '${UNKNOWN.id}', secret_access_key '${UNKNOWN.secret}')`);
	await ok(su, `CREATE USER MAPPING FOR CURRENT_USER SERVER sec_fake
		OPTIONS (access_key_id '${OTHER.id}', secret_access_key '${OTHER.secret}')`);
	await ok(su, `CREATE USER MAPPING FOR CURRENT_USER SERVER sec_ddb
		OPTIONS (access_key_id '${UM.id}', secret_access_key '${UM.secret}', session_token '${UM.token}')`);
	await ok(su, 'CREATE FOREIGN TABLE sec_ddb_missing (pk text) SERVER sec_ddb OPTIONS (table_name \'sec-no-such-table\')');

	/* Everything the server says at debug1, and every plan in full. */
	await ok(su, 'SET debug_print_plan = on');
	await ok(su, 'SET client_min_messages = debug1');
	fake.log.length = 0;

	const shown = [];
	await ok(su, 'SET ROLE sec_alice');
	for (const sql of [
		'SELECT * FROM sec_ft',
		"SELECT * FROM sec_ft WHERE pk = 'a'",
		"SELECT * FROM sec_ft WHERE pk IN ('a', 'b')",
		"SELECT * FROM sec_ft WHERE v LIKE 'x%'",
		"INSERT INTO sec_ft VALUES ('a', 'b')",
		"UPDATE sec_ft SET v = 'c' WHERE pk = 'a'",
		"DELETE FROM sec_ft WHERE pk = 'a'",
	]) {
		for (const mode of ['VERBOSE', 'VERBOSE, ANALYZE']) {
			const r = await q(su, `EXPLAIN (${mode}) ${sql}`);
			shown.push(JSON.stringify(r));
		}
		shown.push(JSON.stringify(await q(su, sql)));
	}
	/* a commit that DynamoDB answers */
	await ok(su, 'BEGIN');
	await q(su, "INSERT INTO sec_ft VALUES ('t1', 'x')");
	shown.push(JSON.stringify(await q(su, 'COMMIT')));
	await ok(su, 'RESET ROLE');

	/* signed with a key the endpoint does not know: refused credentials */
	await ok(su, 'SET ROLE sec_bob');
	const refused = await fails(su, 'SELECT * FROM sec_ft', '28000');
	shown.push(JSON.stringify(refused));
	await ok(su, 'RESET ROLE');
	fake.problems.splice(0);

	/* DynamoDB Local's own errors, with the session token configured */
	shown.push(JSON.stringify(await fails(su, 'SELECT * FROM sec_ddb_missing', 'HV00R')));
	shown.push(JSON.stringify(await fails(su, "INSERT INTO sec_ddb_missing VALUES ('x')", 'HV00R')));

	await ok(su, 'RESET client_min_messages');
	await ok(su, 'RESET debug_print_plan');

	const sigs = signatures();
	assert.ok(sigs.length >= 10, `the fake saw ${sigs.length} signed requests`);
	const all = shown.join('\n') + '\n' + seen.join('\n') + '\n' + su.stderr;
	noSecretIn(all, 'what psql showed');
	for (const s of sigs)
		assert.ok(!all.includes(s), `a request signature shows in psql's output: ${s}`);
	/* the client saw the debug messages (so they were produced) */
	assert.match(su.stderr, /DEBUG:/);

	/* pg_user_mappings as other roles see it */
	await ok(su, 'SET ROLE sec_bob');
	let r = await ok(su, "SELECT usename, umoptions FROM pg_user_mappings WHERE srvname = 'sec_fake' ORDER BY usename");
	await ok(su, 'RESET ROLE');
	const byUser = Object.fromEntries(r.rows.map(([u, o]) => [u, o]));
	assert.equal(byUser.sec_alice, null, 'bob must not see alice\'s options');
	assert.equal(byUser.postgres, null, 'bob must not see the superuser\'s options');
	assert.match(byUser.sec_bob, /AKIDSECURITYUNKNOWN/, 'bob sees his own mapping');
	noSecretIn(JSON.stringify(r.rows.filter(([u]) => u !== 'sec_bob')), 'pg_user_mappings seen by bob');
	await ok(su, 'SET ROLE sec_bob');
	await fails(su, 'SELECT umoptions FROM pg_user_mapping', '42501');
	await ok(su, 'RESET ROLE');

	await ok(su, 'DROP USER MAPPING FOR sec_bob SERVER sec_fake');
});

test('secrets: AWS\'s echo of the signed request in a signature error is not passed on', async () => {
	/*
	 * AWS answers a bad signature with the canonical request and string to
	 * sign it expected; the signed headers hold the session token.  This
	 * endpoint answers every request that way, echoing what it received.
	 */
	const echoes = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => {
			body += c;
		});
		req.on('end', () => {
			const sig = /Signature=([0-9a-f]{64})/.exec(String(req.headers.authorization))?.[1] ?? '';
			const canonical = ['POST', '/', '',
				`content-type:${req.headers['content-type']}`, `host:${req.headers.host}`,
				`x-amz-date:${req.headers['x-amz-date']}`,
				`x-amz-security-token:${req.headers['x-amz-security-token'] ?? ''}`,
				`x-amz-target:${req.headers['x-amz-target']}`, '',
				'content-type;host;x-amz-date;x-amz-security-token;x-amz-target', 'e3b0c442'].join('\n');
			echoes.push({ token: req.headers['x-amz-security-token'], sig });
			echoSigs.push(sig);
			res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0' });
			res.end(JSON.stringify({
				__type: 'com.amazon.coral.service#InvalidSignatureException',
				message: 'The request signature we calculated does not match the signature you provided. '
					+ 'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
					+ `\n\nThe Canonical String for this request should have been\n'${canonical}'`
					+ `\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n${req.headers['x-amz-date']}\n${sig}'\n`,
			}));
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${server.address().port}`;
	try {
		await ok(su, 'DROP SERVER IF EXISTS sec_echo CASCADE');
		await ok(su, `CREATE SERVER sec_echo FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint '${url}', region 'us-east-1', max_attempts '1')`);
		await ok(su, `CREATE USER MAPPING FOR CURRENT_USER SERVER sec_echo
			OPTIONS (access_key_id '${UM.id}', secret_access_key '${UM.secret}', session_token '${UM.token}')`);
		await ok(su, "CREATE FOREIGN TABLE sec_echo_t (pk text) SERVER sec_echo OPTIONS (table_name 't', partition_key 'pk')");
		const from = su.stderr.length;
		await fails(su, 'SELECT * FROM sec_echo_t', '28000');
		const said = su.stderr.slice(from);
		assert.match(said, /does not match the signature you provided/, 'the detail is shown');
		assert.ok(echoes.length >= 1 && echoes[0].token === UM.token, 'the token was sent, and echoed');
		noSecretIn(said, 'the error');
		for (const e of echoes)
			assert.ok(!said.includes(e.sig), 'the signature is not in the error');
		assert.doesNotMatch(said, /Canonical String|String-to-Sign/);
	} finally {
		await su.query('DROP SERVER IF EXISTS sec_echo CASCADE');
		await new Promise((r) => server.close(r));
	}
});

/* ---------------------------------------------------------------------- */
/* Names and values that look like expression syntax                       */
/* ---------------------------------------------------------------------- */

/* Attribute names: each becomes a column of the foreign tables below. */
const NAMES = [
	'name', 'status', 'size', 'AND', 'OR', 'NOT', 'begins_with', 'attribute_exists',
	'with space', 'dot.ted', 'a"b', "it's", '#n0', ':v0', '#pk', 'x=y', 'p(q)', 'a,b',
	'[0]', 'ünïcødé', 'ключ', '名前', '😀', '-- c', '/* c */', '$1',
];
/* Values that would change an expression if they were pasted into it. */
const VALUES = [
	"x' OR '1'='1", ':v0', '#n0', 'a"b', ') OR (1=1', 'size', 'name = name', 'ünïcødé',
	'😀', 'with space', 'x; DROP TABLE t', '\\', '%', '_', "'", 'begins_with(#n0, :v0)',
];

/* column names for NAMES: c0, c1, ... mapped with column_name */
const COLS = NAMES.map((n, i) => `c${i}`);
const col = (name) => COLS[NAMES.indexOf(name)];

function lit(s) {
	return `'${s.replace(/'/g, "''")}'`;
}

function items() {
	/* one item per value, and every attribute set to some value */
	return VALUES.map((v, i) => {
		const it = { PK: `item-${String(i).padStart(2, '0')}`, SK: v };
		NAMES.forEach((n, j) => {
			it[n] = VALUES[(i + j) % VALUES.length];
		});
		return it;
	});
}

async function loadTable() {
	for (const t of ['sec_names', 'sec_keys'])
		await ddb.send(new DeleteTableCommand({ TableName: t })).catch(() => {});
	await ddb.send(new CreateTableCommand({
		TableName: 'sec_names',
		BillingMode: 'PAY_PER_REQUEST',
		KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
		AttributeDefinitions: [
			{ AttributeName: 'PK', AttributeType: 'S' },
			{ AttributeName: 'SK', AttributeType: 'S' },
			{ AttributeName: 'status', AttributeType: 'S' },
			{ AttributeName: 'a"b', AttributeType: 'S' },
		],
		GlobalSecondaryIndexes: [{
			IndexName: 'by-status.v1',
			KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'a"b', KeyType: 'RANGE' }],
			Projection: { ProjectionType: 'ALL' },
		}],
	}));
	/* key attributes with awkward names themselves */
	await ddb.send(new CreateTableCommand({
		TableName: 'sec_keys',
		BillingMode: 'PAY_PER_REQUEST',
		KeySchema: [{ AttributeName: '#pk:a b.c"', KeyType: 'HASH' }, { AttributeName: 'size', KeyType: 'RANGE' }],
		AttributeDefinitions: [
			{ AttributeName: '#pk:a b.c"', AttributeType: 'S' },
			{ AttributeName: 'size', AttributeType: 'S' },
		],
	}));
	for (const t of ['sec_names', 'sec_keys'])
		await waitUntilTableExists({ client: ddb, maxWaitTime: 60 }, { TableName: t });
	const its = items();
	for (let i = 0; i < its.length; i += 25) {
		await ddb.send(new BatchWriteItemCommand({
			RequestItems: { sec_names: its.slice(i, i + 25).map((it) => ({ PutRequest: { Item: marshall(it) } })) },
		}));
	}
	await ddb.send(new BatchWriteItemCommand({
		RequestItems: {
			sec_keys: VALUES.map((v, i) => ({
				PutRequest: { Item: marshall({ '#pk:a b.c"': VALUES[i % 3], size: v, ':v0': v }) },
			})),
		},
	}));
	return its;
}

async function sdkScan(table) {
	const out = [];
	let start;
	do {
		const r = await ddb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
		out.push(...r.Items.map((x) => unmarshall(x)));
		start = r.LastEvaluatedKey;
	} while (start);
	return out;
}

test('names and values cannot alter an expression: reads match the SDK', async () => {
	const its = await loadTable();
	const s = su;
	await ok(s, `CREATE FOREIGN TABLE sec_names (
		pk text OPTIONS (column_name 'PK'), sk text OPTIONS (column_name 'SK'),
		${NAMES.map((n, i) => `${COLS[i]} text OPTIONS (column_name ${lit(n)})`).join(',\n\t\t')}
	) SERVER sec_ddb`);
	await ok(s, `CREATE FOREIGN TABLE sec_keys (k text OPTIONS (column_name '#pk:a b.c"'),
		size text, v0 text OPTIONS (column_name ':v0')) SERVER sec_ddb`);
	const all = await sdkScan('sec_names');
	assert.equal(all.length, its.length);

	/* every column: equality, inequality, prefix, IN, IS NULL, projection */
	let checked = 0;
	for (const [j, n] of NAMES.entries()) {
		const col = COLS[j];
		for (const v of [VALUES[j % VALUES.length], VALUES[(j + 5) % VALUES.length]]) {
			const want = all.filter((it) => it[n] === v).map((it) => it.PK).sort();
			let r = await ok(s, `SELECT pk, ${col} FROM sec_names WHERE ${col} = ${lit(v)} ORDER BY pk`);
			assert.deepEqual(r.rows.map((x) => x[0]), want, `${n} = ${v}`);
			for (const row of r.rows)
				assert.equal(row[1], v);
			r = await ok(s, `SELECT count(*) FROM sec_names WHERE ${col} <> ${lit(v)}`);
			assert.equal(Number(r.rows[0][0]), all.length - want.length, `${n} <> ${v}`);
			const prefix = v.slice(0, 2);
			r = await ok(s, `SELECT pk FROM sec_names WHERE starts_with(${col}, ${lit(prefix)}) ORDER BY pk`);
			assert.deepEqual(r.rows.map((x) => x[0]),
				all.filter((it) => it[n].startsWith(prefix)).map((it) => it.PK).sort(), `${n} ^@ ${prefix}`);
			checked += 3;
		}
		const r = await ok(s, `SELECT pk FROM sec_names WHERE ${col} IN (${lit(VALUES[0])}, ${lit(VALUES[1])}) OR ${col} IS NULL ORDER BY pk`);
		assert.deepEqual(r.rows.map((x) => x[0]),
			all.filter((it) => it[n] === VALUES[0] || it[n] === VALUES[1]).map((it) => it.PK).sort(), `${n} IN`);
		checked += 1;
	}

	/* keys: GetItem, BatchGetItem and Query with these values in the key */
	for (const it of its) {
		let r = await ok(s, `SELECT ${col('status')}, ${col('dot.ted')} FROM sec_names WHERE pk = ${lit(it.PK)} AND sk = ${lit(it.SK)}`);
		assert.deepEqual(r.rows, [[it.status, it['dot.ted']]], `GetItem ${it.SK}`);
		r = await ok(s, `SELECT count(*) FROM sec_names WHERE pk = ${lit(it.PK)} AND sk COLLATE "C" >= ${lit(it.SK)}`);
		assert.equal(r.rows[0][0], '1', `Query ${it.SK}`);
		checked += 2;
	}
	const pairs = its.slice(0, 6).map((it) => `(${lit(it.PK)}, ${lit(it.SK)})`).join(', ');
	let r = await ok(s, `SELECT pk FROM sec_names WHERE (pk, sk) IN (${pairs}) ORDER BY pk`);
	assert.deepEqual(r.rows.map((x) => x[0]), its.slice(0, 6).map((it) => it.PK).sort());

	/* the GSI on status (a reserved word) whose sort key is a"b */
	for (const v of VALUES.slice(0, 6)) {
		const plan = await ok(s, `EXPLAIN (VERBOSE, COSTS OFF) SELECT pk FROM sec_names WHERE ${col('status')} = ${lit(v)}`);
		const text = plan.rows.map((x) => x[0]).join('\n');
		r = await ok(s, `SELECT pk FROM sec_names WHERE ${col('status')} = ${lit(v)} AND ${col('OR')} IS NOT NULL ORDER BY pk`);
		assert.deepEqual(r.rows.map((x) => x[0]), all.filter((it) => it.status === v).map((it) => it.PK).sort(),
			`status = ${v} via ${/Index: (.*)/.exec(text)?.[1] ?? 'the table'}`);
		checked += 1;
	}

	/* awkward key names: GetItem, Query, Scan with a filter */
	const keys = await sdkScan('sec_keys');
	for (const it of keys) {
		r = await ok(s, `SELECT v0 FROM sec_keys WHERE k = ${lit(it['#pk:a b.c"'])} AND size = ${lit(it.size)}`);
		assert.deepEqual(r.rows, [[it[':v0']]]);
		checked += 1;
	}
	for (const k of VALUES.slice(0, 3)) {
		r = await ok(s, `SELECT size FROM sec_keys WHERE k = ${lit(k)} ORDER BY size COLLATE "C"`);
		assert.deepEqual(r.rows.map((x) => x[0]),
			keys.filter((it) => it['#pk:a b.c"'] === k).map((it) => it.size).sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b)))));
		checked += 1;
	}
	r = await ok(s, `SELECT count(*) FROM sec_keys WHERE v0 = ${lit(':v0')}`);
	assert.equal(Number(r.rows[0][0]), keys.filter((it) => it[':v0'] === ':v0').length);

	/* every pushed expression names attributes only through #placeholders */
	for (const j of [0, 3, 10, 13, 14, 19]) {
		const plan = await ok(s, `EXPLAIN (VERBOSE, COSTS OFF) SELECT ${COLS[j]} FROM sec_names WHERE ${COLS[j]} = ${lit(VALUES[0])} AND pk = 'item-00'`);
		for (const line of plan.rows.map((x) => x[0]))
			if (/(Key Condition|Filter Expression|Projection):/.test(line))
				assert.match(line.replace(/^.*?(Key Condition|Filter Expression|Projection): /, ''),
					/^[#:\w\s=<>(),.]+$/, `raw text in an expression: ${line}`);
	}
	assert.ok(checked > 150, `${checked} comparisons`);
});

test('names and values cannot alter an expression: writes read back with the SDK', async () => {
	const s = su;
	const row = NAMES.map((n, i) => VALUES[(i * 7) % VALUES.length]);
	const get = async (pk, sk) => {
		const r = await ddb.send(new GetItemCommand({ TableName: 'sec_names', Key: marshall({ PK: pk, SK: sk }), ConsistentRead: true }));
		return r.Item ? unmarshall(r.Item) : null;
	};

	/* INSERT: every name and value lands as given */
	for (const [i, sk] of [VALUES[0], VALUES[3], VALUES[8]].entries()) {
		await ok(s, `INSERT INTO sec_names (pk, sk, ${COLS.join(', ')}) VALUES (${lit(`new-${i}`)}, ${lit(sk)}, ${row.map(lit).join(', ')})`);
		const it = await get(`new-${i}`, sk);
		assert.ok(it, `new-${i} was written`);
		const want = { PK: `new-${i}`, SK: sk };
		NAMES.forEach((n, j) => {
			want[n] = row[j];
		});
		assert.deepEqual(it, want);
	}

	/* UPDATE of each column, with the key in the condition */
	for (const [j, n] of NAMES.entries()) {
		if (n === 'status' || n === 'a"b')
			continue;			/* GSI keys: updated below */
		const v = `${VALUES[(j + 3) % VALUES.length]}|${n}`;
		await ok(s, `UPDATE sec_names SET ${COLS[j]} = ${lit(v)} WHERE pk = 'new-0' AND sk = ${lit(VALUES[0])}`);
		const it = await get('new-0', VALUES[0]);
		assert.equal(it[n], v, `UPDATE of ${n}`);
	}
	await ok(s, `UPDATE sec_names SET ${col('status')} = ${lit("st'at\"us")}, ${col('a"b')} = ${lit('#n0 :v0')} WHERE pk = 'new-1'`);
	let it = await get('new-1', VALUES[3]);
	assert.equal(it.status, "st'at\"us");
	assert.equal(it['a"b'], '#n0 :v0');

	/* NULL removes exactly that attribute */
	await ok(s, `UPDATE sec_names SET ${col(':v0')} = NULL, ${col('#pk')} = NULL WHERE pk = 'new-2' AND sk = ${lit(VALUES[8])}`);
	it = await get('new-2', VALUES[8]);
	assert.equal(':v0' in it, false);
	assert.equal('#pk' in it, false);
	assert.equal(Object.keys(it).length, NAMES.length + 2 - 2);

	/* a value that looks like a condition does not widen a DELETE */
	const before = (await sdkScan('sec_names')).length;
	await ok(s, `DELETE FROM sec_names WHERE pk = ${lit("new-0' OR '1'='1")}`);
	await ok(s, `DELETE FROM sec_names WHERE pk = 'new-2' AND sk = ${lit(') OR (1=1')}`);
	assert.equal((await sdkScan('sec_names')).length, before);
	await ok(s, `DELETE FROM sec_names WHERE pk = 'new-2' AND sk = ${lit(VALUES[8])}`);
	assert.equal(await get('new-2', VALUES[8]), null);
	assert.equal((await sdkScan('sec_names')).length, before - 1);

	/* and the awkward key names write too */
	await ok(s, `INSERT INTO sec_keys VALUES (${lit('#k :v')}, ${lit("'size'")}, ${lit('v"0')})`);
	const r = await ddb.send(new GetItemCommand({ TableName: 'sec_keys', Key: marshall({ '#pk:a b.c"': '#k :v', size: "'size'" }) }));
	assert.deepEqual(unmarshall(r.Item), { '#pk:a b.c"': '#k :v', size: "'size'", ':v0': 'v"0' });
});

/* ---------------------------------------------------------------------- */
/* The server log, last                                                    */
/* ---------------------------------------------------------------------- */

test('secrets: absent from the server log at debug1, plans included', async () => {
	const sigs = [...signatures(), ...echoSigs];
	assert.ok(sigs.length >= 10);
	assert.ok(logPath, 'could not find the server log (pg_current_logfile() or data_directory/../postgres.log)');
	const r = await ok(su, `SELECT pg_read_file('${logPath}', ${logStart}, 200000000)`);
	const log = r.rows[0][0] ?? '';
	assert.match(log, /DEBUG:/, 'the log has the debug1 messages');
	assert.match(log, /:fdw_private/, 'the log has the plans');
	assert.ok(log.includes(UM.id), 'the log has this suite\'s debug1 messages');
	assert.match(log, /does not match the signature you provided/, 'the log has the signature error');
	noSecretIn(log, 'the server log');
	for (const sig of sigs)
		assert.ok(!log.includes(sig), `a request signature is in the server log: ${sig}`);
});
