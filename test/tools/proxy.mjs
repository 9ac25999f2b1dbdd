#!/usr/bin/env node
/*
 * test/tools/proxy.mjs - a counting, fault-injecting HTTP proxy in front of
 * DynamoDB Local, for the read-path and reliability tests.
 *
 * Usage as a program:
 *
 *   node test/tools/proxy.mjs [--target URL] [--port N]
 *
 * forwards every request to URL (default $DYNAMO_ENDPOINT, which must be a
 * loopback address), listens on 127.0.0.1:N (default: a free port) and
 * prints one line "listening on http://127.0.0.1:PORT" when ready.  It runs
 * until SIGINT/SIGTERM.
 *
 * Usage as a module (what test/js suites do; the proxy then runs in the
 * test's own process, so drive psql asynchronously):
 *
 *   import { startProxy } from '../tools/proxy.mjs';
 *   const proxy = await startProxy({ target: process.env.DYNAMO_ENDPOINT });
 *   // { logBodies: true } also keeps each request's body in the log
 *   proxy.url; proxy.counts(); proxy.reset(); proxy.setFaults([...]);
 *   await proxy.close();
 *
 * Every request is counted by its DynamoDB operation (the part of the
 * X-Amz-Target header after the dot: "GetItem", "Scan" ...), faulted or
 * not.  Control endpoints (never forwarded, never counted):
 *
 *   GET  /__counts   {"GetItem": 1, "Scan": 3, ...}: requests received
 *   GET  /__log      [{"op","fault","status","ms","token","at"}, ...]: every
 *                    request since the last reset, in arrival order (at:
 *                    its arrival, Date.now(); ms: until answered); token
 *                    is the request's ClientRequestToken (TransactWriteItems)
 *                    or null; with logBodies also "body", the request text;
 *                    "abandoned": true when the client closed the
 *                    connection before the answer was written whole
 *   GET  /__faults   the fault rules still armed
 *   POST /__faults   arm fault rules (JSON: one rule or an array), replacing
 *                    the armed ones; POST /__faults?append adds to them
 *   DELETE /__faults disarm every rule
 *   POST /__reset    zero the counts, clear the log, disarm every rule
 *
 * A fault rule:
 *
 *   { "op": "Scan",          operation it applies to; "*" (default) = any
 *     "fault": "throttle",   what to do (below)
 *     "times": 3,            how many matching requests it hits; omitted or
 *                            -1: every one, forever
 *     "after": 1,            let this many matching requests through first
 *     "match": "Exclusive",  only requests whose body contains this text
 *     "delayMs": 500 }       for "delay" (default 1000)
 *
 * The first armed rule that matches a request decides its fate.  Faults:
 *
 *   throttle       400 ThrottlingException (not forwarded)
 *   throughput     400 ProvisionedThroughputExceededException (not forwarded)
 *   status500      500 InternalServerError (not forwarded)
 *   status503      503 ServiceUnavailable (not forwarded)
 *   validation     400 ValidationException (not forwarded; never retried)
 *   reset          the connection is reset before any response (not
 *                  forwarded)
 *   reset-mid-body forwarded; the response's headers and half its body are
 *                  sent, then the connection is reset
 *   truncate       forwarded; half the body is sent as a complete response
 *                  (Content-Length of the half, no x-amz-crc32), so only a
 *                  JSON parse can tell
 *   truncate-crc   as truncate, but DynamoDB's x-amz-crc32 of the whole
 *                  body is kept
 *   bad-crc        forwarded; the body is intact, x-amz-crc32 is wrong
 *   bad-utf8       forwarded; bytes that are not UTF-8 are put into the
 *                  first member name of the body (still well-formed JSON),
 *                  x-amz-crc32 dropped: only a UTF-8 check can tell
 *   drop-lek       forwarded; LastEvaluatedKey is removed from the JSON
 *                  body (a well-formed response that silently ends a scan)
 *                  while DynamoDB's x-amz-crc32 of the original is kept:
 *                  only the CRC check can catch it
 *   lek-first      forwarded; the response's members are rewritten with
 *                  LastEvaluatedKey first (before Items) and a matching
 *                  x-amz-crc32: a well-formed answer in another order
 *   unprocess      for a BatchGetItem: only the first half of each table's
 *                  keys is forwarded and the rest is answered in
 *                  UnprocessedKeys (with the request's projection), as
 *                  DynamoDB does under load; the CRC32 is recomputed.  For
 *                  a BatchWriteItem the same with the write requests and
 *                  UnprocessedItems
 *   unprocess-all  for a BatchGetItem or BatchWriteItem: nothing is
 *                  forwarded, every key or write comes back unprocessed
 *                  (DynamoDB under sustained throttling)
 *   forward-reset  forwarded (DynamoDB acts on it), then the connection is
 *                  reset before any byte of the response
 *   forward-hang   forwarded (DynamoDB acts on it), then never answered
 *   delay          forwarded after delayMs
 *   hang           the request is accepted and never answered (the socket
 *                  stays open until the client gives up or the proxy closes)
 *
 * A latency model (for tests and benchmarks of what a network costs;
 * off by default), applied to every forwarded answer before it is sent:
 *
 *   delay = requestMs + mbMs * (megabytes DynamoDB read for the request)
 *
 * requestMs stands for the round trip to DynamoDB and its fixed cost per
 * request; mbMs for the time a partition takes to read a megabyte, paid by
 * Scan and Query pages (the items of a GetItem, BatchGetItem or write lie
 * on many partitions, which serve them at once: request time only).  The
 * bytes read come from the answer's ConsumedCapacity (the FDW asks for it;
 * a read capacity unit is 4 KB read strongly consistent, 8 KB eventually
 * consistent), else from the answer's length: a Select=COUNT page costs
 * its megabyte read though it returns no items.  Requests in flight
 * together are delayed together, as a table's partitions (and a parallel
 * Scan's segments) serve them at once.  Set with startProxy({latency:
 * {requestMs, mbMs}}), proxy.setLatency(...), POST /__latency (JSON) or
 * --latency-ms N --ms-per-mb N; GET /__latency shows it.
 *
 * Recorded answers (benchmarks only; off by default): with
 * proxy.setRecordedReads(true), the answer DynamoDB Local gave to a
 * successful read (GetItem, BatchGetItem, Query, Scan) is kept, and a later
 * request with the same operation and body gets that answer from memory,
 * after the same model delay, without asking DynamoDB Local again.  On a
 * small machine DynamoDB Local's own work shares the cores with the client
 * under test (on AWS it runs on DynamoDB's servers): this measures the
 * client and the model alone.  Only for tables nobody writes while it is
 * on; setRecordedReads(false) forgets every answer.
 * proxy.recordedReads() says {on, hits, misses, answers}.
 *
 * Only loopback: the proxy listens on 127.0.0.1 and refuses a non-loopback
 * target.
 */

