/*
 * test/js/faults_writes.test.mjs - writes through a fault-injecting proxy.
 *
 * A transaction's writes reach DynamoDB at commit as TransactWriteItems
 * requests of at most 100 actions, each carrying a ClientRequestToken that
 * every retry of that request repeats.  Here those requests meet every
 * fault the proxy knows, before DynamoDB sees them (throttling, 500/503, a
 * reset) and after DynamoDB applied them (a reset before or during the
 * answer, truncated answers, a wrong CRC32, no answer at all).  After each
 * one the SDK reads DynamoDB Local directly, and:
 *
 *   - DynamoDB holds all or none of each request's actions;
 *   - PostgreSQL's outcome says which: a commit means all; an error from
 *     DynamoDB that answered means none; an error after an unanswered
 *     request (the commit gap) says that DynamoDB may hold either;
 *   - nothing is applied twice: the INSERTs carry attribute_not_exists, so
 *     a retry that DynamoDB applied again would fail with 23505 instead of
 *     committing; DynamoDB recognises the repeated token and answers as it
 *     did the first time.
 *
 * Bulk mode (BatchWriteItem, not atomic) must write every item exactly as
 * given, UnprocessedItems included.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QueryCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { FaultEnv } from '../tools/faults_env.mjs';
import { createTable, dropTable } from '../tools/ddb_load.mjs';

let env;
let W;
let s;
let cases = 0;
let nextCase = 0;

before(async () => {
	env = await FaultEnv.start('faults_writes');
	W = env.table('w');
	await createTable(env.ddb, {
		TableName: W,
		KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
		AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
	});
	/* srv: faults that strike once; once: faults that never stop */
	await env.server('srv', { max_attempts: '3', request_timeout: '2', connect_timeout: '2' });
	await env.server('once', { max_attempts: '2', request_timeout: '1', connect_timeout: '2' });
	const a = env.session();
	for (const srv of ['srv', 'once'])
		await a.ok(`CREATE FOREIGN TABLE ${srv}_w (pk text, sk int, v text) SERVER ${srv} OPTIONS (table_name '${W}', partition_key 'pk', sort_key 'sk')`);
	await a.close();
	s = env.session();
});

after(async () => {
	if (!env)
		return;
	await dropTable(env.ddb, W).catch(() => {});
	await env.stop();
});

/* A partition key no other case uses. */
function freshKey(label) {
	return `c${nextCase++}-${label.replace(/[^a-z0-9-]/gi, '')}`;
}

/* What DynamoDB holds under partition PK: { sk: v }. */
async function held(pk) {
	const out = {};
	let start;
	do {
		const r = await env.ddb.send(new QueryCommand({
			TableName: W, KeyConditionExpression: 'pk = :p', ConsistentRead: true,
			ExpressionAttributeValues: { ':p': { S: pk } }, ExclusiveStartKey: start,
		}));
		for (const it of r.Items)
			out[it.sk.N] = it.v?.S ?? null;
		start = r.LastEvaluatedKey;
	} while (start);
	return out;
}

const values = (pk, n, from = 0) => Array.from({ length: n }, (_, i) => `('${pk}', ${from + i}, 'v${from + i}')`).join(', ');
const want = (n, from = 0) => Object.fromEntries(Array.from({ length: n }, (_, i) => [String(from + i), `v${from + i}`]));

/* TransactWriteItems requests since the last arm(). */
const twi = () => env.requests('TransactWriteItems');

/*
 * Faults that strike one attempt.  "applied": DynamoDB acted on the struck
 * request before the fault, so the retry is the same request again.
 */
const ONCE = [
	{ fault: 'throttle', times: 2, applied: false },
	{ fault: 'throughput', times: 1, applied: false },
	{ fault: 'status500', times: 1, applied: false },
	{ fault: 'status503', times: 2, applied: false },
	{ fault: 'reset', times: 1, applied: false },
	{ fault: 'forward-reset', times: 1, applied: true },
	{ fault: 'reset-mid-body', times: 1, applied: true },
	{ fault: 'truncate', times: 1, applied: true },
	{ fault: 'truncate-crc', times: 1, applied: true },
	{ fault: 'bad-crc', times: 1, applied: true },
	{ fault: 'forward-hang', times: 1, applied: true },
];

