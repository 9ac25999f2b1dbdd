/*
 * test/tools/ddb_load.mjs - create, load and read back DynamoDB Local tables
 * with the AWS SDK v3, for the read-path suites and the benchmarks.
 *
 *   import { ddbClient, createTable, putItems, scanAll } from '../tools/ddb_load.mjs';
 *
 * Items are in the SDK's AttributeValue form ({ S: 'x' }, { B: Uint8Array }).
 * The endpoint is DYNAMO_ENDPOINT and must be a loopback address: nothing
 * here talks to AWS.
 */

import {
	DynamoDBClient,
	BatchWriteItemCommand,
	CreateTableCommand,
	DeleteTableCommand,
	ScanCommand,
	ResourceNotFoundException,
	waitUntilTableExists,
	waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';

export function ddbClient(endpoint = process.env.DYNAMO_ENDPOINT, extra = {}) {
	if (!endpoint)
		throw new Error('DYNAMO_ENDPOINT is not set');
	let host;
	try {
		host = new URL(endpoint).hostname;
	} catch {
		throw new Error(`DYNAMO_ENDPOINT is not a URL: ${endpoint}`);
	}
	if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host))
		throw new Error(`DYNAMO_ENDPOINT must be a loopback address, not ${host}`);
	process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
	return new DynamoDBClient({
		endpoint,
		region: 'us-east-1',
		credentials: { accessKeyId: 'AKIDDYNAMOFDWTEST', secretAccessKey: 'dynamo-fdw-fake-secret-key' },
		maxAttempts: 5,
		...extra,
	});
}

/* ddbClient() for a command-line script: a bad DYNAMO_ENDPOINT exits 2, saying so as SCRIPT. */
export function scriptClient(script) {
	try {
		return ddbClient();
	} catch (e) {
		console.error(`${script}: ${e.message}`);
		process.exit(2);
	}
}

/* Drop TABLE if it exists. */
export async function dropTable(client, name) {
	try {
		await client.send(new DeleteTableCommand({ TableName: name }));
		await waitUntilTableNotExists({ client, maxWaitTime: 60, minDelay: 0.2, maxDelay: 1 }, { TableName: name });
	} catch (e) {
		if (!(e instanceof ResourceNotFoundException) && e.name !== 'ResourceNotFoundException')
			throw e;
	}
}

/* Create a table from a CreateTable input (replacing one of that name). */
export async function createTable(client, spec) {
	await dropTable(client, spec.TableName);
	const input = { BillingMode: 'PAY_PER_REQUEST', ...spec };
	await client.send(new CreateTableCommand(input));
	await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 0.2, maxDelay: 1 }, { TableName: spec.TableName });
}

/*
 * Write ITEMS with BatchWriteItem, 25 a request, PARALLEL requests at a
 * time, unprocessed items retried.
 */
export async function putItems(client, table, items, parallel = 8) {
	const batches = [];
	for (let i = 0; i < items.length; i += 25)
		batches.push(items.slice(i, i + 25));
	let next = 0;
	async function worker() {
		while (next < batches.length) {
			const batch = batches[next++];
			let pending = { [table]: batch.map((Item) => ({ PutRequest: { Item } })) };
			for (let attempt = 0; Object.keys(pending).length > 0; attempt++) {
				if (attempt > 10)
					throw new Error(`BatchWriteItem left items unprocessed after ${attempt} attempts`);
				const out = await client.send(new BatchWriteItemCommand({ RequestItems: pending }));
				pending = out.UnprocessedItems ?? {};
				if (Object.keys(pending).length > 0)
					await new Promise((r) => setTimeout(r, 20 * attempt));
			}
		}
	}
	await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, worker));
}

/* Every item of TABLE, by a paginated Scan. */
export async function scanAll(client, table, extra = {}) {
	const items = [];
	let ExclusiveStartKey;
	do {
		const out = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey, ...extra }));
		items.push(...(out.Items ?? []));
		ExclusiveStartKey = out.LastEvaluatedKey;
	} while (ExclusiveStartKey);
	return items;
}

/* Seeded PRNG (mulberry32): the same seed gives the same data and queries. */
export function prng(seed) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6D2B79F5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const r = {
		next,
		int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
		pick: (arr) => arr[Math.floor(next() * arr.length)],
		chance: (p) => next() < p,
		shuffle(arr) {
			const a2 = [...arr];
			for (let i = a2.length - 1; i > 0; i--) {
				const j = Math.floor(next() * (i + 1));
				[a2[i], a2[j]] = [a2[j], a2[i]];
			}
			return a2;
		},
		sample(arr, k) {
			return r.shuffle(arr).slice(0, k);
		},
	};
	return r;
}
