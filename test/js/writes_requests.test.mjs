/*
 * test/js/writes_requests.test.mjs - what the write path sends to DynamoDB,
 * counted at the wire.
 *
 * A foreign server points at a small recorder, which keeps every request
 * body and forwards it to the counting proxy (test/tools/proxy.mjs), which
 * forwards it to DynamoDB Local:
 *
 *   PostgreSQL -> recorder (bodies) -> proxy (counts, faults) -> DynamoDB Local
 *
 * So each test can say how many TransactWriteItems requests a transaction
 * made, with how many actions, and what each carried.  Everything written
 * is read back with the SDK.  Tables start with wrq_ and are dropped at the
 * end.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startProxy } from '../tools/proxy.mjs';
import { PsqlSession } from '../tools/psql.mjs';
import { ddbClient, createTable, dropTable, putItems, scanAll } from '../tools/ddb_load.mjs';

const TABLES = {
	wrq_items: 'pk',
	wrq_users: 'id',
	wrq_profiles: 'userId',
	wrq_wallets: 'userId',
	wrq_audit_logs: 'id',
	wrq_temp_registrations: 'registrationId',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let ddb;
let proxy;
let recorder;
let session;
const bodies = [];				/* {op, body} of every request, in order */

/* Forward to the proxy, keeping each request's operation and JSON body. */
function startRecorder(target) {
	const up = new URL(target);
	const agent = new http.Agent({ keepAlive: true });
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '(none)';
			let json = null;
			try {
				json = JSON.parse(body.toString('utf8'));
			} catch {
				/* not JSON */
			}
			bodies.push({ op, body: json });
			const headers = { ...req.headers };
			delete headers.connection;
			const u = http.request({
				host: up.hostname, port: up.port, method: req.method, path: req.url, headers, agent,
			}, (r) => {
				res.writeHead(r.statusCode, r.headers);
				r.pipe(res);
			});
			u.on('error', () => {
				res.destroy();
			});
			u.end(body);
		});
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => resolve({
			url: `http://127.0.0.1:${server.address().port}`,
			close: () => new Promise((r) => {
				server.closeAllConnections();
				agent.destroy();
				server.close(() => r());
			}),
		}));
	});
}

function reset() {
	proxy.reset();
	bodies.length = 0;
}

const writes = () => bodies.filter((b) => b.op === 'TransactWriteItems');
const count = (op) => proxy.counts()[op] ?? 0;

/* Run SQL lines in the session; every one must succeed. */
async function ok(...lines) {
	for (const l of lines)
		await session.ok(l);
}

/* The items of TABLE, keyed by their key's string value. */
async function items(table) {
	const out = {};
	for (const it of await scanAll(ddb, table, { ConsistentRead: true }))
		out[it[TABLES[table]].S] = it;
	return out;
}

before(async () => {
	ddb = ddbClient();
	for (const [name, key] of Object.entries(TABLES))
		await createTable(ddb, {
			TableName: name,
			KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
			AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
		});
	await putItems(ddb, 'wrq_users', [
		{ id: { S: 'user-456' }, email: { S: 'bob@old.example.com' }, status: { S: 'suspended' } },
	]);
	await putItems(ddb, 'wrq_temp_registrations', ['temp-123', 'temp-124', 'temp-456', 'temp-457']
		.map((id) => ({ registrationId: { S: id } })));

	proxy = await startProxy({ target: process.env.DYNAMO_ENDPOINT });
	recorder = await startRecorder(proxy.url);
	session = new PsqlSession();
	await ok(
		'SET client_min_messages = warning',
		'CREATE EXTENSION IF NOT EXISTS dynamo_fdw',
		'DROP SERVER IF EXISTS wrq_ddb CASCADE',
		'RESET client_min_messages',
		`CREATE SERVER wrq_ddb FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint '${recorder.url}', region 'us-east-1')`,
		"CREATE USER MAPPING FOR CURRENT_USER SERVER wrq_ddb OPTIONS (access_key_id 'AKIDWRQTEST', secret_access_key 'wrq-secret')",
		"CREATE FOREIGN TABLE wrq_items (pk text, v text, n int) SERVER wrq_ddb OPTIONS (table_name 'wrq_items')",
		"CREATE FOREIGN TABLE wrq_users (id text, email text, status text) SERVER wrq_ddb OPTIONS (table_name 'wrq_users')",
		`CREATE FOREIGN TABLE wrq_profiles ("userId" text, "firstName" text, "lastName" text, preferences jsonb)
		   SERVER wrq_ddb OPTIONS (table_name 'wrq_profiles')`,
		`CREATE FOREIGN TABLE wrq_wallets ("userId" text, balance numeric, currency text)
		   SERVER wrq_ddb OPTIONS (table_name 'wrq_wallets')`,
		`CREATE FOREIGN TABLE wrq_audit_logs (id text, action text, "userId" text, "timestamp" bigint)
		   SERVER wrq_ddb OPTIONS (table_name 'wrq_audit_logs')`,
		`CREATE FOREIGN TABLE wrq_temp_registrations ("registrationId" text)
		   SERVER wrq_ddb OPTIONS (table_name 'wrq_temp_registrations')`,
	);
});

