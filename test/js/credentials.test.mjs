/*
 * test/js/credentials.test.mjs - the AWS credential provider chain.
 *
 * The PostgreSQL server process resolves credentials, so what matters is the
 * postmaster's environment and files.  This suite therefore runs its own
 * scratch cluster (initdb once, restarted with a clean environment per
 * scenario) and points every remote source at test/tools/fake_aws.mjs on
 * loopback: STS, IMDSv2, the container endpoint and DynamoDB itself.  No
 * request ever leaves 127.0.0.1: AWS_EC2_METADATA_DISABLED=true unless the
 * IMDS endpoint is the fake, the container endpoint is always a loopback
 * FULL_URI, and STS is always AWS_ENDPOINT_URL_STS.
 *
 * Credentials are observed two ways:
 *  - the DSQL token functions (no user mapping: the server's ambient chain);
 *    the token names the access key id and carries the session token, and
 *    its signature is recomputed here with @smithy/signature-v4 from the
 *    secret we expect, so a wrong secret fails too;
 *  - a foreign table whose server endpoint is the fake: the fake verifies the
 *    SigV4 signature of each DynamoDB request against the secrets it knows
 *    and records which key signed it (user mappings, role_arn, who may use
 *    ambient credentials).
 *
 * At the end, no secret or session token handed out or configured may
 * appear in the server log or in any error message the suite saw.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import {
	mkdtempSync, writeFileSync, readFileSync, rmSync, chmodSync, chownSync,
	mkdirSync, existsSync, appendFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { startFakeAws } from '../tools/fake_aws.mjs';

const run = promisify(execFile);

const PG_BIN = process.env.DYNAMO_FDW_PG_BIN ?? execFileSync('pg_config', ['--bindir']).toString().trim();
const AS_ROOT = process.getuid() === 0;
const PG_UID = AS_ROOT ? Number(execFileSync('id', ['-u', 'postgres']).toString()) : process.getuid();
const PG_GID = AS_ROOT ? Number(execFileSync('id', ['-g', 'postgres']).toString()) : process.getgid();

/* Static credentials the suite configures in various places. */
const K = {
	env: { id: 'AKIDENVIRONMENT01', secret: 'envSecret/abc+def0123456789EXAMPLE', token: 'envSessionToken+/=01' },
	file: { id: 'AKIDCREDFILE0001', secret: 'fileSecret/0123456789abcdefEXAMPLE' },
	cfg: { id: 'AKIDCONFIGFILE01', secret: 'cfgSecret/0123456789abcdefEXAMPLE', token: 'cfgSessionToken01' },
	dev: { id: 'AKIDDEVPROFILE01', secret: 'devSecret/0123456789abcdefEXAMPLE' },
	home: { id: 'AKIDHOMEAWSDIR01', secret: 'homeSecret/0123456789abcdefEXAMPLE' },
	proc: { id: 'AKIDPROCESS00001', secret: 'procSecret/0123456789abcdefEXAMPLE', token: 'procSessionToken01' },
	um: { id: 'AKIDUSERMAPPING1', secret: 'umSecret/0123456789abcdefEXAMPLEkey', token: 'umSessionToken01' },
	um2: { id: 'AKIDUSERMAPPING2', secret: 'um2Secret/0123456789abcdefEXAMPLE' },
	base: { id: 'AKIDROLEBASE0001', secret: 'baseSecret/0123456789abcdefEXAMPLE' },
};
const WEB_TOKEN = 'eyJfake.web-identity.token';
const CONTAINER_TOKEN = 'container-auth-token-0001';

const work = mkdtempSync('/tmp/dynamo_fdw-creds-');
chmodSync(work, 0o755);
const files = join(work, 'files');
const home = join(work, 'home');
const pgdir = join(work, 'pg');
const logFile = join(pgdir, 'postgres.log');
const cfgPath = join(files, 'config');
const credPath = join(files, 'credentials');
const procCount = join(files, 'process-count');
const messages = [];			/* every error text the suite saw */

let fake;
let port;
let clusterUp = false;

function own(path) {
	if (AS_ROOT) {
		chownSync(path, PG_UID, PG_GID);
	}
}

function writeFile(path, text, mode = 0o644) {
	writeFileSync(path, text);
	chmodSync(path, mode);
}

function asPostgres(cmd, args, options = {}) {
	if (AS_ROOT) {
		return run('runuser', ['-u', 'postgres', '--', cmd, ...args], options);
	}
	return run(cmd, args, options);
}

/* (Re)start the scratch server with exactly these environment variables. */
async function restart(env = {}) {
	if (clusterUp) {
		await asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', join(pgdir, 'data'), 'stop', '-m', 'fast', '-w']);
		clusterUp = false;
	}
	const base = {
		PATH: '/usr/local/bin:/usr/bin:/bin',
		HOME: home,
		LANG: 'C.UTF-8',
		AWS_EC2_METADATA_DISABLED: 'true',
		AWS_CONFIG_FILE: cfgPath,
		AWS_SHARED_CREDENTIALS_FILE: credPath,
		AWS_ENDPOINT_URL_STS: fake.stsUrl,
		AWS_REGION: 'us-east-1',
	};
	const merged = { ...base, ...env };
	const assignments = Object.entries(merged)
		.filter(([, v]) => v !== undefined && v !== null)
		.map(([k, v]) => `${k}=${v}`);
	await asPostgres('env', ['-i', ...assignments, join(PG_BIN, 'pg_ctl'), '-D', join(pgdir, 'data'),
		'-l', logFile, '-w', '-t', '30', 'start']);
	clusterUp = true;
}

