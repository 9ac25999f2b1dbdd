/*
 * test/js/reads_wide.test.mjs - a wide, sparse table: every attribute of
 * every item reaches its own column.
 *
 * A scan matches an item's attributes to columns by name, trying first the
 * column found at the same position in the previous item, then a hash of
 * the column names (src/fdw/convert.c).  Here 300 items (loaded with the AWS
 * SDK) each hold a random 60% of 150 number attributes, so positions shift
 * from item to item and most lie beyond the remembered 64; each value
 * encodes its item and attribute, so a value read into the wrong column,
 * or lost, shows.  Read by Scan (page items parsed from text), by GetItem
 * and by BatchGetItem (items copied from json-c).
 *
 * Environment: DYNAMO_ENDPOINT, PGHOST/PGPORT/PGUSER/PGDATABASE (from
 * scripts/test.sh).
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { ddbClient, createTable, dropTable, putItems, prng } from '../tools/ddb_load.mjs';
import { PsqlSession } from '../tools/psql.mjs';

const TABLE = `reads-wide-${process.pid}`;
const SCHEMA = 'reads_wide';
const SERVER = 'reads_wide_srv';
const NATTRS = 150;
const NITEMS = 300;

const client = ddbClient();
let s;

/* Item i's attribute a, when present, holds i * 1000 + a. */
function items() {
	const rnd = prng(150);
	const out = [];
	for (let i = 0; i < NITEMS; i++) {
		const it = { id: { S: `w${i}` } };
		for (let a = 0; a < NATTRS; a++)
			if (rnd.chance(0.6))
				it[`a${a}`] = { N: String(i * 1000 + a) };
		out.push(it);
	}
	return out;
}

const cols = Array.from({ length: NATTRS }, (_, a) => `a${a}`);

/* Per row: how many columns are not NULL, and how many hold a wrong value. */
const CHECK = `SELECT id, ${cols.map((c) => `(${c} IS NOT NULL)::int`).join(' + ')} AS present, ` +
	`${cols.map((c, a) => `coalesce((${c} <> substr(id, 2)::int * 1000 + ${a})::int, 0)`).join(' + ')} AS wrong ` +
	`FROM ${SCHEMA}.wide`;

before(async () => {
	await createTable(client, {
		TableName: TABLE,
		KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
		AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
	});
	await putItems(client, TABLE, items());
	s = new PsqlSession();
	for (const sql of [
		'SET client_min_messages = warning',
		'CREATE EXTENSION IF NOT EXISTS dynamo_fdw',
		`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`,
		`DROP SERVER IF EXISTS ${SERVER} CASCADE`,
		`CREATE SCHEMA ${SCHEMA}`,
		`CREATE SERVER ${SERVER} FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint '${process.env.DYNAMO_ENDPOINT}', region 'us-east-1')`,
		`CREATE USER MAPPING FOR CURRENT_USER SERVER ${SERVER} OPTIONS (access_key_id 'AKIDREADSWIDE', secret_access_key 'reads-wide-secret')`,
		`CREATE FOREIGN TABLE ${SCHEMA}.wide (id text, ${cols.map((c) => `${c} int8`).join(', ')}) SERVER ${SERVER} OPTIONS (table_name '${TABLE}')`,
	])
		await s.ok(sql);
});

after(async () => {
	if (s) {
		await s.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
		await s.query(`DROP SERVER IF EXISTS ${SERVER} CASCADE`);
		await s.close();
	}
	await dropTable(client, TABLE);
	client.destroy();
});

/* The rows of CHECK (plus WHERE) against the loaded items. */
async function checkRows(where, want) {
	const r = await s.ok(`${CHECK} ${where}`);
	const present = new Map(items().map((it) => [it.id.S, Object.keys(it).length - 1]));
	assert.equal(r.rows.length, want.length);
	for (const [id, n, wrong] of r.rows) {
		assert.ok(want.includes(id), id);
		assert.equal(Number(n), present.get(id), `${id}: columns read`);
		assert.equal(Number(wrong), 0, `${id}: values in the wrong column`);
	}
}

test('a Scan reads every attribute of a wide, sparse item into its column', async () => {
	const plan = (await s.ok(`EXPLAIN (COSTS OFF) ${CHECK}`)).rows.map((x) => x[0]).join('\n');
	assert.match(plan, /DynamoDB Operation: Scan/);
	await checkRows('', items().map((it) => it.id.S));
});

test('so do GetItem and BatchGetItem', async () => {
	const plan1 = (await s.ok(`EXPLAIN (COSTS OFF) ${CHECK} WHERE id = 'w7'`)).rows.map((x) => x[0]).join('\n');
	assert.match(plan1, /DynamoDB Operation: GetItem/);
	await checkRows(`WHERE id = 'w7'`, ['w7']);
	const ids = Array.from({ length: 50 }, (_, i) => `w${i * 6}`);
	const where = `WHERE id IN (${ids.map((x) => `'${x}'`).join(', ')})`;
	const plan2 = (await s.ok(`EXPLAIN (COSTS OFF) ${CHECK} ${where}`)).rows.map((x) => x[0]).join('\n');
	assert.match(plan2, /DynamoDB Operation: BatchGetItem/);
	await checkRows(where, ids);
});
