/*
 * test/js/faults_reads.test.mjs - reads through a fault-injecting proxy.
 *
 * Every read request type (GetItem, BatchGetItem for a key list and for the
 * batched key join, Query, Scan, a parallel Scan's segments, DescribeTable)
 * meets every fault the proxy knows
 * (test/tools/proxy.mjs): throttling, 500/503, a reset before or during the
 * response, truncated bodies with and without a CRC32, a wrong CRC32, a
 * LastEvaluatedKey dropped under DynamoDB's CRC32, unprocessed keys, slow
 * and hung responses.  A fault that strikes once must be invisible: the
 * query returns exactly the rows an SDK read of DynamoDB Local returns.  A
 * fault that never stops must end in a clear error with a SQLSTATE after
 * exactly the server's max_attempts requests: never fewer rows.
 *
 * Data: one table with a 1.2 MB partition (two pages, DynamoDB's pages
 * being 1 MB, for a Query, a Scan or the parallel Scan segment that holds
 * it) plus 30 small partitions, and a hash-key table for BatchGetItem (100
 * keys asked, 98 found) and DescribeTable.
 *
 * Servers: "srv" (3 attempts, 2 s request timeout) for faults that strike
 * once, "once" (2 attempts) for faults that never stop, "hs" (3 attempts,
 * 1 s request timeout) for a hung response to a small request, "hs2" (2
 * attempts, 0.5 s) for responses that never come.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
	BatchGetItemCommand,
	GetItemCommand,
	QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { FaultEnv } from '../tools/faults_env.mjs';
import { createTable, dropTable, putItems, scanAll } from '../tools/ddb_load.mjs';

let env;
let R;							/* the paged table */
let K;							/* the hash-key table */
let s;							/* the session most cases share */
let cases = 0;

const BIG = 100;				/* items of partition 'big', 12 kB each */
const SMALL = 30;				/* partitions p00..p29 of 5 items */
const KEYS = 150;				/* items of K */
const ASKED = [...Array.from({ length: 98 }, (_, i) => `k${String(i).padStart(3, '0')}`), 'zz-missing-1', 'zz-missing-2'];

const sorted = (rows) => rows.map((r) => r.join('|')).sort();

/* What each read returns, from the SDK straight against DynamoDB Local. */
const expected = {};

async function sdkExpected() {
	const got = await env.ddb.send(new GetItemCommand({
		TableName: R, Key: { pk: { S: 'p07' }, sk: { N: '3' } },
	}));
	expected.GetItem = sorted([[got.Item.pk.S, got.Item.sk.N, got.Item.v.S]]);

	const batch = [];
	for (let i = 0; i < ASKED.length; i += 100) {
		let pending = { [K]: { Keys: ASKED.slice(i, i + 100).map((id) => ({ id: { S: id } })) } };
		while (pending && Object.keys(pending).length) {
			const out = await env.ddb.send(new BatchGetItemCommand({ RequestItems: pending }));
			batch.push(...out.Responses[K].map((it) => [it.id.S, it.v.S]));
			pending = out.UnprocessedKeys;
		}
	}
	expected.BatchGetItem = sorted(batch);

	const q = [];
	let start;
	do {
		const out = await env.ddb.send(new QueryCommand({
			TableName: R, KeyConditionExpression: 'pk = :p',
			ExpressionAttributeValues: { ':p': { S: 'big' } }, ExclusiveStartKey: start,
		}));
		q.push(...out.Items.map((it) => [it.sk.N, it.v.S]));
		start = out.LastEvaluatedKey;
	} while (start);
	expected.Query = sorted(q);

	expected.Scan = sorted((await scanAll(env.ddb, R)).map((it) => [it.pk.S, it.sk.N, it.v.S]));
	expected.ParallelScan = expected.Scan;
	expected.DescribeTable = [`${KEYS}`];
	expected.KeyJoin = sorted((await scanAll(env.ddb, K)).map((it) => [it.id.S, it.v.S]));
}

/*
 * The read cases: the SQL, the table it reads on each server, the DynamoDB
 * operation it must use and how many requests a clean run sends.  "at"
 * lists where a fault strikes: after how many matching requests, only
 * requests whose body holds "match", with "pre" rules armed first and
 * "base" requests in a clean run under those rules.  "lek" lists the
 * positions whose response has a LastEvaluatedKey (for drop-lek).
 */