/* Run SQL (several statements allowed: one backend); returns stdout lines. */
async function sql(text, { user = 'postgres' } = {}) {
	try {
		const { stdout } = await run('psql', ['-X', '-At', '-v', 'ON_ERROR_STOP=1', '-h', pgdir, '-p', String(port),
			'-U', user, '-d', 'postgres', '-c', text], { env: { ...process.env, PGOPTIONS: '' } });
		return stdout.trim().split('\n').filter((l) => l !== '');
	} catch (e) {
		messages.push(String(e.stderr));
		const err = new Error(String(e.stderr).trim());
		err.stderr = String(e.stderr);
		throw err;
	}
}

/* SQL that must fail; returns the error text (with detail and hint). */
async function sqlFails(text, opts) {
	try {
		await sql(text, opts);
	} catch (e) {
		return e.stderr;
	}
	assert.fail(`should have failed: ${text}`);
}

const TOKEN_SQL = "SELECT dsql_generate_db_connect_auth_token('cluster.dsql.example.on.aws', 'us-east-1')";

/*
 * The credentials a DSQL token was signed with: access key id and session
 * token read from it, and its signature checked against the secret the fake
 * knows for that key id (configured or handed out).
 */
async function tokenCredentials(token) {
	const url = new URL(`https://${token}`);
	const q = url.searchParams;
	const [accessKeyId, date, region, service] = q.get('X-Amz-Credential').split('/');
	const sessionToken = q.get('X-Amz-Security-Token');
	const result = { accessKeyId, sessionToken, region, service };
	const secret = fake.secrets[accessKeyId];
	assert.ok(secret, `token signed by ${accessKeyId}, a key id nobody configured or issued`);
	{
		const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(q.get('X-Amz-Date'));
		const signingDate = new Date(Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
		assert.equal(date, q.get('X-Amz-Date').slice(0, 8));
		const signer = new SignatureV4({
			service, region, sha256: Sha256,
			credentials: { accessKeyId, secretAccessKey: secret, sessionToken: sessionToken ?? undefined },
		});
		const presigned = await signer.presign({
			method: 'GET', protocol: 'https:', hostname: url.hostname, path: '/',
			query: { Action: q.get('Action') }, headers: { host: url.hostname },
		}, { signingDate, expiresIn: Number(q.get('X-Amz-Expires')) });
		assert.equal(q.get('X-Amz-Signature'), presigned.query['X-Amz-Signature'],
			`token for ${accessKeyId} is not signed with the expected secret`);
	}
	return result;
}

async function ambientToken() {
	const [token] = await sql(TOKEN_SQL);
	return tokenCredentials(token);
}

function noProblems() {
	assert.deepEqual(fake.problems.splice(0), [], 'the fake endpoints saw bad requests');
}

function resetCalls() {
	for (const k of Object.keys(fake.calls)) {
		fake.calls[k] = 0;
	}
}

function writeProcessScript(name, { id, secret, token, expiresIn, version = 1, exitCode = 0 }) {
	const path = join(files, name);
	const exp = expiresIn === undefined ? '' : `, "Expiration": "$(date -u -d "+${expiresIn} seconds" +%Y-%m-%dT%H:%M:%SZ)"`;
	writeFile(path, `#!/bin/sh
echo run >> ${procCount}
${exitCode ? `echo "some diagnostics on stdout ${secret}"; exit ${exitCode}` : ''}
cat <<EOF
{"Version": ${version}, "AccessKeyId": "${id}", "SecretAccessKey": "${secret}", "SessionToken": "${token}"${exp}}
EOF
`, 0o755);
	return path;
}

function processRuns() {
	return existsSync(procCount) ? readFileSync(procCount, 'utf8').split('\n').filter(Boolean).length : 0;
}

before(async () => {
	fake = await startFakeAws({
		secrets: Object.fromEntries(Object.values(K).map((k) => [k.id, k.secret])),
		webIdentityToken: WEB_TOKEN,
		containerToken: CONTAINER_TOKEN,
	});
	mkdirSync(files, { mode: 0o755 });
	chmodSync(files, 0o777);		/* the process script appends its run count here */
	mkdirSync(home, { mode: 0o755 });
	own(home);
	mkdirSync(pgdir, { mode: 0o700 });
	own(pgdir);
	await asPostgres(join(PG_BIN, 'initdb'), ['-D', join(pgdir, 'data'), '-U', 'postgres', '-A', 'trust',
		'--encoding=UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions']);
	port = 5432;				/* only a unix socket in our own folder */
	writeFileSync(join(pgdir, 'data', 'postgresql.auto.conf'), [
		`port = ${port}`,
		"listen_addresses = ''",
		`unix_socket_directories = '${pgdir}'`,
		'fsync = off',
		'max_connections = 20',
		'shared_buffers = 16MB',
		"log_line_prefix = '%m [%p] '",
		'',
	].join('\n'));
	own(join(pgdir, 'data', 'postgresql.auto.conf'));
	writeFile(cfgPath, '');
	writeFile(credPath, '');
	await restart();
	await sql(`CREATE EXTENSION dynamo_fdw;
CREATE ROLE alice LOGIN;
CREATE SERVER fake FOREIGN DATA WRAPPER dynamo_fdw OPTIONS (region 'us-east-1', endpoint '${fake.url}');
GRANT USAGE ON FOREIGN SERVER fake TO alice;
CREATE FOREIGN TABLE ft (pk text) SERVER fake OPTIONS (table_name 'creds-test', partition_key 'pk');
GRANT SELECT ON ft TO alice;`);
});

after(async () => {
	if (clusterUp) {
		await asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', join(pgdir, 'data'), 'stop', '-m', 'immediate', '-w'])
			.catch(() => {});
	}
	if (fake) {
		await fake.close();
	}
	if (!process.env.DYNAMO_FDW_KEEP_TMP) {
		rmSync(work, { recursive: true, force: true });
	}
});

/* ---------------------------------------------------------------------- */
/* Precedence of the ambient chain                                         */
/* ---------------------------------------------------------------------- */

test('precedence: environment, web identity, shared files, container, IMDS, in that order', async () => {
	const tokenFile = join(files, 'web-token');
	writeFile(tokenFile, `${WEB_TOKEN}\n`);
	const containerTokenFile = join(files, 'container-token');
	writeFile(containerTokenFile, CONTAINER_TOKEN);
	writeFile(credPath, `[default]\naws_access_key_id = ${K.file.id}\naws_secret_access_key = ${K.file.secret}\n`);
	const all = {
		AWS_ACCESS_KEY_ID: K.env.id,
		AWS_SECRET_ACCESS_KEY: K.env.secret,
		AWS_SESSION_TOKEN: K.env.token,
		AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
		AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/web',
		AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerUrl,
		AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: containerTokenFile,
		AWS_EC2_METADATA_DISABLED: 'false',
		AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.url,
	};

	resetCalls();
	await restart(all);
	let c = await ambientToken();
	assert.equal(c.accessKeyId, K.env.id);
	assert.equal(c.sessionToken, K.env.token);
	assert.deepEqual({ ...fake.calls }, { sts: 0, webIdentity: 0, imdsToken: 0, imdsRole: 0, imdsCreds: 0, container: 0, dynamo: 0 },
		'environment credentials must not touch any endpoint');

	await restart({ ...all, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined });
	c = await ambientToken();
	assert.match(c.accessKeyId, /^ASIAWEB\d+$/);
	assert.equal(fake.calls.webIdentity, 1);

	await restart({ ...all, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined,
		AWS_WEB_IDENTITY_TOKEN_FILE: undefined });
	c = await ambientToken();
	assert.equal(c.accessKeyId, K.file.id);
	assert.equal(c.sessionToken, null);

	writeFile(credPath, '');
	c = await ambientToken();
	assert.match(c.accessKeyId, /^ASIAECS\d+$/);

	await restart({ ...all, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined,
		AWS_WEB_IDENTITY_TOKEN_FILE: undefined, AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined });
	c = await ambientToken();
	assert.match(c.accessKeyId, /^ASIAIMDS\d+$/);
	noProblems();
});

test('environment: a key id without its secret is ignored and the chain goes on', async () => {
	writeFile(credPath, `[default]\naws_access_key_id = ${K.file.id}\naws_secret_access_key = ${K.file.secret}\n`);
	await restart({ AWS_ACCESS_KEY_ID: K.env.id });
	const c = await ambientToken();
	assert.equal(c.accessKeyId, K.file.id);
});

test('nothing configured: a clear 28000 error that lists where it looked', async () => {
	writeFile(credPath, '');
	writeFile(cfgPath, '[default]\nregion = us-west-2\n');
	await restart();
	const err = await sqlFails(TOKEN_SQL);
	assert.match(err, /no AWS credentials found/);
	assert.match(err, /environment/);
	assert.match(err, /web identity/);
	assert.match(err, /profile "default" \(no credentials in it\)/);
	assert.match(err, /container endpoint/);
	assert.match(err, /EC2 instance metadata \(disabled by AWS_EC2_METADATA_DISABLED\)/);
	const st = await sqlFails(`DO $$ BEGIN PERFORM ${TOKEN_SQL.replace('SELECT ', '')}; EXCEPTION WHEN invalid_authorization_specification THEN RAISE EXCEPTION 'sqlstate 28000 seen'; END $$`);
	assert.match(st, /sqlstate 28000 seen/);
});

/* ---------------------------------------------------------------------- */
/* Shared files                                                            */
/* ---------------------------------------------------------------------- */

test('shared files: comments, spaces around =, CRLF, inline comments, sub-sections', async () => {
	await restart();
	writeFile(cfgPath, '');
	writeFile(credPath, [
		'# a comment line',
		'; another comment line',
		'',
		'[other]',
		'aws_access_key_id = AKIDWRONGPROFILE',
		'aws_secret_access_key = wrong',
		'  [default]   ',
		'   aws_access_key_id    =    WRONGFIRSTVALUE   ',
		`aws_access_key_id=${K.file.id}   # inline comment after white space`,
		's3 =',
		'  aws_secret_access_key = sub-section value, not ours',
		`aws_secret_access_key\t=\t${K.file.secret} ; inline comment`,
		'#aws_session_token = commented out',
		'',
	].join('\r\n'));
	const c = await ambientToken();
	assert.equal(c.accessKeyId, K.file.id);
	assert.equal(c.sessionToken, null);
});

test('shared files: config [default] with aws_session_token; credentials file wins key by key', async () => {
	writeFile(credPath, '');
	writeFile(cfgPath, `[default]\nregion = us-east-1\naws_access_key_id = ${K.cfg.id}\naws_secret_access_key = ${K.cfg.secret}\naws_session_token = ${K.cfg.token}\n`);
	let c = await ambientToken();
	assert.equal(c.accessKeyId, K.cfg.id);
	assert.equal(c.sessionToken, K.cfg.token);

	/* Same profile in both files: the credentials file's keys win. */
	writeFile(credPath, `[default]\naws_access_key_id = ${K.file.id}\naws_secret_access_key = ${K.file.secret}\n`);
	c = await ambientToken();
	assert.equal(c.accessKeyId, K.file.id);
	assert.equal(c.sessionToken, K.cfg.token, 'the session token still comes from the config file');
	writeFile(credPath, '');
	writeFile(cfgPath, '');
});

test('shared files: AWS_PROFILE selects [profile x] in config and [x] in credentials, not [x] in config', async () => {
	writeFile(cfgPath, [
		'[dev]',
		'aws_access_key_id = AKIDCONFIGNOPREFIX',
		'aws_secret_access_key = must-not-be-used',
		'[profile dev]',
		`aws_access_key_id = ${K.cfg.id}`,
		`aws_secret_access_key = ${K.cfg.secret}`,
		'[default]',
		'aws_access_key_id = AKIDDEFAULTPROFILE',
		'aws_secret_access_key = must-not-be-used',
		'',
	].join('\n'));
	writeFile(credPath, '');
	await restart({ AWS_PROFILE: 'dev' });
	let c = await ambientToken();
	assert.equal(c.accessKeyId, K.cfg.id);

	/* In the credentials file the section is [dev], and it wins. */
	writeFile(credPath, `[profile dev]\naws_access_key_id = AKIDWRONGPREFIXED\naws_secret_access_key = x\n[dev]\naws_access_key_id = ${K.dev.id}\naws_secret_access_key = ${K.dev.secret}\n`);
	c = await ambientToken();
	assert.equal(c.accessKeyId, K.dev.id);
});

test('shared files: a missing AWS_PROFILE profile passes to the next provider', async () => {
	writeFile(credPath, `[default]\naws_access_key_id = AKIDDEFAULTPROFILE\naws_secret_access_key = x\n`);
	writeFile(cfgPath, '');
	await restart({
		AWS_PROFILE: 'ghost',
		AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerUrl,
		AWS_CONTAINER_AUTHORIZATION_TOKEN: CONTAINER_TOKEN,
	});
	const c = await ambientToken();
	assert.match(c.accessKeyId, /^ASIAECS\d+$/);

	await restart({ AWS_PROFILE: 'ghost' });
	const err = await sqlFails(TOKEN_SQL);
	assert.match(err, /no AWS credentials found/);
	assert.match(err, /profile "ghost" \(not in /);
	noProblems();
});

test('shared files: ~/.aws of the server user when AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are unset', async () => {
	mkdirSync(join(home, '.aws'), { recursive: true, mode: 0o755 });
	writeFile(join(home, '.aws', 'credentials'), `[default]\naws_access_key_id = ${K.home.id}\naws_secret_access_key = ${K.home.secret}\n`);
	await restart({ AWS_CONFIG_FILE: undefined, AWS_SHARED_CREDENTIALS_FILE: undefined });
	const c = await ambientToken();
	assert.equal(c.accessKeyId, K.home.id);
	rmSync(join(home, '.aws'), { recursive: true });
});

test('shared files: role_arn with source_profile assumes the role through signed STS AssumeRole', async () => {
	writeFile(credPath, `[base]\naws_access_key_id = ${K.base.id}\naws_secret_access_key = ${K.base.secret}\n`);
	writeFile(cfgPath, [
		'[profile chained]',
		'role_arn = arn:aws:iam::123456789012:role/chained',
		'source_profile = base',
		'role_session_name = chained-session',
		'external_id = ext-123',
		'',
	].join('\n'));
	await restart({ AWS_PROFILE: 'chained' });
	resetCalls();
	const c = await ambientToken();
	assert.match(c.accessKeyId, /^ASIAROLE\d+$/);
	assert.equal(fake.calls.sts, 1);
	assert.equal(fake.lastSts.accessKeyId, K.base.id, 'AssumeRole must be signed with the source profile');
	assert.equal(fake.lastSts.roleArn, 'arn:aws:iam::123456789012:role/chained');
	assert.equal(fake.lastSts.sessionName, 'chained-session');
	assert.equal(fake.lastSts.externalId, 'ext-123');
	assert.equal(fake.lastSts.region, 'us-east-1');
	noProblems();
});

/* ---------------------------------------------------------------------- */
/* credential_process                                                      */
/* ---------------------------------------------------------------------- */

test('credential_process: JSON Version 1 with SessionToken and Expiration; cached until 5 minutes before it', async () => {
	const longLived = writeProcessScript('proc-long', { ...K.proc, expiresIn: 3600 });
	writeFile(credPath, '');
	writeFile(cfgPath, `[default]\ncredential_process = ${longLived} --some-arg\n`);
	await restart();
	rmSync(procCount, { force: true });
	const lines = await sql(`${TOKEN_SQL}; ${TOKEN_SQL}`);
	assert.equal(lines.length, 2);
	for (const token of lines) {
		const c = await tokenCredentials(token);
		assert.equal(c.accessKeyId, K.proc.id);
		assert.equal(c.sessionToken, K.proc.token);
	}
	assert.equal(processRuns(), 1, 'one run for two tokens: the credentials are cached');

	/* Expiring within five minutes: fetched again on every use. */
	const shortLived = writeProcessScript('proc-short', { ...K.proc, expiresIn: 120 });
	writeFile(cfgPath, `[default]\ncredential_process = ${shortLived}\n`);
	rmSync(procCount, { force: true });
	await sql(`${TOKEN_SQL}; ${TOKEN_SQL}`);
	assert.equal(processRuns(), 2);

	/* Already expired: refused. */
	const expired = writeProcessScript('proc-expired', { ...K.proc, expiresIn: -60 });
	writeFile(cfgPath, `[default]\ncredential_process = ${expired}\n`);
	const err = await sqlFails(TOKEN_SQL);
	assert.match(err, /AWS credentials from credential_process of profile "default" have already expired/);
});

test('credential_process: failures are reported without the command output', async () => {
	const failing = writeProcessScript('proc-fail', { ...K.proc, exitCode: 3 });
	writeFile(cfgPath, `[default]\ncredential_process = ${failing}\n`);
	let err = await sqlFails(TOKEN_SQL);
	assert.match(err, /credential_process of AWS profile "default" failed/);
	assert.match(err, /exit code 3/);
	assert.doesNotMatch(err, new RegExp(K.proc.secret.replace(/[+/]/g, '.')));

	const v2 = writeProcessScript('proc-v2', { ...K.proc, version: 2 });
	writeFile(cfgPath, `[default]\ncredential_process = ${v2}\n`);
	err = await sqlFails(TOKEN_SQL);
	assert.match(err, /printed no usable credentials/);
	assert.match(err, /"Version" is not 1/);
	writeFile(cfgPath, '');
});

/* ---------------------------------------------------------------------- */
/* Web identity, container, IMDS                                           */
/* ---------------------------------------------------------------------- */

test('web identity: token file and role sent unsigned to STS AssumeRoleWithWebIdentity', async () => {
	const tokenFile = join(files, 'web-token');
	writeFile(tokenFile, `${WEB_TOKEN}\n`);
	await restart({
		AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
		AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/web',
		AWS_ROLE_SESSION_NAME: 'pg-session',
	});
	resetCalls();
	const c = await ambientToken();
	assert.match(c.accessKeyId, /^ASIAWEB\d+$/);
	assert.equal(fake.calls.webIdentity, 1);
	assert.deepEqual(fake.lastWebIdentity, {
		roleArn: 'arn:aws:iam::123456789012:role/web', sessionName: 'pg-session', token: WEB_TOKEN,
	});
	noProblems();

	writeFile(tokenFile, 'not-the-right-token');
	const err = await sqlFails(TOKEN_SQL);
	assert.match(err, /AWS STS refused to assume role "arn:aws:iam::123456789012:role\/web" with a web identity/);
	assert.match(err, /InvalidIdentityToken/);
});

test('container endpoint: FULL_URI with the Authorization token, from the variable or the file', async () => {
	await restart({
		AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerUrl,
		AWS_CONTAINER_AUTHORIZATION_TOKEN: CONTAINER_TOKEN,
	});
	resetCalls();
	let c = await ambientToken();
	assert.match(c.accessKeyId, /^ASIAECS\d+$/);
	assert.equal(fake.calls.container, 1);

	const tokenFile = join(files, 'container-token');
	writeFile(tokenFile, `${CONTAINER_TOKEN}\n`);
	await restart({
		AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerUrl,
		AWS_CONTAINER_AUTHORIZATION_TOKEN: 'the file wins over this',
		AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
	});
	c = await ambientToken();
	assert.match(c.accessKeyId, /^ASIAECS\d+$/);

	await restart({
		AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerUrl,
		AWS_CONTAINER_AUTHORIZATION_TOKEN: 'wrong-token',
	});
	let err = await sqlFails(TOKEN_SQL);
	assert.match(err, /container endpoint .* refused to give AWS credentials/);
	assert.match(err, /HTTP status 403/);

	/* Plain http to anything but loopback or the container hosts is refused, unsent. */
	await restart({ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://192.0.2.1/creds' });
	err = await sqlFails(TOKEN_SQL);
	assert.match(err, /AWS_CONTAINER_CREDENTIALS_FULL_URI must use https/);
	noProblems();
});

test('IMDSv2: token PUT, role GET and credentials GET, each with its header', async () => {
	await restart({ AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: `${fake.url}/` });
	resetCalls();
	const c = await ambientToken();
	assert.match(c.accessKeyId, /^ASIAIMDS\d+$/);
	assert.deepEqual([fake.calls.imdsToken, fake.calls.imdsRole, fake.calls.imdsCreds], [1, 1, 1]);
	const put = fake.log.filter((r) => r.method === 'PUT').at(-1);
	assert.equal(put.url, '/latest/api/token');
	assert.equal(put.headers['x-aws-ec2-metadata-token-ttl-seconds'], '21600');
	const get = fake.log.filter((r) => r.url.startsWith('/latest/meta-data/')).at(-1);
	assert.equal(get.url, `/latest/meta-data/iam/security-credentials/${fake.imdsRole}`);
	assert.match(get.headers['x-aws-ec2-metadata-token'], /^imds-/);
	noProblems();

	/* An instance without a role: nothing found, the chain ends with the usual error. */
	fake.imdsRole = null;
	const err = await sqlFails(TOKEN_SQL);
	assert.match(err, /no AWS credentials found/);
	assert.match(err, /the instance has no IAM role/);
	fake.imdsRole = 'fake-instance-role';

	/* AWS_EC2_METADATA_DISABLED=true: the endpoint is not even asked. */
	await restart({ AWS_EC2_METADATA_DISABLED: 'true', AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.url });
	resetCalls();
	await sqlFails(TOKEN_SQL);
	assert.equal(fake.calls.imdsToken, 0);
	noProblems();
});

test('expiry: short-lived credentials from a fake are fetched again 5 minutes before they expire', async () => {
	await restart({ AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.url });
	resetCalls();
	fake.ttlSeconds = 304;		/* "fresh" for about 4 more seconds */
	const lines = await sql(`${TOKEN_SQL}; ${TOKEN_SQL}; SELECT pg_sleep(5); ${TOKEN_SQL}; ${TOKEN_SQL}`);
	fake.ttlSeconds = 3600;
	assert.equal(lines.length, 4, 'four tokens (pg_sleep prints an empty line)');
	const ids = [];
	for (const t of lines) {
		ids.push((await tokenCredentials(t)).accessKeyId);
	}
	assert.equal(ids[0], ids[1], 'the second token reuses the cached credentials');
	assert.notEqual(ids[1], ids[2], 'after the refresh point, new credentials');
	assert.equal(ids[2], ids[3]);
	assert.equal(fake.calls.imdsCreds, 2, 'two fetches for four tokens');
	noProblems();
});

/* ---------------------------------------------------------------------- */
/* User mappings (through a foreign table whose endpoint is the fake)      */
/* ---------------------------------------------------------------------- */

async function scanAs(user = 'postgres') {
	fake.lastDynamo = null;
	await sql('SELECT count(*) FROM ft', { user });
	assert.ok(fake.lastDynamo, 'the foreign scan sent no request to the fake DynamoDB');
	assert.ok(fake.lastDynamo.signatureOk, 'the DynamoDB request signature must verify');
	return fake.lastDynamo;
}

/* A clean slate for one test: no user mappings, environment keys on the server. */
async function freshMappings(env = { AWS_ACCESS_KEY_ID: K.env.id, AWS_SECRET_ACCESS_KEY: K.env.secret }) {
	await restart(env);
	await sql(`DROP USER MAPPING IF EXISTS FOR postgres SERVER fake;
DROP USER MAPPING IF EXISTS FOR alice SERVER fake;
DROP USER MAPPING IF EXISTS FOR PUBLIC SERVER fake;`);
}

test('user mapping: explicit keys (with session_token) come before the environment', async () => {
	await freshMappings();
	await sql(`CREATE USER MAPPING FOR postgres SERVER fake OPTIONS (access_key_id '${K.um.id}', secret_access_key '${K.um.secret}', session_token '${K.um.token}')`);
	let d = await scanAs();
	assert.equal(d.accessKeyId, K.um.id);
	assert.equal(d.sessionToken, K.um.token);

	/* Without keys, a superuser's mapping uses the server's chain. */
	await sql('ALTER USER MAPPING FOR postgres SERVER fake OPTIONS (DROP access_key_id, DROP secret_access_key, DROP session_token)');
	d = await scanAs();
	assert.equal(d.accessKeyId, K.env.id);
	noProblems();
});

test('user mapping: a change is seen by the next query of the same session', async () => {
	await freshMappings();
	await sql('CREATE USER MAPPING FOR postgres SERVER fake');
	fake.log.length = 0;
	await sql(`ALTER USER MAPPING FOR postgres SERVER fake OPTIONS (ADD access_key_id '${K.um.id}', ADD secret_access_key '${K.um.secret}');
SELECT count(*) FROM ft;
ALTER USER MAPPING FOR postgres SERVER fake OPTIONS (SET access_key_id '${K.um2.id}', SET secret_access_key '${K.um2.secret}');
SELECT count(*) FROM ft;`);
	const ids = fake.log.filter((r) => r.headers['x-amz-target'])
		.map((r) => /Credential=([^/]+)/.exec(r.headers.authorization)[1]);
	assert.ok(ids.includes(K.um.id), `requests signed by ${ids}`);
	assert.equal(ids.at(-1), K.um2.id);
	noProblems();
});

test('user mapping: role_arn is assumed with the explicit keys, then signs DynamoDB requests', async () => {
	await freshMappings();
	await sql(`CREATE USER MAPPING FOR postgres SERVER fake OPTIONS (access_key_id '${K.base.id}', secret_access_key '${K.base.secret}', role_arn 'arn:aws:iam::123456789012:role/reader')`);
	resetCalls();
	const d = await scanAs();
	assert.match(d.accessKeyId, /^ASIAROLE\d+$/);
	assert.equal(fake.calls.sts, 1);
	assert.equal(fake.lastSts.accessKeyId, K.base.id);
	assert.equal(fake.lastSts.roleArn, 'arn:aws:iam::123456789012:role/reader');
	assert.match(fake.lastSts.sessionName, /^dynamo_fdw-\d+$/);
	assert.equal(d.sessionToken, fake.issued.find((i) => i.AccessKeyId === d.accessKeyId).SessionToken);

	/* A denial is an error with STS's code and message. */
	await sql("ALTER USER MAPPING FOR postgres SERVER fake OPTIONS (SET role_arn 'arn:aws:iam::123456789012:role/denied')");
	const err = await sqlFails('SELECT count(*) FROM ft');
	assert.match(err, /AWS STS refused to assume role "arn:aws:iam::123456789012:role\/denied"/);
	assert.match(err, /AccessDenied/);
	await sql('DROP USER MAPPING FOR postgres SERVER fake');
	noProblems();
});

test('user mapping: a throttled AssumeRole is tried max_attempts times, as DynamoDB requests are', async () => {
	await freshMappings();
	await sql(`CREATE USER MAPPING FOR postgres SERVER fake OPTIONS (access_key_id '${K.base.id}', secret_access_key '${K.base.secret}', role_arn 'arn:aws:iam::123456789012:role/throttled')`);
	for (const attempts of [3, 5]) {
		await sql(`ALTER SERVER fake OPTIONS (ADD max_attempts '${attempts}')`);
		resetCalls();
		const err = await sqlFails('SELECT count(*) FROM ft');
		assert.match(err, /AWS STS refused to assume role "arn:aws:iam::123456789012:role\/throttled"/);
		assert.match(err, /Throttling: Rate exceeded/);
		assert.equal(fake.calls.sts, attempts, `STS calls with max_attempts ${attempts}`);
		await sql('ALTER SERVER fake OPTIONS (DROP max_attempts)');
	}
	await sql('DROP USER MAPPING FOR postgres SERVER fake');
	noProblems();
});

test('user mapping: role_arn with ambient base credentials; profile option picks one profile only', async () => {
	writeFile(credPath, `[base]\naws_access_key_id = ${K.base.id}\naws_secret_access_key = ${K.base.secret}\n[dev]\naws_access_key_id = ${K.dev.id}\naws_secret_access_key = ${K.dev.secret}\n`);
	writeFile(cfgPath, '');
	await freshMappings();
	await sql("CREATE USER MAPPING FOR postgres SERVER fake OPTIONS (profile 'base', role_arn 'arn:aws:iam::123456789012:role/from-profile')");
	resetCalls();
	let d = await scanAs();
	assert.match(d.accessKeyId, /^ASIAROLE\d+$/);
	assert.equal(fake.lastSts.accessKeyId, K.base.id);

	await sql("ALTER USER MAPPING FOR postgres SERVER fake OPTIONS (SET profile 'dev', DROP role_arn)");
	d = await scanAs();
	assert.equal(d.accessKeyId, K.dev.id, 'the profile option beats the environment keys');

	await sql("ALTER USER MAPPING FOR postgres SERVER fake OPTIONS (SET profile 'ghost')");
	const err = await sqlFails('SELECT count(*) FROM ft');
	assert.match(err, /AWS profile "ghost" named in the user mapping has no credentials/);
	await sql('DROP USER MAPPING FOR postgres SERVER fake');
	noProblems();
});

test('who may use what: a non-superuser needs keys, or allow_ambient_credentials from a superuser', async () => {
	await freshMappings();
	await sql('CREATE USER MAPPING FOR alice SERVER fake');
	let err = await sqlFails('SELECT count(*) FROM ft', { user: 'alice' });
	assert.match(err, /non-superuser cannot use the database server's AWS credentials/);
	assert.match(err, /ALTER USER MAPPING FOR alice SERVER fake OPTIONS \(ADD allow_ambient_credentials 'true'\)/);
	const st = await sqlFails(`DO $$ BEGIN PERFORM count(*) FROM ft; EXCEPTION WHEN invalid_authorization_specification THEN RAISE EXCEPTION 'sqlstate 28000 seen'; END $$`, { user: 'alice' });
	assert.match(st, /sqlstate 28000 seen/);

	/* role_arn does not change that: its base would still be ambient. */
	await sql("ALTER USER MAPPING FOR alice SERVER fake OPTIONS (ADD role_arn 'arn:aws:iam::123456789012:role/x')");
	err = await sqlFails('SELECT count(*) FROM ft', { user: 'alice' });
	assert.match(err, /non-superuser cannot use/);

	/* Alice cannot allow it herself. */
	err = await sqlFails("ALTER USER MAPPING FOR alice SERVER fake OPTIONS (ADD allow_ambient_credentials 'true')", { user: 'alice' });
	assert.match(err, /permission denied|superuser/);

	/* A superuser can. */
	await sql("ALTER USER MAPPING FOR alice SERVER fake OPTIONS (DROP role_arn, ADD allow_ambient_credentials 'true')");
	let d = await scanAs('alice');
	assert.equal(d.accessKeyId, K.env.id);

	/* Keys of her own need no permission, even with role_arn. */
	await sql(`DROP USER MAPPING FOR alice SERVER fake;
CREATE USER MAPPING FOR alice SERVER fake OPTIONS (access_key_id '${K.base.id}', secret_access_key '${K.base.secret}', role_arn 'arn:aws:iam::123456789012:role/alice')`);
	d = await scanAs('alice');
	assert.match(d.accessKeyId, /^ASIAROLE\d+$/);
	assert.equal(fake.lastSts.accessKeyId, K.base.id);

	/* A PUBLIC mapping without keys: the hint says PUBLIC. */
	await sql('DROP USER MAPPING FOR alice SERVER fake; CREATE USER MAPPING FOR PUBLIC SERVER fake');
	err = await sqlFails('SELECT count(*) FROM ft', { user: 'alice' });
	assert.match(err, /ALTER USER MAPPING FOR PUBLIC SERVER fake/);
	await sql('DROP USER MAPPING FOR PUBLIC SERVER fake');
	noProblems();
});

/* ---------------------------------------------------------------------- */
/* Secrets                                                                 */
/* ---------------------------------------------------------------------- */

test('no secret or session token in the server log, EXPLAIN or any error message', async () => {
	await freshMappings();
	await sql(`CREATE USER MAPPING FOR postgres SERVER fake OPTIONS (access_key_id '${K.um.id}', secret_access_key '${K.um.secret}', session_token '${K.um.token}')`);
	const plan = (await sql('EXPLAIN (VERBOSE) SELECT * FROM ft')).join('\n');
	messages.push(plan);
	await sql('DROP USER MAPPING FOR postgres SERVER fake');

	const secrets = [];
	for (const k of Object.values(K)) {
		secrets.push(k.secret);
		if (k.token) {
			secrets.push(k.token);
		}
	}
	for (const c of fake.issued) {
		secrets.push(c.SecretAccessKey, c.SessionToken);
	}
	secrets.push(WEB_TOKEN, CONTAINER_TOKEN);
	const log = readFileSync(logFile, 'utf8');
	const seen = messages.join('\n');
	assert.ok(log.length > 0);
	for (const s of secrets) {
		assert.ok(!log.includes(s), `the server log contains a secret (${s.slice(0, 6)}...)`);
		assert.ok(!seen.includes(s), `an error message or plan contains a secret (${s.slice(0, 6)}...)`);
	}
});

/* ---------------------------------------------------------------------- */
/* Region                                                                  */
/* ---------------------------------------------------------------------- */

test('region: AWS_REGION, then AWS_DEFAULT_REGION, then the profile\'s region in the config file', async () => {
	writeFile(credPath, `[default]\naws_access_key_id = ${K.file.id}\naws_secret_access_key = ${K.file.secret}\n[other]\nregion = sa-east-1\n`);
	writeFile(cfgPath, '[default]\nregion = eu-west-3\n[profile other]\nregion = ap-south-1\n');
	const noRegion = "SELECT dsql_generate_db_connect_auth_token('db.example.internal')";
	const regionOf = async () => (await tokenCredentials((await sql(noRegion))[0])).region;

	await restart({ AWS_REGION: 'us-west-1', AWS_DEFAULT_REGION: 'us-west-2' });
	assert.equal(await regionOf(), 'us-west-1');
	await restart({ AWS_REGION: undefined, AWS_DEFAULT_REGION: 'us-west-2' });
	assert.equal(await regionOf(), 'us-west-2');
	await restart({ AWS_REGION: undefined });
	assert.equal(await regionOf(), 'eu-west-3');
	/* AWS_PROFILE picks the section; the config file wins over the credentials file */
	await restart({ AWS_REGION: undefined, AWS_PROFILE: 'other' });
	writeFile(credPath, `[other]\naws_access_key_id = ${K.file.id}\naws_secret_access_key = ${K.file.secret}\nregion = sa-east-1\n`);
	assert.equal(await regionOf(), 'ap-south-1');
	writeFile(cfgPath, '[default]\nregion = eu-west-3\n');
	assert.equal(await regionOf(), 'sa-east-1');
	/* none anywhere: the clear error */
	writeFile(credPath, `[other]\naws_access_key_id = ${K.file.id}\naws_secret_access_key = ${K.file.secret}\n`);
	const err = await sqlFails(noRegion);
	assert.match(err, /no AWS region for DSQL endpoint "db\.example\.internal"/);
	await restart();
});