import http from 'node:http';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const TARGET_PREFIX = 'DynamoDB_20120810.';

/* The reads whose answers setRecordedReads keeps. */
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);

const FAULTS = new Set([
	'throttle', 'throughput', 'status500', 'status503', 'validation', 'reset',
	'reset-mid-body', 'truncate', 'truncate-crc', 'bad-crc', 'bad-utf8', 'drop-lek', 'lek-first',
	'delay', 'hang', 'unprocess', 'unprocess-all', 'forward-reset', 'forward-hang',
]);

/* Error documents as DynamoDB sends them. */
const AWS_ERRORS = {
	throttle: [400, 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
		'Rate of requests exceeds the allowed throughput.'],
	throughput: [400, 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
		'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.'],
	status500: [500, 'com.amazonaws.dynamodb.v20120810#InternalServerError',
		'Internal server error (injected by the test proxy)'],
	status503: [503, 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable',
		'Service unavailable (injected by the test proxy)'],
	validation: [400, 'com.amazon.coral.validate#ValidationException',
		'Injected validation error'],
};

function isLoopback(host) {
	return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host);
}

/* Normalise and check one rule; throws on a bad one. */
function checkRule(r) {
	if (r === null || typeof r !== 'object' || Array.isArray(r))
		throw new Error('a fault rule must be a JSON object');
	if (!FAULTS.has(r.fault))
		throw new Error(`unknown fault "${r.fault}" (known: ${[...FAULTS].join(', ')})`);
	return {
		op: r.op ?? '*',
		fault: r.fault,
		times: r.times === undefined || r.times === null ? -1 : Number(r.times),
		after: Number(r.after ?? 0),
		match: r.match ?? null,
		delayMs: Number(r.delayMs ?? 1000),
		hits: 0,
	};
}

function readBody(stream) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		stream.on('data', (c) => chunks.push(c));
		stream.on('end', () => resolve(Buffer.concat(chunks)));
		stream.on('error', reject);
	});
}