test('each fault once on TransactWriteItems: the commit succeeds, every write is applied once', async () => {
	for (const f of ONCE) {
		const pk = freshKey(f.fault);
		env.arm([{ op: 'TransactWriteItems', fault: f.fault, times: f.times }]);
		const r = await s.query(`INSERT INTO srv_w VALUES ${values(pk, 5)}`);
		assert.equal(r.error, null, `${f.fault}: ${r.error?.sqlstate} ${r.error?.message}`);
		assert.deepEqual(await held(pk), want(5), f.fault);
		assert.equal(env.hits(), f.times, `${f.fault} struck`);
		const reqs = twi();
		/* the struck attempts, then one that succeeded (curl may resend a reset once more) */
		assert.ok(reqs.length >= f.times + 1 && reqs.length <= 2 * f.times + 1, `${f.fault}: ${reqs.length} requests`);
		assert.equal(reqs.at(-1).status, 200, f.fault);
		/* every attempt carried the same token: DynamoDB took the retry for the same request */
		assert.equal(new Set(reqs.map((e) => e.token)).size, 1, `${f.fault}: tokens ${reqs.map((e) => e.token)}`);
		assert.ok(reqs[0].token && reqs[0].token.length >= 32, 'a ClientRequestToken');
		env.checked += 5;
		cases++;
	}
});

test('the same INSERT committed again is a unique violation: a retry applied twice could not have committed', async () => {
	const pk = freshKey('again');
	env.arm([{ op: 'TransactWriteItems', fault: 'forward-reset', times: 1 }]);
	let r = await s.query(`INSERT INTO srv_w VALUES ${values(pk, 3)}`);
	assert.equal(r.error, null, r.error?.message);
	const first = twi().map((e) => e.token);
	assert.equal(new Set(first).size, 1);
	/* a new transaction is a new request with a new token: DynamoDB refuses it */
	env.disarm();
	r = await s.query(`INSERT INTO srv_w VALUES ${values(pk, 3)}`);
	assert.equal(r.error?.sqlstate, '23505', JSON.stringify(r.error));
	assert.notEqual(twi()[0].token, first[0]);
	assert.deepEqual(await held(pk), want(3));
	env.checked += 3;
	cases++;
});

test('UPDATE, DELETE and INSERT in one transaction, reset during the answer: applied exactly once', async () => {
	const pk = freshKey('mixed');
	await s.ok(`INSERT INTO srv_w VALUES ${values(pk, 4)}`);
	env.arm([{ op: 'TransactWriteItems', fault: 'reset-mid-body', times: 1 }]);
	await s.ok('BEGIN');
	await s.ok(`UPDATE srv_w SET v = v || '+' WHERE pk = '${pk}' AND sk IN (0, 1)`);
	await s.ok(`DELETE FROM srv_w WHERE pk = '${pk}' AND sk = 2`);
	await s.ok(`INSERT INTO srv_w VALUES ('${pk}', 9, 'new')`);
	const r = await s.query('COMMIT');
	assert.equal(r.error, null, r.error?.message);
	assert.deepEqual(await held(pk), { 0: 'v0+', 1: 'v1+', 3: 'v3', 9: 'new' });
	assert.equal(env.hits(), 1);
	assert.equal(twi().length, 2);
	env.checked += 5;
	cases++;
});

/*
 * Faults that never stop (server "once": 2 attempts).  "none": DynamoDB
 * never saw the request.  "all": DynamoDB applied it, but no attempt got
 * an answer: the commit gap.
 */
const FOREVER = [
	{ fault: 'throttle', sqlstate: '53000', holds: 'none' },
	{ fault: 'status500', sqlstate: 'HV000', holds: 'none' },
	{ fault: 'reset', sqlstate: 'HV00N', holds: 'none' },
	{ fault: 'forward-reset', sqlstate: 'HV00N', holds: 'all' },
	{ fault: 'reset-mid-body', sqlstate: 'HV00N', holds: 'all' },
	{ fault: 'bad-crc', sqlstate: 'HV00N', holds: 'all' },
	{ fault: 'forward-hang', sqlstate: 'HV00N', holds: 'all' },
];

