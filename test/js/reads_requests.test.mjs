/*
 * test/js/reads_requests.test.mjs - how many requests the read path sends,
 * counted on the wire.
 *
 * The foreign server's endpoint is a recorder in this process, in front of
 * the counting proxy (test/tools/proxy.mjs), in front of DynamoDB Local:
 * the proxy counts every request by operation, and the recorder keeps
 * each response's Count and ScannedCount, so what is checked is what the
 * backend really sent and what DynamoDB really read, not what the FDW says
 * about itself (EXPLAIN ANALYZE's own figures are checked against them).
 *
 *   full-key equality                          -> 1 GetItem
 *   100 full keys in IN                        -> 1 BatchGetItem
 *   1,000 full keys in IN                      -> 10 BatchGetItem, together
 *   partition key = and begins_with, table     -> 1 Query, ScannedCount = rows
 *   GSI partition key = and begins_with        -> 1 Query, ScannedCount = rows
 *   join of 1,000 local rows on the full key   -> at most 10 requests, no Scan
 *
 * The table holds 1,000 ORDER items of 12 KB each (about 12 MB, so a Scan
 * needs more than 10 requests of 1 MB: only reading the asked keys can meet
 * the join's budget) and 200 small USER items carrying a sparse GSI.
 *
 * Environment: DYNAMO_ENDPOINT, PGHOST/PGPORT/PGUSER/PGDATABASE (from
 * scripts/test.sh).
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import { ddbClient, createTable, dropTable, putItems } from '../tools/ddb_load.mjs';
import { PsqlSession } from '../tools/psql.mjs';
import { startProxy } from '../tools/proxy.mjs';

const TABLE = `reads-req-${process.pid}`;
const SCHEMA = 'reads_req';
const SERVER = 'reads_req_srv';
const PKS = Array.from({ length: 10 }, (_, i) => `C#${i}`);
const ORDERS = 100;			/* per partition: 10 x 100 = 1,000 full keys */
const USERS = 20;			/* per partition */
const PAD = 'p'.repeat(12000);

const q = (s) => `'${s.replace(/'/g, "''")}'`;
const orderSk = (j) => `ORDER#${String(j).padStart(3, '0')}`;
const userSk = (j) => `USER#${String(j).padStart(2, '0')}`;

/*
 * A pass-through in front of the proxy that keeps, for each request, the
 * operation and the response's Count and ScannedCount.
 */
async function startRecorder(target) {
	const up = new URL(target);
	const agent = new http.Agent({ keepAlive: true });
	let entries = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const headers = { ...req.headers, 'content-length': body.length };
			const u = http.request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers, agent }, (ur) => {
				const out = [];
				ur.on('data', (c) => out.push(c));
				ur.on('end', () => {
					const rbody = Buffer.concat(out);
					const op = String(req.headers['x-amz-target'] ?? '').split('.').pop();
					let doc = null;
					try {
						doc = JSON.parse(rbody.toString('utf8'));
					} catch {
						doc = null;
					}
					entries.push({ op, count: doc?.Count, scanned: doc?.ScannedCount });
					const h = { ...ur.headers, 'content-length': rbody.length };
					delete h['transfer-encoding'];
					res.writeHead(ur.statusCode, h);
					res.end(rbody);
				});
			});
			u.on('error', (e) => {
				if (!res.destroyed) {
					res.writeHead(502);
					res.end(String(e.message));
				}
			});
			/* a request the backend gave up on is given up on upstream too */
			res.on('close', () => {
				if (!res.writableFinished)
					u.destroy();
			});
			u.end(body);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		entries: () => entries.slice(),
		reset() {
			entries = [];
		},
		close: () => new Promise((resolve) => {
			agent.destroy();
			server.closeAllConnections?.();
			server.close(() => resolve());
		}),
	};
}

const client = ddbClient();
let proxy;
let recorder;
let s;

function items() {
	const out = [];
	let n = 0;
	for (const pk of PKS) {
		for (let j = 0; j < ORDERS; j++)
			out.push({
				pk: { S: pk }, sk: { S: orderSk(j) }, val: { N: String(j) }, pad: { S: PAD },
				/* a decoy for the scan's early guess at a page's LastEvaluatedKey */
				LastEvaluatedKey: { M: { pk: { S: 'decoy' }, sk: { S: orderSk(j) } } },
			});
		for (let j = 0; j < USERS; j++, n++) {
			out.push({
				pk: { S: pk }, sk: { S: userSk(j) }, val: { N: String(1000 + j) },
				g1pk: { S: `G#${n % 4}` }, g1sk: { S: `${n % 3 === 0 ? 'Y' : 'X'}#${String(n).padStart(3, '0')}` },
			});
		}
	}
	return out;
}