/*
 * Start a proxy.  Resolves to an object with url, port, counts(), log(),
 * reset(), setFaults(rules), addFaults(rules), faults() and close().
 */
/*
 * Megabytes DynamoDB read to answer a request: from the answer's
 * ConsumedCapacity (a list of them for batches), else the answer's length.
 */
export function megabytesRead(requestText, answer) {
	let doc = null;
	try {
		doc = JSON.parse(answer.toString('utf8'));
	} catch {
		/* not JSON */
	}
	const cc = doc?.ConsumedCapacity;
	const list = Array.isArray(cc) ? cc : cc ? [cc] : [];
	const units = list.reduce((n, c) => n + Number(c.ReadCapacityUnits ?? c.CapacityUnits ?? 0), 0);
	if (units > 0) {
		const consistent = /"ConsistentRead"\s*:\s*true/.test(requestText);
		return (units * (consistent ? 4096 : 8192)) / (1024 * 1024);
	}
	return answer.length / (1024 * 1024);
}

function checkLatency(l) {
	const requestMs = Number(l?.requestMs ?? 0);
	const mbMs = Number(l?.mbMs ?? 0);
	if (!(requestMs >= 0) || !(mbMs >= 0))
		throw new Error('latency: requestMs and mbMs must be numbers >= 0');
	return { requestMs, mbMs };
}