after(async () => {
	if (session) {
		await session.query('SET client_min_messages = warning');
		await session.query('DROP SERVER IF EXISTS wrq_ddb CASCADE');
		await session.close();
	}
	if (recorder)
		await recorder.close();
	if (proxy)
		await proxy.close();
	if (ddb) {
		for (const name of Object.keys(TABLES))
			await dropTable(ddb, name);
		ddb.destroy();
	}
});

/* The registration of typeorm-dynamodb's README, for user U. */
function registration(u, n, temps) {
	return [
		'BEGIN',
		`INSERT INTO wrq_users VALUES ('${u}', '${u}@example.com', 'active')`,
		`INSERT INTO wrq_profiles VALUES ('${u}', 'First', 'Last', '{"newsletter": true}')`,
		`INSERT INTO wrq_wallets VALUES ('${u}', 0.00, 'USD')`,
		`INSERT INTO wrq_audit_logs VALUES
		   ('audit-${n}', 'USER_CREATED', '${u}', 1714564800000),
		   ('audit-${n + 1}', 'PROFILE_CREATED', '${u}', 1714564800000),
		   ('audit-${n + 2}', 'WALLET_CREATED', '${u}', 1714564800000)`,
		`DELETE FROM wrq_temp_registrations WHERE "registrationId" IN ('${temps[0]}', '${temps[1]}')`,
	];
}

test('the typeorm-dynamodb registration is one TransactWriteItems request across five tables', async () => {
	const steps = registration('user-123', 1, ['temp-123', 'temp-124']);
	await ok(...steps);
	reset();
	await ok('COMMIT');
	assert.equal(count('TransactWriteItems'), 1);
	assert.deepEqual(Object.keys(proxy.counts()), ['TransactWriteItems'], 'COMMIT sends nothing else');
	const actions = writes()[0].body.TransactItems;
	assert.equal(actions.length, 8);
	const kinds = actions.map((a) => `${Object.keys(a)[0]} ${Object.values(a)[0].TableName}`).sort();
	assert.deepEqual(kinds, [
		'Delete wrq_temp_registrations', 'Delete wrq_temp_registrations',
		'Put wrq_audit_logs', 'Put wrq_audit_logs', 'Put wrq_audit_logs',
		'Put wrq_profiles', 'Put wrq_users', 'Put wrq_wallets',
	]);
	assert.ok((await items('wrq_users'))['user-123']);
	assert.ok((await items('wrq_profiles'))['user-123']);
	assert.ok((await items('wrq_wallets'))['user-123']);
	assert.deepEqual(Object.keys(await items('wrq_audit_logs')).sort(), ['audit-1', 'audit-2', 'audit-3']);
	assert.deepEqual(Object.keys(await items('wrq_temp_registrations')).sort(), ['temp-456', 'temp-457']);
});

