/*
 * test/js/reads_differential.test.mjs - the read path against PostgreSQL
 * itself: the same rows in DynamoDB Local and in a local table, the same
 * generated queries on both, the same answers.
 *
 * 2,000 items over every type the FDW reads (NULL and missing attributes,
 * Unicode with astral and combining characters, empty strings, 38-digit,
 * negative, decimal and exponent numbers, int4/int8/float8, booleans,
 * binary, SS, NS and BS sets, nested maps and lists) are written with the
 * AWS SDK into a table with a composite key, two GSIs (ALL, and INCLUDE
 * without a sort key; both sparse) and an LSI (KEYS_ONLY, binary sort key).
 * They are read back with the SDK and copied, converted by this file (not
 * by the FDW, per README's Types table), into a local table with the same
 * column types and collations.  Then at least 300 queries generated from a
 * seeded PRNG (READS_SEED, default below) run through psql on the foreign
 * table (plain, with scan_segments, with consistent_read) and on the local
 * table: random combinations of = <> < <= > >= BETWEEN IN / = ANY, IS [NOT]
 * NULL, LIKE (prefix, exact, infix as contains(), other wildcards), ^@,
 * starts_with, array containment, boolean columns, AND/OR/NOT, on key and
 * non-key columns,
 * shaped to become GetItem, BatchGetItem, Query on the table, a GSI or the
 * LSI, Scan, COUNT(*), joins and prepared statements, with ORDER BY and
 * LIMIT/OFFSET, whole-row references, and numbers DynamoDB cannot hold.
 * Two fixed joins of a local table of 320 keys (a quarter missing, some
 * twice; inner and left) become the batched key join, whose BatchGetItem
 * requests of 100 keys are then in flight together; EXPLAIN ANALYZE must
 * show it asked for more than 100 keys.
 *
 * A second test runs 120 more generated queries (READS_PARALLEL_QUERIES;
 * seed + 2) and the key joins with parallel query forced in the FDW's
 * sessions (debug_parallel_query, or force_parallel_mode on PostgreSQL 15,
 * and parallel_setup_cost = 0 ...): plans run under a Gather in parallel
 * workers, and the Scans of the scan_segments table are partial paths
 * whose segments the leader and workers share.  The local side runs as
 * before; the test fails unless some plans had a Gather and some a
 * Parallel Foreign Scan.
 *
 * Collations: the harness cluster is initdb'd with C.UTF-8 (libc), and both
 * tables use the database's default for their text columns, except column
 * w, whose own collation is ICU's en-x-icu.  Conditions add COLLATE "C",
 * "en-x-icu" or a nondeterministic ICU collation at random.  DynamoDB
 * compares strings by UTF-8 bytes, so a range pushed under any collation
 * but C would show here as rows that differ.
 *
 * Results are compared exactly when the ORDER BY is total; otherwise as
 * multisets, with the ORDER BY keys in the same sequence, and under a LIMIT
 * as a valid subset of the unlimited answer.  Errors must be the same
 * SQLSTATE on both sides (except a row-level 0A000 locally when the FDW
 * found no row to evaluate).  A mismatch prints the query in full, its
 * EXPLAIN VERBOSE and the difference.  The output records the items, the
 * queries, the operations they became (each must occur) and the operators
 * pushed into key conditions and filters.
 *
 * Environment: DYNAMO_ENDPOINT, PGHOST/PGPORT/PGUSER/PGDATABASE (from
 * scripts/test.sh); READS_SEED, READS_QUERIES, READS_PARALLEL_QUERIES to
 * explore further.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { ddbClient, createTable, dropTable, putItems, scanAll, prng } from '../tools/ddb_load.mjs';
import { PsqlSession } from '../tools/psql.mjs';

const SEED = Number(process.env.READS_SEED ?? 20261123);
const NQUERIES = Number(process.env.READS_QUERIES ?? 340);
const NPARALLEL = Number(process.env.READS_PARALLEL_QUERIES ?? 120);
const KEY_JOIN_KEYS = 320;
const NITEMS = 2000;
const TABLE = `reads-diff-${process.pid}`;
const SCHEMA = 'reads_diff';
const SERVER = 'reads_diff_srv';
const MAX_REPORTS = 15;

/* ---------- the data ---------- */

/* column -> DynamoDB attribute, PostgreSQL type, and kind for generation */
const COLUMNS = [
	{ name: 'pk', attr: 'pk', type: 'text', kind: 'text' },
	{ name: 'sk', attr: 'sk', type: 'text', kind: 'text' },
	{ name: 'g1pk', attr: 'g1pk', type: 'text', kind: 'text' },
	{ name: 'g1sk', attr: 'g1sk', type: 'numeric', kind: 'num' },
	{ name: 'g2pk', attr: 'g2pk', type: 'text', kind: 'text' },
	{ name: 'lsk', attr: 'lsk', type: 'bytea', kind: 'bytea' },
	{ name: 's', attr: 's', type: 'text', kind: 'text' },
	{ name: 's2', attr: 'Data #1:x', type: 'varchar', kind: 'text' },
	/* a column whose own collation is not byte order: its ranges must stay local */
	{ name: 'w', attr: 'w', type: 'text COLLATE "en-x-icu"', kind: 'text' },
	{ name: 'n', attr: 'n', type: 'numeric', kind: 'num' },
	{ name: 'i', attr: 'i', type: 'int4', kind: 'int' },
	{ name: 'b8', attr: 'b8', type: 'int8', kind: 'int' },
	{ name: 'f', attr: 'f', type: 'float8', kind: 'float' },
	{ name: 'flag', attr: 'size', type: 'boolean', kind: 'bool' },
	{ name: 'bin', attr: 'bin', type: 'bytea', kind: 'bytea' },
	{ name: 'ss', attr: 'ss', type: 'text[]', kind: 'textarr' },
	{ name: 'ns', attr: 'ns', type: 'numeric[]', kind: 'numarr' },
	{ name: 'bs', attr: 'bs', type: 'bytea[]', kind: 'byteaarr' },
	{ name: 'm', attr: 'm', type: 'jsonb', kind: 'jsonb' },
];
const COL = Object.fromEntries(COLUMNS.map((c) => [c.name, c]));

