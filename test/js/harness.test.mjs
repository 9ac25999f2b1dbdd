/*
 * test/js/harness.test.mjs - the fixture tool (test/tools/fixture.mjs)
 * against DynamoDB Local.
 *
 * Other suites trust the fixture tool to load data and to show what the FDW
 * wrote, so its output must be exact (numbers as DynamoDB sent them, binary
 * in base64) and deterministic (sorted keys, sets and lines).  Each test
 * uses its own table name, because node --test runs files in parallel
 * against one shared DynamoDB Local.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('../tools/fixture.mjs', import.meta.url));
const ENDPOINT = process.env.DYNAMO_ENDPOINT;
const PREFIX = `harness-${process.pid}-`;
const work = mkdtempSync(join(tmpdir(), 'fixture-test-'));

async function fixture(args, { input } = {}) {
	const child = run('node', [FIXTURE, ...args], { env: process.env });
	if (input !== undefined) {
		child.child.stdin.end(input);
	}
	const { stdout, stderr } = await child;
	assert.equal(stderr, '', `fixture ${args.join(' ')} wrote to stderr`);
	return stdout;
}

async function fixtureFails(args, env = process.env) {
	try {
		await run('node', [FIXTURE, ...args], { env });
	} catch (e) {
		return e;
	}
	assert.fail(`fixture ${args.join(' ')} should have failed`);
}

function file(name, value) {
	const p = join(work, name);
	writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
	return p;
}

function singleTableSpec(name) {
	return {
		TableName: name,
		KeySchema: [
			{ AttributeName: 'PK', KeyType: 'HASH' },
			{ AttributeName: 'SK', KeyType: 'RANGE' },
		],
		AttributeDefinitions: [
			{ AttributeName: 'PK', AttributeType: 'S' },
			{ AttributeName: 'SK', AttributeType: 'S' },
			{ AttributeName: 'GSI1PK', AttributeType: 'S' },
			{ AttributeName: 'GSI1SK', AttributeType: 'S' },
			{ AttributeName: 'createdAt', AttributeType: 'N' },
		],
		GlobalSecondaryIndexes: [{
			IndexName: 'GSI1',
			KeySchema: [
				{ AttributeName: 'GSI1PK', KeyType: 'HASH' },
				{ AttributeName: 'GSI1SK', KeyType: 'RANGE' },
			],
			Projection: { ProjectionType: 'ALL' },
		}],
		LocalSecondaryIndexes: [{
			IndexName: 'byCreatedAt',
			KeySchema: [
				{ AttributeName: 'PK', KeyType: 'HASH' },
				{ AttributeName: 'createdAt', KeyType: 'RANGE' },
			],
			Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
		}],
	};
}

test.after(() => rmSync(work, { recursive: true, force: true }));

test('the harness gives the suites a loopback endpoint', () => {
	assert.ok(ENDPOINT, 'DYNAMO_ENDPOINT is set');
	assert.match(ENDPOINT, /^http:\/\/127\.0\.0\.1:\d+$/);
	assert.equal(process.env.AWS_EC2_METADATA_DISABLED, 'true');
	assert.equal(process.env.AWS_REGION, 'us-east-1');
});

test('create-table with a GSI and an LSI, describe, delete-table', async () => {
	const name = `${PREFIX}indexes`;
	assert.equal(await fixture(['create-table', file('spec1.json', singleTableSpec(name))]), `created ${name}\n`);
	const d = JSON.parse(await fixture(['describe', name]));
	assert.deepEqual(d.KeySchema, [
		{ AttributeName: 'PK', KeyType: 'HASH' },
		{ AttributeName: 'SK', KeyType: 'RANGE' },
	]);
	assert.equal(d.GlobalSecondaryIndexes[0].IndexName, 'GSI1');
	assert.equal(d.LocalSecondaryIndexes[0].IndexName, 'byCreatedAt');
	assert.deepEqual(d.LocalSecondaryIndexes[0].Projection.NonKeyAttributes, ['status']);
	assert.match(await fixture(['list-tables']), new RegExp(`^${name}$`, 'm'));
	assert.equal(await fixture(['delete-table', name]), `deleted ${name}\n`);
	assert.doesNotMatch(await fixture(['list-tables']), new RegExp(`^${name}$`, 'm'));
	// a missing table is an error unless --if-exists
	const e = await fixtureFails(['delete-table', name]);
	assert.match(e.stderr, /ResourceNotFoundException/);
	assert.equal(await fixture(['delete-table', name, '--if-exists']), '');
});

test('DynamoDB JSON round-trips exactly, output is sorted', async () => {
	const name = `${PREFIX}exact`;
	await fixture(['create-table', file('spec2.json', singleTableSpec(name))]);
	const items = [
		{
			SK: { S: 'USER#2' }, PK: { S: 'USER#2' },
			big: { N: '12345678901234567890123456789012345678' },
			small: { N: '0.000000000000000000000000000000000001' },
			neg: { N: '-1.5E+10' },
			tags: { SS: ['zeta', 'alpha', 'Mid'] },
			nums: { NS: ['10', '9', '-1'] },
			blob: { B: Buffer.from([0, 1, 2, 255]).toString('base64') },
			blobs: { BS: [Buffer.from('b').toString('base64'), Buffer.from('a').toString('base64')] },
			doc: { M: { z: { NULL: true }, a: { L: [{ BOOL: false }, { S: '' }, { N: '1.10' }] } } },
		},
		{ PK: { S: 'USER#1' }, SK: { S: 'USER#1' }, name: { S: 'Loki' } },
	];
	// JSON lines input
	const lines = items.map((i) => JSON.stringify(i)).join('\n');
	assert.equal(await fixture(['put-items', name, file('items.jsonl', lines)]), `put 2 items into ${name}\n`);
	const out = (await fixture(['scan', name])).trimEnd().split('\n');
	assert.equal(out.length, 2);
	assert.deepEqual(out, [...out].sort(), 'lines sorted');
	assert.equal(out[0], '{"PK":{"S":"USER#1"},"SK":{"S":"USER#1"},"name":{"S":"Loki"}}');
	const u2 = JSON.parse(out[1]);
	assert.deepEqual(Object.keys(u2), Object.keys(u2).sort(), 'attribute names sorted');
	// numbers exactly as DynamoDB returns them (it normalises; never through a JS number)
	assert.equal(u2.big.N, '12345678901234567890123456789012345678');
	assert.match(u2.small.N, /^(1E-36|0\.0{35}1)$/);
	assert.deepEqual(u2.tags.SS, ['Mid', 'alpha', 'zeta']);
	assert.deepEqual(u2.nums.NS, [...u2.nums.NS].sort());
	assert.equal(u2.blob.B, 'AAEC/w==');
	assert.deepEqual(u2.blobs.BS, ['YQ==', 'Yg==']);
	assert.deepEqual(Object.keys(u2.doc.M), ['a', 'z']);
	assert.ok(['1.1', '1.10'].includes(u2.doc.M.a.L[2].N), 'a number inside a list is kept as sent back');
	// get-item prints the same line as scan
	assert.equal(await fixture(['get-item', name, '{"PK":{"S":"USER#2"},"SK":{"S":"USER#2"}}']), `${out[1]}\n`);
	assert.equal(await fixture(['get-item', name, '{"PK":{"S":"nope"},"SK":{"S":"nope"}}']), '(no item)\n');
	// deterministic: a second scan prints the same bytes
	assert.equal(await fixture(['scan', name]), `${out.join('\n')}\n`);
	await fixture(['delete-table', name]);
});

test('put-items --plain, more than 25 items, stdin, count, scan of an index', async () => {
	const name = `${PREFIX}plain`;
	await fixture(['create-table', '-'], { input: JSON.stringify(singleTableSpec(name)) });
	const items = [];
	for (let i = 0; i < 60; i++) {
		const user = `user-${i % 3}`;
		const order = `ORDER#${String(i).padStart(3, '0')}`;
		items.push({
			PK: `USER#${user}`, SK: order,
			GSI1PK: order, GSI1SK: `USER#${user}`,
			createdAt: 1700000000 + i,
			status: i % 7 === 0 ? 'cancelled' : 'paid',
			total: i + 0.25,
			lines: [{ sku: 'A', qty: 1 }],
		});
	}
	assert.equal(await fixture(['put-items', name, file('plain.json', items), '--plain']), `put 60 items into ${name}\n`);
	assert.equal(await fixture(['count', name]), '60\n');
	const got = await fixture(['get-item', name, '{"PK":"USER#user-1","SK":"ORDER#004"}', '--plain']);
	const item = JSON.parse(got);
	assert.deepEqual(item.total, { N: '4.25' });
	assert.deepEqual(item.lines, { L: [{ M: { qty: { N: '1' }, sku: { S: 'A' } } }] });
	const viaIndex = (await fixture(['scan', name, '--index', 'GSI1'])).trimEnd().split('\n');
	assert.equal(viaIndex.length, 60);
	const viaLsi = (await fixture(['scan', name, '--index=byCreatedAt'])).trimEnd().split('\n');
	assert.equal(viaLsi.length, 60);
	assert.ok(viaLsi.every((l) => !l.includes('"total"')), 'LSI projection has no total');
	await fixture(['delete-table', name]);
});

test('prints nothing on stderr, even without the harness environment', async () => {
	const env = { ...process.env };
	delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
	delete env.NODE_NO_WARNINGS;
	const { stderr } = await run('node', [FIXTURE, 'list-tables'], { env });
	assert.equal(stderr, '');
});

test('refuses a non-loopback endpoint and bad input', async () => {
	const remote = { ...process.env, DYNAMO_ENDPOINT: 'https://dynamodb.us-east-1.amazonaws.com' };
	let e = await fixtureFails(['list-tables'], remote);
	assert.equal(e.code, 2);
	assert.match(e.stderr, /loopback/);
	const none = { ...process.env };
	delete none.DYNAMO_ENDPOINT;
	e = await fixtureFails(['list-tables'], none);
	assert.match(e.stderr, /DYNAMO_ENDPOINT is not set/);
	e = await fixtureFails(['put-items', `${PREFIX}x`, file('bad.json', [{ PK: 'plain-not-ddb-json' }])]);
	assert.equal(e.code, 2);
	assert.match(e.stderr, /not a DynamoDB JSON attribute value/);
	e = await fixtureFails(['frobnicate']);
	assert.match(e.stderr, /unknown command/);
});
