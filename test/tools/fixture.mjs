#!/usr/bin/env node
/*
 * test/tools/fixture.mjs - load and inspect DynamoDB Local for the tests.
 *
 * Usage: node test/tools/fixture.mjs COMMAND [ARGS]
 *
 *   create-table SPEC.json|-  [--replace]   create a table (CreateTable input
 *                                           as JSON: TableName, KeySchema,
 *                                           AttributeDefinitions, GSIs/LSIs);
 *                                           PAY_PER_REQUEST unless the spec
 *                                           says otherwise; waits until ACTIVE
 *   delete-table NAME [--if-exists]         delete a table (and wait)
 *   put-items TABLE ITEMS.json|- [--plain]  write items with BatchWriteItem,
 *                                           25 a request, unprocessed items
 *                                           retried; ITEMS is a JSON array or
 *                                           one item per line, in DynamoDB
 *                                           JSON ({"pk":{"S":"x"}}) or, with
 *                                           --plain, in plain JSON
 *   get-item TABLE KEYJSON [--plain]        print one item (or "(no item)")
 *   scan TABLE [--index NAME]               print every item, one per line
 *   count TABLE                             print the number of items
 *   describe TABLE                          print keys and indexes
 *   list-tables                             print table names, one per line
 *   reset                                   delete every table
 *
 * Output is DynamoDB JSON exactly as DynamoDB Local returned it (numbers are
 * the strings DynamoDB sent, never converted; B values in base64), with the
 * keys of every map sorted, set members sorted, and scan output sorted by
 * each line's text, so it is deterministic and can sit in pg_regress
 * expected files.
 *
 * The endpoint comes from DYNAMO_ENDPOINT and must be a loopback address:
 * this tool never talks to AWS.  Region us-east-1, fake credentials.
 *
 * Reads use the low-level client (not the document client) so nothing is
 * converted on the way out.
 */

import { readFileSync } from 'node:fs';
import {
	BatchWriteItemCommand,
	CreateTableCommand,
	DeleteTableCommand,
	DescribeTableCommand,
	GetItemCommand,
	ListTablesCommand,
	ScanCommand,
	ResourceNotFoundException,
	waitUntilTableExists,
	waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ddbClient } from './ddb_load.mjs';

class UsageError extends Error {}

/* ---------- client ---------- */

function makeClient() {
	/* ddb_load.mjs's client; its complaints about DYNAMO_ENDPOINT are usage errors here */
	try {
		return ddbClient();
	} catch (e) {
		throw new UsageError(`${e.message}${process.env.DYNAMO_ENDPOINT ? '' : ' (scripts/test.sh and scripts/demo.sh set it)'}`);
	}
}

/* ---------- DynamoDB JSON in and out ---------- */

/*
 * Turn wire-form DynamoDB JSON (B and BS as base64 strings) into what the
 * SDK takes (Uint8Array); everything else passes through unchanged.
 */
function avFromJson(av, where) {
	if (av === null || typeof av !== 'object' || Array.isArray(av))
		throw new UsageError(`${where}: not a DynamoDB JSON attribute value: ${JSON.stringify(av)}`);
	const types = Object.keys(av);
	if (types.length !== 1)
		throw new UsageError(`${where}: an attribute value needs exactly one type key: ${JSON.stringify(av)}`);
	const t = types[0];
	const v = av[t];
	switch (t) {
		case 'B':
			return { B: Buffer.from(v, 'base64') };
		case 'BS':
			return { BS: v.map((b) => Buffer.from(b, 'base64')) };
		case 'M':
			return { M: itemFromJson(v, where) };
		case 'L':
			return { L: v.map((x, i) => avFromJson(x, `${where}[${i}]`)) };
		case 'S': case 'N': case 'BOOL': case 'NULL': case 'SS': case 'NS':
			return { [t]: v };
		default:
			throw new UsageError(`${where}: unknown DynamoDB type ${t}`);
	}
}

function itemFromJson(obj, where = 'item') {
	if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
		throw new UsageError(`${where}: an item must be a JSON object`);
	const out = {};
	for (const [k, v] of Object.entries(obj))
		out[k] = avFromJson(v, `${where}.${k}`);
	return out;
}

