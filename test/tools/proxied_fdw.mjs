/*
 * test/tools/proxied_fdw.mjs - the set-up several node tests share: DynamoDB
 * tables loaded with the SDK, the logging proxy in front of DynamoDB Local,
 * and one psql session with a dynamo_fdw server that goes through the proxy.
 *
 *   const fx = await proxiedFdw({
 *     server: 'xx_ddb',
 *     tables: [{ name: 'xx_items', items: [...] }],        // key: pk (S)
 *     foreignTables: ['CREATE FOREIGN TABLE ... SERVER xx_ddb ...'],
 *     settings: ['SET ...'],
 *   });
 *   ... fx.session, fx.proxy, fx.ddb ...
 *   await fx.close();     // drops the server and the tables
 */

import { startProxy } from './proxy.mjs';
import { PsqlSession } from './psql.mjs';
import { ddbClient, createTable, dropTable, putItems } from './ddb_load.mjs';

/* A table keyed by pk (a string), the shape most tests need. */
export const pkTable = (name) => ({
	TableName: name,
	KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
	AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
});

export async function proxiedFdw({ server, tables, foreignTables = [], settings = [] }) {
	const ddb = ddbClient();
	for (const t of tables) {
		await createTable(ddb, t.spec || pkTable(t.name));
		if (t.items)
			await putItems(ddb, t.name, t.items);
	}
	const proxy = await startProxy({ target: process.env.DYNAMO_ENDPOINT, logBodies: true });
	const session = new PsqlSession();
	/* DynamoDB Local takes letters and digits only in an access key */
	const keyId = `AKID${server.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`;
	for (const l of [
		'SET client_min_messages = warning',
		'CREATE EXTENSION IF NOT EXISTS dynamo_fdw',
		`DROP SERVER IF EXISTS ${server} CASCADE`,
		`CREATE SERVER ${server} FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint '${proxy.url}', region 'us-east-1')`,
		`CREATE USER MAPPING FOR CURRENT_USER SERVER ${server} OPTIONS (access_key_id '${keyId}', secret_access_key '${server}-secret')`,
		...foreignTables,
		...settings,
	])
		await session.ok(l);

	return {
		ddb,
		proxy,
		session,
		/* the bodies of the requests of OP the proxy saw since its last reset */
		requests: (op) => proxy.log().filter((e) => e.op === op).map((e) => JSON.parse(e.body)),
		async close() {
			await session.query(`DROP SERVER IF EXISTS ${server} CASCADE`);
			await session.close();
			await proxy.close();
			for (const t of tables)
				await dropTable(ddb, t.name);
			ddb.destroy();
		},
	};
}
