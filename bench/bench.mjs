#!/usr/bin/env node
/*
 * bench/bench.mjs - dynamo_fdw against the AWS SDK v3 and a raw HTTP replay,
 * in one run against one DynamoDB Local.
 *
 * Run it through bench/run.sh, which starts DynamoDB Local and a scratch
 * PostgreSQL cluster and sets the environment (DYNAMO_ENDPOINT, PGHOST,
 * PGPORT, PGUSER, PGDATABASE).  Options:
 *
 *   --items N      items of the full scan (default 100000)
 *   --small N      items of the small scan the memory check compares with
 *                  (default 1000)
 *   --writes N     rows of each INSERT benchmark (default 10000)
 *   --runs N       timed runs of each side, after one warm-up (default 3)
 *   --parallel N   requests in flight of the bulk SDK script (default 16,
 *                  the FDW's bulk mode's own)
 *   --only LIST    comma separated: scan, plain, memory, txn, bulk, counter,
 *                  keyjoin, count, parallel (default: all but plain;
 *                  "plain" adds a scan by the SDK with the table name alone)
 *   --keys N       local keys of the key join benchmark (default 1000)
 *   --sessions N   concurrent sessions of the counter benchmark (default 4)
 *   --increments N increments of one counter by each session (default 1000)
 *   --latency MS   a latency model between every side and DynamoDB Local:
 *   --mbms MS      MS per request plus MS per megabyte read (the test
 *                  proxy's model, test/tools/proxy.mjs; default 0 and 0:
 *                  none)
 *   --out FILE     results in Markdown (default bench/results.md)
 *   --db NAME      run in database NAME (created if missing; default
 *                  PGDATABASE)
 *   --prefix P     DynamoDB table names start with P (default bench_)
 *
 * What each side does (see bench/README.md for the reasons):
 *
 *   FDW      one psql session, \timing; the statement's wall time as psql
 *            sees it (rows fetched by psql and written to /dev/null).
 *   SDK      @aws-sdk/client-dynamodb, one warm client, the same requests
 *            the FDW sends (their parameters are taken from a recording of
 *            the FDW's own requests), responses parsed by the SDK.
 *   replay   the FDW's recorded HTTP requests, byte for byte, sent with
 *            node:http over one keep-alive connection (or N for the bulk
 *            load), each response read whole and thrown away: no signing,
 *            no parsing, the floor.
 *
 * Sides run interleaved (FDW, SDK, replay, then SDK, replay, FDW, ...) so
 * that load changes on a shared machine hit them alike; the figure kept is
 * the median of the timed runs.
 */

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { ddbClient, createTable, putItems } from '../test/tools/ddb_load.mjs';
import { startProxy } from '../test/tools/proxy.mjs';
import { makeItem, tableSpec, sqlItemSelect, FOREIGN_COLUMNS } from './data.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, '../test/tools/package.json'));
const {
	ScanCommand, TransactWriteItemsCommand, BatchWriteItemCommand, UpdateItemCommand,
	PutItemCommand, GetItemCommand, BatchGetItemCommand,
} = require('@aws-sdk/client-dynamodb');

/* ---- options ---- */

const opt = {
	items: 100000, small: 1000, writes: 10000, runs: 3, parallel: 16,
	only: 'scan,memory,txn,bulk,counter,keyjoin,count,parallel', out: path.join(HERE, 'results.md'),
	sessions: 4, increments: 1000, latency: 0, mbms: 0, keys: 1000,
	db: '', prefix: 'bench_',
};
for (let i = 2; i < process.argv.length; i++) {
	const a = process.argv[i].replace(/^--/, '');
	if (!(a in opt))
		throw new Error(`unknown option ${process.argv[i]}`);
	opt[a] = typeof opt[a] === 'number' ? Number(process.argv[++i]) : process.argv[++i];
}
const only = new Set(opt.only.split(','));
/* With a latency model, every side talks to DynamoDB Local through it. */
const latencyProxy = opt.latency > 0 || opt.mbms > 0
	? await startProxy({ target: process.env.DYNAMO_ENDPOINT,
		latency: { requestMs: opt.latency, mbMs: opt.mbms } })
	: null;
const ENDPOINT = latencyProxy ? latencyProxy.url : process.env.DYNAMO_ENDPOINT;
const ddbUrl = new URL(ENDPOINT);
const MODEL = latencyProxy
	? `with a latency model of ${opt.latency} ms a request + ${opt.mbms} ms a megabyte read`
	: 'with no added latency';
if (!['127.0.0.1', 'localhost'].includes(ddbUrl.hostname))
	throw new Error('DYNAMO_ENDPOINT must be a loopback address');

function log(...a) {
	console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
}

function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function loadavg() {
	return os.loadavg().map((x) => x.toFixed(2)).join(' ');
}

/* ---- psql ---- */

const MARK = '@@bench-done@@';

/*
 * One psql session.  Query output goes to /dev/null (\o); \timing lines
 * and \echo markers come back on stdout.  run() resolves to the statement's
 * time in ms as psql measured it; value() returns a one-row, one-column
 * result.
 */