export async function startProxy({ target = process.env.DYNAMO_ENDPOINT, port = 0, logBodies = false,
	latency = null } = {}) {
	if (!target)
		throw new Error('no target: pass --target or set DYNAMO_ENDPOINT');
	const up = new URL(target);
	if (!isLoopback(up.hostname))
		throw new Error(`the target must be a loopback address, not ${up.hostname}`);

	const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
	const sockets = new Set();
	let counts = {};
	let entries = [];
	let rules = [];
	let model = checkLatency(latency);
	let recorded = null;		/* {hits, misses, answers: Map} while recording */

	function pickRule(op, body) {
		for (const r of rules) {
			if (r.op !== '*' && r.op !== op)
				continue;
			if (r.match !== null && !body.includes(r.match))
				continue;
			if (r.after > 0) {
				r.after--;
				continue;
			}
			if (r.times === 0)
				continue;
			if (r.times > 0)
				r.times--;
			r.hits++;
			return r;
		}
		return null;
	}

	/* Forward to DynamoDB Local; resolves to {status, headers, body}. */
	function forward(req, body) {
		return new Promise((resolve, reject) => {
			const headers = { ...req.headers };
			delete headers.connection;
			headers['content-length'] = body.length;
			const u = http.request({
				host: up.hostname, port: up.port || 80, method: req.method,
				path: req.url, headers, agent,
			}, async (res) => {
				try {
					resolve({ status: res.statusCode, headers: res.headers, body: await readBody(res) });
				} catch (e) {
					reject(e);
				}
			});
			u.on('error', reject);
			u.end(body);
		});
	}

	function sendAwsError(res, kind) {
		const [status, type, message] = AWS_ERRORS[kind];
		const body = Buffer.from(JSON.stringify({ __type: type, message }));
		res.writeHead(status, {
			'Content-Type': 'application/x-amz-json-1.0',
			'Content-Length': body.length,
			'x-amzn-RequestId': 'proxy-injected',
		});
		res.end(body);
		return status;
	}

	/* The upstream answer as JSON when it is a page with a LastEvaluatedKey, else null. */
	function pageWithLek(u) {
		let doc;
		try {
			doc = JSON.parse(u.body.toString('utf8'));
		} catch {
			return null;
		}
		return doc && typeof doc === 'object' && 'LastEvaluatedKey' in doc ? doc : null;
	}

	/* Send an upstream response, with the headers we keep. */
	function sendUpstream(res, u, { body = u.body, dropCrc = false, crc = null } = {}) {
		const headers = {};
		for (const [k, v] of Object.entries(u.headers)) {
			if (['content-length', 'connection', 'keep-alive', 'transfer-encoding', 'date', 'server'].includes(k))
				continue;
			if (k === 'x-amz-crc32' && dropCrc)
				continue;
			headers[k] = v;
		}
		if (crc !== null)
			headers['x-amz-crc32'] = String(crc);
		headers['content-length'] = body.length;
		res.writeHead(u.status, headers);
		res.end(body);
		return u.status;
	}

	/* A batch request's body as an object with RequestItems, or null. */
	function batchRequest(body) {
		try {
			const request = JSON.parse(body.toString('utf8'));
			return request && typeof request.RequestItems === 'object' ? request : null;
		} catch {
			return null;
		}
	}

	/*
	 * Split a BatchGetItem request as DynamoDB does under load: the first
	 * half of each table's keys is forwarded, the rest comes back in
	 * UnprocessedKeys (with the request's projection and read settings).
	 * Returns {forwardBody, unprocessed} or null when BODY is not one.
	 */
	function splitBatchGet(body) {
		const request = batchRequest(body);
		if (!request)
			return null;
		const unprocessed = {};
		for (const [table, spec] of Object.entries(request.RequestItems)) {
			if (!Array.isArray(spec.Keys) || spec.Keys.length < 2)
				continue;
			const keep = Math.ceil(spec.Keys.length / 2);
			unprocessed[table] = { ...spec, Keys: spec.Keys.slice(keep) };
			spec.Keys = spec.Keys.slice(0, keep);
		}
		return { forwardBody: Buffer.from(JSON.stringify(request)), unprocessed, kind: 'get' };
	}

	/* As splitBatchGet, for a BatchWriteItem: its lists of write requests. */
	function splitBatchWrite(body) {
		const request = batchRequest(body);
		if (!request)
			return null;
		const unprocessed = {};
		for (const [table, writes] of Object.entries(request.RequestItems)) {
			if (!Array.isArray(writes) || writes.length < 2)
				continue;
			const keep = Math.ceil(writes.length / 2);
			unprocessed[table] = writes.slice(keep);
			request.RequestItems[table] = writes.slice(0, keep);
		}
		return { forwardBody: Buffer.from(JSON.stringify(request)), unprocessed, kind: 'write' };
	}

	/* Add SPLIT's unprocessed part to an upstream answer; sendUpstream options. */
	function withUnprocessed(upstream, split) {
		let doc;
		try {
			doc = JSON.parse(upstream.body.toString('utf8'));
		} catch {
			return {};
		}
		if (upstream.status !== 200)
			return {};
		if (split.kind === 'get') {
			doc.UnprocessedKeys = { ...(doc.UnprocessedKeys ?? {}) };
			for (const [table, spec] of Object.entries(split.unprocessed)) {
				const prev = doc.UnprocessedKeys[table]?.Keys ?? [];
				doc.UnprocessedKeys[table] = { ...spec, Keys: prev.concat(spec.Keys) };
			}
		} else {
			doc.UnprocessedItems = { ...(doc.UnprocessedItems ?? {}) };
			for (const [table, writes] of Object.entries(split.unprocessed))
				doc.UnprocessedItems[table] = (doc.UnprocessedItems[table] ?? []).concat(writes);
		}
		const body = Buffer.from(JSON.stringify(doc));
		return { body, crc: zlib.crc32(body) };
	}

	/* Answer a BatchGetItem or BatchWriteItem with everything unprocessed. */
	function sendAllUnprocessed(res, op, body) {
		let request;
		try {
			request = JSON.parse(body.toString('utf8'));
		} catch {
			request = {};
		}
		const items = request.RequestItems ?? {};
		const doc = op === 'BatchWriteItem'
			? { UnprocessedItems: items }
			: { Responses: Object.fromEntries(Object.keys(items).map((t) => [t, []])), UnprocessedKeys: items };
		const out = Buffer.from(JSON.stringify(doc));
		res.writeHead(200, {
			'Content-Type': 'application/x-amz-json-1.0',
			'Content-Length': out.length,
			'x-amz-crc32': String(zlib.crc32(out)),
			'x-amzn-RequestId': 'proxy-injected',
		});
		res.end(out);
		return 200;
	}

	async function handleControl(req, res, path, query) {
		const reply = (status, obj) => {
			const body = Buffer.from(JSON.stringify(obj, null, 1) + '\n');
			res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length });
			res.end(body);
		};
		try {
			if (path === '/__counts' && req.method === 'GET')
				return reply(200, counts);
			if (path === '/__log' && req.method === 'GET')
				return reply(200, entries);
			if (path === '/__reset' && req.method === 'POST') {
				api.reset();
				return reply(200, { ok: true });
			}
			if (path === '/__faults') {
				if (req.method === 'GET')
					return reply(200, api.faults());
				if (req.method === 'DELETE') {
					api.setFaults([]);
					return reply(200, { ok: true });
				}
				if (req.method === 'POST') {
					const text = (await readBody(req)).toString('utf8');
					const parsed = JSON.parse(text || '[]');
					if (query.has('append'))
						api.addFaults(parsed);
					else
						api.setFaults(parsed);
					return reply(200, api.faults());
				}
			}
			if (path === '/__latency') {
				if (req.method === 'POST')
					api.setLatency(JSON.parse((await readBody(req)).toString('utf8') || '{}'));
				return reply(200, api.latency());
			}
			return reply(404, { error: `no control endpoint ${req.method} ${path}` });
		} catch (e) {
			return reply(400, { error: e.message });
		}
	}

	async function handle(req, res) {
		const u = new URL(req.url, 'http://proxy');
		if (u.pathname.startsWith('/__'))
			return handleControl(req, res, u.pathname, u.searchParams);

		const started = Date.now();
		const body = await readBody(req);
		const targetHeader = String(req.headers['x-amz-target'] ?? '');
		const op = targetHeader.startsWith(TARGET_PREFIX)
			? targetHeader.slice(TARGET_PREFIX.length) : (targetHeader || '(none)');
		counts[op] = (counts[op] ?? 0) + 1;
		const text = body.toString('utf8');
		const rule = pickRule(op, text);
		const token = /"ClientRequestToken"\s*:\s*"([^"]*)"/.exec(text);
		const entry = { op, fault: rule ? rule.fault : null, status: null, ms: null,
			token: token ? token[1] : null, at: started };
		if (logBodies)
			entry.body = text;
		entries.push(entry);
		/* the client closed the connection before the whole answer was written */
		res.on('close', () => {
			if (!res.writableFinished)
				entry.abandoned = true;
		});
		const done = (status) => {
			entry.status = status;
			entry.ms = Date.now() - started;
		};

		switch (rule?.fault) {
			case 'throttle':
			case 'throughput':
			case 'status500':
			case 'status503':
			case 'validation':
				return done(sendAwsError(res, rule.fault));
			case 'reset':
				req.socket.resetAndDestroy();
				return done('reset');
			case 'hang':
				return done('hang');	/* the socket stays open until closed */
			case 'unprocess-all':
				return done(sendAllUnprocessed(res, op, body));
			case 'delay':
				await new Promise((r) => setTimeout(r, rule.delayMs));
				break;
			default:
				break;
		}

		let upstream;
		let split = null;
		if (rule?.fault === 'unprocess')
			split = op === 'BatchWriteItem' ? splitBatchWrite(body) : splitBatchGet(body);
		const recordKey = recorded && !rule && READS.has(op) ? `${op}\n${text}` : null;
		try {
			upstream = recordKey ? recorded.answers.get(recordKey) : undefined;
			if (upstream)
				recorded.hits++;
			else {
				upstream = await forward(req, split ? split.forwardBody : body);
				if (recordKey && upstream.status === 200) {
					recorded.misses++;
					recorded.answers.set(recordKey, upstream);
				}
			}
			if (model.requestMs > 0 || model.mbMs > 0) {
				/* point reads spread over partitions: only Scan and Query pages pay by size */
				const paged = op === 'Scan' || op === 'Query';
				const ms = model.requestMs + (paged ? model.mbMs * megabytesRead(text, upstream.body) : 0);
				await new Promise((r) => setTimeout(r, ms));
			}
		} catch (e) {
			/* DynamoDB Local itself failed: say so as a 502 */
			const msg = Buffer.from(`proxy: upstream error: ${e.message}`);
			res.writeHead(502, { 'Content-Type': 'text/plain', 'Content-Length': msg.length });
			res.end(msg);
			return done(502);
		}

		switch (rule?.fault) {
			case 'reset-mid-body': {
				const half = upstream.body.subarray(0, Math.floor(upstream.body.length / 2));
				const headers = { ...upstream.headers };
				delete headers['transfer-encoding'];
				headers['content-length'] = upstream.body.length;
				res.writeHead(upstream.status, headers);
				res.write(half, () => setTimeout(() => req.socket.resetAndDestroy(), 20));
				return done('reset-mid-body');
			}
			case 'truncate':
			case 'truncate-crc':
				return done(sendUpstream(res, upstream, {
					body: upstream.body.subarray(0, Math.floor(upstream.body.length / 2)),
					dropCrc: rule.fault === 'truncate',
				}));
			case 'bad-utf8': {
				const body = upstream.body;
				const at = body.indexOf('{"') + 2;
				return done(sendUpstream(res, upstream, {
					body: Buffer.concat([body.subarray(0, at), Buffer.from([0xc3, 0x28]), body.subarray(at)]),
					dropCrc: true,
				}));
			}
			case 'bad-crc': {
				const real = Number(upstream.headers['x-amz-crc32'] ?? 0);
				return done(sendUpstream(res, upstream, { crc: (real + 1) % 4294967296 }));
			}
			case 'drop-lek': {
				const doc = pageWithLek(upstream);
				if (doc) {
					delete doc.LastEvaluatedKey;
					return done(sendUpstream(res, upstream, { body: Buffer.from(JSON.stringify(doc)) }));
				}
				return done(sendUpstream(res, upstream));
			}
			case 'lek-first': {
				const doc = pageWithLek(upstream);
				if (doc) {
					const { LastEvaluatedKey, ...rest } = doc;
					const body = Buffer.from(JSON.stringify({ LastEvaluatedKey, ...rest }));
					return done(sendUpstream(res, upstream, { body, crc: zlib.crc32(body) }));
				}
				return done(sendUpstream(res, upstream));
			}
			case 'unprocess':
				return done(sendUpstream(res, upstream, split ? withUnprocessed(upstream, split) : {}));
			case 'forward-reset':
				req.socket.resetAndDestroy();
				return done('forward-reset');
			case 'forward-hang':
				return done('forward-hang');	/* DynamoDB acted; no answer comes */
			default:
				return done(sendUpstream(res, upstream));
		}
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((e) => {
			if (!res.headersSent) {
				res.writeHead(500, { 'Content-Type': 'text/plain' });
				res.end(`proxy: ${e.message}`);
			}
		});
	});
	server.keepAliveTimeout = 60000;
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	const actualPort = server.address().port;

	const api = {
		port: actualPort,
		url: `http://127.0.0.1:${actualPort}`,
		counts: () => ({ ...counts }),
		log: () => entries.map((e) => ({ ...e })),
		reset() {
			counts = {};
			entries = [];
			rules = [];
		},
		setFaults(list) {
			rules = (Array.isArray(list) ? list : [list]).map(checkRule);
		},
		addFaults(list) {
			rules = rules.concat((Array.isArray(list) ? list : [list]).map(checkRule));
		},
		faults: () => rules.map(({ op, fault, times, after, match, delayMs, hits }) =>
			({ op, fault, times, after, match, delayMs, hits })),
		setLatency(l) {
			model = checkLatency(l);
		},
		latency: () => ({ ...model }),
		setRecordedReads(on) {
			recorded = on ? { hits: 0, misses: 0, answers: new Map() } : null;
		},
		recordedReads: () => (recorded
			? { on: true, hits: recorded.hits, misses: recorded.misses, answers: recorded.answers.size }
			: { on: false, hits: 0, misses: 0, answers: 0 }),
		/* Forget hung connections and stop listening. */
		close() {
			return new Promise((resolve) => {
				for (const s of sockets)
					s.destroy();
				agent.destroy();
				server.close(() => resolve());
			});
		},
	};
	return api;
}

/* ---------- as a program ---------- */

async function main(argv) {
	let target = process.env.DYNAMO_ENDPOINT;
	let port = 0;
	const latency = { requestMs: 0, mbMs: 0 };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--target')
			target = argv[++i];
		else if (argv[i] === '--port')
			port = Number(argv[++i]);
		else if (argv[i] === '--latency-ms')
			latency.requestMs = Number(argv[++i]);
		else if (argv[i] === '--ms-per-mb')
			latency.mbMs = Number(argv[++i]);
		else {
			process.stderr.write(`proxy.mjs: unknown argument ${argv[i]}\nUsage: node test/tools/proxy.mjs [--target URL] [--port N] [--latency-ms N] [--ms-per-mb N]\n`);
			process.exit(2);
		}
	}
	const proxy = await startProxy({ target, port, latency });
	process.stdout.write(`listening on ${proxy.url}\n`);
	const stop = async () => {
		await proxy.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	main(process.argv.slice(2)).catch((e) => {
		process.stderr.write(`proxy.mjs: ${e.message}\n`);
		process.exit(1);
	});
}