before(async () => {
	await createTable(client, {
		TableName: TABLE,
		KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
		AttributeDefinitions: [
			{ AttributeName: 'pk', AttributeType: 'S' },
			{ AttributeName: 'sk', AttributeType: 'S' },
			{ AttributeName: 'g1pk', AttributeType: 'S' },
			{ AttributeName: 'g1sk', AttributeType: 'S' },
		],
		GlobalSecondaryIndexes: [{
			IndexName: 'gsi1',
			KeySchema: [{ AttributeName: 'g1pk', KeyType: 'HASH' }, { AttributeName: 'g1sk', KeyType: 'RANGE' }],
			Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['val'] },
		}],
	});
	await putItems(client, TABLE, items());

	proxy = await startProxy({ target: process.env.DYNAMO_ENDPOINT, logBodies: true });
	recorder = await startRecorder(proxy.url);
	s = new PsqlSession();
	for (const sql of [
		'SET client_min_messages = warning',
		'CREATE EXTENSION IF NOT EXISTS dynamo_fdw',
		`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`,
		`DROP SERVER IF EXISTS ${SERVER} CASCADE`,
		`CREATE SCHEMA ${SCHEMA}`,
		`CREATE SERVER ${SERVER} FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint ${q(recorder.url)}, region 'us-east-1')`,
		`CREATE USER MAPPING FOR CURRENT_USER SERVER ${SERVER} OPTIONS (access_key_id 'AKIDREADSREQ', secret_access_key 'reads-req-secret')`,
		`CREATE FOREIGN TABLE ${SCHEMA}.ft (pk text, sk text, val numeric, g1pk text, g1sk text) SERVER ${SERVER} OPTIONS (table_name ${q(TABLE)})`,
		/* one segment: the early guesses below are those of one page after another */
		`CREATE FOREIGN TABLE ${SCHEMA}.ft_decoy (pk text, sk text, "LastEvaluatedKey" jsonb) SERVER ${SERVER} OPTIONS (table_name ${q(TABLE)}, scan_segments '1')`,
		`CREATE TABLE ${SCHEMA}.keys (pk text, sk text)`,
		`INSERT INTO ${SCHEMA}.keys SELECT 'C#' || p, 'ORDER#' || lpad(o::text, 3, '0') FROM generate_series(0, 9) p, generate_series(0, ${ORDERS - 1}) o`,
		`ANALYZE ${SCHEMA}.keys`,
		/* table metadata (DescribeTable) is cached per backend: fetch it now */
		`SELECT count(*) FROM ${SCHEMA}.ft WHERE pk = 'C#0' AND sk = 'none'`,
	])
		await s.ok(sql);
});

after(async () => {
	if (s) {
		await s.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
		await s.query(`DROP SERVER IF EXISTS ${SERVER} CASCADE`);
		await s.close();
	}
	await recorder?.close();
	await proxy?.close();
	await dropTable(client, TABLE);
	client.destroy();
});

/*
 * Run SQL and return its rows with the requests it sent: { rows, counts,
 * entries, total }.
 */
async function measure(sql) {
	proxy.reset();
	recorder.reset();
	const r = await s.ok(sql);
	const counts = proxy.counts();
	const total = Object.values(counts).reduce((a, b) => a + b, 0);
	return { rows: r.rows, counts, entries: recorder.entries(), total };
}

/*
 * measure(SQL) with each answer held 300 ms at the proxy: requests sent one
 * after another could not overlap, so overlapping ones were in flight
 * together.
 */
async function measureHeld(sql) {
	proxy.setLatency({ requestMs: 300, mbMs: 0 });
	try {
		return await measure(sql);
	} finally {
		proxy.setLatency({ requestMs: 0, mbMs: 0 });
	}
}

