#!/usr/bin/env node
/*
 * test/data/import/page_tables.mjs - many small tables for sql/import.sql.
 *
 * Usage: node test/data/import/page_tables.mjs create|delete PREFIX COUNT
 *
 * Creates (or deletes) tables PREFIX000 ... PREFIX(COUNT-1), each with a
 * string partition key "pk", so that ListTables needs more than one page
 * (100 names a page).  test/tools/fixture.mjs does one table a process,
 * which is too slow for a hundred.  Loopback DYNAMO_ENDPOINT only; prints
 * one line.
 */

import {
	CreateTableCommand,
	DeleteTableCommand,
	ResourceInUseException,
	ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { scriptClient } from '../../tools/ddb_load.mjs';

const [cmd, prefix, countArg] = process.argv.slice(2);
const count = Number(countArg);

if (!['create', 'delete'].includes(cmd) || !prefix || !Number.isInteger(count) || count < 1) {
	console.error('usage: page_tables.mjs create|delete PREFIX COUNT');
	process.exit(2);
}
const client = scriptClient('page_tables.mjs');

const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

async function one(name) {
	try {
		if (cmd === 'create')
			await client.send(new CreateTableCommand({
				TableName: name,
				KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
				AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
				BillingMode: 'PAY_PER_REQUEST',
			}));
		else
			await client.send(new DeleteTableCommand({ TableName: name }));
	} catch (e) {
		/* Idempotent: an earlier run may have left them, or not. */
		if (!(e instanceof ResourceInUseException) && !(e instanceof ResourceNotFoundException))
			throw e;
	}
}

/* A few at a time: DynamoDB Local takes them quickly. */
for (let i = 0; i < names.length; i += 10)
	await Promise.all(names.slice(i, i + 10).map(one));
client.destroy();
console.log(`${cmd === 'create' ? 'created' : 'deleted'} ${count} tables ${prefix}*`);