class Psql {
	constructor() {
		this.child = spawn('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=0'],
			{ stdio: ['pipe', 'pipe', 'pipe'] });
		this.out = '';
		this.err = '';
		this.waiting = [];
		this.child.stdout.setEncoding('utf8');
		this.child.stderr.setEncoding('utf8');
		this.child.stdout.on('data', (d) => { this.out += d; this.drain(); });
		this.child.stderr.on('data', (d) => { this.err += d; });
		this.child.on('exit', (code) => {
			for (const w of this.waiting.splice(0))
				w.reject(new Error(`psql exited (${code}): ${this.err.slice(-1000)}`));
		});
	}

	drain() {
		for (;;) {
			const i = this.out.indexOf(MARK);
			if (i < 0 || this.waiting.length === 0)
				return;
			const eol = this.out.indexOf('\n', i);
			if (eol < 0)
				return;
			const chunk = this.out.slice(0, i);
			const status = this.out.slice(i + MARK.length, eol).trim();
			this.out = this.out.slice(eol + 1);
			const w = this.waiting.shift();
			const err = this.err;
			this.err = '';
			if (status.startsWith('true'))
				w.reject(new Error(`${w.sql}\n  failed: ${status.slice(5)}\n${err}`));
			else
				w.resolve(chunk);
		}
	}

	raw(text, sql = text) {
		return new Promise((resolve, reject) => {
			this.waiting.push({ resolve, reject, sql });
			this.child.stdin.write(`${text}\n\\echo ${MARK} :ERROR :LAST_ERROR_MESSAGE\n`);
		});
	}

	/* Run SQL with its rows thrown away; resolves to psql's \timing ms. */
	async run(sql) {
		const chunk = await this.raw(`\\o /dev/null\n\\timing on\n${sql};\n\\timing off\n\\o`, sql);
		const m = chunk.match(/Time: ([0-9.]+) ms/);
		if (!m)
			throw new Error(`no timing for ${sql}: ${chunk}`);
		return Number(m[1]);
	}

	async value(sql) {
		return (await this.raw(`${sql};`)).trim();
	}

	async exec(sql) {
		await this.raw(`${sql};`);
	}

	close() {
		return new Promise((resolve) => {
			this.child.on('exit', resolve);
			this.child.stdin.end('\\q\n');
		});
	}
}

/* VmHWM and VmRSS of process PID, in kB. */
function procMemory(pid) {
	const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (k) => Number((s.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm')) || [0, 0])[1]);
	return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}

/* ---- recording proxy: what the FDW sends, byte for byte ---- */

/*
 * A proxy in front of DynamoDB Local that keeps every request it forwards
 * ({target, headers, body}) in `recorded`.
 */
function startRecorder() {
	const recorded = [];
	const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const headers = { ...req.headers };
			delete headers.connection;
			recorded.push({ target: headers['x-amz-target'], headers, body });
			const u = http.request({
				host: ddbUrl.hostname, port: ddbUrl.port, path: req.url, method: req.method,
				headers: { ...headers, host: ddbUrl.host }, agent,
			}, (ur) => {
				res.writeHead(ur.statusCode, ur.headers);
				ur.pipe(res);
			});
			u.on('error', (e) => { res.destroy(e); });
			u.end(body);
		});
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => resolve({
			url: `http://127.0.0.1:${server.address().port}`,
			recorded,
			take(op) {
				const r = recorded.filter((x) => x.target === `DynamoDB_20120810.${op}`);
				recorded.length = 0;
				return r;
			},
			close() { agent.destroy(); server.close(); },
		}));
	});
}

/* ---- raw replay ---- */

/*
 * Send REQS (recorded requests, or {headers, body} made alike) to DynamoDB
 * Local over new keep-alive connections, at most CONCURRENCY at a time, each
 * response read whole and dropped.  Resolves to the wall time in ms; throws
 * on a status other than 200.
 */
async function replay(reqs, concurrency) {
	/* fresh connections: DynamoDB Local closes those idle for a while */
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const t0 = performance.now();
	let next = 0;
	function one(r) {
		return new Promise((resolve, reject) => {
			const u = http.request({
				host: ddbUrl.hostname, port: ddbUrl.port, path: '/', method: 'POST',
				headers: { ...r.headers, host: ddbUrl.host, 'content-length': r.body.length },
				agent,
			}, (res) => {
				let n = 0;
				let first = null;
				res.on('data', (c) => { n += c.length; if (!first) first = c; });
				res.on('end', () => {
					if (res.statusCode !== 200)
						reject(new Error(`replay: HTTP ${res.statusCode}: ${first}`));
					else
						resolve(n);
				});
			});
			u.on('error', reject);
			u.end(r.body);
		});
	}
	async function worker() {
		while (next < reqs.length)
			await one(reqs[next++]);
	}
	await Promise.all(Array.from({ length: Math.min(concurrency, reqs.length) }, worker));
	const ms = performance.now() - t0;
	return ms;
}

/* ---- setup ---- */

const client = ddbClient(ENDPOINT, { maxAttempts: 3 });
const results = [];			/* rows of the results table */
const notes = [];
const startLoad = loadavg();

/* The DynamoDB table behind foreign table NAME (bench_scan ...). */
function ddbName(name) {
	return `${opt.prefix}${name.replace(/^bench_/, '')}`;
}

