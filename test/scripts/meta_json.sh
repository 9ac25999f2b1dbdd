#!/usr/bin/env bash
# test/scripts/meta_json.sh - META.json (PGXN) says what the tree is:
#   - it is valid JSON with the keys the PGXN meta spec 1.0.0 requires;
#   - its version and provides.dynamo_fdw.version are dynamo_fdw.control's
#     default_version as semver ("1.0" -> "1.0.0"), and debian/changelog's
#     version is the same release;
#   - provides.dynamo_fdw.file is the install script of that version, and
#     its docfile exists;
#   - the PostgreSQL prerequisite's floor is the Makefile's
#     PG_MIN_VERSION_NUM, its ceiling is above the newest tested version,
#     and the supported / tested versions match what README says.
#
# Usage: bash test/scripts/meta_json.sh   (needs node; scripts/test.sh runs it)

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1

control_version=$(sed -n "s/^default_version *= *'\(.*\)'.*/\1/p" dynamo_fdw.control)
floor=$(sed -n 's/^PG_MIN_VERSION_NUM *= *\([0-9]*\).*/\1/p' Makefile)
deb_version=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' debian/changelog)

exec node --input-type=module - "$control_version" "$floor" "$deb_version" <<'JS'
import { readFileSync, existsSync } from 'node:fs';
const [controlVersion, floor, debVersion] = process.argv.slice(2);
let failed = 0, n = 0;
function check(what, ok, detail = '') {
	n++;
	console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${what}${ok || !detail ? '' : ': ' + detail}`);
	if (!ok) failed++;
}
const meta = JSON.parse(readFileSync('META.json', 'utf8'));
const semver = (v) => (/^\d+\.\d+$/.test(v) ? `${v}.0` : v);

for (const k of ['name', 'abstract', 'version', 'maintainer', 'license', 'provides', 'meta-spec'])
	check(`META.json has ${k}`, meta[k] !== undefined);
check('meta-spec is 1.0.0', meta['meta-spec']?.version === '1.0.0');
check('name is dynamo_fdw', meta.name === 'dynamo_fdw');
check('license is postgresql', meta.license === 'postgresql');
check('every extra key starts with x_', Object.keys(meta).every((k) =>
	['name', 'abstract', 'description', 'version', 'maintainer', 'license', 'provides', 'prereqs',
		'release_status', 'generated_by', 'tags', 'resources', 'no_index', 'meta-spec'].includes(k) || /^[xX]_/.test(k)));

check(`control default_version ${controlVersion} is META version ${meta.version}`,
	semver(controlVersion) === meta.version, `control says ${controlVersion}`);
const p = meta.provides?.dynamo_fdw ?? {};
check('provides.dynamo_fdw.version is the release version', p.version === meta.version, p.version);
check(`provides.dynamo_fdw.file is dynamo_fdw--${controlVersion}.sql and exists`,
	p.file === `dynamo_fdw--${controlVersion}.sql` && existsSync(p.file), p.file);
check('provides.dynamo_fdw.docfile exists', existsSync(p.docfile ?? ''), p.docfile);
check(`debian/changelog's version ${debVersion} is the release`, debVersion.replace(/-[^-]*$/, '') === meta.version);

const want = Math.floor(Number(floor) / 10000);
for (const phase of ['configure', 'runtime']) {
	const req = meta.prereqs?.[phase]?.requires?.PostgreSQL ?? '';
	const m = /^>= (\d+)\.0\.0, < (\d+)\.0\.0$/.exec(req);
	check(`prereqs.${phase} PostgreSQL floor is the Makefile's PG_MIN_VERSION_NUM (${floor} -> ${want})`,
		m !== null && Number(m[1]) === want, req);
	const tested = Object.keys(meta.x_postgresql_versions?.tested ?? {}).map(Number);
	check(`prereqs.${phase} ceiling is above every tested version`, m !== null && tested.every((v) => v < Number(m[2])), req);
}
const sup = meta.x_postgresql_versions?.supported ?? [];
check('supported versions start at the floor', Number(sup[0]) === want, sup.join(','));
const readme = readFileSync('README.md', 'utf8');
for (const v of sup)
	check(`README names PostgreSQL ${v}`, readme.includes(`PostgreSQL ${v}`) || readme.includes(`| ${v} `));
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
JS