const TABLE_SPEC = {
	TableName: TABLE,
	KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
	AttributeDefinitions: [
		{ AttributeName: 'pk', AttributeType: 'S' },
		{ AttributeName: 'sk', AttributeType: 'S' },
		{ AttributeName: 'g1pk', AttributeType: 'S' },
		{ AttributeName: 'g1sk', AttributeType: 'N' },
		{ AttributeName: 'g2pk', AttributeType: 'S' },
		{ AttributeName: 'lsk', AttributeType: 'B' },
	],
	GlobalSecondaryIndexes: [
		{
			IndexName: 'gsi1',
			KeySchema: [{ AttributeName: 'g1pk', KeyType: 'HASH' }, { AttributeName: 'g1sk', KeyType: 'RANGE' }],
			Projection: { ProjectionType: 'ALL' },
		},
		{
			IndexName: 'gsi2',
			KeySchema: [{ AttributeName: 'g2pk', KeyType: 'HASH' }],
			Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['i', 'size'] },
		},
	],
	LocalSecondaryIndexes: [
		{
			IndexName: 'lsi1',
			KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'lsk', KeyType: 'RANGE' }],
			Projection: { ProjectionType: 'KEYS_ONLY' },
		},
	],
};

const PKS = [
	...Array.from({ length: 36 }, (_, i) => `P#${String(i).padStart(2, '0')}`),
	'Ü#1', '日本#2', '😀#3', 'p#lower',
];
const SK_PREFIXES = ['ORDER#', 'ORDER#2026-', 'USER#', 'Item ', 'é', 'ü', '😀', '𝄞', 'Z', 'a%b_',
	'back\\slash', "quo'te", 'A', 'a', 'ORDER#é'];
const WORDS = ['alpha', 'Alpha', 'beta', 'béta', 'gamma', 'Gamma ray', 'δέλτα', '日本語', '😀 smile', '😀',
	'𝄞 clef', '', ' ', 'trailing ', 'a%b', 'a_b', 'back\\slash', "it's", 'ORDER#001', 'zeta', 'Zeta',
	'ñandú', 'ǅ', 'ﬁ', 'straße', 'STRASSE', 'ALPHA', 'alphabet', 'alp', '\u00e9t\u00e9', 'e\u0301te\u0301'];
const G1PKS = ['G#A', 'G#B', 'G#C', 'G#D', 'G#E', 'G#Ω', 'g#😀', 'G#AA', 'G#A ', 'G#b', 'G#10', 'G#9'];
const G2PKS = ['T#red', 'T#green', 'T#blue', 'T#Rot', 'T#grün', 'T#😀', 'T#', 'T#red2'];
const NUMS = ['0', '1', '-1', '2', '10', '100', '1.5', '-1.5', '2.25', '-2.25', '0.001', '-0.001', '3.14159',
	'12345678901234567890123456789012345678', '-12345678901234567890123456789012345678',
	'99999999999999999999999999999999999999', '0.00000000000000000000000000000000000001',
	'1234567890.0987654321', '1E+20', '-7.5E-10', '1000000', '42', '-42.42'];
const FLOATS = ['0.1', '0.2', '0.30000000000000004', '1.5', '-3.75', '1e-5', '123456.789', '0', '2', '-1',
	'1e125', '-2.5e-120'];
const INTS4 = ['0', '1', '-1', '2147483647', '-2147483648', '7', '100'];
const INTS8 = ['0', '9223372036854775807', '-9223372036854775808', '4294967296', '-1', '123456789012'];

function genNumber(R) {
	if (R.chance(0.5))
		return R.pick(NUMS);
	if (R.chance(0.5))
		return String(R.int(-1000, 1000));
	return (R.int(-100000, 100000) / 100).toString();
}

function genWord(R) {
	if (R.chance(0.6))
		return R.pick(WORDS);
	return `${R.pick(WORDS)} ${R.int(0, 50)}`;
}

function genBytes(R, min, max) {
	const n = R.int(min, max);
	const b = new Uint8Array(n);
	for (let i = 0; i < n; i++)
		b[i] = R.chance(0.3) ? R.pick([0, 1, 0x7f, 0x80, 0xff]) : R.int(0, 255);
	return b;
}

function genJson(R, depth) {
	const kind = depth >= 3 ? R.int(0, 4) : R.int(0, 6);
	switch (kind) {
		case 0: return { S: genWord(R) };
		case 1: return { N: genNumber(R) };
		case 2: return { BOOL: R.chance(0.5) };
		case 3: return { NULL: true };
		case 4: return { S: R.pick(['k', 'v', '😀', '']) };
		case 5: {
			const M = {};
			for (let i = R.int(0, 4); i > 0; i--)
				M[R.pick(['a', 'b', 'k', 'Key', 'ключ', '😀', 'a.b', '#x', ':y', ' '])] = genJson(R, depth + 1);
			return { M };
		}
		default:
			return { L: Array.from({ length: R.int(0, 4) }, () => genJson(R, depth + 1)) };
	}
}

/* Optional attribute: missing, NULL, or the value. */
function maybe(R, gen, pMissing = 0.15, pNull = 0.1) {
	const x = R.next();
	if (x < pMissing)
		return undefined;
	if (x < pMissing + pNull)
		return { NULL: true };
	return gen();
}

function distinct(R, gen, k) {
	const set = new Set();
	for (let tries = 0; set.size < k && tries < 50; tries++)
		set.add(gen());
	return [...set];
}

/* K distinct non-empty binary values (a BS set holds no repeats). */
function distinctBytes(R, k) {
	const seen = new Map();
	for (let tries = 0; seen.size < k && tries < 50; tries++) {
		const b = genBytes(R, 1, 4);
		seen.set(hex(b), b);
	}
	return [...seen.values()];
}

function genItems(R) {
	const items = [];
	for (let p = 0; p < PKS.length; p++) {
		for (let j = 0; j < NITEMS / PKS.length; j++) {
			const it = {
				pk: { S: PKS[p] },
				sk: { S: `${R.pick(SK_PREFIXES)}${String(j).padStart(3, '0')}` },
			};
			const put = (attr, av) => {
				if (av !== undefined)
					it[attr] = av;
			};
			/* GSI1 is sparse both ways: g1pk without g1sk and the reverse */
			const g1 = R.next();
			if (g1 < 0.55) {
				put('g1pk', { S: R.pick(G1PKS) });
				put('g1sk', { N: genNumber(R) });
			} else if (g1 < 0.7) {
				put('g1pk', { S: R.pick(G1PKS) });
			} else if (g1 < 0.8) {
				put('g1sk', { N: genNumber(R) });
			}
			if (R.chance(0.5))
				put('g2pk', { S: R.pick(G2PKS) });
			if (R.chance(0.6))
				put('lsk', { B: genBytes(R, 1, 4) });
			put('s', maybe(R, () => ({ S: genWord(R) })));
			put('Data #1:x', maybe(R, () => ({ S: genWord(R) })));
			put('w', maybe(R, () => ({ S: genWord(R) })));
			put('n', maybe(R, () => ({ N: genNumber(R) })));
			put('i', maybe(R, () => ({ N: R.chance(0.3) ? R.pick(INTS4) : String(R.int(-1000, 1000)) })));
			put('b8', maybe(R, () => ({ N: R.chance(0.4) ? R.pick(INTS8) : String(R.int(-1e9, 1e9) * 1000 + R.int(0, 999)) })));
			put('f', maybe(R, () => ({ N: R.pick(FLOATS) })));
			put('size', maybe(R, () => ({ BOOL: R.chance(0.5) })));
			put('bin', maybe(R, () => ({ B: genBytes(R, 0, 5) })));
			put('ss', maybe(R, () => ({ SS: distinct(R, () => genWord(R) || 'x', R.int(1, 4)) }), 0.4, 0.05));
			put('ns', maybe(R, () => ({ NS: distinct(R, () => genNumber(R), R.int(1, 4)) }), 0.4, 0.05));
			put('bs', maybe(R, () => ({ BS: distinctBytes(R, R.int(1, 3)) }), 0.5, 0.05));
			put('m', maybe(R, () => (R.chance(0.8) ? { M: genJson(R, 1).M ?? { a: genJson(R, 2) } } : { L: [genJson(R, 2), genJson(R, 2)] }), 0.3, 0.1));
			items.push(it);
		}
	}
	return items;
}