async function loadTable(name, n, prefix) {
	const t = performance.now();
	name = ddbName(name);
	await createTable(client, tableSpec(name));
	const items = Array.from({ length: n }, (_, i) => makeItem(prefix, i));
	await putItems(client, name, items, 8);
	log(`loaded ${n} items into ${name} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function setupPg(ps, recorderUrl) {
	await ps.exec('SET client_min_messages = warning');
	await ps.exec('DROP EXTENSION IF EXISTS dynamo_fdw CASCADE');
	await ps.exec('CREATE EXTENSION dynamo_fdw');
	for (const [srv, url] of [['ddb', ENDPOINT], ['ddb_rec', recorderUrl]]) {
		await ps.exec(`CREATE SERVER ${srv} FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint '${url}')`);
		await ps.exec(`CREATE USER MAPPING FOR CURRENT_USER SERVER ${srv} OPTIONS ` +
			`(access_key_id '${process.env.AWS_ACCESS_KEY_ID}', secret_access_key '${process.env.AWS_SECRET_ACCESS_KEY}')`);
	}
	for (const t of ['bench_scan', 'bench_small', 'bench_txn', 'bench_bulk']) {
		const remote = ddbName(t);
		await ps.exec(`CREATE FOREIGN TABLE ${t} (${FOREIGN_COLUMNS}) SERVER ddb OPTIONS (table_name '${remote}')`);
		await ps.exec(`CREATE FOREIGN TABLE rec_${t} (${FOREIGN_COLUMNS}) SERVER ddb_rec OPTIONS (table_name '${remote}')`);
	}
}

function fmtMs(ms) {
	return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function ratio(a, b) {
	return b ? (a / b).toFixed(2) : '-';
}

/*
 * Run the sides round-robin: one warm-up round, then opt.runs timed
 * rounds, each starting with the next side.  SIDES: {name: async () =>
 * ms}.  Returns {name: [ms...]}.
 */
async function rounds(label, sides, before = async () => {}) {
	const times = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
	const order = Object.entries(sides);
	for (let r = 0; r <= opt.runs; r++) {
		/* each round starts with another side, so none always follows the same one */
		const turn = [...order.slice(r % order.length), ...order.slice(0, r % order.length)];
		for (const [name, fn] of turn) {
			await before(name);
			const ms = await fn();
			log(`${label} ${r === 0 ? 'warm-up' : `run ${r}`} ${name}: ${fmtMs(ms)} (load ${loadavg()})`);
			if (r > 0)
				times[name].push(ms);
		}
	}
	return times;
}

/*
 * The read benchmarks under a latency model: rounds() with DynamoDB Local
 * answering every request, then again with recorded answers (test proxy's
 * setRecordedReads: each distinct read answered once by DynamoDB Local, in
 * the warm-up, then from memory after the same model delay), so that the
 * figures show the client and the model without DynamoDB Local's own work
 * on the same cores.  PUSH(times, suffix) records each set.
 */
async function readRounds(label, sides, push) {
	push(await rounds(label, sides), '');
	if (!latencyProxy)
		return;
	latencyProxy.setRecordedReads(true);
	try {
		const t = await rounds(`${label} (recorded answers)`, sides);
		const st = latencyProxy.recordedReads();
		push(t, ', recorded answers');
		notes.push(`${label}, recorded answers: ${st.misses} answers from DynamoDB Local (the warm-up's), ` +
			`${st.hits} from the recording.`);
	} finally {
		latencyProxy.setRecordedReads(false);
	}
}

/* ---- reads ---- */

/*
 * CPU seconds so far (user + system) of each of PIDS: a process id, read
 * from /proc (every thread of it; 100 ticks a second), or 'self' for this
 * node process.  DynamoDB Local's pid comes from bench/run.sh.
 */
const ddbPid = Number(process.env.BENCH_DDB_PID) || null;

function cpuNow(pids) {
	return pids.map((pid) => {
		if (pid === 'self') {
			const u = process.cpuUsage();
			return (u.user + u.system) / 1e6;
		}
		if (!pid)
			return 0;
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(f[11]) + Number(f[12])) / 100;
	});
}

/* The SDK doing the Scan pages the FDW's first recorded request describes. */
function sdkScanInput(recorded) {
	const first = JSON.parse(recorded[0].body.toString('utf8'));
	delete first.ExclusiveStartKey;
	delete first.Segment;
	return first;
}

/*
 * The most segments a recorded scan read at once: a segment reads from its
 * first request to its last, in the order the requests were sent (the FDW
 * begins segments one by one, and more only while it waits for pages).
 */
function segmentsAtOnce(recorded) {
	const span = new Map();
	recorded.forEach((r, i) => {
		const seg = JSON.parse(r.body.toString('utf8')).Segment ?? 0;
		span.set(seg, [span.get(seg)?.[0] ?? i, i]);
	});
	let most = 0;
	recorded.forEach((_, i) => {
		most = Math.max(most, [...span.values()].filter(([a, b]) => a <= i && i <= b).length);
	});
	return most;
}

/*
 * The SDK scanning as the FDW did: page after page, or, when the FDW read
 * TotalSegments segments (each with its next page asked for ahead, up to
 * BEGUN at a time), that many segments at once, each page after page, the
 * next segment begun as one ends.
 */
async function sdkScan(input, begun = 1) {
	const t0 = performance.now();
	const total = input.TotalSegments ?? 1;
	let n = 0;
	let nextSeg = 0;
	await Promise.all(Array.from({ length: Math.min(begun, total) }, async () => {
		while (nextSeg < total) {
			const seg = nextSeg++;
			let ExclusiveStartKey;
			do {
				const out = await client.send(new ScanCommand({
					...input, ExclusiveStartKey, ...(input.TotalSegments ? { Segment: seg } : {}),
				}));
				n += out.Items.length;
				ExclusiveStartKey = out.LastEvaluatedKey;
			} while (ExclusiveStartKey);
		}
	}));
	if (n !== opt.items)
		throw new Error(`SDK scan read ${n} items, expected ${opt.items}`);
	return performance.now() - t0;
}

