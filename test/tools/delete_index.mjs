#!/usr/bin/env node
/*
 * test/tools/delete_index.mjs - delete a global secondary index of a table
 * in DynamoDB Local, for tests of metadata that went stale.
 *
 * Usage: node test/tools/delete_index.mjs TABLE INDEX
 *
 * Waits until DescribeTable no longer lists the index, then prints
 * "deleted index INDEX of TABLE".  The endpoint comes from DYNAMO_ENDPOINT
 * and must be a loopback address (fake credentials, region us-east-1).
 */

import {
	DescribeTableCommand,
	UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { scriptClient } from './ddb_load.mjs';

const [table, index] = process.argv.slice(2);
if (!table || !index) {
	console.error('usage: node test/tools/delete_index.mjs TABLE INDEX');
	process.exit(2);
}
const client = scriptClient('delete_index.mjs');

await client.send(new UpdateTableCommand({
	TableName: table,
	GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: index } }],
}));
for (let i = 0; ; i++) {
	const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
	if (!(Table.GlobalSecondaryIndexes ?? []).some((g) => g.IndexName === index))
		break;
	if (i >= 300) {
		console.error(`index ${index} of ${table} still listed after 30 s`);
		process.exit(1);
	}
	await new Promise((r) => setTimeout(r, 100));
}
console.log(`deleted index ${index} of ${table}`);