const READS = {
	GetItem: { sql: (t) => `SELECT pk, sk, v FROM ${t} WHERE pk = 'p07' AND sk = 3`, table: 'r', requests: 1, at: [{ after: 0 }], hang: true },
	BatchGetItem: {
		sql: (t) => `SELECT id, v FROM ${t} WHERE id IN (${ASKED.map((k) => `'${k}'`).join(', ')})`,
		table: 'k', requests: 1, hang: true,
		at: [{ after: 0 },
			/* half the keys come back unprocessed: strike the request asking for them */
			{ after: 0, pre: [{ op: 'BatchGetItem', fault: 'unprocess', times: 1 }], base: 2, label: 'UnprocessedKeys' }],
	},
	Query: { sql: (t) => `SELECT sk, v FROM ${t} WHERE pk = 'big'`, table: 'r', requests: 2, at: [{ after: 0 }, { after: 1 }], lek: [0] },
	Scan: { sql: (t) => `SELECT pk, sk, v FROM ${t}`, table: 'r', requests: 2, at: [{ after: 0 }, { after: 1 }], lek: [0] },
	/* two segments: the one holding 'big' has two pages, the other one; set by the first test */
	ParallelScan: { sql: (t) => `SELECT pk, sk, v FROM ${t}`, table: 'rp', op: 'Scan', requests: 3, at: null, lek: [0] },
	/* the batched key join: 150 outer rows, two BatchGetItem requests of 100 and 50 keys */
	KeyJoin: {
		sql: (t) => `SELECT o.id, x.v FROM (SELECT 'k' || lpad(g::text, 3, '0') AS id FROM generate_series(0, ${KEYS - 1}) g) o JOIN ${t} x ON x.id = o.id`,
		table: 'k', op: 'BatchGetItem', requests: 2,
		at: [{ after: 0 }, { after: 1 },
			{ after: 0, pre: [{ op: 'BatchGetItem', fault: 'unprocess', times: 1 }], base: 3, label: 'UnprocessedKeys' }],
	},
	/* a fresh backend describes the table while planning */
	DescribeTable: { sql: (t) => `SELECT count(*) FROM ${t}`, table: 'd', requests: 1, at: [{ after: 0 }], fresh: true, hang: true },
};

const ONCE = ['throttle', 'throughput', 'status500', 'status503', 'reset', 'reset-mid-body',
	'truncate', 'truncate-crc', 'bad-crc', 'bad-utf8', 'delay', 'hang'];

/* What a fault that never stops must end in, and how many requests. */
const FOREVER = {
	throttle: '53000',
	status500: 'HV000',
	status503: 'HV000',
	reset: 'HV00N',
	'reset-mid-body': 'HV00N',
	truncate: 'HV00N',
	'truncate-crc': 'HV00N',
	'bad-crc': 'HV00N',
	'bad-utf8': 'HV00N',
	validation: '22023',
};

