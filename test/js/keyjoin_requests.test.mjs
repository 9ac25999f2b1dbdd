/*
 * test/js/keyjoin_requests.test.mjs - requests a join on the full key sends,
 * counted by the test proxy in front of DynamoDB Local.
 *
 * 1,000 local rows joined to a foreign table on its whole primary key: the
 * batched key join (src/fdw/keyjoin.c) sends one BatchGetItem per 100 distinct
 * outer keys, where a lookup per outer row sends 1,000 GetItems; whatever plan
 * the planner picks by itself stays within 10 requests.  UnprocessedKeys
 * are asked for again until every key is answered.  Every answer is checked
 * against the rows the items should give.  Last, the join inside an UPDATE
 * that waits for a concurrent one (EvalPlanQual) still gives its rows.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startProxy } from '../tools/proxy.mjs';
import { PsqlSession } from '../tools/psql.mjs';
import { ddbClient, createTable, dropTable, putItems } from '../tools/ddb_load.mjs';

const TABLE = `kj_req_${process.pid}`;
const ITEMS = 1500;
const client = ddbClient();
let proxy;
let s;

/* The answer the join must give, computed from the data below. */
const EXPECTED_ROWS = 1000 - 1000 / 10;		/* every tenth outer row misses */

before(async () => {
	await createTable(client, {
		TableName: TABLE,
		KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
		AttributeDefinitions: [
			{ AttributeName: 'PK', AttributeType: 'S' },
			{ AttributeName: 'SK', AttributeType: 'S' },
		],
	});
	const items = [];
	for (let i = 1; i <= ITEMS; i++)
		items.push({ PK: { S: `USER#${i}` }, SK: { S: 'PROFILE' }, name: { S: `user ${i}` }, n: { N: String(i) } });
	await putItems(client, TABLE, items);

	proxy = await startProxy({ target: process.env.DYNAMO_ENDPOINT });
	s = new PsqlSession();
	await s.ok('SET client_min_messages = warning');
	await s.ok('CREATE EXTENSION IF NOT EXISTS dynamo_fdw');
	await s.ok(`DROP SERVER IF EXISTS kj_req CASCADE`);
	await s.ok(`CREATE SERVER kj_req FOREIGN DATA WRAPPER dynamo_fdw
	            OPTIONS (endpoint '${proxy.url}', region 'us-east-1')`);
	await s.ok(`CREATE USER MAPPING FOR CURRENT_USER SERVER kj_req
	            OPTIONS (access_key_id 'AKIDKEYJOINREQ', secret_access_key 'x')`);
	await s.ok(`CREATE FOREIGN TABLE kj_req_t (pk text OPTIONS (column_name 'PK'),
	            sk text OPTIONS (column_name 'SK'), name text, n int)
	            SERVER kj_req OPTIONS (table_name '${TABLE}')`);
	/* 1,000 outer rows: 1..900 as is, and 100 rows whose key has no item */
	await s.ok(`CREATE TEMP TABLE kj_req_outer AS
	            SELECT CASE WHEN g % 10 = 0 THEN 'NOBODY#' || g ELSE 'USER#' || g END AS u,
	                   'PROFILE' AS s, g
	              FROM generate_series(1, 1000) g`);
	await s.ok('ANALYZE kj_req_outer');
});

after(async () => {
	if (s) {
		await s.query('DROP SERVER IF EXISTS kj_req CASCADE');
		await s.close();
	}
	if (proxy)
		await proxy.close();
	await dropTable(client, TABLE);
	client.destroy();
});

const JOIN = `SELECT count(*), count(DISTINCT f.pk), sum(f.n), bool_and(f.name = 'user ' || o.g)
                FROM kj_req_outer o JOIN kj_req_t f ON f.pk = o.u AND f.sk = o.s`;

function checkAnswer(r) {
	const [count, distinct, sum, names] = r.rows[0];
	let want = 0;
	for (let g = 1; g <= 1000; g++)
		if (g % 10 !== 0)
			want += g;
	assert.equal(Number(count), EXPECTED_ROWS);
	assert.equal(Number(distinct), EXPECTED_ROWS);
	assert.equal(Number(sum), want);
	assert.equal(names, 't');
}

/* Counts of one run of SQL (metadata already cached by a first run). */
async function countsOf(sql) {
	await s.ok(sql);
	proxy.reset();
	const r = await s.ok(sql);
	return { r, counts: proxy.counts() };
}

function total(counts) {
	return Object.values(counts).reduce((a, b) => a + b, 0);
}

test('whatever the planner picks, 1,000 outer rows cost at most 10 requests', async () => {
	const { r, counts } = await countsOf(JOIN);
	checkAnswer(r);
	assert.ok(total(counts) <= 10, `requests: ${JSON.stringify(counts)}`);
});