const b64 = (u8) => Buffer.from(u8).toString('base64');
const byText = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/* SDK attribute value -> canonical wire-form JSON value (sorted). */
function avToCanon(av) {
	const t = Object.keys(av).find((k) => av[k] !== undefined && k !== '$unknown');
	const v = av[t];
	switch (t) {
		case 'B':
			return { B: b64(v) };
		case 'BS':
			return { BS: v.map(b64).sort(byText) };
		case 'SS':
		case 'NS':
			return { [t]: [...v].sort(byText) };
		case 'M':
			return { M: itemToCanon(v) };
		case 'L':
			return { L: v.map(avToCanon) };
		default:
			return { [t]: v };
	}
}

function itemToCanon(item) {
	const out = {};
	for (const k of Object.keys(item).sort(byText))
		out[k] = avToCanon(item[k]);
	return out;
}

const itemLine = (item) => JSON.stringify(itemToCanon(item));

/* ---------- input ---------- */

function readInput(arg) {
	if (arg === undefined)
		throw new UsageError('missing input file (or - for standard input)');
	return readFileSync(arg === '-' ? 0 : arg, 'utf8');
}

/* A JSON array, a single object, or one JSON object per line. */
function parseItems(text) {
	const trimmed = text.trim();
	if (trimmed === '')
		return [];
	if (trimmed.startsWith('['))
		return JSON.parse(trimmed);
	try {
		return [JSON.parse(trimmed)];
	} catch {
		return trimmed.split('\n').filter((l) => l.trim() !== '').map((l, i) => {
			try {
				return JSON.parse(l);
			} catch (e) {
				throw new UsageError(`line ${i + 1}: ${e.message}`);
			}
		});
	}
}

function toItem(obj, plain, where) {
	return plain
		? marshall(obj, { removeUndefinedValues: true, convertEmptyValues: false })
		: itemFromJson(obj, where);
}

/* ---------- commands ---------- */

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function createTable(client, args, flags) {
	const spec = JSON.parse(readInput(args[0]));
	if (!spec.TableName)
		throw new UsageError('the table spec needs a TableName');
	if (!spec.BillingMode && !spec.ProvisionedThroughput)
		spec.BillingMode = 'PAY_PER_REQUEST';
	if (spec.BillingMode === 'PAY_PER_REQUEST')
		for (const gsi of spec.GlobalSecondaryIndexes ?? [])
			delete gsi.ProvisionedThroughput;
	if (flags.replace)
		await deleteTable(client, [spec.TableName], { 'if-exists': true });
	await client.send(new CreateTableCommand(spec));
	await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: spec.TableName });
	console.log(`created ${spec.TableName}`);
}

async function deleteTable(client, args, flags) {
	const name = args[0];
	if (!name)
		throw new UsageError('delete-table needs a table name');
	try {
		await client.send(new DeleteTableCommand({ TableName: name }));
	} catch (e) {
		if (e instanceof ResourceNotFoundException && flags['if-exists'])
			return;
		throw e;
	}
	await waitUntilTableNotExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: name });
	if (!flags.quiet)
		console.log(`deleted ${name}`);
}

async function putItems(client, args, flags) {
	const [table, file] = args;
	if (!table)
		throw new UsageError('put-items needs a table name');
	const objs = parseItems(readInput(file));
	const items = objs.map((o, i) => toItem(o, flags.plain, `item ${i + 1}`));
	for (let i = 0; i < items.length; i += 25) {
		let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
		for (let attempt = 0; requests.length > 0; attempt++) {
			if (attempt >= 10)
				throw new Error(`BatchWriteItem left ${requests.length} items unprocessed after ${attempt} attempts`);
			if (attempt > 0)
				await sleep(Math.min(50 * 2 ** attempt, 2000));
			const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
			requests = out.UnprocessedItems?.[table] ?? [];
		}
	}
	console.log(`put ${items.length} items into ${table}`);
}

async function getItem(client, args, flags) {
	const [table, keyJson] = args;
	if (!table || !keyJson)
		throw new UsageError('get-item needs a table name and a key as JSON');
	const key = toItem(JSON.parse(keyJson), flags.plain, 'key');
	const out = await client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
	console.log(out.Item ? itemLine(out.Item) : '(no item)');
}

