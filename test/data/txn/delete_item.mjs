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
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { scriptClient } from '../../tools/ddb_load.mjs';

const [table, keyJson] = process.argv.slice(2);
if (!table || !keyJson) {
	console.error('usage: delete_item.mjs TABLE KEYJSON');
	process.exit(2);
}
const client = scriptClient('delete_item.mjs');
const out = await client.send(new DeleteItemCommand({
	TableName: table, Key: JSON.parse(keyJson), ReturnValues: 'ALL_OLD',
}));
console.log(out.Attributes ? 'deleted' : '(no item)');
client.destroy();
