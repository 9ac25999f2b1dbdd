/*
 * test/js/bench_smoke.test.mjs - bench/bench.mjs runs end to end with tiny
 * sizes (a few hundred items) against the suite's DynamoDB Local and
 * PostgreSQL, in a database and under table names of its own.
 *
 * Only that the benchmark works is checked: every side ran, every request
 * the FDW sent was recorded and replayed, the results table was written.
 * Timings are never asserted (the figures belong to bench/run.sh on a quiet
 * machine, see bench/README.md).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = promisify(execFile);
const BENCH = fileURLToPath(new URL('../../bench/bench.mjs', import.meta.url));

test('bench.mjs: every benchmark runs with tiny sizes and writes its table', async () => {
	const work = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
	const out = join(work, 'results.md');
	try {
		const { stdout } = await run('node', [BENCH, '--items', '150', '--small', '40',
			'--writes', '120', '--runs', '1', '--increments', '20', '--db', 'bench_smoke',
			'--prefix', `smoke-${process.pid}-`, '--out', out],
		{ env: process.env, maxBuffer: 16 * 1024 * 1024, timeout: 300000 });
		const md = readFileSync(out, 'utf8');
		assert.match(md, /\| Full scan, 150 items .*\| [0-9.]+ (ms|s) \| [0-9.]+ (ms|s) \| [0-9.]+ (ms|s) \|/);
		assert.match(md, /\| Backend peak memory \(VmHWM\), scan of 150 vs 40 items \|/);
		assert.match(md, /\| INSERT of 120 rows, one statement .*\| [0-9.]+ (ms|s) \| [0-9.]+ (ms|s) \| [0-9.]+ (ms|s) \|/);
		assert.match(md, /\| Bulk INSERT of 120 rows .*\| [0-9.]+ (ms|s) \| [0-9.]+ (ms|s) \| [0-9.]+ (ms|s) \|/);
		/* the FDW's own requests were recorded: 2 TransactWriteItems (100 + 20), 5 BatchWriteItem */
		assert.match(md, /sent 2 TransactWriteItems requests \(20 to 100 actions each\)/);
		assert.match(md, /sent 5 BatchWriteItem requests/);
		assert.match(md, /\| 4 sessions x 20 increments of one counter .*\| [0-9.]+ (ms|s) \| [0-9.]+ (ms|s) \| [0-9.]+ (ms|s) \|/);
		assert.match(md, /Lost increments over every run \(counter read back with the SDK\): none\./);
		assert.match(md, /\| Join of 1000 local keys on the full key .*\| [0-9.]+ (ms|s) \| [0-9.]+ (ms|s) \| [0-9.]+ (ms|s) \|/);
		assert.match(md, /\| count\(\*\) of 150 items .*\| [0-9.]+ (ms|s) \| [0-9.]+ (ms|s) \| [0-9.]+ (ms|s) \|/);
		assert.match(md, /\| `SELECT sum\(n\) FROM bench_scan`, 150 items, 4 workers .*\| [0-9.]+ (ms|s) \|/);
		assert.match(stdout, /scan run 1 replay/);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
});

test('bench.mjs under a latency model: the read benchmarks also run on recorded answers', async () => {
	const work = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
	const out = join(work, 'results-latency.md');
	try {
		await run('node', [BENCH, '--items', '150', '--small', '40', '--runs', '1',
			'--only', 'keyjoin,count,parallel', '--latency', '1', '--mbms', '1', '--db', 'bench_smoke',
			'--prefix', `smoke-lat-${process.pid}-`, '--out', out],
		{ env: process.env, maxBuffer: 16 * 1024 * 1024, timeout: 300000 });
		const md = readFileSync(out, 'utf8');
		assert.match(md, /with a latency model of 1 ms a request \+ 1 ms a megabyte read/);
		for (const what of ['Join of 1000 local keys', 'count\\(\\*\\) of 150 items', '`SELECT sum\\(n\\) FROM bench_scan`, 150 items'])
			assert.match(md, new RegExp(`\\| ${what}[^|]*recorded answers\\) \\| [0-9.]+ (ms|s) \\|`), what);
		assert.match(md, /the same, the leader scanning too/);
		/* every timed run of each was served from the recording */
		for (const label of ['keyjoin', 'count', 'parallel']) {
			const m = new RegExp(`${label}, recorded answers: (\\d+) answers from DynamoDB Local \\(the warm-up's\\), (\\d+) from the recording`).exec(md);
			assert.ok(m, `${label}: no count of recorded answers`);
			assert.ok(Number(m[1]) > 0 && Number(m[2]) > 0, `${label}: ${m[0]}`);
		}
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
});