async function benchScan(ps, rec) {
	const sql = 'SELECT * FROM bench_scan';
	/* recording: the FDW's own requests (also the warm-up of DynamoDB Local) */
	rec.take('Scan');
	await ps.run('SELECT * FROM rec_bench_scan');
	const recorded = rec.take('Scan');
	const input = sdkScanInput(recorded);
	const segments = input.TotalSegments ?? 1;
	const begun = segmentsAtOnce(recorded);
	log(`FDW scan: ${recorded.length} Scan requests, up to ${begun} of ${segments} segments at once; ` +
		`first: ${recorded[0].body.toString('utf8').slice(0, 300)}`);
	notes.push(`Full scan: the FDW sent ${recorded.length} Scan requests ` +
		`(parameters: ${Object.keys(input).join(', ')}${segments > 1 ? `, Segment; TotalSegments ${segments}, ` +
			`of which the recorded run read up to ${begun} at once, each with its next page asked for ahead` : ''}); ` +
		'the SDK script sent the same parameters' +
		`${segments > 1 ? `, ${begun} segments at a time; the replay ${begun} requests at a time` : ''}.`);

	/*
	 * Every side's CPU as well as its time: DynamoDB Local shares the 2
	 * cores with the client, so the client's own CPU decides how far
	 * overlapping requests can help it.  The references one request at a
	 * time are those of every run before the FDW read segments at once.
	 */
	const backend = Number(await ps.value('SELECT pg_backend_pid()'));
	const cpu = {};
	const timed = (name, fn, pids) => async () => {
		const before = cpuNow(pids);
		const ms = await fn();
		const after = cpuNow(pids);
		(cpu[name] ??= []).push(after.map((c, i) => c - before[i]));
		return ms;
	};
	const sides = {
		FDW: timed('FDW', () => ps.run(sql), [ddbPid, backend, ps.child.pid]),
		SDK: timed('SDK', () => sdkScan(input, begun), [ddbPid, 'self']),
		replay: timed('replay', () => replay(recorded, begun), [ddbPid, 'self']),
	};
	if (begun > 1) {
		sides['SDK 1 at a time'] = timed('SDK 1 at a time', () => sdkScan(input, 1), [ddbPid, 'self']);
		sides['replay 1 at a time'] = timed('replay 1 at a time', () => replay(recorded, 1), [ddbPid, 'self']);
	}
	const t = await rounds('scan', sides);
	const fdw = median(t.FDW);
	const sdk = median(t.SDK);
	const rp = median(t.replay);
	const op = `Full scan, ${opt.items} items (\`${sql}\`, rows to /dev/null)`;
	if (begun > 1) {
		const sdk1 = median(t['SDK 1 at a time']);
		const rp1 = median(t['replay 1 at a time']);
		results.push({
			op: `${op}; SDK and replay ${begun} segments at once, as the FDW's recorded run`,
			fdw, sdk, replay: rp,
			target: '(for information: the same requests as much at once)',
			met: null,
			runs: t,
		});
		results.push({
			op: `${op}; SDK and replay one request at a time (as measured before the FDW read segments at once)`,
			fdw, sdk: sdk1, replay: rp1,
			target: 'FDW <= 0.8x SDK, <= 1.1x replay',
			met: fdw <= 0.8 * sdk1 && fdw <= 1.1 * rp1,
		});
	} else {
		results.push({
			op, fdw, sdk, replay: rp,
			target: 'FDW <= 0.8x SDK, <= 1.1x replay',
			met: fdw <= 0.8 * sdk && fdw <= 1.1 * rp,
			runs: t,
		});
	}
	const secs = (v) => `${v.toFixed(2)} s`;
	notes.push('Full scan, CPU per timed run (median): ' + Object.entries(cpu).map(([name, all]) => {
		const runs = all.slice(1);	/* not the warm-up's */
		const parts = runs[0].map((_, i) => median(runs.map((r) => r[i])));
		const who = name === 'FDW' ? ['DynamoDB Local', 'backend', 'psql'] : ['DynamoDB Local', 'node'];
		const sum = parts.reduce((a, b) => a + b, 0);
		return `${name}: ${parts.map((c, i) => `${who[i]} ${secs(c)}`).join(', ')}; ` +
			`${secs(sum)} in all, so at least ${secs(sum / os.cpus().length)} on ${os.cpus().length} cores`;
	}).join('; ') + '.');
	return { input, recorded };
}

/*
 * count(*) of bench_scan: the FDW splits it into one Select=COUNT segment a
 * megabyte (up to 16) read together; "FDW sequential" is the same count on
 * a foreign table with scan_segments '1' (one page after another, as before
 * the split); the SDK script pages through Select=COUNT one after another.
 */
