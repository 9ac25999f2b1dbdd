/*
 * test/js/faults_cancel.test.mjs - query cancel, statement_timeout and
 * throttling against a DynamoDB that stops answering.
 *
 * The proxy (test/tools/proxy.mjs) accepts a request and never answers it
 * ("hang"), or answers only after forwarding it ("forward-hang": DynamoDB
 * has acted).  In every phase where a backend waits for DynamoDB (planning
 * with DescribeTable, the first or a later page of a Scan, a Scan's
 * segments read together, the segments shared by PostgreSQL parallel
 * workers (leader and workers all waiting), BatchGetItem, the batched key
 * join's BatchGetItem requests in flight together, the commit's
 * TransactWriteItems, the backoff between attempts), SET statement_timeout
 * = '1s' must end the statement within 2 s, and so must pg_cancel_backend
 * from another session, both with SQLSTATE 57014; no parallel worker may be
 * left after a second, and the next statement in the same session must
 * work.  The servers' request_timeout is 30 s, so only the cancel can end
 * the wait.  After a cancelled commit DynamoDB holds all or none of each
 * request (checked with the SDK).
 *
 * Throttling three times then success must succeed; throttling forever
 * must fail with 53000 after exactly max_attempts requests.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { FaultEnv, waitFor } from '../tools/faults_env.mjs';
import { createTable, dropTable, putItems } from '../tools/ddb_load.mjs';

let env;
let R;
let K;
let W;
let s;				/* the session under test */
let ctl;			/* the session that cancels */
let pid;
let nextKey = 0;
let cases = 0;

const BIG = 100;	/* 12 kB items under pk 'big': two 1 MB pages */

before(async () => {
	env = await FaultEnv.start('faults_cancel');
	R = env.table('r');
	K = env.table('k');
	W = env.table('w');
	const hashRange = (name) => ({
		TableName: name,
		KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
		AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
	});
	await createTable(env.ddb, hashRange(R));
	await createTable(env.ddb, hashRange(W));
	await createTable(env.ddb, {
		TableName: K,
		KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
		AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
	});
	const pad = 'x'.repeat(12000);
	await putItems(env.ddb, R, Array.from({ length: BIG }, (_, i) =>
		({ pk: { S: 'big' }, sk: { N: String(i) }, pad: { S: pad } })));
	await putItems(env.ddb, K, Array.from({ length: 20 }, (_, i) => ({ id: { S: `k${i}` }, v: { S: `v${i}` } })));

	/* slow: only a cancel ends a hung request; thr: 4 attempts; patient: many */
	await env.server('slow', { max_attempts: '3', request_timeout: '30', connect_timeout: '5' });
	await env.server('thr', { max_attempts: '4', request_timeout: '30', connect_timeout: '5' });
	await env.server('patient', { max_attempts: '30', request_timeout: '30', connect_timeout: '5' });
	const a = env.session();
	await a.ok(`CREATE FOREIGN TABLE r (pk text, sk int) SERVER slow OPTIONS (table_name '${R}')`);
	await a.ok(`CREATE FOREIGN TABLE rp (pk text, sk int) SERVER slow OPTIONS (table_name '${R}', scan_segments '2')`);
	/* scan_segments > 1: a partial path, whose segments parallel workers share */
	await a.ok(`CREATE FOREIGN TABLE rw (pk text, sk int) SERVER slow OPTIONS (table_name '${R}', scan_segments '4')`);
	await a.ok(`CREATE FOREIGN TABLE k (id text, v text) SERVER slow OPTIONS (table_name '${K}')`);
	/* the key join's outer side: 300 distinct keys, k0..k19 of them in k */
	await a.ok('CREATE TABLE kj (id text)');
	await a.ok("INSERT INTO kj SELECT 'k' || g FROM generate_series(0, 19) g UNION ALL SELECT 'missing' || g FROM generate_series(1, 280) g");
	await a.ok('ANALYZE kj');
	await a.ok(`CREATE FOREIGN TABLE d (id text, v text) SERVER slow OPTIONS (table_name '${K}')`);
	await a.ok(`CREATE FOREIGN TABLE w (pk text, sk int, v text) SERVER slow OPTIONS (table_name '${W}', partition_key 'pk', sort_key 'sk')`);
	await a.ok(`CREATE FOREIGN TABLE thr_k (id text, v text) SERVER thr OPTIONS (table_name '${K}', partition_key 'id')`);
	await a.ok(`CREATE FOREIGN TABLE thr_w (pk text, sk int, v text) SERVER thr OPTIONS (table_name '${W}', partition_key 'pk', sort_key 'sk')`);
	await a.ok(`CREATE FOREIGN TABLE patient_w (pk text, sk int, v text) SERVER patient OPTIONS (table_name '${W}', partition_key 'pk', sort_key 'sk')`);
	await a.close();
	s = env.session();
	ctl = env.session();
	pid = await FaultEnv.pid(s);
	/* describe the tables once, so that later faults strike only the reads */
	for (const t of ['r', 'rp', 'rw', 'k'])
		await s.ok(`SELECT count(*) FROM ${t}`);
	/* the plans the phases rely on */
	for (const ph of PHASES.filter((p) => p.plan)) {
		for (const sql of ph.pre ?? [])
			await s.ok(sql);
		const plan = (await s.ok(`EXPLAIN (COSTS OFF) ${ph.sql}`)).rows.map((r) => r[0]).join('\n');
		for (const re of ph.plan)
			assert.match(plan, re, ph.name);
		for (const sql of ph.post ?? [])
			await s.ok(sql);
	}
});

