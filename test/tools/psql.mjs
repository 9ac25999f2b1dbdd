/*
 * test/tools/psql.mjs - drive psql sessions from node:test suites.
 *
 * The suites talk to PostgreSQL only through psql (PGHOST, PGPORT, PGUSER,
 * PGDATABASE from the environment), so they need no npm driver.
 *
 *   import { PsqlSession, psql } from '../tools/psql.mjs';
 *   const s = new PsqlSession();           // one backend for many queries
 *   const r = await s.query('SELECT 1');   // { columns, rows, error, ms }
 *   await s.close();
 *   const r2 = await psql('SELECT 2');     // one query in a fresh backend
 *
 * A session is one long-lived `psql -X -q -A` reading commands from a pipe;
 * after each command it echoes a marker line carrying psql's ERROR,
 * LAST_ERROR_SQLSTATE and LAST_ERROR_MESSAGE, so that results, errors and
 * timings belong to the right command.  Rows come back as arrays of text
 * (psql's output form), NULL as null.  Fields and records are separated by
 * control characters the test data never holds.
 *
 * Everything is asynchronous: a suite may run a fault-injecting proxy in its
 * own process, which must keep serving while psql waits on it.
 */

import { spawn } from 'node:child_process';

const FS = '\x1f';
const RS = '\x1e';
const NUL = '\x18';
const MARK = '@@psql-end@@';

export class PsqlSession {
	constructor({ env = process.env, args = [] } = {}) {
		this.child = spawn('psql', ['-X', '-q', '-A', '-F', FS, '-R', RS,
			'-P', `null=${NUL}`, '-P', 'footer=off', '-v', 'ON_ERROR_STOP=0',
			'-v', 'VERBOSITY=default', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
		this.child.stdout.setEncoding('utf8');
		this.child.stderr.setEncoding('utf8');
		this.out = '';
		this.stderr = '';
		this.waiting = [];
		this.exited = false;
		this.child.stdout.on('data', (d) => {
			this.out += d;
			this.drain();
		});
		this.child.stderr.on('data', (d) => {
			this.stderr += d;
		});
		this.child.on('exit', (code) => {
			this.exited = true;
			for (const w of this.waiting.splice(0))
				w.reject(new Error(`psql exited (${code}): ${this.stderr.slice(-2000)}`));
		});
		this.child.stdin.on('error', () => {});
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
			const marker = this.out.slice(i + MARK.length, eol).trim();
			this.out = this.out.slice(eol + 1);
			const w = this.waiting.shift();
			w.resolve(parse(chunk, marker, Date.now() - w.start));
		}
	}

	/*
	 * Run one command (psql meta-commands allowed); resolves to
	 * { columns, rows, error: null | { sqlstate, message }, ms }.
	 */
	query(sql) {
		if (this.exited)
			return Promise.reject(new Error('psql session has exited'));
		return new Promise((resolve, reject) => {
			const text = sql.trimEnd().replace(/;$/, '');
			this.waiting.push({ resolve, reject, start: Date.now() });
			this.child.stdin.write(`${text}\n;\n\\echo ${MARK} :ERROR :LAST_ERROR_SQLSTATE :LAST_ERROR_MESSAGE\n`);
		});
	}

	/* As query(), but throws on an SQL error. */
	async ok(sql) {
		const r = await this.query(sql);
		if (r.error)
			throw new Error(`${sql}\n  failed: ${r.error.sqlstate} ${r.error.message}`);
		return r;
	}

	/*
	 * What psql wrote to stderr since offset FROM, once it matches RE or MS
	 * milliseconds have passed: psql writes a notice to stderr and the
	 * command's result to stdout, and the two pipes need not be read in
	 * that order.
	 */
	async stderrMatching(re, from = 0, ms = 2000) {
		const until = Date.now() + ms;
		while (!re.test(this.stderr.slice(from)) && Date.now() < until)
			await new Promise((r) => setTimeout(r, 10));
		return this.stderr.slice(from);
	}

	/* The first column of the first row, or undefined. */
	async value(sql) {
		const r = await this.ok(sql);
		return r.rows.length ? r.rows[0][0] : undefined;
	}

	close() {
		if (this.exited)
			return Promise.resolve();
		return new Promise((resolve) => {
			this.child.on('exit', () => resolve());
			this.child.stdin.end('\\q\n');
		});
	}
}

/*
 * psql's ";" after a psql meta-command or an empty command is harmless; a
 * command already ending in ";" gets an empty one after it, also harmless.
 */
function parse(chunk, marker, ms) {
	const [err, sqlstate, ...msg] = marker.split(' ');
	const result = { columns: [], rows: [], error: null, ms };
	if (err === 'true')
		result.error = { sqlstate, message: msg.join(' ') };
	if (chunk.length === 0)
		return result;
	const body = chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk;
	const records = body.split(RS);
	result.columns = records[0].split(FS);
	result.rows = records.slice(1).map((r) => r.split(FS).map((f) => (f === NUL ? null : f)));
	return result;
}

/* One command in a fresh backend. */
export async function psql(sql, opts) {
	const s = new PsqlSession(opts);
	try {
		return await s.query(sql);
	} finally {
		await s.close();
	}
}