async function benchCount(ps) {
	await ps.exec('DROP FOREIGN TABLE IF EXISTS bench_scan_seq');
	await ps.exec(`CREATE FOREIGN TABLE bench_scan_seq (${FOREIGN_COLUMNS}) SERVER ddb ` +
		`OPTIONS (table_name '${ddbName('bench_scan')}', scan_segments '1')`);
	const plan = await ps.raw('EXPLAIN (COSTS OFF) SELECT count(*) FROM bench_scan;');
	const segments = (/Scan Segments: (\d+)/.exec(plan) ?? [0, 1])[1];
	const sides = {
		FDW: () => ps.run('SELECT count(*) FROM bench_scan'),
		'FDW sequential': () => ps.run('SELECT count(*) FROM bench_scan_seq'),
		SDK: async () => {
			const t0 = performance.now();
			let n = 0;
			let ExclusiveStartKey;
			do {
				const out = await client.send(new ScanCommand({
					TableName: ddbName('bench_scan'), Select: 'COUNT', ExclusiveStartKey,
					ReturnConsumedCapacity: 'TOTAL',
				}));
				n += out.Count;
				ExclusiveStartKey = out.LastEvaluatedKey;
			} while (ExclusiveStartKey);
			if (n !== opt.items)
				throw new Error(`SDK count ${n}, expected ${opt.items}`);
			return performance.now() - t0;
		},
	};
	notes.push(`count(*) of ${opt.items} items: the FDW read ${segments} Select=COUNT segments together; ` +
		'"FDW sequential" is scan_segments \'1\', one Select=COUNT page after another; the SDK script pages likewise.');
	await readRounds('count', sides, (t, how) => results.push({
		op: `count(*) of ${opt.items} items (${segments} segments together; sequential in the replay column${how})`,
		fdw: median(t.FDW), sdk: median(t.SDK), replay: median(t['FDW sequential']),
		target: latencyProxy ? '<= 0.35x FDW sequential (replay column)' : '(for information)',
		met: latencyProxy ? median(t.FDW) <= 0.35 * median(t['FDW sequential']) : null,
		runs: t,
	}));
}

/*
 * SELECT sum(n) of bench_scan in parallel query: 4 workers sharing the
 * Scan's segments against 1 worker, with parallel_leader_participation off
 * (the issue's target: that many processes scanning); and, for
 * information, the same with the leader scanning too (PostgreSQL's
 * default: 5 processes against 2, so 0.4x would be perfect scaling).  The
 * SDK script scans with Segment/TotalSegments, 5 segments at once, and
 * sums.
 */
async function benchParallel(ps) {
	const sql = 'SELECT sum(n) FROM bench_scan';
	const withWorkers = (n, leader) => async () => {
		await ps.exec(`SET max_parallel_workers_per_gather = ${n}`);
		await ps.exec(`SET parallel_leader_participation = ${leader ? 'on' : 'off'}`);
		await ps.exec('SET parallel_setup_cost = 0');
		await ps.exec('SET parallel_tuple_cost = 0');
		const ms = await ps.run(sql);
		for (const g of ['max_parallel_workers_per_gather', 'parallel_leader_participation',
			'parallel_setup_cost', 'parallel_tuple_cost'])
			await ps.exec(`RESET ${g}`);
		return ms;
	};
	const total = 5;
	const sides = {
		'FDW 4 workers': withWorkers(4, false),
		'FDW 1 worker': withWorkers(1, false),
		'FDW 4 workers + leader': withWorkers(4, true),
		'FDW 1 worker + leader': withWorkers(1, true),
		SDK: async () => {
			const t0 = performance.now();
			let sum = 0;
			await Promise.all(Array.from({ length: total }, async (_, seg) => {
				let ExclusiveStartKey;
				do {
					const out = await client.send(new ScanCommand({
						TableName: ddbName('bench_scan'), Segment: seg, TotalSegments: total,
						ProjectionExpression: 'n', ExclusiveStartKey, ReturnConsumedCapacity: 'TOTAL',
					}));
					for (const it of out.Items)
						sum += Number(it.n.N);
					ExclusiveStartKey = out.LastEvaluatedKey;
				} while (ExclusiveStartKey);
			}));
			if (sum !== (opt.items * (opt.items - 1)) / 2)
				throw new Error(`SDK sum ${sum}`);
			return performance.now() - t0;
		},
	};
	notes.push(`Parallel sum of ${opt.items} items: \`${sql}\` with max_parallel_workers_per_gather 4 and 1 ` +
		'(parallel_setup_cost and parallel_tuple_cost 0), parallel_leader_participation off; "+ leader": on ' +
		'(the default); the SDK script scans 5 segments at once and sums.');
	await readRounds('parallel', sides, (t, how) => {
		results.push({
			op: `\`${sql}\`, ${opt.items} items, 4 workers (1 worker in the replay column${how})`,
			fdw: median(t['FDW 4 workers']), sdk: median(t.SDK), replay: median(t['FDW 1 worker']),
			target: latencyProxy ? '<= 0.4x 1 worker (replay column)' : '(for information)',
			met: latencyProxy ? median(t['FDW 4 workers']) <= 0.4 * median(t['FDW 1 worker']) : null,
			runs: t,
		});
		results.push({
			op: `the same, the leader scanning too: 4 workers + leader (1 worker + leader in the replay column${how})`,
			fdw: median(t['FDW 4 workers + leader']), sdk: median(t.SDK), replay: median(t['FDW 1 worker + leader']),
			target: '(for information: 0.4x is perfect scaling)',
			met: null,
		});
	});
}

/*
 * A join of opt.keys local keys to bench_scan on its key: the batched key
 * join, BatchGetItem requests of 100 keys, 16 in flight.  The SDK sends the
 * same requests with as many in flight (UnprocessedKeys asked again), the
 * replay likewise.
 */