after(async () => {
	if (!env)
		return;
	for (const t of [R, K, W])
		await dropTable(env.ddb, t).catch(() => {});
	await env.stop();
});

/* What DynamoDB holds under partition PK of W: sorted sort keys. */
async function held(pk) {
	const keys = [];
	let start;
	do {
		const r = await env.ddb.send(new QueryCommand({
			TableName: W, KeyConditionExpression: 'pk = :p', ConsistentRead: true,
			ExpressionAttributeValues: { ':p': { S: pk } }, ExclusiveStartKey: start,
		}));
		keys.push(...r.Items.map((it) => Number(it.sk.N)));
		start = r.LastEvaluatedKey;
	} while (start);
	return keys.sort((a, b) => a - b);
}

const range = (n, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const rows = (pk, n) => range(n).map((i) => `('${pk}', ${i}, 'v${i}')`).join(', ');

/* N struck requests (one by default) are waiting at the proxy. */
const struck = (n = 1) => env.hits() >= n;

/* Run SQL in s under statement_timeout = MS (1 s by default); the result and its time. */
async function withTimeout(sql, ms = 1000) {
	await s.ok(`SET statement_timeout = '${ms}ms'`);
	const r = await s.query(sql);
	await s.ok('RESET statement_timeout');
	return r;
}

/*
 * Run SQL in s, cancel it from ctl once N requests are struck (and HUNG,
 * a check while they are, has passed).
 */
async function withCancel(sql, n = 1, hung = null) {
	const pending = s.query(sql);
	await waitFor(() => struck(n), 10000, `${n} struck requests`);
	await hung?.();
	const t0 = Date.now();
	const c = await ctl.value(`SELECT pg_cancel_backend(${pid})`);
	assert.equal(c, 't');
	const r = await pending;
	r.afterCancel = Date.now() - t0;
	return r;
}

function assertCancelled(r, what, how, timeoutMs = 1000) {
	assert.notEqual(r.error, null, `${what}: not cancelled, ${r.rows.length} rows`);
	assert.equal(r.error.sqlstate, '57014', `${what}: ${r.error.message}`);
	if (how === 'timeout') {
		assert.match(r.error.message, /statement timeout/, what);
		assert.ok(r.ms >= timeoutMs - 50 && r.ms < timeoutMs + 1000, `${what}: ended after ${r.ms} ms`);
	} else {
		assert.match(r.error.message, /user request/, what);
		assert.ok(r.afterCancel < 2000, `${what}: ended ${r.afterCancel} ms after the cancel`);
	}
}

/* How many parallel workers s's backend has (the database is the suite's). */
const workers = () => ctl.value('SELECT count(*) FROM pg_stat_activity ' +
	`WHERE backend_type = 'parallel worker' AND (leader_pid = ${pid} OR datname = current_database())`);

/*
 * No parallel worker of s's backend is left, within a second: its leader
 * waits for them to exit as it ends the query.
 */
async function noWorkersLeft() {
	await waitFor(async () => (await workers()) === '0', 1000, 'the parallel workers to exit');
}

const PARALLEL = ['SET max_parallel_workers_per_gather = 2', 'SET parallel_setup_cost = 0', 'SET parallel_tuple_cost = 0'];
const RESET_PARALLEL = ['RESET max_parallel_workers_per_gather', 'RESET parallel_setup_cost', 'RESET parallel_tuple_cost'];

/*
 * The reading phases: SQL, what a clean run returns, the rule that hangs
 * it; optionally SQL for s before and after (pre, post), the plan's
 * patterns (checked once in before()), how many requests must hang before
 * the cancel and in all (struck), a check while they hang before the
 * cancel (hung) and one after the query ended (then).
 */
const PHASES = [
	{ name: 'the first Scan page', sql: 'SELECT count(*) FROM r', want: String(BIG), rule: { op: 'Scan', fault: 'hang' } },
	{ name: 'a later Scan page', sql: 'SELECT count(*) FROM r', want: String(BIG), rule: { op: 'Scan', fault: 'hang', after: 1 } },
	{ name: 'a later Query page', sql: "SELECT count(*) FROM r WHERE pk = 'big'", want: String(BIG), rule: { op: 'Query', fault: 'hang', after: 1 } },
	{ name: 'Scan segments read together', sql: 'SELECT count(*) FROM rp', want: String(BIG), rule: { op: 'Scan', fault: 'hang' } },
	{ name: 'BatchGetItem', sql: "SELECT count(*) FROM k WHERE id IN ('k1', 'k2', 'k3')", want: '3', rule: { op: 'BatchGetItem', fault: 'hang' } },
	{ name: 'GetItem', sql: "SELECT v FROM k WHERE id = 'k7'", want: 'v7', rule: { op: 'GetItem', fault: 'hang' } },
	/* the leader and both workers each hang on a segment's first page */
	{
		name: 'PostgreSQL parallel workers', sql: 'SELECT sum(sk) FROM rw', want: String((BIG * (BIG - 1)) / 2),
		rule: { op: 'Scan', fault: 'hang' }, pre: PARALLEL, post: RESET_PARALLEL,
		plan: [/Gather/, /Workers Planned: 2/, /Parallel Foreign Scan on rw/], struck: 3,
		hung: async () => assert.equal(await workers(), '2', 'both workers wait'), then: noWorkersLeft,
		/* the timeout once both workers have started, even under valgrind (about 3 s there) */
		timeoutMs: 5000,
	},
	/* 300 keys: three BatchGetItem requests of 100 in flight at once, all hanging */
	{
		name: 'overlapped key join batches', sql: 'SELECT count(*) FROM kj JOIN k ON k.id = kj.id', want: '20',
		rule: { op: 'BatchGetItem', fault: 'hang' },
		pre: ['SET enable_hashjoin = off', 'SET enable_mergejoin = off', 'SET enable_nestloop = off'],
		post: ['RESET enable_hashjoin', 'RESET enable_mergejoin', 'RESET enable_nestloop'],
		plan: [/DynamoDB Key Join/], struck: 3,
	},
];

for (const how of ['timeout', 'cancel']) {
	for (const ph of PHASES) {
		test(`${how === 'timeout' ? 'statement_timeout' : 'pg_cancel_backend'} while waiting for ${ph.name}; the session goes on`, async () => {
			for (const sql of ph.pre ?? [])
				await s.ok(sql);
			try {
				env.arm([ph.rule]);
				const r = how === 'timeout' ? await withTimeout(ph.sql, ph.timeoutMs)
					: await withCancel(ph.sql, ph.struck, ph.hung);
				assertCancelled(r, ph.name, how, ph.timeoutMs);
				/* every request the phase strikes was in flight when it ended */
				assert.ok(env.hits() >= (ph.struck ?? 1), `${env.hits()} requests struck`);
				await ph.then?.();
				/* the same session, the same handles: the next statement works */
				env.disarm();
				const next = await s.query(ph.sql);
				assert.equal(next.error, null, next.error?.message);
				assert.equal(next.rows[0][0], ph.want);
			} finally {
				/* not s.ok: a failure above stays the one reported */
				for (const sql of ph.post ?? [])
					await s.query(sql);
			}
			cases++;
		});
	}
}

test('statement_timeout and cancel while DescribeTable hangs during planning', async () => {
	for (const how of ['timeout', 'cancel']) {
		const fresh = env.session();
		const fpid = await FaultEnv.pid(fresh);
		env.arm([{ op: 'DescribeTable', fault: 'hang' }]);
		let r;
		if (how === 'timeout') {
			await fresh.ok("SET statement_timeout = '1s'");
			r = await fresh.query('SELECT count(*) FROM d');
		} else {
			const pending = fresh.query('SELECT count(*) FROM d');
			await waitFor(struck, 10000, 'DescribeTable to hang');
			const t0 = Date.now();
			await ctl.ok(`SELECT pg_cancel_backend(${fpid})`);
			r = await pending;
			r.afterCancel = Date.now() - t0;
		}
		assertCancelled(r, `DescribeTable (${how})`, how);
		env.disarm();
		await fresh.ok('RESET statement_timeout');
		assert.equal(await fresh.value('SELECT count(*) FROM d'), '20');
		await fresh.close();
		cases++;
	}
});

test('cancel during the backoff between throttled attempts is prompt', async () => {
	env.arm([{ op: 'TransactWriteItems', fault: 'throttle' }]);
	const pk = `backoff-${nextKey++}`;
	const pending = s.query(`INSERT INTO patient_w VALUES ${rows(pk, 3)}`);
	await waitFor(() => env.hits() >= 3, 15000, 'three throttled attempts');
	const t0 = Date.now();
	await ctl.ok(`SELECT pg_cancel_backend(${pid})`);
	const r = await pending;
	r.afterCancel = Date.now() - t0;
	assertCancelled(r, 'backoff', 'cancel');
	assert.deepEqual(await held(pk), []);
	env.disarm();
	assert.equal(await s.value('SELECT 1'), '1');
	env.checked += 3;
	cases++;
});

test('statement_timeout and cancel during the commit flush: nothing applied, the session goes on', async () => {
	for (const how of ['timeout', 'cancel']) {
		const pk = `commit-${how}-${nextKey++}`;
		env.arm([{ op: 'TransactWriteItems', fault: 'hang' }]);
		let r;
		if (how === 'timeout') {
			/* an INSERT in autocommit: the flush happens after the statement proper */
			r = await withTimeout(`INSERT INTO w VALUES ${rows(pk, 5)}`);
		} else {
			await s.ok('BEGIN');
			await s.ok(`INSERT INTO w VALUES ${rows(pk, 5)}`);
			r = await withCancel('COMMIT');
		}
		assertCancelled(r, `commit (${how})`, how);
		/* the request never reached DynamoDB: none of it */
		assert.deepEqual(await held(pk), [], how);
		env.disarm();
		/* not left in a failed transaction; the same writes now commit */
		assert.equal(await s.value('SELECT 1'), '1');
		await s.ok(`INSERT INTO w VALUES ${rows(pk, 5)}`);
		assert.deepEqual(await held(pk), range(5));
		env.checked += 10;
		cases++;
	}
});

test('the commit gap: cancelled after DynamoDB applied the request, DynamoDB holds all of it and the error says it may', async () => {
	for (const how of ['timeout', 'cancel']) {
		const pk = `gap-${how}-${nextKey++}`;
		env.arm([{ op: 'TransactWriteItems', fault: 'forward-hang' }]);
		await s.ok('\\set VERBOSITY verbose');
		s.stderr = '';
		const r = how === 'timeout'
			? await withTimeout(`INSERT INTO w VALUES ${rows(pk, 4)}`)
			: await withCancel(`INSERT INTO w VALUES ${rows(pk, 4)}`);
		await s.ok('\\set VERBOSITY default');
		assertCancelled(r, `commit gap (${how})`, how);
		assert.match(s.stderr, /may have applied all of its actions or none of them/);
		/* DynamoDB applied it whole, though PostgreSQL rolled back */
		assert.deepEqual(await held(pk), range(4));
		env.disarm();
		/* running the transaction again tells the user: the rows exist */
		const again = await s.query(`INSERT INTO w VALUES ${rows(pk, 4)}`);
		assert.equal(again.error?.sqlstate, '23505');
		env.checked += 4;
		cases++;
	}
});

test('a commit of 150 actions cancelled at its second request: the first stays, the second is all or none', async () => {
	const pk = `two-${nextKey++}`;
	env.arm([{ op: 'TransactWriteItems', fault: 'hang', after: 1 }]);
	await s.ok('\\set VERBOSITY verbose');
	s.stderr = '';
	const r = await withTimeout(`INSERT INTO w VALUES ${rows(pk, 150)}`);
	await s.ok('\\set VERBOSITY default');
	assertCancelled(r, 'second batch', 'timeout');
	assert.match(s.stderr, /100 actions of this transaction were committed to DynamoDB by earlier requests and stay committed/);
	const first = JSON.parse(env.requests('TransactWriteItems')[0].body).TransactItems
		.map((a) => Number(a.Put.Item.sk.N)).sort((a, b) => a - b);
	assert.equal(first.length, 100);
	assert.deepEqual(await held(pk), first);
	env.disarm();
	env.checked += 150;
	cases++;
});

test('throttling three times then success: the query succeeds after four requests', async () => {
	env.arm([{ op: 'GetItem', fault: 'throttle', times: 3 }]);
	const r = await s.query("SELECT v FROM thr_k WHERE id = 'k5'");
	assert.equal(r.error, null, r.error?.message);
	assert.deepEqual(r.rows, [['v5']]);
	assert.deepEqual(env.requests('GetItem').map((e) => e.status), [400, 400, 400, 200]);

	const pk = `thr-${nextKey++}`;
	env.arm([{ op: 'TransactWriteItems', fault: 'throttle', times: 3 }]);
	const w = await s.query(`INSERT INTO thr_w VALUES ${rows(pk, 3)}`);
	assert.equal(w.error, null, w.error?.message);
	assert.deepEqual(env.requests('TransactWriteItems').map((e) => e.status), [400, 400, 400, 200]);
	assert.deepEqual(await held(pk), range(3));
	env.checked += 3;
	cases += 2;
});

test('throttling forever: 53000 after exactly max_attempts (4) requests', async () => {
	env.arm([{ op: 'GetItem', fault: 'throttle' }]);
	const r = await s.query("SELECT v FROM thr_k WHERE id = 'k5'");
	assert.equal(r.error?.sqlstate, '53000', JSON.stringify(r.error));
	assert.match(r.error.message, /DynamoDB throttled the GetItem request after 4 attempts/);
	assert.equal(env.requests('GetItem').length, 4);

	const pk = `thr-forever-${nextKey++}`;
	env.arm([{ op: 'TransactWriteItems', fault: 'throughput' }]);
	const w = await s.query(`INSERT INTO thr_w VALUES ${rows(pk, 3)}`);
	assert.equal(w.error?.sqlstate, '53000', JSON.stringify(w.error));
	assert.equal(env.requests('TransactWriteItems').length, 4);
	assert.deepEqual(await held(pk), []);
	env.disarm();
	assert.equal(await s.value("SELECT v FROM thr_k WHERE id = 'k5'"), 'v5');
	env.checked += 3;
	cases += 2;
});

test('figures', () => {
	env.settle();
	env.proxy.reset();
	process.stdout.write(`# faults_cancel: ${cases} cases, ${env.faulted} requests faulted, ${env.checked} writes checked\n`);
	/* the lower bounds README's figures rest on */
	assert.ok(cases >= 28, `${cases} cases`);
	assert.ok(env.faulted >= 30, `${env.faulted} requests faulted`);
	assert.ok(env.checked >= 180, `${env.checked} writes checked`);
});
