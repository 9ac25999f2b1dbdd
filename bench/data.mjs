/*
 * bench/data.mjs - the benchmark's items, tables and foreign tables.
 *
 * Items are generated deterministically (seeded PRNG) in the SDK's
 * AttributeValue form.  Each item has about 230 bytes of attributes of the
 * common types: S, N (integer and decimal), BOOL, SS, M, L and an S that
 * is missing from one item in four.  The same item shape is used by the
 * read benchmark (loaded with the SDK) and by the write benchmarks (the
 * FDW's INSERT ... SELECT generates the same values in SQL, the SDK
 * scripts generate them here).
 */

/* The item number I as a key: zero padded, so keys sort as numbers do. */
export function keyOf(prefix, i) {
	return `${prefix}${String(i).padStart(7, '0')}`;
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel',
	'india', 'juliett', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa'];

/* Item I of a table whose keys start with PREFIX. */
export function makeItem(prefix, i) {
	const w1 = WORDS[i % 16];
	const w2 = WORDS[(i * 7 + 3) % 16];
	const item = {
		id: { S: keyOf(prefix, i) },
		n: { N: String(i) },
		price: { N: ((i % 100000) / 100).toFixed(2) },
		name: { S: `${w1} ${w2} item number ${i}` },
		active: { BOOL: i % 3 !== 0 },
		tags: { SS: [w1, w2 === w1 ? `${w2}2` : w2] },
		attrs: {
			M: {
				color: { S: WORDS[(i * 5) % 16] },
				size: { N: String(i % 50) },
				dims: { L: [{ N: String(i % 10) }, { N: String((i * 3) % 10) }] },
			},
		},
	};
	if (i % 4 !== 0)
		item.note = { S: `note for ${w2}, ${i % 1000} of 1000` };
	return item;
}

/*
 * The same item built by SQL from an integer i (for INSERT ... SELECT):
 * a SELECT list matching the foreign table's columns, in order.
 */
export function sqlItemSelect(prefix) {
	const words = `(ARRAY[${WORDS.map((w) => `'${w}'`).join(',')}])`;
	const w1 = `${words}[i % 16 + 1]`;
	const w2 = `${words}[(i * 7 + 3) % 16 + 1]`;
	return [
		`'${prefix}' || lpad(i::text, 7, '0')`,
		`i::int8`,
		`round((i % 100000)::numeric / 100, 2)`,
		`${w1} || ' ' || ${w2} || ' item number ' || i`,
		`i % 3 <> 0`,
		`ARRAY[${w1}, CASE WHEN ${w2} = ${w1} THEN ${w2} || '2' ELSE ${w2} END]`,
		`jsonb_build_object('color', ${words}[(i * 5) % 16 + 1], 'size', i % 50, ` +
			`'dims', jsonb_build_array(i % 10, (i * 3) % 10))`,
		`CASE WHEN i % 4 <> 0 THEN 'note for ' || ${w2} || ', ' || (i % 1000) || ' of 1000' END`,
	].join(',\n\t');
}

/* The DynamoDB table every benchmark uses (partition key "id" only). */
export function tableSpec(name) {
	return {
		TableName: name,
		AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
		KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
	};
}

/* Column list of a foreign table over such a table. */
export const FOREIGN_COLUMNS = `
	id text NOT NULL,
	n int8,
	price numeric,
	name text,
	active boolean,
	tags text[],
	attrs jsonb,
	note text`;