async function scanAll(client, table, index, select) {
	const items = [];
	let count = 0;
	let ExclusiveStartKey;
	do {
		const out = await client.send(new ScanCommand({
			TableName: table,
			IndexName: index,
			ConsistentRead: index ? undefined : true,
			Select: select,
			ExclusiveStartKey,
		}));
		if (out.Items)
			items.push(...out.Items);
		count += out.Count ?? 0;
		ExclusiveStartKey = out.LastEvaluatedKey;
	} while (ExclusiveStartKey);
	return { items, count };
}

async function scan(client, args, flags) {
	if (!args[0])
		throw new UsageError('scan needs a table name');
	const { items } = await scanAll(client, args[0], flags.index);
	for (const line of items.map(itemLine).sort(byText))
		console.log(line);
}

async function count(client, args) {
	if (!args[0])
		throw new UsageError('count needs a table name');
	const { count: n } = await scanAll(client, args[0], undefined, 'COUNT');
	console.log(String(n));
}

async function describe(client, args) {
	if (!args[0])
		throw new UsageError('describe needs a table name');
	const { Table: t } = await client.send(new DescribeTableCommand({ TableName: args[0] }));
	const idx = (list) => (list ?? []).map((i) => ({
		IndexName: i.IndexName,
		KeySchema: i.KeySchema,
		Projection: i.Projection,
	})).sort((a, b) => byText(a.IndexName, b.IndexName));
	const out = {
		TableName: t.TableName,
		KeySchema: t.KeySchema,
		AttributeDefinitions: [...(t.AttributeDefinitions ?? [])].sort((a, b) => byText(a.AttributeName, b.AttributeName)),
		GlobalSecondaryIndexes: idx(t.GlobalSecondaryIndexes),
		LocalSecondaryIndexes: idx(t.LocalSecondaryIndexes),
	};
	console.log(JSON.stringify(out, null, 2));
}

async function listTableNames(client) {
	const names = [];
	let ExclusiveStartTableName;
	do {
		const out = await client.send(new ListTablesCommand({ ExclusiveStartTableName }));
		names.push(...(out.TableNames ?? []));
		ExclusiveStartTableName = out.LastEvaluatedTableName;
	} while (ExclusiveStartTableName);
	return names.sort(byText);
}

async function listTables(client) {
	for (const n of await listTableNames(client))
		console.log(n);
}

async function reset(client) {
	const names = await listTableNames(client);
	for (const n of names)
		await deleteTable(client, [n], { 'if-exists': true, quiet: true });
	console.log(`deleted ${names.length} tables`);
}

const COMMANDS = {
	'create-table': createTable,
	'delete-table': deleteTable,
	'put-items': putItems,
	'get-item': getItem,
	scan,
	count,
	describe,
	'list-tables': listTables,
	reset,
};

const KNOWN_FLAGS = new Set(['replace', 'if-exists', 'plain', 'index']);

/* Split argv into positional arguments and --flags (--index takes a value). */
function parseArgs(argv) {
	const args = [];
	const flags = {};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a.startsWith('--')) {
			const [name, inline] = a.slice(2).split('=', 2);
			if (!KNOWN_FLAGS.has(name))
				throw new UsageError(`unknown option --${name}`);
			if (name === 'index')
				flags.index = inline ?? argv[++i];
			else
				flags[name] = true;
		} else {
			args.push(a);
		}
	}
	return { args, flags };
}

function usage() {
	const text = readFileSync(new URL(import.meta.url), 'utf8');
	const m = text.match(/ \* Usage:[\s\S]*?\n \*\n[\s\S]*?\n \*\n/);
	return (m ? m[0] : '').replace(/^ \* ?/gm, '');
}

async function main() {
	const [cmd, ...rest] = process.argv.slice(2);
	if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
		process.stdout.write(usage());
		return cmd ? 0 : 2;
	}
	const fn = COMMANDS[cmd];
	if (!fn)
		throw new UsageError(`unknown command ${cmd} (try --help)`);
	const { args, flags } = parseArgs(rest);
	const client = makeClient();
	try {
		await fn(client, args, flags);
	} finally {
		client.destroy();
	}
	return 0;
}

main().then(
	(code) => { process.exitCode = code; },
	(e) => {
		const what = e instanceof UsageError ? 'usage' : (e.name ?? 'error');
		console.error(`fixture: ${what}: ${e.message}`);
		process.exitCode = e instanceof UsageError ? 2 : 1;
	},
);