async function benchKeyjoin(ps, rec) {
	const step = Math.max(1, Math.floor(opt.items / opt.keys));
	const sql = 'SELECT count(*), sum(s.n) FROM bench_keys k JOIN bench_scan s ON s.id = k.id';
	await ps.exec('DROP TABLE IF EXISTS bench_keys');
	await ps.exec(`CREATE TABLE bench_keys AS SELECT 'item#' || lpad((g * ${step})::text, 7, '0') AS id
		FROM generate_series(0, ${opt.keys - 1}) g`);
	await ps.exec('ANALYZE bench_keys');
	/* the batched key join itself, whatever a small table would prefer */
	await ps.exec('SET enable_hashjoin = off');
	await ps.exec('SET enable_mergejoin = off');
	const plan = await ps.raw(`EXPLAIN (COSTS OFF) ${sql};`);
	if (!plan.includes('DynamoDB Key Join'))
		throw new Error(`the key join benchmark's plan is not the batched key join:\n${plan}`);
	rec.take('BatchGetItem');
	await ps.run(sql.replace('bench_scan', 'rec_bench_scan'));
	const recorded = rec.take('BatchGetItem');
	const inFlight = 16;
	const docs = recorded.map((r) => JSON.parse(r.body.toString('utf8')));
	notes.push(`Key join of ${opt.keys} local keys: the FDW sent ${recorded.length} BatchGetItem requests ` +
		`of up to 100 keys, ${inFlight} in flight; the SDK script and the replay sent the same requests with ` +
		`${inFlight} in flight.`);
	const sides = {
		FDW: () => ps.run(sql),
		SDK: async () => {
			const t0 = performance.now();
			let next = 0;
			async function worker() {
				while (next < docs.length) {
					let pending = docs[next++].RequestItems;
					while (Object.keys(pending).length > 0) {
						const out = await client.send(new BatchGetItemCommand({
							RequestItems: pending, ReturnConsumedCapacity: 'TOTAL',
						}));
						pending = out.UnprocessedKeys ?? {};
					}
				}
			}
			await Promise.all(Array.from({ length: inFlight }, worker));
			return performance.now() - t0;
		},
		replay: () => replay(recorded, inFlight),
	};
	await readRounds('keyjoin', sides, (t, how) => results.push({
		op: `Join of ${opt.keys} local keys on the full key (${recorded.length} BatchGetItem, ${inFlight} in flight${how})`,
		fdw: median(t.FDW), sdk: median(t.SDK), replay: median(t.replay),
		target: latencyProxy ? '<= 60 ms at 10 ms a request' : '(for information)',
		met: latencyProxy ? median(t.FDW) <= 60 : null,
		runs: t,
	}));
	await ps.exec('RESET enable_hashjoin');
	await ps.exec('RESET enable_mergejoin');
}

/*
 * The SDK as most scripts use it: ScanCommand with the table name only,
 * paginated (DynamoDB's default 1 MB pages, no Limit).
 */
async function benchPlainScan(ps) {
	const sides = {
		FDW: () => ps.run('SELECT * FROM bench_scan'),
		'SDK plain': () => sdkScan({ TableName: ddbName('bench_scan') }),
	};
	const t = await rounds('plain scan', sides);
	const fdw = median(t.FDW);
	const sdk = median(t['SDK plain']);
	results.push({
		op: `Full scan, ${opt.items} items, SDK script with \`ScanCommand({TableName})\` only`,
		fdw, sdk, replay: null,
		target: '(for information)',
		met: null,
		runs: t,
	});
}

async function benchMemory() {
	const out = {};
	for (const [table, n] of [['bench_small', opt.small], ['bench_scan', opt.items]]) {
		const ps = new Psql();
		const pid = Number(await ps.value('SELECT pg_backend_pid()'));
		await ps.exec('SELECT 1');
		const before = procMemory(pid);
		const ms = await ps.run(`SELECT * FROM ${table}`);
		const after = procMemory(pid);
		log(`memory: ${table} (${n} items) in ${fmtMs(ms)}: VmHWM ${before.hwm} -> ${after.hwm} kB, VmRSS ${after.rss} kB`);
		out[n] = { before, after };
		await ps.close();
	}
	const diff = (out[opt.items].after.hwm - out[opt.small].after.hwm) / 1024;
	results.push({
		op: `Backend peak memory (VmHWM), scan of ${opt.items} vs ${opt.small} items`,
		memory: `${(out[opt.items].after.hwm / 1024).toFixed(1)} MB vs ${(out[opt.small].after.hwm / 1024).toFixed(1)} MB`,
		diff,
		target: 'within 20 MB',
		met: diff <= 20,
	});
}

/* ---- writes ---- */

/* Give every recorded TransactWriteItems body a fresh ClientRequestToken. */
function freshTokens(recorded, run) {
	return recorded.map((r, i) => {
		const doc = JSON.parse(r.body.toString('utf8'));
		if (doc.ClientRequestToken)
			doc.ClientRequestToken = `bench-${process.pid}-${run}-${i}-${Date.now()}`;
		return { headers: r.headers, body: Buffer.from(JSON.stringify(doc)), doc };
	});
}

async function recreate(name) {
	await createTable(client, tableSpec(ddbName(name)));
}

function insertSql(table) {
	return `INSERT INTO ${table} SELECT\n\t${sqlItemSelect('w#')}\nFROM generate_series(0, ${opt.writes - 1}) AS g(i)`;
}

async function benchTxn(ps, rec) {
	await recreate('bench_txn');
	rec.take('TransactWriteItems');
	await ps.run(insertSql('rec_bench_txn'));
	const recorded = rec.take('TransactWriteItems');
	const sizes = recorded.map((r) => JSON.parse(r.body).TransactItems.length);
	log(`FDW INSERT: ${recorded.length} TransactWriteItems requests of ${Math.min(...sizes)}..${Math.max(...sizes)} actions`);
	notes.push(`INSERT of ${opt.writes} rows: the FDW sent ${recorded.length} TransactWriteItems requests ` +
		`(${Math.min(...sizes)} to ${Math.max(...sizes)} actions each), one after the other; the SDK script sent ` +
		'the same TransactItems, one request after the other, each with a fresh ClientRequestToken.');
	let run = 0;
	let prepared = null;
	const sides = {
		FDW: () => ps.run(insertSql('bench_txn')),
		SDK: async () => {
			const t0 = performance.now();
			for (const p of prepared)
				await client.send(new TransactWriteItemsCommand(p.doc));
			return performance.now() - t0;
		},
		replay: () => replay(prepared, 1),
	};
	const t = await rounds('txn insert', sides, async () => {
		await recreate('bench_txn');
		prepared = freshTokens(recorded, run++);
	});
	results.push({
		op: `INSERT of ${opt.writes} rows, one statement (TransactWriteItems of 100)`,
		fdw: median(t.FDW), sdk: median(t.SDK), replay: median(t.replay),
		target: 'FDW <= 1.0x SDK',
		met: median(t.FDW) <= median(t.SDK),
		runs: t,
	});
}

