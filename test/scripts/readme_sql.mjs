#!/usr/bin/env node
/*
 * test/scripts/readme_sql.mjs - every ```sql example of README.md runs.
 *
 * Usage: node test/scripts/readme_sql.mjs   (test/scripts/readme_sql.sh
 * runs it inside scripts/test.sh's suites, which give it DYNAMO_ENDPOINT,
 * PGHOST, PGPORT and PGUSER)
 *
 * 1. Loads the demo's data (test/data/demo/: app-table, posts, users,
 *    orders, cart, items) into DynamoDB Local, as scripts/demo.sh does, and
 *    creates a fresh database readme_sql and the roles README's examples
 *    grant to (app_reader, ops, app) when they are missing; at the end it
 *    drops that database and the roles it created.
 * 2. Runs the ```sql blocks of README.md in the order they appear, each in
 *    its own psql session on that database.  The only change made to a
 *    block: the DynamoDB Local URL README uses, http://127.0.0.1:8000,
 *    becomes the harness's DYNAMO_ENDPOINT.  A block with a CREATE SERVER
 *    that does not name that endpoint is not run (and fails): nothing may
 *    reach AWS from the tests.
 * 3. A block whose text holds the marker comment "-- not run by the
 *    tests" (with the reason after it: a real Aurora DSQL cluster, real
 *    AWS) is counted and skipped; keep those few.
 * 4. An error is expected only where README shows it: as a comment line
 *    "-- ERROR:  <message>" in the block, or as an "ERROR:  <message>" line
 *    of the plain ``` block right after it.  Any other error fails the
 *    test, and so does an expected error that did not happen.
 *
 * Prints one TAP line per block and a summary: how many blocks ran, how
 * many were marked.  Exits 1 on any failure.
 */

import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const README = join(ROOT, 'README.md');
const DEMO_DATA = join(ROOT, 'test', 'data', 'demo');
const DB = 'readme_sql';
const ROLES = ['app_reader', 'ops', 'app'];
const README_ENDPOINT = 'http://127.0.0.1:8000';
const MARKER = /--\s*not run by the tests\b/i;

const endpoint = process.env.DYNAMO_ENDPOINT;
if (!endpoint || !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+\/?$/.test(endpoint)) {
	console.log('Bail out! DYNAMO_ENDPOINT must be a loopback DynamoDB Local URL (scripts/test.sh sets it)');
	process.exit(1);
}
const pgBin = process.env.DYNAMO_FDW_PG_BIN;
const PSQL = pgBin && existsSync(join(pgBin, 'psql')) ? join(pgBin, 'psql') : 'psql';

/* ---------- README's fenced blocks ---------- */

function fencedBlocks(text) {
	const lines = text.split('\n');
	const blocks = [];
	let cur = null;
	lines.forEach((line, i) => {
		const m = /^```\s*([A-Za-z0-9_+-]*)\s*$/.exec(line);
		if (cur === null) {
			if (m)
				cur = { lang: m[1].toLowerCase(), start: i + 1, body: [], before: blocks.length ? i - blocks[blocks.length - 1].end : i };
		} else if (/^```\s*$/.test(line)) {
			cur.end = i + 1;
			cur.text = cur.body.join('\n');
			blocks.push(cur);
			cur = null;
		} else
			cur.body.push(line);
	});
	if (cur !== null)
		throw new Error(`README.md: the block opened at line ${cur.start} is never closed`);
	/* gap: blank lines only between a block and the next one */
	for (let k = 0; k + 1 < blocks.length; k++) {
		const between = lines.slice(blocks[k].end, blocks[k + 1].start - 1);
		blocks[k].nextAdjacent = between.every((l) => l.trim() === '') ? blocks[k + 1] : null;
	}
	return blocks;
}

const norm = (s) => s.replace(/\s+/g, ' ').trim();

function expectedErrors(block) {
	const want = [];
	for (const l of block.body) {
		const m = /^\s*--\s*ERROR:\s+(.*)$/.exec(l);
		if (m)
			want.push(norm(m[1]));
	}
	const next = block.nextAdjacent;
	if (next && next.lang !== 'sql')
		for (const l of next.body) {
			const m = /^ERROR:\s+(.*)$/.exec(l);
			if (m)
				want.push(norm(m[1]));
		}
	return want;
}

/* ---------- running things ---------- */

function run(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
	if (r.error)
		throw r.error;
	return r;
}

function psql(db, args, input) {
	return run(PSQL, ['-X', '-q', '-d', db, ...args], { input });
}

function mustPsql(db, sql) {
	const r = psql(db, ['-A', '-t', '-v', 'ON_ERROR_STOP=1'], sql);
	if (r.status !== 0)
		throw new Error(`psql on ${db} failed:\n${r.stderr}`);
	return r.stdout;
}