/* ---------- DynamoDB item -> local row (this file's own conversion) ---------- */

class RawNumber {
	constructor(text) {
		this.text = text;
	}
}

const hex = (u8) => Buffer.from(u8).toString('hex');

/* An AttributeValue as a plain JSON tree (numbers kept as their text). */
function avToTree(av) {
	if (av.S !== undefined) return av.S;
	if (av.N !== undefined) return new RawNumber(av.N);
	if (av.BOOL !== undefined) return av.BOOL;
	if (av.NULL !== undefined) return null;
	if (av.B !== undefined) return Buffer.from(av.B).toString('base64');
	if (av.SS !== undefined) return [...av.SS];
	if (av.NS !== undefined) return av.NS.map((n) => new RawNumber(n));
	if (av.BS !== undefined) return av.BS.map((b) => Buffer.from(b).toString('base64'));
	if (av.M !== undefined) return Object.fromEntries(Object.entries(av.M).map(([k, v]) => [k, avToTree(v)]));
	if (av.L !== undefined) return av.L.map(avToTree);
	throw new Error(`unknown attribute value ${JSON.stringify(av)}`);
}

function jsonText(v) {
	if (v === null) return 'null';
	if (v instanceof RawNumber) return v.text;
	if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
	if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
	return JSON.stringify(v);
}

/* What the FDW must return for ITEM, per README's Types table. */
function localRow(item) {
	const row = {};
	for (const c of COLUMNS) {
		const av = item[c.attr];
		if (av === undefined || av.NULL) {
			row[c.name] = null;
			continue;
		}
		switch (c.kind) {
			case 'text': row[c.name] = av.S; break;
			case 'num': case 'int': case 'float': row[c.name] = av.N; break;
			case 'bool': row[c.name] = av.BOOL; break;
			case 'bytea': row[c.name] = `\\x${hex(av.B)}`; break;
			case 'textarr': row[c.name] = [...av.SS]; break;
			case 'numarr': row[c.name] = av.NS.map((n) => new RawNumber(n)); break;
			case 'byteaarr': row[c.name] = av.BS.map((b) => `\\x${hex(b)}`); break;
			case 'jsonb': row[c.name] = avToTree(av); break;
			default: throw new Error(c.kind);
		}
	}
	return row;
}

/* ---------- query generation ---------- */

const q = (s) => `'${s.replace(/'/g, "''")}'`;
const likeEscape = (s) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
const byteaLit = (h) => `'\\x${h}'::bytea`;

class Gen {
	constructor(R, pools, keys) {
		this.R = R;
		this.pools = pools;		/* column -> distinct non-null values (local text form) */
		this.keys = keys;		/* [pk, sk] pairs that exist */
		this.n = 0;
	}

	value(c) {
		const R = this.R;
		const pool = this.pools[c.name];
		switch (c.kind) {
			case 'text': {
				const x = R.next();
				if (x < 0.7 && pool.length)
					return q(R.pick(pool));
				if (x < 0.85 && pool.length) {
					const v = [...R.pick(pool)];
					return q(v.slice(0, R.int(0, v.length)).join(''));
				}
				return q(R.pick([...WORDS, 'nope', 'ORDER#', 'P#1', 'G#', '\u{10FFFF}', 'zzz']));
			}
			case 'num': {
				const x = R.next();
				if (x < 0.6 && pool.length)
					return R.pick(pool);
				if (x < 0.97)
					return genNumber(R);
				/* numbers DynamoDB cannot hold: must never reach it as a value */
				return R.pick(['1e200', '-1e-200', '1.00000000000000000000000000000000000000001',
					'123456789012345678901234567890123456789012']);
			}
			case 'int':
				if (pool.length && R.chance(0.6))
					return R.pick(pool);
				return R.pick([...INTS4, String(R.int(-1000, 1000)), '1.5', '-0.5']);
			case 'float':
				return R.pick([...FLOATS, '0.5', '-3.75', '100']);
			case 'bool':
				return R.pick(['true', 'false']);
			case 'bytea':
				if (pool.length && R.chance(0.6))
					return `'${R.pick(pool)}'::bytea`;
				return byteaLit(R.pick(['', '00', '80', 'ff', '7f00', '01', 'ffff']));
			default:
				throw new Error(c.kind);
		}
	}

	/* A collation to write after a text column, or ''. */
	collation(ranges) {
		const x = this.R.next();
		if (x < 0.45)
			return ranges ? ' COLLATE "C"' : '';
		if (x < 0.6)
			return ' COLLATE "C"';
		if (x < 0.7)
			return ' COLLATE "en-x-icu"';
		if (x < 0.73)
			return ` COLLATE ${SCHEMA}.ci`;
		return '';
	}

