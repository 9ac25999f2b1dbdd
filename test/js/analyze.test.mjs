/*
 * test/js/analyze.test.mjs - ANALYZE of a DynamoDB foreign table: what it
 * reads (counted at the wire), what it stores (pg_class, pg_stats) and
 * what the planner makes of it.
 *
 * Two tables: a small one (240 items, one page) that ANALYZE reads whole,
 * so its statistics are exact; and a large one (about 2.6 MB) that it
 * samples within analyze_max_pages.  A join over the small one is planned
 * as over a local table with the same rows once analyzed, not before.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { proxiedFdw } from '../tools/proxied_fdw.mjs';

const SMALL = 'an_small';
const LARGE = 'an_large';
let fx;
let proxy;
let session;

before(async () => {
	/* status: half 'a', then b, c, d; note missing in a quarter; n distinct */
	const small = Array.from({ length: 240 }, (_, i) => ({
		pk: { S: `s${i}` },
		status: { S: i % 2 === 0 ? 'a' : ['b', 'c', 'd'][i % 3] },
		n: { N: String(i) },
		...(i % 4 === 3 ? {} : { note: { S: `note ${i}` } }),
	}));
	const large = Array.from({ length: 1300 }, (_, i) => ({
		pk: { S: `l${i}` }, n: { N: String(i) }, pad: { S: 'x'.repeat(2000) },
	}));
	fx = await proxiedFdw({
		server: 'an_ddb',
		tables: [{ name: SMALL, items: small }, { name: LARGE, items: large }],
		foreignTables: [
			`CREATE FOREIGN TABLE an_small (pk text, status text, n int, note text) SERVER an_ddb OPTIONS (table_name '${SMALL}')`,
			`CREATE FOREIGN TABLE an_large (pk text, n int, pad text) SERVER an_ddb OPTIONS (table_name '${LARGE}')`,
		],
	});
	({ proxy, session } = fx);
});

after(async () => {
	await fx?.close();
});

const scans = () => fx.requests('Scan');

test('a small table is read whole: exact statistics, reltuples from DynamoDB', async () => {
	proxy.reset();
	await session.ok('ANALYZE an_small');
	const reqs = scans();
	assert.equal(reqs.length, 1, 'one page');
	assert.equal(reqs[0].TotalSegments, undefined);
	assert.equal(await session.value("SELECT reltuples FROM pg_class WHERE relname = 'an_small'"), '240');
	const r = await session.ok(`SELECT attname, null_frac, n_distinct, most_common_vals::text, most_common_freqs::text
		FROM pg_stats WHERE tablename = 'an_small' ORDER BY attname`);
	const stats = Object.fromEntries(r.rows.map((row) => [row[0], row.slice(1)]));
	assert.equal(stats.note[0], '0.25');
	assert.equal(stats.pk[1], '-1');
	assert.equal(stats.n[1], '-1');
	assert.equal(stats.status[2], '{a,b,c,d}');
	assert.equal(stats.status[3], '{0.5,0.16666667,0.16666667,0.16666667}');
});

test('the planner uses them: status = \'a\' is half the rows, note IS NULL a quarter', async () => {
	const rows = async (where) => {
		const plan = await session.value(`EXPLAIN (FORMAT JSON) SELECT * FROM an_small WHERE ${where}`);
		return JSON.parse(plan)[0].Plan['Plan Rows'];
	};
	assert.equal(await rows("status = 'a'"), 120);
	assert.equal(await rows("status = 'b'"), 40);
	assert.equal(await rows('note IS NULL'), 60);
});

/* A plan's shape: node types and join order, scans named by their alias. */
function shape(node) {
	const kind = ['Foreign Scan', 'Seq Scan'].includes(node['Node Type']) ? `Scan ${node.Alias}` : node['Node Type'];
	const kids = (node.Plans ?? []).map(shape);
	return kids.length ? `${kind}(${kids.join(', ')})` : kind;
}

test('a join is planned as for a local table with the same data, once analyzed (and not before)', async () => {
	/* the same 240 rows in a local table; 50 local rows to join them to */
	await session.ok('DROP TABLE IF EXISTS an_local, an_other');
	await session.ok('DROP FOREIGN TABLE IF EXISTS an_join');
	await session.ok(`CREATE TABLE an_local AS SELECT pk, status, n, note FROM an_small`);
	await session.ok('CREATE TABLE an_other AS SELECT g AS n, md5(g::text) AS t FROM generate_series(0, 49) g');
	await session.ok('ANALYZE an_local');
	await session.ok('ANALYZE an_other');
	await session.ok(`CREATE FOREIGN TABLE an_join (pk text, status text, n int, note text) SERVER an_ddb OPTIONS (table_name '${SMALL}')`);
	const plan = async (t) => shape(JSON.parse(await session.value(
		`EXPLAIN (FORMAT JSON, COSTS OFF) SELECT o.t, s.note FROM an_other o JOIN ${t} s ON s.n = o.n WHERE s.status = 'a'`))[0].Plan);
	const local = await plan('an_local');
	const before = await plan('an_join');
	await session.ok('ANALYZE an_join');
	const after = await plan('an_join');
	console.log(`# join plan: local table ${local}; foreign table before ANALYZE ${before}, after ${after}`);
	assert.equal(after, local, 'analyzed: the local table\'s plan');
	assert.notEqual(before, local, `without statistics the plan was already the local one (${before}): the test shows nothing`);
	await session.ok('DROP FOREIGN TABLE an_join');
	await session.ok('DROP TABLE an_local, an_other');
});

test('a large table: at most analyze_max_pages pages, from segments picked at random', async () => {
	await session.ok("ALTER FOREIGN TABLE an_large OPTIONS (ADD analyze_max_pages '2')");
	proxy.reset();
	await session.ok('ANALYZE an_large');
	const reqs = scans();
	assert.equal(reqs.length, 2);
	for (const q of reqs) {
		assert.ok(q.TotalSegments >= 3, `TotalSegments ${q.TotalSegments}`);
		assert.equal(q.ExclusiveStartKey, undefined, 'the first page of a segment');
	}
	assert.notEqual(reqs[0].Segment, reqs[1].Segment);
	assert.equal(await session.value("SELECT reltuples FROM pg_class WHERE relname = 'an_large'"), '1300');
	const sampled = Number(await session.value(
		"SELECT n_distinct FROM pg_stats WHERE tablename = 'an_large' AND attname = 'pk'"));
	assert.equal(sampled, -1, 'every key sampled is distinct');
	/* the server's option is the default for its tables */
	await session.ok("ALTER FOREIGN TABLE an_large OPTIONS (DROP analyze_max_pages)");
	await session.ok("ALTER SERVER an_ddb OPTIONS (ADD analyze_max_pages '1')");
	proxy.reset();
	await session.ok('ANALYZE an_large');
	assert.equal(scans().length, 1);
	await session.ok("ALTER SERVER an_ddb OPTIONS (DROP analyze_max_pages)");
});