function fixture(...args) {
	const r = run(process.execPath, [join(ROOT, 'test', 'tools', 'fixture.mjs'), ...args]);
	if (r.status !== 0)
		throw new Error(`fixture ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
}

function loadDemoData() {
	for (const f of readdirSync(DEMO_DATA).filter((f) => f.endsWith('.table.json')).sort()) {
		const base = join(DEMO_DATA, f.slice(0, -'.table.json'.length));
		const table = JSON.parse(readFileSync(join(DEMO_DATA, f), 'utf8')).TableName;
		fixture('create-table', '--replace', join(DEMO_DATA, f));
		if (existsSync(`${base}.items.json`))
			fixture('put-items', table, `${base}.items.json`, '--plain');
		if (existsSync(`${base}.items.ddb.jsonl`))
			fixture('put-items', table, `${base}.items.ddb.jsonl`);
	}
}

/* roles this run created, dropped again at the end (others are left alone) */
let createdRoles = [];

function setUp() {
	loadDemoData();
	const existing = mustPsql('postgres', `SELECT rolname FROM pg_roles WHERE rolname IN (${ROLES.map((r) => `'${r}'`).join(', ')})`)
		.split('\n').map((l) => l.trim()).filter(Boolean);
	createdRoles = ROLES.filter((r) => !existing.includes(r));
	mustPsql('postgres', `SET client_min_messages = warning;
DROP DATABASE IF EXISTS ${DB} WITH (FORCE);
CREATE DATABASE ${DB};
${createdRoles.map((r) => `CREATE ROLE ${r};`).join('\n')}
`);
}

function tearDown() {
	mustPsql('postgres', `SET client_min_messages = warning;
DROP DATABASE IF EXISTS ${DB} WITH (FORCE);
${createdRoles.map((r) => `DROP ROLE IF EXISTS ${r};`).join('\n')}
`);
}

/* ---------- main ---------- */

const blocks = fencedBlocks(readFileSync(README, 'utf8')).filter((b) => b.lang === 'sql');
const work = mkdtempSync(join(tmpdir(), 'readme_sql.'));
let ran = 0, marked = 0, failed = 0, n = 0;
const markedLines = [];

try {
	setUp();
	console.log(`1..${blocks.length}`);
	for (const b of blocks) {
		n++;
		const title = `README.md:${b.start} ${norm(b.body.find((l) => l.trim() !== '' && !/^\s*--/.test(l)) || b.body[0] || '').slice(0, 60)}`;
		if (MARKER.test(b.text)) {
			marked++;
			markedLines.push(b.start);
			const why = norm(b.text.split('\n').find((l) => MARKER.test(l)).replace(/^.*?--\s*/, ''));
			console.log(`ok ${n} - ${title} # SKIP ${why}`);
			continue;
		}
		/* never let an example reach AWS: a server must name DynamoDB Local */
		const servers = b.text.match(/CREATE\s+SERVER[\s\S]*?;/gi) || [];
		const remote = servers.filter((sv) => !sv.includes(`endpoint '${README_ENDPOINT}'`));
		if (remote.length) {
			failed++;
			console.log(`not ok ${n} - ${title}`);
			console.log(`#   not run: a CREATE SERVER without endpoint '${README_ENDPOINT}' would send requests to AWS; give it that endpoint, or mark the block "-- not run by the tests: <why>"`);
			continue;
		}
		ran++;
		const file = join(work, `block-${b.start}.sql`);
		writeFileSync(file, b.text.split(README_ENDPOINT).join(endpoint) + '\n');
		const r = psql(DB, ['-v', 'ON_ERROR_STOP=0', '-f', file]);
		const got = [];
		for (const l of r.stderr.split('\n')) {
			const m = /^psql:[^\n]*?:\d+: ERROR:\s+(.*)$/.exec(l);
			if (m)
				got.push(norm(m[1]));
		}
		const want = expectedErrors(b);
		const unexpected = got.filter((e) => !want.includes(e));
		const missing = want.filter((e) => !got.includes(e));
		const fatal = r.status !== 0 && r.status !== 3 ? [`psql exited ${r.status}`] : [];
		if (unexpected.length === 0 && missing.length === 0 && fatal.length === 0) {
			console.log(`ok ${n} - ${title}${want.length ? ` (${want.length} expected error${want.length > 1 ? 's' : ''})` : ''}`);
		} else {
			failed++;
			console.log(`not ok ${n} - ${title}`);
			for (const e of unexpected)
				console.log(`#   error README does not show: ERROR:  ${e}`);
			for (const e of missing)
				console.log(`#   README shows this error, but it did not happen: ERROR:  ${e}`);
			for (const e of fatal)
				console.log(`#   ${e}`);
			for (const l of r.stderr.trim().split('\n').slice(0, 20))
				console.log(`#   | ${l}`);
		}
	}
} catch (e) {
	console.log(`Bail out! ${e.message}`);
	failed++;
} finally {
	try {
		tearDown();
	} catch (e) {
		console.log(`# teardown: ${e.message}`);
	}
	rmSync(work, { recursive: true, force: true });
}

console.log(`# README SQL examples: ${blocks.length} blocks; ${ran} ran (${ran - failed} ok, ${failed} failed), ${marked} marked "not run by the tests"${marked ? ` (lines ${markedLines.join(', ')})` : ''}`);
process.exit(failed ? 1 : 0);