/* EXPLAIN ANALYZE's figures for SQL: operation, index, requests, items scanned, rows. */
async function analyze(sql) {
	const r = await s.ok(`EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql}`);
	const plan = r.rows.map((x) => x[0]).join('\n');
	const num = (re) => {
		const m = plan.match(re);
		return m ? Number(m[1]) : null;
	};
	return {
		plan,
		op: plan.match(/DynamoDB Operation: (\w+)/)?.[1],
		index: plan.match(/DynamoDB Index: (\S+)/)?.[1] ?? null,
		requests: num(/DynamoDB Requests: (\d+)/),
		scanned: num(/Items Scanned: (\d+)/),
		rows: num(/Foreign Scan on [^\n]*\(actual rows=(\d+)/),
	};
}

function report(name, m, extra = '') {
	console.log(`# ${name}: ${m.rows.length} rows, requests ${JSON.stringify(m.counts)}${extra}`);
}

test('full-key equality is one GetItem', async () => {
	const sql = `SELECT pk, sk, val FROM ${SCHEMA}.ft WHERE pk = 'C#3' AND sk = 'ORDER#042'`;
	const m = await measure(sql);
	report('GetItem', m);
	assert.deepEqual(m.rows, [['C#3', 'ORDER#042', '42']]);
	assert.deepEqual(m.counts, { GetItem: 1 });
});

test('100 full keys in IN are one BatchGetItem', async () => {
	const sks = Array.from({ length: 100 }, (_, j) => q(orderSk(j)));
	const m = await measure(`SELECT pk, sk, val FROM ${SCHEMA}.ft WHERE pk = 'C#4' AND sk IN (${sks.join(', ')})`);
	report('BatchGetItem (pk =, 100 sk IN)', m);
	assert.equal(m.rows.length, 100);
	assert.deepEqual(m.counts, { BatchGetItem: 1 });

	const m2 = await measure(`SELECT pk, sk, val FROM ${SCHEMA}.ft WHERE pk IN (${PKS.map(q).join(', ')}) ` +
		`AND sk IN (${Array.from({ length: 10 }, (_, j) => q(orderSk(j * 7))).join(', ')})`);
	report('BatchGetItem (10 pk IN x 10 sk IN)', m2);
	assert.equal(m2.rows.length, 100);
	assert.deepEqual(m2.counts, { BatchGetItem: 1 });
});

test('1,000 full keys in IN are 10 BatchGetItems, all in flight together', async () => {
	const sks = Array.from({ length: ORDERS }, (_, j) => q(orderSk(j)));
	const sql = `SELECT count(*), sum(val) FROM ${SCHEMA}.ft WHERE pk IN (${PKS.map(q).join(', ')}) AND sk IN (${sks.join(', ')})`;
	const m = await measureHeld(sql);
	report('BatchGetItem (10 pk IN x 100 sk IN)', m);
	assert.deepEqual(m.rows, [['1000', String(10 * (ORDERS * (ORDERS - 1)) / 2)]]);
	assert.deepEqual(m.counts, { BatchGetItem: 10 });
	const log = proxy.log();
	const lastSent = Math.max(...log.map((e) => e.at));
	const firstAnswered = Math.min(...log.map((e) => e.at + e.ms));
	assert.ok(lastSent < firstAnswered, `the 10th request arrived ${lastSent - firstAnswered} ms after the first answer`);
});

test('partition key = and begins_with on the table is one Query reading only its rows', async () => {
	for (const cond of ["sk LIKE 'USER#%'", "sk ^@ 'USER#1'", "starts_with(sk, 'USER#0')"]) {
		const sql = `SELECT pk, sk, val FROM ${SCHEMA}.ft WHERE pk = 'C#5' AND ${cond}`;
		const m = await measure(sql);
		const scanned = m.entries.reduce((a, e) => a + (e.scanned ?? 0), 0);
		report(`Query on the table (${cond})`, m, `, ScannedCount ${scanned}`);
		assert.ok(m.rows.length > 0 && m.rows.every((r) => r[0] === 'C#5' && r[1].startsWith('USER#')));
		assert.deepEqual(m.counts, { Query: 1 });
		assert.equal(scanned, m.rows.length, 'DynamoDB read only the rows returned');
		const a = await analyze(sql);
		assert.equal(a.op, 'Query', a.plan);
		assert.equal(a.index, null, a.plan);
		assert.equal(a.requests, 1, a.plan);
		assert.equal(a.scanned, m.rows.length, `EXPLAIN ANALYZE's Items Scanned\n${a.plan}`);
	}
	/* the whole partition's USER items: 20 */
	const m = await measure(`SELECT sk FROM ${SCHEMA}.ft WHERE pk = 'C#5' AND sk LIKE 'USER#%'`);
	assert.equal(m.rows.length, USERS);
});

test('GSI partition key = and begins_with is one Query on the index reading only its rows', async () => {
	const sql = `SELECT pk, sk, g1pk, g1sk, val FROM ${SCHEMA}.ft WHERE g1pk = 'G#1' AND g1sk LIKE 'X#%'`;
	const m = await measure(sql);
	const scanned = m.entries.reduce((a, e) => a + (e.scanned ?? 0), 0);
	report('Query on gsi1', m, `, ScannedCount ${scanned}`);
	/* USER items n = 0..199 with n % 4 = 1 and n % 3 <> 0 */
	const want = Array.from({ length: 200 }, (_, n) => n).filter((n) => n % 4 === 1 && n % 3 !== 0).length;
	assert.equal(m.rows.length, want);
	assert.ok(m.rows.every((r) => r[2] === 'G#1' && r[3].startsWith('X#')));
	assert.deepEqual(m.counts, { Query: 1 });
	assert.equal(scanned, m.rows.length, 'DynamoDB read only the rows returned');
	const a = await analyze(sql);
	assert.equal(a.op, 'Query', a.plan);
	assert.equal(a.index, 'gsi1', a.plan);
	assert.equal(a.scanned, m.rows.length, `EXPLAIN ANALYZE's Items Scanned\n${a.plan}`);
});

/* 1,000 keys at BatchGetItem's 100 a request (the batched key join) */
test('a join of 1,000 local rows on the full key takes at most 10 requests', async () => {
	const sql = `SELECT count(*), count(f.val), sum(f.val) FROM ${SCHEMA}.keys k JOIN ${SCHEMA}.ft f ON f.pk = k.pk AND f.sk = k.sk`;
	const m = await measure(sql);
	report('join of 1,000 keys', m);
	/* sum of val: 10 partitions x (0 + ... + 99) */
	assert.deepEqual(m.rows, [['1000', '1000', String(10 * (ORDERS * (ORDERS - 1)) / 2)]]);
	assert.equal(m.counts.Scan ?? 0, 0, `no Scan of the whole table: ${JSON.stringify(m.counts)}`);
	assert.ok(m.total <= 10, `${m.total} requests: ${JSON.stringify(m.counts)}`);
});

/*
 * A scan that reads every page of a large table (12 MB here) may read it in
 * segments, one per 4 MB, each with its next page asked for ahead.  It
 * begins with one and begins another each time it waits for a page longer
 * than a quarter of its mean work on a page (a segment's first page, asked
 * for when the segment before it ended, is not judged).  With every answer held
 * 300 ms (far longer than the work on a page), the first segment begins
 * alone, the other two join while it is read, and from then on requests
 * are in flight together; every item comes once.
 */
test('a full scan of a 12 MB table that waits for its pages reads 3 segments, their pages asked for together', async () => {
	const sql = `SELECT pk, sk, val FROM ${SCHEMA}.ft`;
	const plan = (await s.ok(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((r) => r[0]).join('\n');
	assert.match(plan, /Scan Segments: 3/, plan);
	const m = await measureHeld(sql);
	const want = items().map((it) => `${it.pk.S}|${it.sk.S}|${it.val.N}`);
	assert.deepEqual(m.rows.map((r) => r.join('|')).sort(), want.sort());
	const scans = proxy.log().filter((e) => e.op === 'Scan');
	report('Scan in segments read ahead, answers held 300 ms', m);
	assert.deepEqual(Object.keys(m.counts), ['Scan']);
	const segment = (e) => JSON.parse(e.body).Segment;
	/* one segment's first page alone, before any answer came back */
	const firstAnswer = Math.min(...scans.map((e) => e.at + e.ms));
	assert.deepEqual(scans.filter((e) => e.at < firstAnswer).map(segment), [0]);
	assert.deepEqual([...new Set(scans.map(segment))].sort(), [0, 1, 2]);
	/* pages later on overlapped: more requests in flight than one at a time allows */
	const overlapped = scans.filter((e, i) => i > 0 && e.at < scans[i - 1].at + scans[i - 1].ms).length;
	assert.ok(overlapped >= scans.length / 2, `${overlapped} of ${scans.length} requests sent before the one before was answered`);
	/* EXPLAIN ANALYZE counts the segments read together (as many as waits began: 2 or 3) */
	proxy.setLatency({ requestMs: 300, mbMs: 0 });
	try {
		const a = await analyze(sql);
		assert.ok(Number(a.plan.match(/Scan Segments at Once: (\d+)/)?.[1]) >= 2, a.plan);
	} finally {
		proxy.setLatency({ requestMs: 0, mbMs: 0 });
	}
});

/*
 * The same scan when its work on each page is long (5 ms a row, about half
 * a second a page) and the answers come at once: it never waits a quarter
 * of that for a page asked for ahead (nor is the wait for a segment's
 * first page, asked for as the one before ended, judged), so it reads one
 * segment at a time,
 * each to its end before the next begins: more requests in flight could
 * not make it faster.
 */
test('the same scan, its work longer than the waits, reads one segment at a time', async () => {
	const sql = `SELECT pk, sk, val, pg_sleep(0.005) FROM ${SCHEMA}.ft`;
	proxy.reset();
	const a = await analyze(sql);
	assert.equal(a.rows, items().length, a.plan);
	const segments = proxy.log().filter((e) => e.op === 'Scan').map((e) => JSON.parse(e.body).Segment);
	console.log(`# Scan in segments read ahead, 5 ms of work a row: segments in turn ${segments.join(' ')}`);
	assert.deepEqual(segments, [...segments].sort((a, b) => a - b));
	assert.deepEqual([...new Set(segments)], [0, 1, 2]);
	assert.match(a.plan, /Scan Segments at Once: 1/, a.plan);
});

/*
 * A scan that fails (division by zero at its first row) has asked for its
 * second page ahead (as its first arrived: every row was expected).  The
 * abort forgets that request and closes its connection, rather than keep
 * its answer until another scan needs the slot.  Answers are held 300 ms,
 * so the second one is still at the proxy when the error comes.
 */
test('an aborted scan forgets the page it asked for ahead', async () => {
	const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
	proxy.reset();
	proxy.setLatency({ requestMs: 300, mbMs: 0 });
	try {
		const r = await s.query(`SELECT pk, 1 / (val - val) FROM ${SCHEMA}.ft`);
		assert.equal(r.error?.sqlstate, '22012', JSON.stringify(r.error));
		await sleep(800);
	} finally {
		proxy.setLatency({ requestMs: 0, mbMs: 0 });
	}
	const scans = proxy.log().filter((e) => e.op === 'Scan');
	console.log(`# aborted scan: ${JSON.stringify(scans.map((e) => ({ ms: e.ms, abandoned: e.abandoned ?? false })))}`);
	assert.equal(scans.length, 2, 'the first page and the second, asked for ahead');
	assert.ok(!scans[0].abandoned, 'the first page was read');
	assert.equal(scans[1].abandoned, true, 'the page asked for ahead was dropped at the abort');
});

/*
 * A scan asks for a page's next page as soon as the page arrives, with the
 * LastEvaluatedKey read from the end of its text, and checks that guess
 * against the parsed page.  Here every ORDER item holds a map attribute
 * named LastEvaluatedKey: the last page has no real one, so the guess
 * finds an item's and is wrong; the request it sent is dropped.
 */
test('a wrong early guess at the next page is dropped: rows exact, one request more', async () => {
	const sql = `SELECT pk, sk, "LastEvaluatedKey" FROM ${SCHEMA}.ft_decoy`;
	const m = await measure(sql);
	const want = items().map((it) => `${it.pk.S}|${it.sk.S}|` +
		(it.LastEvaluatedKey ? JSON.stringify({ pk: 'decoy', sk: it.sk.S }) : ''));
	const got = m.rows.map(([pk, sk, lek]) => `${pk}|${sk}|${lek ? JSON.stringify(JSON.parse(lek)) : ''}`);
	assert.deepEqual(got.sort(), want.sort());

	const a = await analyze(sql);
	const pages = Number(a.plan.match(/DynamoDB Pages: (\d+)/)?.[1]);
	report('Scan with a decoy LastEvaluatedKey', m, `; EXPLAIN: ${pages} pages, ${a.requests} requests`);
	assert.ok(pages > 2, a.plan);
	/* the pages, and the last page's wrong guess */
	assert.equal(a.requests, pages + 1, a.plan);
	/* the dropped request may be cut off before it is sent in full */
	assert.ok(m.counts.Scan >= pages && m.counts.Scan <= pages + 1, JSON.stringify(m.counts));
	/* every page's answer was used once: Count adds up to the rows */
	const counted = m.entries.filter((e) => e.op === 'Scan' && e.count !== undefined)
		.slice(0, pages).reduce((n, e) => n + e.count, 0);
	assert.equal(counted, m.rows.length);
});

/*
 * The same scan when DynamoDB writes LastEvaluatedKey before Items (the
 * proxy reorders each answer, with a matching CRC32): on every page the
 * last "LastEvaluatedKey" in the text is then an item's, every guess is
 * wrong, and only the check against the parsed page keeps the scan on the
 * right pages.
 */
test('guesses wrong on every page: each is dropped, the rows stay exact', async () => {
	const sql = `SELECT pk, sk, "LastEvaluatedKey" FROM ${SCHEMA}.ft_decoy`;
	proxy.reset();
	recorder.reset();
	proxy.setFaults([{ op: 'Scan', fault: 'lek-first' }]);
	try {
		const r = await s.ok(sql);
		const want = items().map((it) => `${it.pk.S}|${it.sk.S}`);
		assert.deepEqual(r.rows.map(([pk, sk]) => `${pk}|${sk}`).sort(), want.sort());
		const a = await analyze(sql);
		const pages = Number(a.plan.match(/DynamoDB Pages: (\d+)/)?.[1]);
		console.log(`# Scan with LastEvaluatedKey first: ${r.rows.length} rows; EXPLAIN: ${pages} pages, ${a.requests} requests`);
		assert.ok(pages > 2, a.plan);
		/* a wrong guess on each page that holds an ORDER item, the last one's included */
		assert.ok(a.requests >= 2 * pages - 1, a.plan);
	} finally {
		proxy.setFaults([]);
	}
});

/*
 * When the page after the first is asked for.  A query the planner expects
 * to read to the end asks for it as soon as the first page arrives; one
 * that may stop early (a LIMIT the executor applies, a cursor) waits until
 * half the first page is read, so that stopping within that half costs no
 * second page.  A cursor shows both: the planner expects it to be read to
 * cursor_tuple_fraction, and FETCH 1 stops after one row.
 */
test('the second page is asked for when the first arrives only if every row is expected to be read', async () => {
	const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
	/*
	 * 0.1: one page, nothing ahead.  1.0: every row expected, so the first
	 * of the table's 3 segments (see above) asks for its first page, and
	 * its second page as soon as its first arrives: 2 (the other segments
	 * begin only when the scan waits for a page, after FETCH 1 here).
	 */
	for (const [fraction, want] of [['0.1', 1], ['1.0', 2]]) {
		await s.ok('BEGIN');
		await s.ok(`SET LOCAL cursor_tuple_fraction = ${fraction}`);
		await s.ok(`DECLARE c CURSOR FOR SELECT pk, sk FROM ${SCHEMA}.ft`);
		proxy.reset();
		const r = await s.ok('FETCH 1 FROM c');
		assert.equal(r.rows.length, 1);
		/* the backend sends what it asks for ahead while it works: give it time */
		let scans = 0;
		for (let i = 0; i < 20 && scans < want; i++) {
			await sleep(100);
			scans = proxy.counts().Scan ?? 0;
		}
		await sleep(500);
		scans = proxy.counts().Scan ?? 0;
		await s.ok('COMMIT');
		console.log(`# cursor_tuple_fraction ${fraction}, FETCH 1: ${scans} Scan requests`);
		assert.equal(scans, want, `cursor_tuple_fraction ${fraction}`);
	}
	/* a LIMIT the executor applies (the filter stays local) within half a page */
	const m = await measure(`SELECT pk, sk FROM ${SCHEMA}.ft WHERE length(sk) > 0 LIMIT 3`);
	report('LIMIT 3 over a local filter', m);
	assert.equal(m.rows.length, 3);
	assert.deepEqual(m.counts, { Scan: 1 });
});
