/*
 * test/js/parallel_scan.test.mjs - a foreign Scan in PostgreSQL's parallel
 * query: the leader and its workers share the Scan's segments through
 * dynamic shared memory, each segment read once, and Gather + partial
 * aggregates give the serial answer.  A transaction with buffered writes to
 * the table scans in the leader alone (the workers cannot see its buffer),
 * also with a plan made before the writes.  Requests counted at the wire:
 * every segment started once, and no DescribeTable from the workers.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { proxiedFdw } from '../tools/proxied_fdw.mjs';

const TABLE = 'ps_items';
const N = 2000;
const SUM = (N * (N - 1)) / 2;
let fx;
let proxy;
let session;

before(async () => {
	/* about 4 MB: 2,000 items of 2 KB */
	const items = Array.from({ length: N }, (_, i) => ({
		pk: { S: `k${i}` }, n: { N: String(i) }, pad: { S: 'x'.repeat(2000) },
	}));
	fx = await proxiedFdw({
		server: 'ps_ddb',
		tables: [{ name: TABLE, items }],
		foreignTables: [
			`CREATE FOREIGN TABLE ps_items (pk text, n int, pad text) SERVER ps_ddb OPTIONS (table_name '${TABLE}')`,
		],
		/* a parallel plan whatever its cost */
		settings: [
			'SET max_parallel_workers_per_gather = 4',
			'SET parallel_setup_cost = 0',
			'SET parallel_tuple_cost = 0',
		],
	});
	({ proxy, session } = fx);
});

after(async () => {
	await fx?.close();
});

const lines = async (sql) => (await session.ok(sql)).rows.map((r) => r[0]).join('\n');
const scans = () => fx.requests('Scan');

test('Gather of partial aggregates over a parallel Scan: each segment read once, the serial answer', async () => {
	const plan = await lines('EXPLAIN (COSTS OFF) SELECT sum(n), count(*) FROM ps_items');
	assert.match(plan, /Gather/);
	assert.match(plan, /Workers Planned: 4/);
	assert.match(plan, /Parallel Foreign Scan on ps_items/);
	const total = Number(/Parallel Scan Segments: (\d+)/.exec(plan)[1]);
	assert.ok(total >= 5, `${total} segments, at least one a participant`);

	proxy.reset();
	const r = await session.ok('SELECT sum(n), count(*) FROM ps_items');
	assert.deepEqual(r.rows, [[String(SUM), String(N)]]);
	const firsts = scans().filter((q) => q.ExclusiveStartKey === undefined);
	assert.deepEqual(firsts.map((q) => q.Segment).sort((a, b) => a - b),
		Array.from({ length: total }, (_, i) => i), 'every segment started once');
	assert.ok(scans().every((q) => q.TotalSegments === total));
	/* the workers run the leader's plan: no DescribeTable of their own */
	assert.equal(fx.requests('DescribeTable').length, 0, 'DescribeTable requests during the parallel scan');

	const analyzed = await lines('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT sum(n) FROM ps_items');
	assert.match(analyzed, /Workers Launched: \d/);
	assert.match(analyzed, /Counts: leader and workers/);
	assert.match(analyzed, new RegExp(`Items Scanned: ${N}\\b`));

	await session.ok('SET max_parallel_workers_per_gather = 0');
	assert.deepEqual((await session.ok('SELECT sum(n), count(*) FROM ps_items')).rows, [[String(SUM), String(N)]]);
	await session.ok('SET max_parallel_workers_per_gather = 4');
});

test('with buffered writes the leader scans alone and sees them, even with a plan made before them', async () => {
	await session.ok('SET plan_cache_mode = force_generic_plan');
	await session.ok('PREPARE ps_q(int) AS SELECT sum(n), count(*) FROM ps_items WHERE n >= $1');
	assert.match(await lines('EXPLAIN (COSTS OFF) EXECUTE ps_q(0)'), /Parallel Foreign Scan/);
	await session.ok('BEGIN');
	await session.ok("INSERT INTO ps_items VALUES ('new', 100000, 'y')");
	await session.ok("UPDATE ps_items SET n = n + 1000000 WHERE pk = 'k5'");
	const want = [[String(SUM + 100000 + 1000000), String(N + 1)]];
	/* planned now: no parallel plan in a transaction that wrote the table */
	assert.doesNotMatch(await lines('EXPLAIN (COSTS OFF) SELECT sum(n) FROM ps_items'), /Parallel/);
	assert.deepEqual((await session.ok('SELECT sum(n), count(*) FROM ps_items')).rows, want);
	/* planned before: the workers claim nothing, the leader reads everything */
	assert.deepEqual((await session.ok('EXECUTE ps_q(0)')).rows, want);
	await session.ok('ROLLBACK');
	assert.deepEqual((await session.ok('EXECUTE ps_q(0)')).rows, [[String(SUM), String(N)]]);
	await session.ok('DEALLOCATE ps_q');
	await session.ok('RESET plan_cache_mode');
});