before(async () => {
	env = await FaultEnv.start('faults_reads');
	R = env.table('r');
	K = env.table('k');
	await createTable(env.ddb, {
		TableName: R,
		KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
		AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
	});
	await createTable(env.ddb, {
		TableName: K,
		KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
		AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
	});
	const items = [];
	const pad = 'x'.repeat(12000);
	for (let i = 0; i < BIG; i++)
		items.push({ pk: { S: 'big' }, sk: { N: String(i) }, v: { S: `big-${i}` }, pad: { S: pad } });
	for (let p = 0; p < SMALL; p++)
		for (let i = 0; i < 5; i++)
			items.push({ pk: { S: `p${String(p).padStart(2, '0')}` }, sk: { N: String(i) }, v: { S: `p${p}-${i}` } });
	await putItems(env.ddb, R, items);
	await putItems(env.ddb, K, Array.from({ length: KEYS }, (_, i) =>
		({ id: { S: `k${String(i).padStart(3, '0')}` }, v: { S: `value ${i}` } })));
	await sdkExpected();

	/* srv: faults that strike once are retried; once: a fault that never stops */
	await env.server('srv', { max_attempts: '3', request_timeout: '2', connect_timeout: '2' });
	await env.server('once', { max_attempts: '2', request_timeout: '2', connect_timeout: '2' });
	await env.server('hs', { max_attempts: '3', request_timeout: '1', connect_timeout: '2' });
	await env.server('hs2', { max_attempts: '2', request_timeout: '0.5', connect_timeout: '2' });
	const a = env.session();
	for (const srv of ['srv', 'once', 'hs', 'hs2']) {
		await a.ok(`CREATE SCHEMA ${srv}`);
		await a.ok(`CREATE FOREIGN TABLE ${srv}.r (pk text, sk int, v text) SERVER ${srv} OPTIONS (table_name '${R}')`);
		await a.ok(`CREATE FOREIGN TABLE ${srv}.rp (pk text, sk int, v text) SERVER ${srv} OPTIONS (table_name '${R}', scan_segments '2')`);
		await a.ok(`CREATE FOREIGN TABLE ${srv}.k (id text, v text) SERVER ${srv} OPTIONS (table_name '${K}')`);
		await a.ok(`CREATE FOREIGN TABLE ${srv}.d (id text) SERVER ${srv} OPTIONS (table_name '${K}')`);
	}
	await a.close();
	s = env.session();
	/* joins go to the batched key join, not a hash join over a Scan */
	await s.ok('SET enable_hashjoin = off');
	await s.ok('SET enable_mergejoin = off');
});

after(async () => {
	if (!env)
		return;
	await dropTable(env.ddb, R).catch(() => {});
	await dropTable(env.ddb, K).catch(() => {});
	await env.stop();
});

/* Run read NAME on server SRV: in the shared session or a fresh backend. */
async function run(name, srv) {
	const rd = READS[name];
	const sql = rd.sql(`${srv}.${rd.table}`);
	if (rd.fresh)
		return env.once(sql);
	return s.query(sql);
}

test('a clean run uses the operations and request counts the cases assume', async () => {
	for (const [name, rd] of Object.entries(READS)) {
		env.disarm();
		if (!rd.fresh)
			await run(name, 'srv');		/* described already: count only the read */
		env.disarm();
		const r = await run(name, 'srv');
		assert.equal(r.error, null, `${name}: ${r.error?.message}`);
		assert.deepEqual(sorted(r.rows), expected[name], name);
		const op = rd.op ?? name;
		assert.equal(env.requests(op).length, rd.requests, `${name}: ${JSON.stringify(env.proxy.log().map((e) => e.op))}`);
	}
	/* which segment holds the 1.2 MB partition: it has two pages */
	env.disarm();
	await run('ParallelScan', 'srv');
	const segs = env.requests('Scan').map((e) => /"Segment":(\d+)/.exec(e.body)?.[1]);
	const big = segs.find((g) => segs.filter((x) => x === g).length === 2);
	const small = segs.find((g) => g !== big);
	assert.ok(big !== undefined && small !== undefined, `segments ${segs}`);
	const bigm = `"Segment":${big},`;
	READS.ParallelScan.at = [{ after: 0, match: bigm }, { after: 1, match: bigm },
		{ after: 0, match: `"Segment":${small},`, label: 'the one-page segment' }];
	READS.ParallelScan.bigm = bigm;
	env.disarm();
});

/* Requests of operation OP whose body holds MATCH (all when null). */
function matching(op, match) {
	return env.requests(op).filter((e) => !match || e.body.includes(match));
}