async function benchBulk(ps, rec) {
	await recreate('bench_bulk');
	await ps.exec('SET dynamo_fdw.bulk_write = on');
	rec.take('BatchWriteItem');
	await ps.run(insertSql('rec_bench_bulk'));
	const recorded = rec.take('BatchWriteItem');
	log(`FDW bulk INSERT: ${recorded.length} BatchWriteItem requests`);
	notes.push(`Bulk INSERT of ${opt.writes} rows: the FDW sent ${recorded.length} BatchWriteItem requests ` +
		`of 25 items, 16 at a time (a group waits for its slowest request); the SDK script kept ` +
		`${opt.parallel} requests of the same items in flight all the time; the replay likewise.`);
	const prepared = recorded.map((r) => ({
		headers: r.headers, body: r.body, doc: JSON.parse(r.body.toString('utf8')),
	}));
	const sides = {
		FDW: () => ps.run(insertSql('bench_bulk')),
		SDK: async () => {
			const t0 = performance.now();
			let next = 0;
			async function worker() {
				while (next < prepared.length) {
					let pending = prepared[next++].doc.RequestItems;
					for (let attempt = 0; Object.keys(pending).length > 0; attempt++) {
						if (attempt > 0)
							await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** attempt));
						const out = await client.send(new BatchWriteItemCommand({ RequestItems: pending }));
						pending = out.UnprocessedItems ?? {};
					}
				}
			}
			await Promise.all(Array.from({ length: opt.parallel }, worker));
			return performance.now() - t0;
		},
		replay: () => replay(prepared, opt.parallel),
	};
	const t = await rounds('bulk insert', sides, () => recreate('bench_bulk'));
	await ps.exec('RESET dynamo_fdw.bulk_write');
	results.push({
		op: `Bulk INSERT of ${opt.writes} rows (\`dynamo_fdw.bulk_write\`, BatchWriteItem of 25, ${opt.parallel} in flight)`,
		fdw: median(t.FDW), sdk: median(t.SDK), replay: median(t.replay),
		target: 'FDW <= 1.0x SDK',
		met: median(t.FDW) <= median(t.SDK),
		runs: t,
	});
}

/* ---- concurrent increments ---- */

/*
 * opt.sessions sessions each increment one counter opt.increments times at
 * once: the FDW with that many psql processes running `UPDATE ... SET n =
 * n + 1 WHERE pk = 'c'` (autocommit: one UpdateItem each), the SDK with as
 * many loops of UpdateItem `ADD n :one`, the replay with the FDW's recorded
 * requests over as many connections.  The counter is read back after each
 * run: every increment must have counted.
 */
