/*
 * test/tools/faults_env.mjs - what the fault-injection suites
 * (test/js/faults_*.test.mjs) share.
 *
 *   import { FaultEnv } from '../tools/faults_env.mjs';
 *   const env = await FaultEnv.start('faults_reads');
 *   await env.server('srv', { max_attempts: 3, request_timeout: 2 });
 *   const s = env.session();            // a PsqlSession on env's database
 *   env.arm([{ op: 'Scan', fault: 'reset', times: 1 }]);
 *   ... run SQL ...
 *   env.hits();                          // requests the armed rules faulted
 *   await env.stop();
 *
 * Each suite gets a database of its own (node --test runs the suite files
 * in parallel against one cluster, so nothing is shared but DynamoDB
 * Local, where every table name starts with the suite's prefix), a
 * fault-injecting proxy (test/tools/proxy.mjs) running in the suite's own
 * process, and an SDK client that talks to DynamoDB Local directly, never
 * through the proxy, to check what DynamoDB really holds.
 *
 * The env keeps the figures the README's Reliability section quotes:
 * requests faulted (every request a rule hit) and writes checked (items
 * whose presence or absence a test compared with what PostgreSQL said).
 */

import { startProxy } from './proxy.mjs';
import { PsqlSession, psql } from './psql.mjs';
import { ddbClient } from './ddb_load.mjs';

export const lit = (s) => (s === null || s === undefined ? 'NULL' : `'${String(s).replace(/'/g, "''")}'`);

export class FaultEnv {
	static async start(prefix) {
		const env = new FaultEnv();
		env.prefix = `${prefix}_${process.pid}`;
		env.db = env.prefix.toLowerCase();
		env.proxy = await startProxy({ target: process.env.DYNAMO_ENDPOINT, logBodies: true });
		env.ddb = ddbClient();
		env.faulted = 0;
		env.checked = 0;
		env.sessions = [];
		const r = await psql(`CREATE DATABASE ${env.db}`);
		if (r.error)
			throw new Error(`CREATE DATABASE ${env.db}: ${r.error.message}`);
		env.pgEnv = { ...process.env, PGDATABASE: env.db };
		const s = env.session();
		await s.ok('CREATE EXTENSION dynamo_fdw');
		return env;
	}

	/* A DynamoDB table name of this suite. */
	table(name) {
		return `${this.prefix}-${name}`;
	}

	/* A new psql session on the suite's database (closed by stop()). */
	session() {
		const s = new PsqlSession({ env: this.pgEnv });
		this.sessions.push(s);
		return s;
	}

	/* One command in a fresh backend of the suite's database. */
	async once(sql) {
		const s = this.session();
		try {
			return await s.query(sql);
		} finally {
			await s.close();
		}
	}

	/*
	 * CREATE SERVER NAME pointing at the proxy, with OPTIONS (server
	 * options: max_attempts, request_timeout, connect_timeout ...), and a
	 * user mapping with the fake keys.
	 */
	async server(name, options = {}) {
		const opts = { endpoint: this.proxy.url, region: 'us-east-1', ...options };
		const list = Object.entries(opts).map(([k, v]) => `${k} ${lit(v)}`).join(', ');
		const s = this.session();
		await s.ok(`CREATE SERVER ${name} FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (${list})`);
		await s.ok(`CREATE USER MAPPING FOR CURRENT_USER SERVER ${name} OPTIONS (access_key_id ${lit(process.env.AWS_ACCESS_KEY_ID ?? 'AKIDDYNAMOFDWTEST')}, secret_access_key ${lit(process.env.AWS_SECRET_ACCESS_KEY ?? 'fake')})`);
		await s.close();
	}

	/* Replace the armed fault rules (and start a fresh request log). */
	arm(rules) {
		this.settle();
		this.proxy.reset();
		this.proxy.setFaults(rules);
	}

	/* Disarm every rule, keeping the tally of what they faulted. */
	disarm() {
		this.settle();
		this.proxy.reset();
	}

	/* Add what the log shows was faulted to the tally. */
	settle() {
		this.faulted += this.proxy.log().filter((e) => e.fault !== null).length;
	}

	/* Requests faulted since the last arm(). */
	hits() {
		return this.proxy.log().filter((e) => e.fault !== null).length;
	}

	/* Log entries of operation OP since the last arm(). */
	requests(op) {
		return this.proxy.log().filter((e) => e.op === op);
	}

	/* The pid of SESSION's backend. */
	static async pid(session) {
		return Number(await session.value('SELECT pg_backend_pid()'));
	}

	async stop() {
		this.settle();
		for (const s of this.sessions)
			await s.close().catch(() => {});
		await psql(`DROP DATABASE IF EXISTS ${this.db} WITH (FORCE)`);
		await this.proxy.close();
		this.ddb.destroy();
	}
}

/* Wait until PRED() is true, checking every 20 ms, for at most MS. */
export async function waitFor(pred, ms = 5000, what = 'condition') {
	const until = Date.now() + ms;
	for (;;) {
		if (await pred())
			return;
		if (Date.now() > until)
			throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
