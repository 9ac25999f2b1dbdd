/*
 * test/js/count_segments.test.mjs - count(*) of a table of several
 * megabytes reads its pages together: the Scan is split into one segment
 * per megabyte (DescribeTable's TableSizeBytes), whose Select=COUNT pages
 * are requested at once, and the count is DynamoDB's exactly.  A small
 * table, a scan returning items and a scan_segments option keep their
 * single segment (or the option's).  Requests are counted at the wire.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { proxiedFdw } from '../tools/proxied_fdw.mjs';

const LARGE = 'cs_large';
const SMALL = 'cs_small';
const N = 1600;
let fx;
let proxy;
let session;

before(async () => {
	/* about 3.3 MB: 1,600 items of 2 KB, one in three with odd = true */
	const large = Array.from({ length: N }, (_, i) => ({
		pk: { S: `k${i}` }, odd: { BOOL: i % 3 === 0 }, pad: { S: 'x'.repeat(2000) },
	}));
	const small = Array.from({ length: 50 }, (_, i) => ({ pk: { S: `s${i}` } }));
	fx = await proxiedFdw({
		server: 'cs_ddb',
		tables: [{ name: LARGE, items: large }, { name: SMALL, items: small }],
		foreignTables: [
			`CREATE FOREIGN TABLE cs_large (pk text, odd boolean, pad text) SERVER cs_ddb OPTIONS (table_name '${LARGE}')`,
			`CREATE FOREIGN TABLE cs_small (pk text) SERVER cs_ddb OPTIONS (table_name '${SMALL}')`,
		],
	});
	({ proxy, session } = fx);
});

after(async () => {
	await fx?.close();
});

const scans = () => fx.requests('Scan');

test('count(*) of a 3 MB table: one Select=COUNT segment a megabyte, read together, DynamoDB\'s count', async () => {
	proxy.reset();
	/*
	 * Each answer held 300 ms, so that "in flight together" does not hang on
	 * how fast DynamoDB Local answers a loaded machine: the segments' first
	 * requests must all arrive within those 300 ms.
	 */
	proxy.setLatency({ requestMs: 300, mbMs: 0 });
	try {
		assert.equal(await session.value('SELECT count(*) FROM cs_large'), String(N));
	} finally {
		proxy.setLatency({ requestMs: 0, mbMs: 0 });
	}
	const reqs = scans();
	assert.ok(reqs.length >= 4, `${reqs.length} requests`);
	const total = reqs[0].TotalSegments;
	assert.equal(total, 4, 'ceil(3.3 MB / 1 MB) segments');
	assert.deepEqual([...new Set(reqs.map((q) => q.Segment))].sort(), [0, 1, 2, 3]);
	for (const q of reqs) {
		assert.equal(q.Select, 'COUNT');
		assert.equal(q.TotalSegments, total);
	}
	/* the first page of every segment went out before any was answered */
	const log = proxy.log().filter((e) => e.op === 'Scan').slice(0, total);
	assert.ok(Math.max(...log.map((e) => e.at)) < Math.min(...log.map((e) => e.at + e.ms)));
	/* a pushed filter counts the same way */
	assert.equal(await session.value('SELECT count(*) FROM cs_large WHERE odd'), String(Math.ceil(N / 3)));
	const plan = (await session.ok('EXPLAIN (COSTS OFF) SELECT count(*) FROM cs_large')).rows
		.map((r) => r[0]).join('\n');
	assert.match(plan, /Scan Segments: 4/);
});

test('small tables, scans returning items and the scan_segments option keep theirs', async () => {
	proxy.reset();
	assert.equal(await session.value('SELECT count(*) FROM cs_small'), '50');
	assert.equal(scans()[0].TotalSegments, undefined);
	proxy.reset();
	assert.equal(await session.value('SELECT count(pad) FROM cs_large'), String(N));
	assert.ok(scans().every((q) => q.TotalSegments === undefined), 'a scan of items: one segment');
	await session.ok("ALTER FOREIGN TABLE cs_large OPTIONS (ADD scan_segments '2')");
	proxy.reset();
	assert.equal(await session.value('SELECT count(*) FROM cs_large'), String(N));
	assert.ok(scans().every((q) => q.TotalSegments === 2));
	await session.ok('ALTER FOREIGN TABLE cs_large OPTIONS (DROP scan_segments)');
});