async function benchCounter(ps, rec) {
	const table = ddbName('bench_counter');
	const total = opt.sessions * opt.increments;
	const script = path.join(os.tmpdir(), `dynamo_fdw-bench-counter-${process.pid}.sql`);
	const key = { pk: { S: 'c' } };
	await createTable(client, {
		TableName: table,
		KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
		AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
		BillingMode: 'PAY_PER_REQUEST',
	});
	await ps.exec(`CREATE FOREIGN TABLE bench_counter (pk text, n bigint) SERVER ddb OPTIONS (table_name '${table}')`);
	await ps.exec(`CREATE FOREIGN TABLE rec_bench_counter (pk text, n bigint) SERVER ddb_rec OPTIONS (table_name '${table}')`);
	fs.writeFileSync(script, "UPDATE bench_counter SET n = n + 1 WHERE pk = 'c';\n".repeat(opt.increments));
	const reset = () => client.send(new PutItemCommand({ TableName: table, Item: { ...key, n: { N: '0' } } }));
	const value = async () => Number((await client.send(new GetItemCommand({
		TableName: table, Key: key, ConsistentRead: true,
	}))).Item.n.N);

	await reset();
	rec.take('UpdateItem');
	await ps.exec("UPDATE rec_bench_counter SET n = n + 1 WHERE pk = 'c'");
	const recorded = rec.take('UpdateItem');
	if (recorded.length !== 1)
		throw new Error(`an increment sent ${recorded.length} UpdateItem requests, not 1`);
	const lost = [];
	const check = async (side) => {
		const n = await value();
		if (n !== total)
			lost.push(`${side}: ${total - n} of ${total} lost`);
	};
	const psqlRun = () => new Promise((resolve, reject) => {
		const c = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', script],
			{ stdio: ['ignore', 'ignore', 'pipe'] });
		let err = '';
		c.stderr.on('data', (d) => { err += d; });
		c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql: ${err}`))));
	});
	const sides = {
		FDW: async () => {
			const t0 = performance.now();
			await Promise.all(Array.from({ length: opt.sessions }, psqlRun));
			const ms = performance.now() - t0;
			await check('FDW');
			return ms;
		},
		SDK: async () => {
			const t0 = performance.now();
			await Promise.all(Array.from({ length: opt.sessions }, async () => {
				for (let i = 0; i < opt.increments; i++)
					await client.send(new UpdateItemCommand({
						TableName: table, Key: key, UpdateExpression: 'ADD n :one',
						ExpressionAttributeValues: { ':one': { N: '1' } },
					}));
			}));
			const ms = performance.now() - t0;
			await check('SDK');
			return ms;
		},
		replay: async () => {
			const ms = await replay(Array(total).fill(recorded[0]), opt.sessions);
			await check('replay');
			return ms;
		},
	};
	const t = await rounds('counter', sides, reset);
	fs.rmSync(script, { force: true });
	notes.push(`Counter: ${opt.sessions} sessions x ${opt.increments} increments of one item; each FDW statement ` +
		"is `UPDATE bench_counter SET n = n + 1 WHERE pk = 'c'` alone in its transaction, sent as one " +
		'UpdateItem (SET n = n + :v with its guard in the ConditionExpression), no read; the FDW side\'s time ' +
		`includes starting ${opt.sessions} psql processes. The SDK side: ${opt.sessions} loops of UpdateItem ` +
		'`ADD n :one`. Lost increments over every run (counter read back with the SDK): ' +
		`${lost.length ? lost.join('; ') : 'none'}.`);
	results.push({
		op: `${opt.sessions} sessions x ${opt.increments} increments of one counter (autocommit UpdateItem)`,
		fdw: median(t.FDW), sdk: median(t.SDK), replay: median(t.replay),
		target: 'FDW <= 1.2x SDK, 0 lost',
		met: median(t.FDW) <= 1.2 * median(t.SDK) && lost.length === 0,
		runs: t,
	});
}

/* ---- report ---- */

function report() {
	const lines = [];
	const endLoad = loadavg();
	lines.push('# dynamo_fdw benchmark results', '');
	lines.push(`Run ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} on ${os.cpus().length} CPUs ` +
		`(${os.cpus()[0].model.trim()}), load average (1, 5, 15 min) ${startLoad} at the start, ${endLoad} at the end; ` +
		`median of ${opt.runs} timed runs after one warm-up, sides interleaved. ` +
		`DynamoDB Local ${process.env.BENCH_DDB_DESC || ''} ${MODEL}, PostgreSQL 15, node ${process.version}.`, '');
	lines.push('| operation | FDW | SDK v3 | raw replay | FDW/SDK | FDW/replay | target | met? |');
	lines.push('|---|---|---|---|---|---|---|---|');
	for (const r of results) {
		if (r.memory) {
			lines.push(`| ${r.op} | ${r.memory} (+${r.diff.toFixed(1)} MB) | | | | | ${r.target} | ${r.met ? 'yes' : 'no'} |`);
			continue;
		}
		lines.push(`| ${r.op} | ${fmtMs(r.fdw)} | ${fmtMs(r.sdk)} | ${r.replay == null ? '-' : fmtMs(r.replay)} | ` +
			`${ratio(r.fdw, r.sdk)} | ${r.replay == null ? '-' : ratio(r.fdw, r.replay)} | ${r.target} | ` +
			`${r.met == null ? '-' : r.met ? 'yes' : 'no'} |`);
	}
	lines.push('', 'Every timed run (ms):', '');
	for (const r of results)
		if (r.runs)
			lines.push(`- ${r.op}: ${Object.entries(r.runs).map(([k, v]) => `${k} ${v.map(Math.round).join(', ')}`).join('; ')}`);
	if (notes.length)
		lines.push('', ...notes.map((n) => `- ${n}`));
	lines.push('', `Reproduce: \`bash bench/run.sh --items ${opt.items} --small ${opt.small} --writes ${opt.writes} --runs ${opt.runs}` +
		`${latencyProxy ? ` --latency ${opt.latency} --mbms ${opt.mbms}` : ''}\``, '');
	const text = lines.join('\n');
	fs.writeFileSync(opt.out, text);
	console.log(`\n${text}`);
}

async function main() {
	log(`options ${JSON.stringify(opt)}; load ${startLoad}`);
	if (opt.db) {
		const admin = new Psql();
		const exists = await admin.value(`SELECT count(*) FROM pg_database WHERE datname = '${opt.db}'`);
		if (exists === '0')
			await admin.exec(`CREATE DATABASE "${opt.db}"`);
		await admin.close();
		process.env.PGDATABASE = opt.db;
	}
	const rec = await startRecorder();
	const ps = new Psql();
	try {
		await setupPg(ps, rec.url);
		if (['scan', 'plain', 'memory', 'keyjoin', 'count', 'parallel'].some((o) => only.has(o))) {
			await loadTable('bench_scan', opt.items, 'item#');
			await loadTable('bench_small', opt.small, 'item#');
		}
		if (only.has('scan'))
			await benchScan(ps, rec);
		if (only.has('plain'))
			await benchPlainScan(ps);
		if (only.has('memory'))
			await benchMemory();
		if (only.has('txn'))
			await benchTxn(ps, rec);
		if (only.has('bulk'))
			await benchBulk(ps, rec);
		if (only.has('counter'))
			await benchCounter(ps, rec);
		if (only.has('keyjoin'))
			await benchKeyjoin(ps, rec);
		if (only.has('count'))
			await benchCount(ps);
		if (only.has('parallel'))
			await benchParallel(ps);
		report();
	} finally {
		await ps.close();
		rec.close();
		await latencyProxy?.close();
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