test('the batched key join sends one BatchGetItem per 100 distinct outer keys', async () => {
	/* a table this small is cheaper to Scan: make items dear, as on a big table */
	await s.ok(`ALTER SERVER kj_req OPTIONS (ADD item_cost '50')`);
	try {
		const plan = await s.ok(`EXPLAIN (COSTS OFF) ${JOIN}`);
		assert.match(plan.rows.map((x) => x[0]).join('\n'), /BatchGetItem \(batched key join\)/);
		const { r, counts } = await countsOf(JOIN);
		checkAnswer(r);
		assert.deepEqual(counts, { BatchGetItem: 10 });

		const a = await s.ok(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${JOIN}`);
		const text = a.rows.map((x) => x[0]).join('\n');
		assert.match(text, /DynamoDB Requests: 10\b/);
		assert.match(text, /Keys Requested: 1000\b/);
		assert.match(text, /Items Fetched: 900\b/);
	} finally {
		await s.ok(`ALTER SERVER kj_req OPTIONS (DROP item_cost)`);
	}
});

test('without it, a left join sends a GetItem per outer row; with it, 10 BatchGetItems', async () => {
	const left = `SELECT count(*), count(f.pk), sum(f.n)
	                FROM kj_req_outer o LEFT JOIN kj_req_t f ON f.pk = o.u AND f.sk = o.s`;
	function checkLeft(r) {
		assert.equal(Number(r.rows[0][0]), 1000);
		assert.equal(Number(r.rows[0][1]), EXPECTED_ROWS);
	}
	/* the per-row plan: no hash, merge, memoized or materialized inner side */
	await s.ok('SET dynamo_fdw.enable_batched_join = off');
	await s.ok('SET enable_hashjoin = off');
	await s.ok('SET enable_mergejoin = off');
	await s.ok('SET enable_memoize = off');
	await s.ok('SET enable_material = off');
	try {
		const { r, counts } = await countsOf(left);
		checkLeft(r);
		assert.deepEqual(counts, { GetItem: 1000 });

		await s.ok('RESET dynamo_fdw.enable_batched_join');
		const { r: r2, counts: c2 } = await countsOf(left);
		checkLeft(r2);
		assert.equal(r2.rows[0][2], r.rows[0][2]);
		assert.deepEqual(c2, { BatchGetItem: 10 });
	} finally {
		await s.ok('RESET ALL');
	}
});

test('repeated keys are free: 1,000 outer rows naming 50 keys cost one BatchGetItem', async () => {
	await s.ok(`ALTER SERVER kj_req OPTIONS (ADD item_cost '50')`);
	try {
		const sql = `SELECT count(*), count(f.pk), sum(f.n)
		               FROM (SELECT 'USER#' || (g % 50 + 1) AS u, 'PROFILE' AS s FROM generate_series(1, 1000) g) o
		               JOIN kj_req_t f ON f.pk = o.u AND f.sk = o.s`;
		const { r, counts } = await countsOf(sql);
		let want = 0;
		for (let g = 1; g <= 1000; g++)
			want += g % 50 + 1;
		assert.deepEqual(r.rows[0].map(Number), [1000, 1000, want]);
		assert.deepEqual(counts, { BatchGetItem: 1 });
	} finally {
		await s.ok(`ALTER SERVER kj_req OPTIONS (DROP item_cost)`);
	}
});

test('keys DynamoDB leaves unprocessed are asked for again', async () => {
	await s.ok(`ALTER SERVER kj_req OPTIONS (ADD item_cost '50')`);
	try {
		await s.ok(JOIN);
		proxy.reset();
		/* the first three BatchGetItems answer only half their keys */
		proxy.setFaults([{ op: 'BatchGetItem', fault: 'unprocess', times: 3 }]);
		const r = await s.ok(JOIN);
		checkAnswer(r);
		assert.deepEqual(proxy.counts(), { BatchGetItem: 13 });
	} finally {
		proxy.reset();
		await s.ok(`ALTER SERVER kj_req OPTIONS (DROP item_cost)`);
	}
});

test('a left join keeps the misses, in the outer order', async () => {
	await s.ok(`ALTER SERVER kj_req OPTIONS (ADD item_cost '50')`);
	try {
		const sql = `SELECT string_agg(coalesce(f.n::text, '-'), ',')
		               FROM (SELECT * FROM kj_req_outer WHERE g <= 250 ORDER BY g DESC LIMIT 250) o
		               LEFT JOIN kj_req_t f ON f.pk = o.u AND f.sk = o.s`;
		const { r, counts } = await countsOf(sql);
		const want = [];
		for (let g = 250; g >= 1; g--)
			want.push(g % 10 === 0 ? '-' : String(g));
		assert.equal(r.rows[0][0], want.join(','));
		assert.deepEqual(counts, { BatchGetItem: 3 });
	} finally {
		await s.ok(`ALTER SERVER kj_req OPTIONS (DROP item_cost)`);
	}
});

test('in an UPDATE rechecked after a concurrent update, the key join still gives its rows', async () => {
	const other = new PsqlSession();
	const sub = `(SELECT count(*) FROM kj_req_outer o JOIN kj_req_t f ON f.pk = o.u AND f.sk = o.s
	              WHERE o.g <= kj_req_acct.id * 25)`;
	await s.ok(`ALTER SERVER kj_req OPTIONS (ADD item_cost '50')`);
	try {
		await s.ok('CREATE TABLE kj_req_acct (id int PRIMARY KEY, v int)');
		await s.ok('INSERT INTO kj_req_acct VALUES (2, 0)');
		const plan = await s.ok(`EXPLAIN (COSTS OFF) UPDATE kj_req_acct SET v = ${sub} WHERE id = 2`);
		assert.match(plan.rows.map((x) => x[0]).join('\n'), /DynamoDB Key Join/);

		await other.ok('BEGIN');
		await other.ok('UPDATE kj_req_acct SET v = -1 WHERE id = 2');
		const waiting = s.query(`UPDATE kj_req_acct SET v = ${sub} WHERE id = 2 RETURNING v`);
		await new Promise((r) => setTimeout(r, 500));
		await other.ok('COMMIT');
		const r = await waiting;
		assert.equal(r.error, null);
		/* outer rows 1..50, of which 10, 20, 30, 40, 50 have no item */
		assert.deepEqual(r.rows, [['45']]);
	} finally {
		await other.close();
		await s.query('DROP TABLE IF EXISTS kj_req_acct');
		await s.ok(`ALTER SERVER kj_req OPTIONS (DROP item_cost)`);
	}
});