for (const name of Object.keys(READS)) {
	const rd = READS[name];
	const op = rd.op ?? name;
	const kinds = ONCE.filter((f) => f !== 'hang' || rd.hang);
	if (rd.lek)
		kinds.push('drop-lek');
	test(`${name}: each fault once, at each request, returns exactly the SDK's rows`, async () => {
		for (const [k, fault] of kinds.entries()) {
			/*
			 * The faults that could shorten a result strike every request;
			 * the others one each, in turn, so that every request meets
			 * several.  Hangs go to server "hs" and its short timeout.
			 */
			let positions = [rd.at[k % rd.at.length]];
			if (['reset-mid-body', 'truncate', 'truncate-crc'].includes(fault))
				positions = rd.at;
			else if (fault === 'drop-lek')
				positions = rd.lek.map((i) => rd.at[i]);	/* pages with a LastEvaluatedKey */
			else if (fault === 'hang')
				positions = rd.at.slice(0, 1);
			for (const at of positions) {
				const pre = (at.pre ?? []).map((r) => ({ ...r }));
				env.arm([...pre, { op, fault, times: 1, after: at.after, match: at.match ?? null, delayMs: 300 }]);
				const r = await run(name, fault === 'hang' ? 'hs' : 'srv');
				const what = `${name} ${fault} at ${at.label ?? `request ${at.after + 1}`}${at.match ? ` of ${at.match}` : ''}`;
				assert.equal(r.error, null, `${what}: ${r.error?.sqlstate} ${r.error?.message}`);
				assert.deepEqual(sorted(r.rows), expected[name], what);
				assert.equal(env.hits(), 1 + pre.length, `${what}: the fault struck`);
				/* the struck request was sent again, nothing else */
				const again = fault === 'delay' ? 0 : 1;
				assert.equal(env.requests(op).length, (at.base ?? rd.requests) + again,
					`${what}: ${JSON.stringify(env.proxy.log().map((e) => [e.op, e.fault, e.status]))}`);
				cases++;
			}
		}
	});
}

test('BatchGetItem: UnprocessedKeys on every response are asked again until none is left', async () => {
	env.arm([{ op: 'BatchGetItem', fault: 'unprocess' }]);
	const r = await run('BatchGetItem', 'srv');
	assert.equal(r.error, null, r.error?.message);
	assert.deepEqual(sorted(r.rows), expected.BatchGetItem);
	/* 100 keys: 50 + 25 + 13 + 6 + 3 + 2 answered, then the last key alone */
	assert.equal(env.hits(), 7, `${env.hits()} unprocessed answers`);
	cases++;
});

test('BatchGetItem: every key unprocessed is throttling: retried with backoff, an error after max_attempts', async () => {
	env.arm([{ op: 'BatchGetItem', fault: 'unprocess-all', times: 2 }]);
	let r = await run('BatchGetItem', 'srv');
	assert.equal(r.error, null, r.error?.message);
	assert.deepEqual(sorted(r.rows), expected.BatchGetItem);
	assert.equal(env.requests('BatchGetItem').length, 3);
	env.arm([{ op: 'BatchGetItem', fault: 'unprocess-all' }]);
	r = await run('BatchGetItem', 'once');
	assert.equal(r.error?.sqlstate, '53000', JSON.stringify(r.error));
	assert.match(r.error.message, /throttled the BatchGetItem request after 2 attempts/);
	assert.equal(env.requests('BatchGetItem').length, 2);
	/* the batched key join shares the request */
	env.arm([{ op: 'BatchGetItem', fault: 'unprocess-all', after: 1 }]);
	r = await run('KeyJoin', 'once');
	assert.equal(r.error?.sqlstate, '53000', JSON.stringify(r.error));
	assert.equal(env.requests('BatchGetItem').length, 3);
	cases += 3;
});

/*
 * Requests a fault that never stops strikes: max_attempts (2) of the
 * failing request, 1 when the error is not retryable.  libcurl sends a
 * request once more on a fresh connection when a reused keep-alive
 * connection is reset before any byte of the response (it cannot tell a
 * reset from a connection the server had closed), so a reset may strike
 * each attempt twice.
 */
function struckRange(fault) {
	if (fault === 'validation')
		return [1, 1];
	if (fault === 'reset')
		return [2, 4];
	return [2, 2];
}

for (const name of Object.keys(READS)) {
	const rd = READS[name];
	const op = rd.op ?? name;
	test(`${name}: a fault that never stops is a clear error after max_attempts requests`, async () => {
		const kinds = [...Object.keys(FOREVER), ...(rd.lek ? ['drop-lek'] : [])];
		for (const fault of kinds) {
			const want = fault === 'drop-lek' ? 'HV00N' : FOREVER[fault];
			/* strike a later page where there is one: rows were already returned */
			const at = fault === 'drop-lek' ? rd.at[rd.lek.at(-1)] : (rd.at[1] ?? rd.at[0]);
			const pre = (at.pre ?? []).map((r) => ({ ...r }));
			env.arm([...pre, { op, fault, after: at.after, match: at.match ?? null }]);
			const r = await run(name, 'once');
			const what = `${name} ${fault} from ${at.label ?? `request ${at.after + 1}`} on`;
			assert.notEqual(r.error, null, `${what}: no error, ${r.rows.length} rows`);
			assert.equal(r.error.sqlstate, want, `${what}: ${r.error.message}`);
			assert.deepEqual(r.rows, [], what);
			const struck = env.hits() - pre.length;
			const [lo, hi] = struckRange(fault);
			assert.ok(struck >= lo && struck <= hi, `${what}: ${struck} requests struck, want ${lo}..${hi}`);
			assert.equal(matching(op, at.match).length, at.after + (pre.length ? 1 : 0) + struck, `${what}: requests`);
			cases++;
		}
	});
}

