#!/usr/bin/env node
/*
 * test/data/txn/delete_item.mjs - delete one item with the AWS SDK, as a
 * concurrent writer would, for txn.sql.
 *
 * Usage: node test/data/txn/delete_item.mjs TABLE KEYJSON
 *
 * KEYJSON is the key in DynamoDB JSON ({"pk":{"S":"x"}}).  Prints
 * "deleted" or "(no item)".  DYNAMO_ENDPOINT must be a loopback address.
 */
import { DynamoDBClient, DeleteItemCommand } from '@aws-sdk/client-dynamodb';

const [table, keyJson] = process.argv.slice(2);
const endpoint = process.env.DYNAMO_ENDPOINT ?? '';
if (!table || !keyJson) {
	console.error('usage: delete_item.mjs TABLE KEYJSON');
	process.exit(2);
}
if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(endpoint)) {
	console.error('DYNAMO_ENDPOINT must be a loopback address');
	process.exit(2);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const client = new DynamoDBClient({
	endpoint,
	region: 'us-east-1',
	credentials: { accessKeyId: 'AKIDDYNAMOFDWTEST', secretAccessKey: 'dynamo-fdw-fake-secret-key' },
});
const out = await client.send(new DeleteItemCommand({
	TableName: table, Key: JSON.parse(keyJson), ReturnValues: 'ALL_OLD',
}));
console.log(out.Attributes ? 'deleted' : '(no item)');
client.destroy();