test('with an existing user the one request is cancelled: 23505 naming the user, no table changed', async () => {
	const before = {};
	for (const t of Object.keys(TABLES))
		before[t] = await items(t);
	await ok(...registration('user-456', 4, ['temp-456', 'temp-457']));
	reset();
	const r = await session.query('COMMIT');
	assert.equal(r.error?.sqlstate, '23505');
	assert.match(r.error.message, /wrq_users/);
	assert.equal(count('TransactWriteItems'), 1);
	assert.equal(writes()[0].body.TransactItems.length, 8);
	for (const t of Object.keys(TABLES))
		assert.deepEqual(await items(t), before[t], `${t} unchanged`);
});

test('INSERT, UPDATE, UPDATE of one key: one request with one Put of the final item', async () => {
	await ok(
		'BEGIN',
		"INSERT INTO wrq_items VALUES ('m1', 'a', 1)",
		"UPDATE wrq_items SET v = 'b' WHERE pk = 'm1'",
		"UPDATE wrq_items SET n = n + 41 WHERE pk = 'm1'",
	);
	reset();
	await ok('COMMIT');
	assert.equal(count('TransactWriteItems'), 1);
	const actions = writes()[0].body.TransactItems;
	assert.equal(actions.length, 1);
	const put = actions[0].Put;
	assert.ok(put, 'a Put');
	assert.deepEqual(put.Item, { pk: { S: 'm1' }, v: { S: 'b' }, n: { N: '42' } });
	assert.equal(put.ConditionExpression, 'attribute_not_exists(#k)');
	assert.deepEqual(put.ExpressionAttributeNames, { '#k': 'pk' });
	assert.deepEqual((await items('wrq_items')).m1, { pk: { S: 'm1' }, v: { S: 'b' }, n: { N: '42' } });
});