	/* One condition on column C (no AND/OR). */
	atom(c) {
		const R = this.R;
		const ops = ['=', '<>', '<', '<=', '>', '>='];
		const x = R.next();
		switch (c.kind) {
			case 'text': {
				if (x < 0.3)
					return `${c.name}${this.collation(false)} ${R.pick(ops)} ${this.value(c)}`;
				if (x < 0.37) {
					const [a, b] = [this.value(c), this.value(c)];
					return `${c.name}${this.collation(true)} BETWEEN ${a} AND ${b}`;
				}
				if (x < 0.5) {
					const vals = Array.from({ length: R.int(1, 6) }, () => this.value(c));
					if (R.chance(0.1))
						vals.push('NULL');
					return `${c.name} ${R.chance(0.85) ? 'IN' : 'NOT IN'} (${vals.join(', ')})`;
				}
				if (x < 0.6)
					return `${c.name} IS ${R.chance(0.5) ? '' : 'NOT '}NULL`;
				const pool = this.pools[c.name];
				const base = pool.length && R.chance(0.8) ? R.pick(pool) : R.pick(WORDS);
				const chars = [...base];
				const prefix = chars.slice(0, R.int(0, Math.min(chars.length, 8))).join('');
				const y = R.next();
				if (y < 0.37)
					return `${c.name} LIKE ${q(likeEscape(prefix) + '%')}`;
				if (y < 0.4)	/* PostgreSQL refuses LIKE under a nondeterministic collation */
					return `${c.name} COLLATE ${SCHEMA}.ci LIKE ${q(likeEscape(prefix) + '%')}`;
				if (y < 0.42)
					return `${c.name} LIKE ${q(R.pick([likeEscape(base), `%${likeEscape(prefix)}%`, `${likeEscape(prefix)}_%`, `${prefix}%`]))}`;
				if (y < 0.55) {
					/* contains(): a middle part of a value */
					const a = R.int(0, Math.max(0, chars.length - 1));
					const mid = chars.slice(a, R.int(a + 1, Math.max(a + 1, Math.min(chars.length, a + 4)))).join('');
					return `${c.name} ${R.chance(0.85) ? '' : 'NOT '}LIKE ${q(`%${likeEscape(mid)}%`)}`;
				}
				if (y < 0.58)
					return `${c.name} NOT LIKE ${q(likeEscape(prefix) + '%')}`;
				if (y < 0.8)
					return `${c.name} ^@ ${q(prefix)}`;
				return `starts_with(${c.name}, ${q(prefix)})`;
			}
			case 'num':
			case 'int':
			case 'float': {
				if (x < 0.55)
					return `${c.name} ${R.pick(ops)} ${this.value(c)}`;
				if (x < 0.67)
					return `${c.name} BETWEEN ${this.value(c)} AND ${this.value(c)}`;
				if (x < 0.82) {
					const vals = Array.from({ length: R.int(1, 5) }, () => this.value(c));
					return `${c.name} IN (${vals.join(', ')})`;
				}
				return `${c.name} IS ${R.chance(0.5) ? '' : 'NOT '}NULL`;
			}
			case 'bool':
				return R.pick([c.name, `NOT ${c.name}`, `${c.name} = true`, `${c.name} = false`, `${c.name} <> true`,
					`${c.name} IS NULL`, `${c.name} IS NOT NULL`, `${c.name} IS TRUE`, `${c.name} IS NOT FALSE`]);
			case 'bytea': {
				if (x < 0.5)
					return `${c.name} ${R.pick(ops)} ${this.value(c)}`;
				if (x < 0.7)
					return `${c.name} IN (${Array.from({ length: R.int(1, 4) }, () => this.value(c)).join(', ')})`;
				return `${c.name} IS ${R.chance(0.5) ? '' : 'NOT '}NULL`;
			}
			case 'textarr':
				return R.pick([`${c.name} IS NULL`, `${c.name} IS NOT NULL`, `${q(R.pick(WORDS))} = ANY(${c.name})`,
					`cardinality(${c.name}) > 1`, `${c.name} @> ARRAY[${q(R.pick(WORDS))}]`]);
			case 'numarr':
				return R.pick([`${c.name} IS NULL`, `${c.name} IS NOT NULL`, `${R.pick(NUMS)} = ANY(${c.name})`,
					`cardinality(${c.name}) = 2`]);
			case 'byteaarr':
				return R.pick([`${c.name} IS NULL`, `${c.name} IS NOT NULL`, `cardinality(${c.name}) = 1`,
					`${byteaLit(R.pick(['00', '80', 'ff', '01']))} = ANY(${c.name})`]);
			case 'jsonb':
				return R.pick([`${c.name} IS NULL`, `${c.name} IS NOT NULL`, `${c.name} ->> 'a' IS NOT NULL`,
					`jsonb_typeof(${c.name}) = 'array'`, `${c.name} @> '{"k": "v"}'`, `${c.name} ? 'a'`]);
			default:
				throw new Error(c.kind);
		}
	}

	randomColumn(exclude = []) {
		return this.R.pick(COLUMNS.filter((c) => !exclude.includes(c.name)));
	}

	/* A condition: an atom, an OR of atoms, a NOT, sometimes nested. */
	cond(depth = 0) {
		const R = this.R;
		const x = R.next();
		if (x < 0.72 || depth >= 2)
			return this.atom(this.randomColumn());
		if (x < 0.9)
			return `(${Array.from({ length: R.int(2, 3) }, () => this.cond(depth + 1)).join(' OR ')})`;
		if (x < 0.95)
			return `(${this.cond(depth + 1)} AND ${this.cond(depth + 1)})`;
		return `NOT (${this.cond(depth + 1)})`;
	}

	extras(k) {
		return Array.from({ length: k }, () => this.cond());
	}

	selectList(forced = []) {
		const R = this.R;
		if (R.chance(0.25))
			return COLUMNS.map((c) => c.name);
		const cols = new Set(forced);
		for (const c of R.sample(COLUMNS, R.int(1, 6)))
			cols.add(c.name);
		return COLUMNS.map((c) => c.name).filter((n) => cols.has(n));
	}

	existingKey() {
		return this.R.pick(this.keys);
	}