test('a fault that never stops: the commit fails, DynamoDB holds all or none, the error says which may be', async () => {
	for (const f of FOREVER) {
		const pk = freshKey(`forever-${f.fault}`);
		env.arm([{ op: 'TransactWriteItems', fault: f.fault }]);
		const r = await s.query(`INSERT INTO once_w VALUES ${values(pk, 4)}`);
		assert.equal(r.error?.sqlstate, f.sqlstate, `${f.fault}: ${JSON.stringify(r.error)}`);
		assert.deepEqual(await held(pk), f.holds === 'all' ? want(4) : {}, f.fault);
		assert.ok(env.hits() >= 2, `${f.fault}: ${env.hits()} struck`);
		env.checked += 4;
		cases++;
	}
	/* a refusal DynamoDB answered is never retried and never applied */
	const pk = freshKey('validation');
	env.arm([{ op: 'TransactWriteItems', fault: 'validation' }]);
	const r = await s.query(`INSERT INTO once_w VALUES ${values(pk, 4)}`);
	assert.equal(r.error?.sqlstate, '22023', JSON.stringify(r.error));
	assert.equal(twi().length, 1);
	assert.deepEqual(await held(pk), {});
	env.checked += 4;
	cases++;
});

test('the commit gap is named in the error: unanswered requests may have been applied', async () => {
	const s2 = env.session();
	await s2.ok('\\set VERBOSITY verbose');
	const pk = freshKey('gap');
	env.arm([{ op: 'TransactWriteItems', fault: 'forward-reset' }]);
	const r = await s2.query(`INSERT INTO once_w VALUES ${values(pk, 2)}`);
	assert.equal(r.error?.sqlstate, 'HV00N');
	assert.match(s2.stderr, /may have applied all of its actions or none of them/);
	assert.deepEqual(await held(pk), want(2));
	/* an answered refusal says nothing of the kind */
	s2.stderr = '';
	env.arm([{ op: 'TransactWriteItems', fault: 'validation' }]);
	const v = await s2.query(`INSERT INTO once_w VALUES ${values(freshKey('gap2'), 2)}`);
	assert.equal(v.error?.sqlstate, '22023');
	assert.doesNotMatch(s2.stderr, /may have applied/);
	await s2.close();
	env.checked += 4;
	cases++;
});

test('a transaction of 150 actions: two requests, each all or none, and the error says what stays', async () => {
	/* faults once on each request: both commit */
	let pk = freshKey('big-once');
	env.arm([{ op: 'TransactWriteItems', fault: 'reset-mid-body', times: 1 },
		{ op: 'TransactWriteItems', fault: 'status503', times: 1, after: 1 }]);
	let r = await s.query(`INSERT INTO srv_w VALUES ${values(pk, 150)}`);
	assert.equal(r.error, null, r.error?.message);
	assert.deepEqual(await held(pk), want(150));
	assert.equal(env.hits(), 2);
	/* two requests, two tokens, each repeated by its retry */
	const tokens = twi().map((e) => e.token);
	assert.equal(new Set(tokens).size, 2, `tokens ${tokens}`);
	env.checked += 150;

	/* the second request fails for good: the first stays committed */
	pk = freshKey('big-second');
	env.arm([{ op: 'TransactWriteItems', fault: 'status500', after: 1 }]);
	const s2 = env.session();
	await s2.ok('\\set VERBOSITY verbose');
	r = await s2.query(`INSERT INTO once_w VALUES ${values(pk, 150)}`);
	assert.equal(r.error?.sqlstate, 'HV000', JSON.stringify(r.error));
	assert.match(s2.stderr, /100 actions of this transaction were committed to DynamoDB by earlier requests and stay committed/);
	await s2.close();
	const first = JSON.parse(twi()[0].body).TransactItems.map((a) => a.Put.Item.sk.N).sort();
	const h = await held(pk);
	assert.deepEqual(Object.keys(h).sort(), first, 'DynamoDB holds exactly the first request');
	assert.equal(first.length, 100);
	env.checked += 150;
	cases += 2;
});