test('ParallelScan: both segments failing at once is one clear error, each request tried at most max_attempts times', async () => {
	for (const fault of ['throttle', 'status503', 'bad-crc', 'validation']) {
		env.arm([{ op: 'Scan', fault }]);
		const r = await run('ParallelScan', 'once');
		assert.equal(r.error?.sqlstate, FOREVER[fault], `${fault}: ${JSON.stringify(r.error)}`);
		/* both first attempts went out together; the first failure is retried once, then reported */
		assert.equal(env.hits(), fault === 'validation' ? 2 : 3, fault);
		cases++;
	}
});

test('a slow response under the request timeout is waited for, a hung one is retried', async () => {
	env.arm([{ op: 'Scan', fault: 'delay', delayMs: 400 }]);
	let r = await run('Scan', 'srv');
	assert.equal(r.error, null, r.error?.message);
	assert.deepEqual(sorted(r.rows), expected.Scan);
	assert.equal(env.requests('Scan').length, READS.Scan.requests);
	/* every request hangs: max_attempts request timeouts, then an error */
	env.arm([{ op: 'GetItem', fault: 'hang' }]);
	r = await run('GetItem', 'hs2');
	assert.equal(r.error?.sqlstate, 'HV00N', JSON.stringify(r.error));
	assert.match(r.error.message, /could not complete DynamoDB GetItem request/);
	assert.equal(env.requests('GetItem').length, 2);
	assert.ok(r.ms >= 950 && r.ms < 4000, `${r.ms} ms for two 0.5 s timeouts`);
	cases += 2;
});

test('nothing listening at the endpoint: a clear transport error after max_attempts, at once', async () => {
	/* a port that was just free: connections to it are refused */
	const srv = net.createServer();
	await new Promise((r) => srv.listen(0, '127.0.0.1', r));
	const port = srv.address().port;
	await new Promise((r) => srv.close(r));
	const a = env.session();
	await a.ok(`CREATE SERVER dead FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint 'http://127.0.0.1:${port}', region 'us-east-1', max_attempts '2', connect_timeout '1')`);
	await a.ok(`CREATE USER MAPPING FOR CURRENT_USER SERVER dead OPTIONS (access_key_id 'AKIDDEAD', secret_access_key 'dead')`);
	await a.ok(`CREATE FOREIGN TABLE dead_k (id text, v text) SERVER dead OPTIONS (table_name '${K}', partition_key 'id')`);
	const r = await a.query("SELECT v FROM dead_k WHERE id = 'k001'");
	assert.equal(r.error?.sqlstate, 'HV00N', JSON.stringify(r.error));
	assert.match(r.error.message, /could not complete DynamoDB \w+ request to server "dead"/);
	assert.ok(r.ms < 3000, `${r.ms} ms`);
	assert.equal(await a.value('SELECT 1'), '1');
	await a.close();
	cases++;
});

test('after every fault the session still reads correctly', async () => {
	env.disarm();
	for (const name of Object.keys(READS)) {
		const r = await run(name, 'srv');
		assert.equal(r.error, null, r.error?.message);
		assert.deepEqual(sorted(r.rows), expected[name], name);
	}
	env.settle();
	env.proxy.reset();
	/* figures for README's Reliability section */
	process.stdout.write(`# faults_reads: ${cases} fault cases, ${env.faulted} requests faulted\n`);
	/* the lower bounds README's figures rest on */
	assert.ok(cases >= 165, `${cases} cases`);
	assert.ok(env.faulted >= 260, `${env.faulted} requests faulted`);
});
