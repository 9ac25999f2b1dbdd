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
	DynamoDBClient,
	DescribeTableCommand,
	UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';

const [table, index] = process.argv.slice(2);
if (!table || !index) {
	console.error('usage: node test/tools/delete_index.mjs TABLE INDEX');
	process.exit(2);
}
const endpoint = process.env.DYNAMO_ENDPOINT ?? '';
const host = endpoint ? new URL(endpoint).hostname : '';
if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
	console.error(`DYNAMO_ENDPOINT must be a loopback address, not "${endpoint}"`);
	process.exit(2);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const client = new DynamoDBClient({
	endpoint,
	region: 'us-east-1',
	credentials: { accessKeyId: 'AKIDDYNAMOFDWTEST', secretAccessKey: 'dynamo-fdw-fake-secret-key' },
});

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