test('strict atomicity: more than 100 actions are refused before anything is sent', async () => {
	const pk = freshKey('strict');
	env.arm([]);
	await s.ok('SET dynamo_fdw.strict_atomicity = on');
	const r = await s.query(`INSERT INTO srv_w VALUES ${values(pk, 101)}`);
	await s.ok('RESET dynamo_fdw.strict_atomicity');
	assert.equal(r.error?.sqlstate, '54000', JSON.stringify(r.error));
	assert.equal(twi().length, 0);
	assert.deepEqual(await held(pk), {});
	env.checked += 101;
	cases++;
});

/* ---- bulk mode: BatchWriteItem ---- */

const BULK_ONCE = ['throttle', 'status500', 'reset', 'reset-mid-body', 'truncate-crc', 'bad-crc', 'forward-reset'];

async function bulkInsert(pk, n, table = 'srv_w') {
	await s.ok('SET dynamo_fdw.bulk_write = on');
	const r = await s.query(`INSERT INTO ${table} SELECT '${pk}', g, 'v' || g FROM generate_series(0, ${n - 1}) g`);
	await s.ok('RESET dynamo_fdw.bulk_write');
	return r;
}

test('bulk mode: UnprocessedItems are sent again until every item is written', async () => {
	let pk = freshKey('bulk-unprocess');
	env.arm([{ op: 'BatchWriteItem', fault: 'unprocess' }]);
	let r = await bulkInsert(pk, 60);
	assert.equal(r.error, null, r.error?.message);
	assert.deepEqual(await held(pk), want(60));
	assert.ok(env.hits() >= 6, `${env.hits()} requests answered with UnprocessedItems`);
	env.checked += 60;

	/* nothing processed three times in a row, then all */
	pk = freshKey('bulk-unprocess-all');
	env.arm([{ op: 'BatchWriteItem', fault: 'unprocess-all', times: 3 }]);
	r = await bulkInsert(pk, 30);
	assert.equal(r.error, null, r.error?.message);
	assert.deepEqual(await held(pk), want(30));
	assert.equal(env.hits(), 3);
	env.checked += 30;
	cases += 2;
});

test('bulk mode: each fault once on BatchWriteItem, every item written as given', async () => {
	for (const fault of BULK_ONCE) {
		const pk = freshKey(`bulk-${fault}`);
		/* strike the second of the three requests the 60 items make */
		env.arm([{ op: 'BatchWriteItem', fault, times: 1, after: 1 }]);
		const r = await bulkInsert(pk, 60);
		assert.equal(r.error, null, `${fault}: ${r.error?.message}`);
		assert.deepEqual(await held(pk), want(60), fault);
		assert.equal(env.hits(), 1, fault);
		env.checked += 60;
		cases++;
	}
});

test('bulk mode: a fault that never stops is an error; the items of the other requests are written, none twice', async () => {
	const pk = freshKey('bulk-forever');
	env.arm([{ op: 'BatchWriteItem', fault: 'status500', match: `"N":"30"` }]);
	const r = await bulkInsert(pk, 60, 'once_w');
	assert.equal(r.error?.sqlstate, 'HV000', JSON.stringify(r.error));
	const h = await held(pk);
	/* the request holding item 30 (items 25..49) was never written; the others were, as given */
	for (let i = 25; i < 50; i++)
		assert.equal(h[i], undefined, `item ${i}`);
	for (const [k, v] of Object.entries(h))
		assert.equal(v, `v${k}`);
	env.checked += 60;
	cases++;
});

test('figures', () => {
	env.settle();
	env.proxy.reset();
	process.stdout.write(`# faults_writes: ${cases} fault cases, ${env.faulted} requests faulted, ${env.checked} writes checked\n`);
	/* the lower bounds README's figures rest on */
	assert.ok(cases >= 35, `${cases} cases`);
	assert.ok(env.faulted >= 55, `${env.faulted} requests faulted`);
	assert.ok(env.checked >= 1000, `${env.checked} writes checked`);
});