test('UPDATE, UPDATE of an existing item: one Update conditioned on what the first UPDATE read', async () => {
	await ok(
		'BEGIN',
		"UPDATE wrq_items SET v = 'c' WHERE pk = 'm1'",
		"UPDATE wrq_items SET n = NULL WHERE pk = 'm1'",
	);
	reset();
	await ok('COMMIT');
	const actions = writes().flatMap((w) => w.body.TransactItems);
	assert.equal(actions.length, 1);
	const upd = actions[0].Update;
	assert.ok(upd, 'an Update');
	/* the item still exists and holds v = 'b', n = 42, as the first UPDATE read it */
	assert.equal(upd.ConditionExpression, 'attribute_exists(#k) AND #e0 = :e0 AND #e1 = :e1');
	assert.match(upd.UpdateExpression, /^SET #a0 = :v0 REMOVE #a1$/);
	assert.deepEqual(upd.ExpressionAttributeNames,
		{ '#k': 'pk', '#a0': 'v', '#a1': 'n', '#e0': 'v', '#e1': 'n' });
	assert.deepEqual(upd.ExpressionAttributeValues,
		{ ':v0': { S: 'c' }, ':e0': { S: 'b' }, ':e1': { N: '42' } });
	assert.equal(upd.ReturnValuesOnConditionCheckFailure, 'ALL_OLD');
	assert.deepEqual((await items('wrq_items')).m1, { pk: { S: 'm1' }, v: { S: 'c' } });
});

test('BEGIN; DELETE; ROLLBACK sends nothing', async () => {
	await ok('BEGIN', "DELETE FROM wrq_items WHERE pk = 'm1'", "INSERT INTO wrq_items VALUES ('r1', 'x', 1)");
	reset();
	await ok('ROLLBACK');
	assert.deepEqual(proxy.counts(), {});
	assert.ok((await items('wrq_items')).m1);
	assert.equal((await items('wrq_items')).r1, undefined);
	/* the whole transaction, statements included, wrote nothing */
	reset();
	await ok('BEGIN', "DELETE FROM wrq_items WHERE pk = 'm1'", 'ROLLBACK');
	assert.equal(count('TransactWriteItems'), 0);
});

test('100 actions commit in one request', async () => {
	await ok('BEGIN', "INSERT INTO wrq_items SELECT 'h' || i, 'hundred', i FROM generate_series(1, 100) i");
	reset();
	await ok('COMMIT');
	assert.equal(count('TransactWriteItems'), 1);
	assert.equal(writes()[0].body.TransactItems.length, 100);
	const all = await items('wrq_items');
	assert.equal(Object.keys(all).filter((k) => k.startsWith('h')).length, 100);
});

test('101 actions without strict atomicity commit in two requests, 100 and 1', async () => {
	await ok(
		'BEGIN',
		"UPDATE wrq_items SET n = n + 1000 WHERE v = 'hundred'",
		"INSERT INTO wrq_items VALUES ('h101', 'hundred', 1101)",
	);
	reset();
	await ok('COMMIT');
	assert.equal(count('TransactWriteItems'), 2);
	assert.deepEqual(writes().map((w) => w.body.TransactItems.length), [100, 1]);
	const all = Object.values(await items('wrq_items')).filter((i) => i.v?.S === 'hundred');
	assert.equal(all.length, 101);
	assert.ok(all.every((i) => Number(i.n.N) > 1000));
});

test('101 actions with strict atomicity fail before any TransactWriteItems request', async () => {
	const before = await items('wrq_items');
	await ok('SET dynamo_fdw.strict_atomicity = on', 'BEGIN');
	reset();
	const r = await session.query("UPDATE wrq_items SET v = 'strict' WHERE v = 'hundred'");
	assert.equal(r.error?.sqlstate, '54000');
	await session.query('COMMIT');
	assert.equal(count('TransactWriteItems'), 0);
	/* the 101st item of a transaction is refused when it is written */
	await ok('BEGIN', "INSERT INTO wrq_items SELECT 'st' || i, 'strict', i FROM generate_series(1, 100) i");
	const r2 = await session.query("DELETE FROM wrq_items WHERE pk = 'h1'");
	assert.equal(r2.error?.sqlstate, '54000');
	await session.query('ROLLBACK');
	await ok('RESET dynamo_fdw.strict_atomicity');
	assert.equal(count('TransactWriteItems'), 0);
	assert.deepEqual(await items('wrq_items'), before);
});

test('requests stay under the 4 MB limit: large items split a batch; strict atomicity refuses before sending', async () => {
	/* 20 items of 300,000 bytes: 6 MB, more than one request can carry */
	await ok('BEGIN', "INSERT INTO wrq_items SELECT 'size' || i, repeat('x', 300000), i FROM generate_series(1, 20) i");
	reset();
	await ok('COMMIT');
	const sizes = writes().map((w) => w.body.TransactItems.length);
	assert.equal(sizes.length, 2, `requests: ${sizes}`);
	assert.equal(sizes[0] + sizes[1], 20);
	const big = Object.keys(await items('wrq_items')).filter((k) => k.startsWith('size'));
	assert.equal(big.length, 20);
	await ok('SET dynamo_fdw.strict_atomicity = on', 'BEGIN',
		"UPDATE wrq_items SET v = repeat('y', 300000) WHERE pk LIKE 'size%'");
	reset();
	const r = await session.query('COMMIT');
	assert.equal(r.error?.sqlstate, '54000');
	assert.match(r.error.message, /exceed the size of one request/);
	assert.equal(count('TransactWriteItems'), 0);
	await ok('RESET dynamo_fdw.strict_atomicity', 'BEGIN', "DELETE FROM wrq_items WHERE pk LIKE 'size%'", 'COMMIT');
	assert.ok(Object.values(await items('wrq_items')).every((i) => !i.pk.S.startsWith('size')));
});

test('every TransactWriteItems request carries its own ClientRequestToken', async () => {
	await ok('BEGIN', "UPDATE wrq_items SET n = n + 1 WHERE v = 'hundred'");
	reset();
	await ok('COMMIT');
	const tokens = writes().map((w) => w.body.ClientRequestToken);
	assert.equal(tokens.length, 2);
	for (const t of tokens)
		assert.match(t, UUID);
	assert.notEqual(tokens[0], tokens[1]);
});

test('a request retried after a lost response keeps its token and is applied once', async () => {
	await ok('BEGIN', "INSERT INTO wrq_items VALUES ('idem', 'once', 1)");
	reset();
	/* DynamoDB applies the first attempt; its response is cut off */
	proxy.setFaults([{ op: 'TransactWriteItems', fault: 'reset-mid-body', times: 1 }]);
	const r = await session.query('COMMIT');
	proxy.setFaults([]);
	assert.equal(r.error, null, 'no 23505: the retry is recognised as the same request');
	const sent = writes();
	assert.equal(sent.length, 2);
	assert.equal(sent[0].body.ClientRequestToken, sent[1].body.ClientRequestToken);
	assert.deepEqual((await items('wrq_items')).idem, { pk: { S: 'idem' }, v: { S: 'once' }, n: { N: '1' } });
});

test('bulk mode writes INSERT ... SELECT and COPY with BatchWriteItem, 25 items a request', async () => {
	await ok('SET dynamo_fdw.bulk_write = on');
	reset();
	await ok("INSERT INTO wrq_items SELECT 'bulk' || i, 'bulk', i FROM generate_series(1, 60) i");
	assert.equal(count('TransactWriteItems'), 0);
	assert.equal(count('BatchWriteItem'), 3);
	assert.deepEqual(bodies.filter((b) => b.op === 'BatchWriteItem')
		.map((b) => b.body.RequestItems.wrq_items.length).sort(), [10, 25, 25]);
	reset();
	await ok("COPY wrq_items (pk) FROM PROGRAM 'seq 1 30 | sed s/^/copy/'");
	assert.equal(count('BatchWriteItem'), 2);
	assert.equal(count('TransactWriteItems'), 0);
	await ok('RESET dynamo_fdw.bulk_write');
	const all = Object.keys(await items('wrq_items'));
	assert.equal(all.filter((k) => k.startsWith('bulk')).length, 60);
	assert.equal(all.filter((k) => k.startsWith('copy')).length, 30);
});

test('a transaction that outgrows the buffer sends its oldest batches early, and says so at ROLLBACK', async () => {
	await ok('BEGIN');
	reset();
	/* 10,000 buffered actions at most: the 10,001st sends the oldest 200 */
	await ok("INSERT INTO wrq_items SELECT 'big' || i, 'big', i FROM generate_series(1, 10050) i");
	const early = count('TransactWriteItems');
	assert.ok(early >= 2, `batches sent during the statement: ${early}`);
	assert.ok(writes().every((w) => w.body.TransactItems.length === 100));
	const sentBefore = writes().length * 100;
	const stderrBefore = session.stderr.length;
	reset();
	await ok('ROLLBACK');
	assert.equal(count('TransactWriteItems'), 0, 'ROLLBACK sends nothing more');
	const warning = new RegExp(`WARNING: +${sentBefore} DynamoDB actions of this transaction were already committed`);
	assert.match(await session.stderrMatching(warning, stderrBefore), warning);
	const big = Object.values(await items('wrq_items')).filter((i) => i.v?.S === 'big');
	assert.equal(big.length, sentBefore, 'the early batches stay committed; nothing else was written');
	/* the oldest rows went first */
	assert.deepEqual(big.map((i) => Number(i.n.N)).sort((a, b) => a - b),
		Array.from({ length: sentBefore }, (_, i) => i + 1));
});

test('the commit gap: DynamoDB commits at pre-commit, then PostgreSQL fails to commit', async () => {
	const other = new PsqlSession();
	try {
		await ok('DROP TABLE IF EXISTS wrq_local',
			'CREATE TABLE wrq_local (class int, v int)',
			'INSERT INTO wrq_local VALUES (1, 10), (2, 20)');
		/* write skew between two SERIALIZABLE transactions: found at commit */
		await ok('BEGIN ISOLATION LEVEL SERIALIZABLE', 'SELECT sum(v) FROM wrq_local WHERE class = 1');
		await other.ok('BEGIN ISOLATION LEVEL SERIALIZABLE');
		await other.ok('SELECT sum(v) FROM wrq_local WHERE class = 2');
		await ok('INSERT INTO wrq_local VALUES (2, 30)',
			"INSERT INTO wrq_items VALUES ('gap', 'in DynamoDB only', 1)");
		await other.ok('INSERT INTO wrq_local VALUES (1, 40)');
		await other.ok('COMMIT');
		reset();
		const stderrBefore = session.stderr.length;
		const r = await session.query('COMMIT');
		assert.equal(r.error?.sqlstate, '40001', 'PostgreSQL refuses the commit');
		assert.equal(count('TransactWriteItems'), 1, 'after DynamoDB had been sent the writes');
		const warning = /WARNING: +the 1 DynamoDB actions of this transaction were committed before it failed/;
		assert.match(await session.stderrMatching(warning, stderrBefore), warning);
		assert.deepEqual((await items('wrq_items')).gap, { pk: { S: 'gap' }, v: { S: 'in DynamoDB only' }, n: { N: '1' } });
		assert.equal(await session.value('SELECT count(*) FROM wrq_local WHERE v = 30'), '0');
	} finally {
		await other.close();
		await session.query('DROP TABLE IF EXISTS wrq_local');
	}
});

test('a statement that outgrows the buffer still changes each item once and never sees its own writes', async () => {
	await ok('SET dynamo_fdw.bulk_write = on',
		"INSERT INTO wrq_items SELECT 'many' || i, 'many', i FROM generate_series(1, 10250) i",
		'RESET dynamo_fdw.bulk_write');
	/* an UPDATE of every item: batches go out while the scan still runs */
	await ok('BEGIN');
	reset();
	const u = await session.query("UPDATE wrq_items SET n = n + 100000 WHERE v = 'many'");
	assert.equal(u.error, null);
	assert.ok(count('TransactWriteItems') >= 2, 'early batches during the UPDATE');
	assert.deepEqual((await session.ok("SELECT count(*), min(n), max(n) FROM wrq_items WHERE v = 'many'")).rows,
		[['10250', '100001', '110250']]);
	await ok('COMMIT');
	const many = Object.values(await items('wrq_items')).filter((i) => i.v?.S === 'many');
	assert.equal(many.length, 10250);
	assert.ok(many.every((i) => Number(i.n.N) === Number(i.pk.S.slice(4)) + 100000), 'each item updated once');
	/* INSERT ... SELECT from the same table: copies are not copied again */
	await ok('BEGIN', "INSERT INTO wrq_items SELECT pk || '-copy', 'many copy', n FROM wrq_items WHERE v = 'many'");
	assert.equal(await session.value("SELECT count(*) FROM wrq_items WHERE v = 'many copy'"), '10250');
	await ok('COMMIT');
	const copies = Object.values(await items('wrq_items')).filter((i) => i.v?.S === 'many copy');
	assert.equal(copies.length, 10250);
	assert.ok(copies.every((i) => i.pk.S.endsWith('-copy') && !i.pk.S.endsWith('-copy-copy')));
});

/* ---- single-item writes pushed down (direct modification) ---- */

test('autocommit UPDATE n = n + 1 by the full key: one UpdateItem, no read', async () => {
	await ok("INSERT INTO wrq_items VALUES ('d1', 'x', 41)");
	reset();
	const r = await session.ok("UPDATE wrq_items SET n = n + 1 WHERE pk = 'd1' RETURNING n, v");
	assert.deepEqual(r.rows, [['42', 'x']]);
	assert.deepEqual(proxy.counts(), { UpdateItem: 1 });
	const upd = bodies[0].body;
	assert.equal(upd.ReturnValues, 'ALL_NEW');
	assert.match(upd.UpdateExpression, /^SET (#n\d+) = \1 \+ :v\d+$/);
	assert.match(upd.ConditionExpression, /^attribute_exists\(#n\d+\) AND #n\d+ = :v\d+ AND #n\d+ BETWEEN :g0lo AND :g0hi$/);
	assert.equal((await items('wrq_items')).d1.n.N, '42');
});

test('autocommit UPDATE whose condition fails: UPDATE 0 from the one request', async () => {
	reset();
	const r = await session.ok("UPDATE wrq_items SET v = 'no' WHERE pk = 'd1' AND n > 100 RETURNING n");
	assert.deepEqual(r.rows, []);
	assert.deepEqual(proxy.counts(), { UpdateItem: 1 });
	assert.equal((await items('wrq_items')).d1.v.S, 'x');
});

test('autocommit DELETE by the full key: one DeleteItem, no read', async () => {
	reset();
	const r = await session.ok("DELETE FROM wrq_items WHERE pk = 'd1' RETURNING n");
	assert.deepEqual(r.rows, [['42']]);
	assert.deepEqual(proxy.counts(), { DeleteItem: 1 });
	assert.equal(bodies[0].body.ReturnValues, 'ALL_OLD');
	assert.equal((await items('wrq_items')).d1, undefined);
	reset();
	const again = await session.ok("DELETE FROM wrq_items WHERE pk = 'd1' RETURNING n");
	assert.deepEqual(again.rows, []);
	assert.deepEqual(proxy.counts(), { DeleteItem: 1 });
});

test('autocommit INSERT ... ON CONFLICT DO NOTHING of one row: one conditional PutItem', async () => {
	reset();
	let r = await session.ok("INSERT INTO wrq_items VALUES ('d2', 'first', 1) ON CONFLICT DO NOTHING RETURNING v");
	assert.deepEqual(r.rows, [['first']]);
	assert.deepEqual(proxy.counts(), { PutItem: 1 });
	assert.equal(bodies[0].body.ConditionExpression, 'attribute_not_exists(#k)');
	reset();
	r = await session.ok("INSERT INTO wrq_items VALUES ('d2', 'second', 2) ON CONFLICT DO NOTHING RETURNING v");
	assert.deepEqual(r.rows, []);
	assert.deepEqual(proxy.counts(), { PutItem: 1 });
	assert.equal((await items('wrq_items')).d2.v.S, 'first');
});

test('UPDATE n = n + 1 in a transaction block: a consistent GetItem, then the write at commit on what it read', async () => {
	await ok('BEGIN');
	reset();
	const r = await session.ok("UPDATE wrq_items SET n = n + 1 WHERE pk = 'd2' RETURNING n");
	assert.deepEqual(r.rows, [['2']]);
	assert.deepEqual(proxy.counts(), { GetItem: 1 });
	assert.equal(bodies[0].body.ConsistentRead, true);
	/* read-your-writes before the commit */
	assert.equal(await session.value("SELECT n FROM wrq_items WHERE pk = 'd2'"), '2');
	reset();
	await ok('COMMIT');
	assert.deepEqual(proxy.counts(), { TransactWriteItems: 1 });
	const upd = writes()[0].body.TransactItems[0].Update;
	assert.equal(upd.ConditionExpression, 'attribute_exists(#k) AND #e0 = :e0 AND #e1 = :e1');
	assert.deepEqual(upd.ExpressionAttributeValues[':e1'], { N: '1' });
	assert.equal((await items('wrq_items')).d2.n.N, '2');
});

test('an integer that would overflow: the one request fails its guard, and PostgreSQL says why', async () => {
	await ok("UPDATE wrq_items SET n = 2147483647 WHERE pk = 'd2'");
	reset();
	const r = await session.query("UPDATE wrq_items SET n = n + 1 WHERE pk = 'd2'");
	assert.equal(r.error?.sqlstate, '22003');
	assert.deepEqual(proxy.counts(), { UpdateItem: 1, GetItem: 1 });
	assert.equal((await items('wrq_items')).d2.n.N, '2147483647');
	/* NULL + 1 is NULL: the guard fails on the missing attribute, the read path removes it */
	await ok("UPDATE wrq_items SET n = NULL WHERE pk = 'd2'");
	const n = await session.ok("UPDATE wrq_items SET n = n + 1 WHERE pk = 'd2' RETURNING n");
	assert.deepEqual(n.rows, [[null]]);
	const c = await session.ok("UPDATE wrq_items SET n = coalesce(n, 10) + 1 WHERE pk = 'd2' RETURNING n");
	assert.deepEqual(c.rows, [['11']]);
	assert.equal((await items('wrq_items')).d2.n.N, '11');
});
