/*
 * test/js/latency_model.test.mjs - the test proxy's latency model (a
 * round trip per request, a cost per megabyte DynamoDB reads), which the
 * benchmarks use to stand for a real network: it must charge what it
 * says.  Checked from the proxy's own log of each request's time, with the
 * SDK as the client; nothing here times dynamo_fdw.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, megabytesRead } from '../tools/proxy.mjs';
import { ddbClient, createTable, dropTable, putItems } from '../tools/ddb_load.mjs';
import { pkTable } from '../tools/proxied_fdw.mjs';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';

const TABLE = 'lat_items';
let ddb;
let proxy;
let viaProxy;

before(async () => {
	ddb = ddbClient();
	await createTable(ddb, pkTable(TABLE));
	/* 400 items of about 2 KB: about 0.8 MB to read */
	await putItems(ddb, TABLE, Array.from({ length: 400 }, (_, i) => ({
		pk: { S: `k${i}` }, pad: { S: 'x'.repeat(2000) },
	})));
	proxy = await startProxy({ target: process.env.DYNAMO_ENDPOINT });
	viaProxy = ddbClient(proxy.url);
});

after(async () => {
	viaProxy?.destroy();
	await proxy?.close();
	if (ddb) {
		await dropTable(ddb, TABLE);
		ddb.destroy();
	}
});

test('megabytes read: from ConsumedCapacity (4 KB a unit consistent, 8 KB eventually), else the answer', () => {
	const answer = (cc) => Buffer.from(JSON.stringify({ Count: 0, ConsumedCapacity: cc }));
	assert.equal(megabytesRead('{}', answer({ TableName: 't', CapacityUnits: 128 })), 1);
	assert.equal(megabytesRead('{"ConsistentRead":true}', answer({ CapacityUnits: 256 })), 1);
	assert.equal(megabytesRead('{}', answer([{ CapacityUnits: 64 }, { CapacityUnits: 64 }])), 1);
	assert.equal(megabytesRead('{}', Buffer.alloc(512 * 1024)), 0.5);
});

test('each request waits requestMs; requests in flight together wait together', async () => {
	proxy.setLatency({ requestMs: 60, mbMs: 0 });
	proxy.reset();
	await viaProxy.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'k1' } } }));
	let log = proxy.log();
	assert.equal(log.length, 1);
	assert.ok(log[0].ms >= 60, `a GetItem waited ${log[0].ms} ms`);

	proxy.reset();
	await Promise.all([1, 2, 3, 4].map((i) => viaProxy.send(new GetItemCommand({
		TableName: TABLE, Key: { pk: { S: `k${i}` } },
	}))));
	log = proxy.log();
	assert.equal(log.length, 4);
	assert.ok(log.every((e) => e.ms >= 60));
	/* the four waits overlap: each arrived before any was answered */
	const lastArrival = Math.max(...log.map((e) => e.at));
	const firstAnswer = Math.min(...log.map((e) => e.at + e.ms));
	assert.ok(lastArrival < firstAnswer, 'four requests waited side by side, not one after another');
	proxy.setLatency({ requestMs: 0, mbMs: 0 });
});

test('a Scan page costs its megabytes read, a Select=COUNT page too', async () => {
	proxy.setLatency({ requestMs: 0, mbMs: 200 });
	proxy.reset();
	const page = await viaProxy.send(new ScanCommand({ TableName: TABLE, ReturnConsumedCapacity: 'TOTAL' }));
	const count = await viaProxy.send(new ScanCommand({
		TableName: TABLE, Select: 'COUNT', ReturnConsumedCapacity: 'TOTAL',
	}));
	const mb = (page.ConsumedCapacity.CapacityUnits * 8192) / (1024 * 1024);
	assert.ok(mb > 0.5, `the page read ${mb} MB`);
	assert.equal(count.Count, page.Count);
	const log = proxy.log();
	for (const e of log)
		assert.ok(e.ms >= 200 * mb * 0.95, `${e.op} waited ${e.ms} ms for ${mb.toFixed(2)} MB`);
	proxy.setLatency({ requestMs: 0, mbMs: 0 });
});