	/*
	 * One query: { sql(T), unlimited(T), select, order: [column index],
	 * total, limited, pre(T), post, shape }.
	 */
	query() {
		const R = this.R;
		const id = this.n++;
		const x = R.next();
		let shape;
		if (x < 0.12) shape = 'get';
		else if (x < 0.22) shape = 'batch';
		else if (x < 0.44) shape = 'query';
		else if (x < 0.56) shape = 'gsi1';
		else if (x < 0.62) shape = 'gsi2';
		else if (x < 0.66) shape = 'lsi';
		else if (x < 0.87) shape = 'scan';
		else if (x < 0.91) shape = 'count';
		else if (x < 0.97) shape = 'join';
		else shape = 'param';

		let where = [];
		let select;
		let order = null;		/* [{ expr, col }] */
		let total = false;
		let pkFixed = false;
		let pre = null;
		let post = null;
		let from = (T) => `${T} t`;
		let params = null;

		switch (shape) {
			case 'get': {
				const [pk, sk] = R.chance(0.85) ? this.existingKey() : [R.pick(PKS), 'ORDER#999'];
				where = [`pk = ${q(pk)}`, `sk = ${q(sk)}`, ...this.extras(R.chance(0.3) ? 1 : 0)];
				select = this.selectList();
				pkFixed = true;
				break;
			}
			case 'batch': {
				const keys = R.sample(this.keys, R.int(2, 12));
				if (R.chance(0.4)) {
					where = [`pk IN (${[...new Set(keys.map((k) => q(k[0])))].join(', ')})`,
						`sk IN (${[...new Set(keys.map((k) => q(k[1])))].join(', ')})`];
				} else if (R.chance(0.5)) {
					where = [`pk = ${q(keys[0][0])}`, `sk IN (${keys.map((k) => q(k[1])).join(', ')})`];
					pkFixed = true;
				} else if (R.chance(0.3)) {
					where = [`pk = ANY (ARRAY[${[...new Set(keys.map((k) => q(k[0])))].join(', ')}])`,
						`sk = ANY ('{${[...new Set(keys.map((k) => k[1]))].map((v) => `"${v.replace(/[\\"]/g, (ch) => `\\${ch}`).replace(/'/g, "''")}"`).join(',')}}'::text[])`];
				} else {
					where = [`(pk, sk) IN (${keys.map((k) => `(${q(k[0])}, ${q(k[1])})`).join(', ')})`];
				}
				where.push(...this.extras(R.chance(0.3) ? 1 : 0));
				select = this.selectList();
				break;
			}
			case 'query': {
				const pk = R.chance(0.9) ? this.existingKey()[0] : 'P#none';
				where = [`pk = ${q(pk)}`];
				pkFixed = true;
				const y = R.next();
				const skv = () => q(R.pick(this.keys.filter((k) => k[0] === pk).map((k) => k[1]).concat(['ORDER#', 'a', 'é'])));
				if (y < 0.3)
					where.push(this.atom(COL.sk));
				else if (y < 0.45)
					where.push(`sk COLLATE "C" ${R.pick(['<', '<=', '>', '>='])} ${skv()}`);
				else if (y < 0.55)
					where.push(`sk COLLATE "C" BETWEEN ${skv()} AND ${skv()}`);
				else if (y < 0.65)
					where.push(`sk COLLATE "C" >= ${skv()}`, `sk COLLATE "C" <= ${skv()}`);
				else if (y < 0.8)
					where.push(`sk LIKE ${q(likeEscape(R.pick(SK_PREFIXES)) + '%')}`);
				where.push(...this.extras(R.int(0, 2)));
				select = this.selectList(['sk']);
				if (R.chance(0.4)) {
					order = [{ expr: `sk COLLATE "C"${R.chance(0.5) ? ' DESC' : ''}`, col: 'sk' }];
					total = true;
				}
				break;
			}
			case 'gsi1': {
				where = [`g1pk = ${q(R.pick(G1PKS))}`];
				const y = R.next();
				if (y < 0.5)
					where.push(this.atom(COL.g1sk));
				else if (y < 0.7)
					where.push('g1sk IS NOT NULL');
				where.push(...this.extras(R.int(0, 1)));
				select = this.selectList(['g1sk']);
				if (R.chance(0.4))
					order = [{ expr: `g1sk${R.chance(0.5) ? ' DESC' : ''}`, col: 'g1sk' }];
				break;
			}
			case 'gsi2': {
				where = [`g2pk = ${q(R.pick(G2PKS))}`, ...this.extras(R.int(0, 1))];
				select = R.chance(0.5) ? ['pk', 'sk', 'g2pk', 'i', 'flag'].slice(0, R.int(1, 5)) : this.selectList();
				/* a whole-row reference needs attributes the index lacks */
				if (R.chance(0.2))
					select.push('t::text AS whole');
				break;
			}
			case 'lsi': {
				const pk = this.existingKey()[0];
				const y = R.next();
				let cond;
				if (y < 0.7)
					cond = `lsk ${R.pick(['=', '<', '<=', '>', '>='])} ${this.value(COL.lsk)}`;
				else if (y < 0.85)
					cond = `lsk BETWEEN ${this.value(COL.lsk)} AND ${this.value(COL.lsk)}`;
				else
					cond = this.atom(COL.lsk);
				where = [`pk = ${q(pk)}`, cond, ...this.extras(R.chance(0.2) ? 1 : 0)];
				pkFixed = true;
				select = R.chance(0.75) ? ['pk', 'sk', 'lsk'] : this.selectList();
				if (R.chance(0.15))
					select.push('t::text AS whole');
				if (R.chance(0.5))
					order = [{ expr: `lsk${R.chance(0.5) ? ' DESC' : ''}`, col: 'lsk' }];
				break;
			}
			case 'scan': {
				where = this.extras(R.int(1, 3));
				select = this.selectList();
				break;
			}
			case 'count': {
				where = R.chance(0.5) ? this.extras(R.int(1, 2)) : [`pk = ${q(this.existingKey()[0])}`, ...this.extras(R.int(0, 1))];
				select = ['count(*)'];
				break;
			}
			case 'join': {
				const keys = R.sample(this.keys, R.int(1, 8));
				if (R.chance(0.3))
					keys.push(['P#none', 'x']);
				const vals = keys.map((k) => `(${q(k[0])}, ${q(k[1])})`).join(', ');
				const kind = R.pick(['full', 'pk', 'left']);
				const cols = this.selectList(['pk', 'sk']);
				select = cols.map((c) => `f.${c}`);
				if (kind === 'full')
					from = (T) => `(VALUES ${vals}) v(a, b) JOIN ${T} f ON f.pk = v.a AND f.sk = v.b`;
				else if (kind === 'pk')
					from = (T) => `(VALUES ${vals}) v(a, b) JOIN ${T} f ON f.pk = v.a`;
				else
					from = (T) => `(VALUES ${vals}) v(a, b) LEFT JOIN ${T} f ON f.pk = v.a AND f.sk = v.b`;
				if (kind === 'left')
					select.unshift('v.a', 'v.b');
				/* v has only columns a and b: unqualified names are f's */
				if (R.chance(0.5))
					where = [this.cond()];
				break;
			}
			case 'param': {
				const [pk] = this.existingKey();
				const c = R.pick([COL.s, COL.s2, COL.n, COL.i]);
				const v1 = this.value(c);
				const types = { text: 'text', num: 'numeric', int: 'int4' };
				params = { types: ['text', types[c.kind], types[c.kind]], args: [q(pk), R.chance(0.5) ? 'NULL' : v1, this.value(c)] };
				where = [R.chance(0.5) ? 'pk = $1' : '(pk = $1 OR pk = \'P#01\')',
					R.pick([`${c.name} IN ($2, $3)`, `${c.name} = $2`, `${c.name} <> $2`, `(${c.name} = $2 OR ${c.name} = $3)`, `${c.name} >= $2`])];
				select = this.selectList(['pk', 'sk']);
				break;
			}
			default:
				throw new Error(shape);
		}

		select = select ?? this.selectList();
		/* ORDER BY: a random one when the shape chose none */
		if (order === null && R.chance(0.5)) {
			const plain = select.filter((s) => !s.startsWith('v.')).map((s) => s.replace(/^f\./, ''));
			const cand = plain.filter((c) => COL[c] && !['jsonb'].includes(COL[c].kind));
			if (cand.length) {
				order = R.sample(cand, R.int(1, Math.min(3, cand.length))).map((c) => ({
					expr: `${shape === 'join' ? 'f.' : ''}${c}${COL[c].kind === 'text' && R.chance(0.5) ? ' COLLATE "C"' : ''}${R.chance(0.5) ? ' DESC' : ''}${R.chance(0.2) ? ' NULLS FIRST' : ''}`,
					col: c,
				}));
				const oc = order.map((o) => o.col);
				total = shape !== 'join' && shape !== 'param' && oc.includes('sk') && (oc.includes('pk') || pkFixed);
			}
		}
		/* ORDER BY columns are selected too, so their sequence can be compared */
		const prefix = shape === 'join' ? 'f.' : '';
		if (order) {
			for (const o of order)
				if (!select.includes(`${prefix}${o.col}`))
					select.push(`${prefix}${o.col}`);
		}
		const orderIdx = order ? order.map((o) => select.indexOf(`${prefix}${o.col}`)) : [];
		let limit = '';
		if (R.chance(0.35))
			limit = ` LIMIT ${R.int(0, 40)}${R.chance(0.15) ? ` OFFSET ${R.int(1, 10)}` : ''}`;

		const whereText = where.length ? ` WHERE ${where.join(' AND ')}` : '';
		const orderText = order ? ` ORDER BY ${order.map((o) => o.expr).join(', ')}` : '';
		const body = (T) => `SELECT ${select.join(', ')} FROM ${from(T)}${whereText}${orderText}`;
		const result = {
			id, shape, total, limited: limit !== '', orderIdx,
			sql: (T) => body(T) + limit,
			unlimited: (T) => body(T),
		};
		if (params) {
			const name = `rdq_${id}`;
			result.pre = (T) => `PREPARE ${name}(${params.types.join(', ')}) AS ${body(T)}${limit}`;
			result.sql = () => `EXECUTE ${name}(${params.args.join(', ')})`;
			result.unlimited = (T) => body(T).replace(/\$(\d)/g, (m, d) => params.args[d - 1]);
			result.post = `DEALLOCATE ${name}`;
		}
		return result;
	}
}

/* What EXPLAIN's Key Condition and Filter Expression lines are counted by. */
const PUSHED = [
	['=', / = :v/g], ['<>', / <> :v/g], ['<', / < :v/g], ['<=', / <= :v/g], ['>', / > :v/g],
	['>=', / >= :v/g], ['BETWEEN', / BETWEEN /g], ['IN', / IN \(/g], ['begins_with', /begins_with\(/g],
	['contains', /contains\(/g],
	['IS NULL', /attribute_not_exists\(/g], ['IS NOT NULL', /\(attribute_exists\(/g],
	['AND', / AND (?!attribute_type|NOT attribute_type)/g], ['OR', / OR (?!attribute_type)/g],
];

/* ---------- comparing ---------- */

const rowKey = (r) => JSON.stringify(r);

function multiset(rows) {
	const m = new Map();
	for (const r of rows) {
		const k = rowKey(r);
		m.set(k, (m.get(k) ?? 0) + 1);
	}
	return m;
}

function msDiff(a, b) {
	const ma = multiset(a);
	const mb = multiset(b);
	const onlyA = [];
	const onlyB = [];
	for (const [k, n] of ma) {
		const d = n - (mb.get(k) ?? 0);
		for (let i = 0; i < d; i++) onlyA.push(k);
	}
	for (const [k, n] of mb) {
		const d = n - (ma.get(k) ?? 0);
		for (let i = 0; i < d; i++) onlyB.push(k);
	}
	return { onlyA, onlyB };
}

/* Why the FDW's answer FDW is not the local answer LOCAL; null when it is. */
function compare(gq, fdw, local, localAll) {
	if (fdw.error || local.error) {
		if (fdw.error && local.error && fdw.error.sqlstate === local.error.sqlstate)
			return null;
		/*
		 * An error PostgreSQL raises only when it evaluates a row (LIKE under
		 * a nondeterministic collation) cannot happen when DynamoDB's
		 * conditions leave no row to evaluate.
		 */
		if (!fdw.error && fdw.rows.length === 0 && local.error.sqlstate === '0A000')
			return null;
		return `errors differ: fdw ${fdw.error ? `${fdw.error.sqlstate} ${fdw.error.message}` : 'none'}; ` +
			`local ${local.error ? `${local.error.sqlstate} ${local.error.message}` : 'none'}`;
	}
	if (gq.total) {
		if (rowKey(fdw.rows) === rowKey(local.rows))
			return null;
		const { onlyA, onlyB } = msDiff(fdw.rows, local.rows);
		if (onlyA.length === 0 && onlyB.length === 0)
			return 'same rows in a different order';
		return diffText(onlyA, onlyB);
	}
	if (gq.orderIdx.length) {
		const keys = (rows) => rows.map((r) => gq.orderIdx.map((i) => r[i]));
		if (rowKey(keys(fdw.rows)) !== rowKey(keys(local.rows)))
			return `ORDER BY keys differ:\n    fdw   ${rowKey(keys(fdw.rows)).slice(0, 600)}\n    local ${rowKey(keys(local.rows)).slice(0, 600)}`;
	}
	if (!gq.limited) {
		const { onlyA, onlyB } = msDiff(fdw.rows, local.rows);
		return onlyA.length || onlyB.length ? diffText(onlyA, onlyB) : null;
	}
	if (fdw.rows.length !== local.rows.length)
		return `LIMIT: ${fdw.rows.length} rows from the FDW, ${local.rows.length} locally`;
	const { onlyA } = msDiff(fdw.rows, localAll.rows);
	return onlyA.length ? `rows not in the unlimited answer:\n${onlyA.slice(0, 10).map((r) => `    ${r}`).join('\n')}` : null;
}

function diffText(onlyFdw, onlyLocal) {
	const show = (rows) => rows.slice(0, 10).map((r) => `      ${r}`).join('\n') + (rows.length > 10 ? `\n      ... ${rows.length - 10} more` : '');
	return `${onlyFdw.length} rows only from the FDW:\n${show(onlyFdw)}\n    ${onlyLocal.length} rows only locally:\n${show(onlyLocal)}`;
}

/* ---------- the suite ---------- */

const client = ddbClient();
let fdwS;
let localS;
let explS;
let pools;
let keys;

before(async () => {
	const R = prng(SEED);
	await createTable(client, TABLE_SPEC);
	await putItems(client, TABLE, genItems(R));
	const items = await scanAll(client, TABLE);
	assert.equal(items.length, NITEMS, 'every item was written');

	const rows = items.map(localRow);
	keys = items.map((it) => [it.pk.S, it.sk.S]).sort();
	pools = {};
	for (const c of COLUMNS) {
		const seen = new Set();
		for (const r of rows) {
			const v = r[c.name];
			if (v === null || typeof v === 'object')
				continue;
			seen.add(String(v));
		}
		pools[c.name] = [...seen].sort();
	}

	const setup = new PsqlSession();
	const cols = COLUMNS.map((c) => `${c.name} ${c.type}${c.attr !== c.name ? ` OPTIONS (column_name ${q(c.attr)})` : ''}`).join(',\n  ');
	const plainCols = COLUMNS.map((c) => `${c.name} ${c.type}`).join(', ');
	const json = `[${rows.map(jsonText).join(',\n')}]`;
	/* the key joins' outer side: KEY_JOIN_KEYS distinct keys, a quarter missing, some twice */
	const KR = prng(SEED + 3);
	const jkKeys = [...KR.sample(keys, KEY_JOIN_KEYS * 3 / 4),
		...Array.from({ length: KEY_JOIN_KEYS / 4 }, (_, i) => [KR.pick(PKS), `NONE#${i}`])];
	const jkRows = [...jkKeys, ...KR.sample(jkKeys, 20)];
	assert.ok(!json.includes('$rdj$'));
	for (const sql of [
		'SET client_min_messages = warning',
		'CREATE EXTENSION IF NOT EXISTS dynamo_fdw',
		`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`,
		`DROP SERVER IF EXISTS ${SERVER} CASCADE`,
		`CREATE SCHEMA ${SCHEMA}`,
		`CREATE COLLATION ${SCHEMA}.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`,
		`CREATE SERVER ${SERVER} FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (endpoint ${q(process.env.DYNAMO_ENDPOINT)}, region 'us-east-1')`,
		`CREATE USER MAPPING FOR CURRENT_USER SERVER ${SERVER} OPTIONS (access_key_id 'AKIDREADSDIFF', secret_access_key 'reads-diff-secret')`,
		`CREATE FOREIGN TABLE ${SCHEMA}.ft (\n  ${cols}\n) SERVER ${SERVER} OPTIONS (table_name ${q(TABLE)})`,
		`CREATE FOREIGN TABLE ${SCHEMA}.ft_seg (\n  ${cols}\n) SERVER ${SERVER} OPTIONS (table_name ${q(TABLE)}, scan_segments '4')`,
		`CREATE FOREIGN TABLE ${SCHEMA}.ft_cr (\n  ${cols}\n) SERVER ${SERVER} OPTIONS (table_name ${q(TABLE)}, consistent_read 'true')`,
		`CREATE TABLE ${SCHEMA}.lt (${plainCols})`,
		`INSERT INTO ${SCHEMA}.lt SELECT * FROM jsonb_populate_recordset(NULL::${SCHEMA}.lt, $rdj$${json}$rdj$)`,
		`ANALYZE ${SCHEMA}.lt`,
		`CREATE TABLE ${SCHEMA}.jk (a text, b text)`,
		`INSERT INTO ${SCHEMA}.jk VALUES ${jkRows.map(([a, b]) => `(${q(a)}, ${q(b)})`).join(', ')}`,
		`ANALYZE ${SCHEMA}.jk`,
	])
		await setup.ok(sql);
	assert.equal(await setup.value(`SELECT count(*) FROM ${SCHEMA}.lt`), String(NITEMS));
	await setup.close();

	fdwS = new PsqlSession();
	localS = new PsqlSession();
	explS = new PsqlSession();
	for (const s of [fdwS, localS, explS]) {
		await s.ok('SET plan_cache_mode = force_generic_plan');
		await s.ok('SET extra_float_digits = 1');
	}
});

after(async () => {
	await fdwS?.close();
	await localS?.close();
	await explS?.close();
	const s = new PsqlSession();
	await s.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
	await s.query(`DROP SERVER IF EXISTS ${SERVER} CASCADE`);
	await s.close();
	await dropTable(client, TABLE);
	client.destroy();
});

/* The tallies of one run of queries. */
function newRun() {
	return {
		t0: Date.now(), queries: 0, ops: {}, pushed: {}, shapes: {}, mismatches: [], fdwErrors: 0,
		gathers: 0, parallelScans: 0, keyJoins: [],
	};
}

/*
 * Run GQ on the foreign table VARIANT and on the local table (and EXPLAIN
 * it on the foreign one), add its plan to RUN's tallies, and report it if
 * the answers differ.  GQ.settings are SET for the FDW's sessions only
 * around it; GQ.keyJoin asks EXPLAIN ANALYZE how many keys its batched
 * key join requested.
 */
async function runQuery(run, gq, variant) {
	const FT = `${SCHEMA}.${variant}`;
	const LT = `${SCHEMA}.lt`;
	run.queries++;
	run.shapes[gq.shape] = (run.shapes[gq.shape] ?? 0) + 1;

	for (const set of gq.settings ?? [])
		await Promise.all([fdwS.ok(`SET ${set}`), explS.ok(`SET ${set}`)]);
	if (gq.pre)
		await Promise.all([fdwS.ok(gq.pre(FT)), explS.ok(gq.pre(FT)), localS.ok(gq.pre(LT))]);
	/* three backends at once: the plan, the FDW's answer, PostgreSQL's */
	const [explain, fdw, local] = await Promise.all([
		explS.query(`EXPLAIN (VERBOSE, COSTS OFF) ${gq.sql(FT)}`),
		fdwS.query(gq.sql(FT)),
		localS.query(gq.sql(LT)),
	]);
	const localAll = gq.limited ? await localS.query(gq.unlimited(LT)) : local;
	let analyzed = null;
	if (gq.keyJoin)
		analyzed = await explS.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${gq.sql(FT)}`);
	if (gq.post)
		await Promise.all([fdwS.ok(gq.post), explS.ok(gq.post), localS.ok(gq.post)]);
	for (const set of gq.settings ?? [])
		await Promise.all([fdwS.ok(`RESET ${set.split(' ')[0]}`), explS.ok(`RESET ${set.split(' ')[0]}`)]);

	const plan = explain.rows.map((r) => r[0]).join('\n');
	for (const m of plan.matchAll(/DynamoDB Operation: (\w+)(?:\n\s*DynamoDB Table: \S+)?(?:\n\s*DynamoDB Index: (\S+))?/g)) {
		const op = m[1] === 'Query' ? `Query(${m[2] ?? 'table'})` : m[1];
		run.ops[op] = (run.ops[op] ?? 0) + 1;
	}
	for (const m of plan.matchAll(/(Key Condition|Filter Expression): (.*)/g)) {
		const where = m[1] === 'Key Condition' ? 'key' : 'filter';
		for (const [name, re] of PUSHED) {
			const n = (m[2].match(re) ?? []).length;
			if (n)
				run.pushed[`${where} ${name}`] = (run.pushed[`${where} ${name}`] ?? 0) + n;
		}
	}
	if (/^\s*(->\s+)?Gather\b/m.test(plan))
		run.gathers++;
	if (/Parallel Foreign Scan on /.test(plan))
		run.parallelScans++;
	if (gq.keyJoin) {
		const text = analyzed.error ? `${analyzed.error.sqlstate} ${analyzed.error.message}`
			: analyzed.rows.map((r) => r[0]).join('\n');
		const keysAsked = Number(/Keys Requested: (\d+)/.exec(text)?.[1] ?? 0);
		run.keyJoins.push({ id: gq.id, keyJoin: /DynamoDB Key Join/.test(plan), keysAsked });
	}
	if (fdw.error)
		run.fdwErrors++;

	const why = compare(gq, fdw, local, localAll);
	if (why) {
		run.mismatches.push(gq.id);
		if (run.mismatches.length <= MAX_REPORTS) {
			/* a prepared statement is gone, and the settings are reset, by now */
			const full = gq.pre || gq.settings ? explain : await explS.query(`EXPLAIN VERBOSE ${gq.sql(FT)}`);
			console.log(`\n--- mismatch in query ${gq.id} (${gq.shape}, ${variant}) ---\n` +
				`${gq.pre ? `${gq.pre(FT)};\n` : ''}${gq.sql(FT)};\n` +
				`${(full.rows.length ? full.rows : explain.rows).map((r) => `  | ${r[0]}`).join('\n')}\n` +
				`    ${why}\n` +
				`    (fdw ${fdw.rows.length} rows, local ${local.rows.length} rows)`);
		}
	}
}

/*
 * Joins of the local table jk (KEY_JOIN_KEYS distinct keys, most existing)
 * to the foreign table on its whole key, with PostgreSQL's own join
 * methods off so that the plan is the batched key join: more than 100 keys
 * in a round, so its BatchGetItem requests are in flight together.
 */
function keyJoinQueries() {
	const settings = ['enable_hashjoin = off', 'enable_mergejoin = off', 'enable_nestloop = off'];
	const cols = ['f.pk', 'f.sk', 'f.n', 'f.s', 'f.i', 'f.flag'];
	return [
		{ id: 'keyjoin-inner', from: (T) => `${SCHEMA}.jk j JOIN ${T} f ON f.pk = j.a AND f.sk = j.b`, select: ['j.a', 'j.b', ...cols] },
		{ id: 'keyjoin-left', from: (T) => `${SCHEMA}.jk j LEFT JOIN ${T} f ON f.pk = j.a AND f.sk = j.b`, select: ['j.a', 'j.b', ...cols] },
	].map(({ id, from, select }) => {
		const sql = (T) => `SELECT ${select.join(', ')} FROM ${from(T)}`;
		return { id, shape: 'keyjoin', total: false, limited: false, orderIdx: [], sql, unlimited: sql, settings, keyJoin: true };
	});
}

function summary(run, what) {
	const kj = run.keyJoins.map((k) => `${k.id} ${k.keyJoin ? `${k.keysAsked} keys` : 'not a key join'}`).join(', ');
	return `\n# differential${what}: ${NITEMS} items, ${run.queries} queries in ${((Date.now() - run.t0) / 1000).toFixed(1)}s, ` +
		`${run.mismatches.length} mismatches${run.mismatches.length ? ` (queries ${run.mismatches.join(', ')})` : ''}, ` +
		`${run.fdwErrors} errors on both sides; ${run.gathers} plans with a Gather, ` +
		`${run.parallelScans} with a Parallel Foreign Scan; key joins: ${kj}\n` +
		`#   shapes ${JSON.stringify(run.shapes)}\n#   operations ${JSON.stringify(run.ops)}\n` +
		`#   pushed operators ${JSON.stringify(run.pushed)}`;
}

/* Every key join query was planned as the batched key join, over 100 keys. */
function assertKeyJoins(run) {
	assert.ok(run.keyJoins.length > 0);
	for (const k of run.keyJoins) {
		assert.ok(k.keyJoin, `${k.id}: not a DynamoDB Key Join`);
		assert.ok(k.keysAsked > 100, `${k.id}: ${k.keysAsked} keys requested`);
	}
}

test(`${NQUERIES} generated queries give PostgreSQL's answers (seed ${SEED})`, async () => {
	const gen = new Gen(prng(SEED + 1), pools, keys);
	const run = newRun();

	for (let k = 0; k < NQUERIES; k++) {
		const gq = gen.query();
		await runQuery(run, gq, gen.R.pick(['ft', 'ft', 'ft', 'ft_seg', 'ft_cr']));
	}
	for (const gq of keyJoinQueries())
		await runQuery(run, gq, 'ft');
	console.log(summary(run, ''));

	for (const op of ['GetItem', 'BatchGetItem', 'Query(table)', 'Query(gsi1)', 'Scan'])
		assert.ok((run.ops[op] ?? 0) > 0, `no query became ${op}: ${JSON.stringify(run.ops)}`);
	assertKeyJoins(run);
	assert.deepEqual(run.mismatches, [], `${run.mismatches.length} of ${run.queries} queries differ (see above)`);
});

test(`${NPARALLEL} generated queries in parallel workers give PostgreSQL's answers (seed ${SEED})`, async () => {
	const version = Number(await fdwS.value('SHOW server_version_num'));
	const settings = [
		'parallel_setup_cost = 0', 'parallel_tuple_cost = 0', 'min_parallel_table_scan_size = 0',
		'max_parallel_workers_per_gather = 4',
		version >= 160000 ? 'debug_parallel_query = on' : 'force_parallel_mode = on',
	];
	/* the FDW's sessions only: the local side runs as in the first test */
	for (const set of settings)
		await Promise.all([fdwS.ok(`SET ${set}`), explS.ok(`SET ${set}`)]);
	const gen = new Gen(prng(SEED + 2), pools, keys);
	const run = newRun();
	try {
		for (let k = 0; k < NPARALLEL; k++) {
			const gq = gen.query();
			await runQuery(run, gq, gen.R.pick(['ft', 'ft_seg', 'ft_seg', 'ft_cr']));
		}
		for (const gq of keyJoinQueries())
			await runQuery(run, gq, 'ft_seg');
	} finally {
		for (const set of settings)
			await Promise.all([fdwS.ok(`RESET ${set.split(' ')[0]}`), explS.ok(`RESET ${set.split(' ')[0]}`)]);
	}
	console.log(summary(run, ' (parallel workers)'));

	/* the parallel machinery ran: Gathers, and workers sharing segments */
	assert.ok(run.gathers > 0, 'no plan had a Gather');
	assert.ok(run.parallelScans > 0, 'no plan had a Parallel Foreign Scan');
	assertKeyJoins(run);
	assert.deepEqual(run.mismatches, [], `${run.mismatches.length} of ${run.queries} queries differ (see above)`);
});
