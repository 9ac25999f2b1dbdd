/*
 * test/js/concurrency_stress.test.mjs - concurrent writers lose nothing.
 *
 * SESSIONS psql sessions at once run STATEMENTS statements each, of the
 * three shapes that lost updates before writes were conditioned on what
 * they read (issue: counters, stock, balances):
 *
 *   counter   UPDATE counter SET n = n + 1 WHERE pk = 'c'        (autocommit)
 *   stock     UPDATE stock SET qty = qty - 1 WHERE pk = 's' AND qty > 0
 *   transfer  BEGIN; a.bal - 1; b.bal + 1; COMMIT                 (a block)
 *
 * Every outcome the sessions were told (rows RETURNING gave back, commits
 * that succeeded, 40001 errors) is counted, and the final items are read
 * with the AWS SDK, never through the FDW:
 *
 *   counter n  = the UPDATEs that returned a row, and none failed;
 *   stock qty >= 0, and units sold = the UPDATEs that returned a row;
 *   wallets a + b unchanged, b's gain = the transfers whose COMMIT
 *   succeeded; a transfer may fail with 40001 (it read balances another
 *   transfer changed), nothing else.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PsqlSession } from '../tools/psql.mjs';
import { ddbClient, createTable, dropTable, putItems } from '../tools/ddb_load.mjs';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';

/* DYNAMO_FDW_STRESS=SxN: S sessions of N statements (README's figures: 4x60) */
const [SESSIONS, STATEMENTS] = (process.env.DYNAMO_FDW_STRESS ?? '4x40').split('x').map(Number);
const STOCK = 100;
const TABLES = ['cst_counter', 'cst_stock', 'cst_wallet'];

let ddb;
let admin;
const sessions = [];

async function number(table, pk, attr) {
	const r = await ddb.send(new GetItemCommand({
		TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true,
	}));
	return r.Item?.[attr] ? Number(r.Item[attr].N) : null;
}

before(async () => {
	ddb = ddbClient();
	for (const name of TABLES)
		await createTable(ddb, {
			TableName: name,
			KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
			AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
		});
	await putItems(ddb, 'cst_counter', [{ pk: { S: 'c' }, n: { N: '0' } }]);
	await putItems(ddb, 'cst_stock', [{ pk: { S: 's' }, qty: { N: String(STOCK) } }]);
	await putItems(ddb, 'cst_wallet', [
		{ pk: { S: 'a' }, bal: { N: '500' } }, { pk: { S: 'b' }, bal: { N: '500' } },
	]);
	admin = new PsqlSession();
	for (const l of [
		'SET client_min_messages = warning',
		'CREATE EXTENSION IF NOT EXISTS dynamo_fdw',
		'DROP SERVER IF EXISTS cst_ddb CASCADE',
		`CREATE SERVER cst_ddb FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint '${process.env.DYNAMO_ENDPOINT}', region 'us-east-1')`,
		"CREATE USER MAPPING FOR CURRENT_USER SERVER cst_ddb OPTIONS (access_key_id 'AKIDCSTTEST', secret_access_key 'cst-secret')",
		"CREATE FOREIGN TABLE cst_counter (pk text, n int) SERVER cst_ddb OPTIONS (table_name 'cst_counter')",
		"CREATE FOREIGN TABLE cst_stock (pk text, qty int) SERVER cst_ddb OPTIONS (table_name 'cst_stock')",
		"CREATE FOREIGN TABLE cst_wallet (pk text, bal int) SERVER cst_ddb OPTIONS (table_name 'cst_wallet')",
	])
		await admin.ok(l);
	for (let i = 0; i < SESSIONS; i++)
		sessions.push(new PsqlSession());
});

after(async () => {
	for (const s of sessions)
		await s.close();
	if (admin) {
		await admin.query('DROP SERVER IF EXISTS cst_ddb CASCADE');
		await admin.close();
	}
	if (ddb) {
		for (const name of TABLES)
			await dropTable(ddb, name);
		ddb.destroy();
	}
});

/* Run FN(session, i) STATEMENTS times in every session at once. */
async function concurrently(fn) {
	await Promise.all(sessions.map(async (s) => {
		for (let i = 0; i < STATEMENTS; i++)
			await fn(s, i);
	}));
}

test(`${SESSIONS} sessions x ${STATEMENTS} autocommit increments: every one counts, none fails`, async () => {
	let counted = 0;
	const errors = [];
	await concurrently(async (s) => {
		const r = await s.query("UPDATE cst_counter SET n = n + 1 WHERE pk = 'c' RETURNING n");
		if (r.error)
			errors.push(r.error);
		else
			counted += r.rows.length;
	});
	assert.deepEqual(errors, []);
	assert.equal(counted, SESSIONS * STATEMENTS);
	assert.equal(await number('cst_counter', 'c', 'n'), counted);
	console.log(`# counter: ${counted} UPDATE 1 reported, n = ${counted}`);
});

test(`${SESSIONS} sessions x ${STATEMENTS} conditional decrements of ${STOCK} units: exactly ${STOCK} sold`, async () => {
	let sold = 0;
	const errors = [];
	await concurrently(async (s) => {
		const r = await s.query("UPDATE cst_stock SET qty = qty - 1 WHERE pk = 's' AND qty > 0 RETURNING qty");
		if (r.error)
			errors.push(r.error);
		else
			sold += r.rows.length;
	});
	assert.deepEqual(errors, []);
	const left = await number('cst_stock', 's', 'qty');
	assert.ok(left >= 0, `stock ${left} is not negative`);
	assert.equal(sold, STOCK - left);
	assert.equal(sold, Math.min(STOCK, SESSIONS * STATEMENTS));
	console.log(`# stock: ${sold} sold of ${STOCK}, ${left} left`);
});

test(`${SESSIONS} sessions x ${STATEMENTS} transfers in transactions: the total holds, 40001 the only error`, async () => {
	let committed = 0;
	let serialization = 0;
	const others = [];
	await concurrently(async (s) => {
		for (const l of ['BEGIN', "UPDATE cst_wallet SET bal = bal - 1 WHERE pk = 'a'",
			"UPDATE cst_wallet SET bal = bal + 1 WHERE pk = 'b'"]) {
			const r = await s.query(l);
			if (r.error)
				others.push(r.error);
		}
		const c = await s.query('COMMIT');
		if (!c.error)
			committed++;
		else if (c.error.sqlstate === '40001')
			serialization++;
		else
			others.push(c.error);
	});
	assert.deepEqual(others, []);
	assert.equal(committed + serialization, SESSIONS * STATEMENTS);
	assert.ok(committed > 0, 'some transfers commit');
	const a = await number('cst_wallet', 'a', 'bal');
	const b = await number('cst_wallet', 'b', 'bal');
	assert.equal(a + b, 1000);
	assert.equal(b - 500, committed);
	console.log(`# transfers: ${committed} committed, ${serialization} failed with 40001; a = ${a}, b = ${b}`);
});
