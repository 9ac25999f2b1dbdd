/*
 * test/tools/fake_aws.mjs - fake AWS credential endpoints on loopback.
 *
 * One HTTP server on 127.0.0.1 (random port) plays every remote source of
 * the credential chain, so that tests never reach a real AWS address:
 *
 *   STS (Query API)      POST /sts       Action=AssumeRole (SigV4-signed; the
 *                                        signature is recomputed with
 *                                        @smithy/signature-v4 from the secret
 *                                        the fake knows for the key id) and
 *                                        Action=AssumeRoleWithWebIdentity
 *                                        (unsigned; the token is checked)
 *   IMDSv2               PUT  /latest/api/token (needs the TTL header)
 *                        GET  /latest/meta-data/iam/security-credentials/[role]
 *                                        (needs the session token header)
 *   container endpoint   GET  /container/creds (checks Authorization when
 *                                        a token is expected)
 *   DynamoDB             POST /          X-Amz-Target DynamoDB_20120810.*:
 *                                        signature verified like STS, then a
 *                                        small well-formed answer
 *
 * Every request is checked; what was wrong goes to fake.problems (tests
 * assert it stays empty), what was seen to fake.calls (per kind) and
 * fake.log.  Every credential the fake hands out is new (key id
 * ASIA<KIND><n>) and remembered, so a later request signed with it can be
 * verified too.  Expiration of handed-out credentials is fake.ttlSeconds
 * from now (default one hour).
 *
 * Used in-process by test/js/credentials.test.mjs:
 *   const fake = await startFakeAws({ secrets: { AKIDBASE: 'secret' } });
 *   ... fake.url, fake.calls.sts, fake.lastSts ...
 *   await fake.close();
 * or run alone for manual poking: node test/tools/fake_aws.mjs [port]
 */

import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

function xmlEscape(s) {
	return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function parseAuthorization(value) {
	const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(value || '');
	if (!m) {
		return null;
	}
	return {
		accessKeyId: m[1], date: m[2], region: m[3], service: m[4],
		signedHeaders: m[5].split(';'), signature: m[6],
	};
}

function amzDateToDate(s) {
	const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s || '');
	return m ? new Date(Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : null;
}

export async function startFakeAws(options = {}) {
	const fake = {
		/* access key id -> secret access key, for verifying signatures */
		secrets: { ...(options.secrets || {}) },
		ttlSeconds: options.ttlSeconds ?? 3600,
		webIdentityToken: options.webIdentityToken ?? null,
		containerToken: options.containerToken ?? null,
		imdsRole: options.imdsRole ?? 'fake-instance-role',
		imdsTokens: new Set(),
		calls: { sts: 0, webIdentity: 0, imdsToken: 0, imdsRole: 0, imdsCreds: 0, container: 0, dynamo: 0 },
		problems: [],
		log: [],
		lastSts: null,
		lastWebIdentity: null,
		lastDynamo: null,
		issued: [],
		serial: 0,
	};

	function issue(kind) {
		fake.serial += 1;
		const creds = {
			AccessKeyId: `ASIA${kind}${fake.serial}`.toUpperCase(),
			SecretAccessKey: `fakeSecret${kind}${fake.serial}${randomBytes(6).toString('hex')}`,
			SessionToken: `fakeToken${kind}${fake.serial}+/=${randomBytes(9).toString('base64')}`,
			Expiration: new Date(Date.now() + fake.ttlSeconds * 1000).toISOString(),
		};
		fake.secrets[creds.AccessKeyId] = creds.SecretAccessKey;
		fake.issued.push({ kind, ...creds });
		return creds;
	}

	/* Recompute the SigV4 signature of a received request; null when it matches. */
	async function verifySignature(req, body, expectService) {
		const auth = parseAuthorization(req.headers.authorization);
		if (!auth) {
			return `malformed or missing Authorization: ${req.headers.authorization}`;
		}
		if (auth.service !== expectService) {
			return `signed for service ${auth.service}, expected ${expectService}`;
		}
		const secret = fake.secrets[auth.accessKeyId];
		if (secret === undefined) {
			return `unknown access key id ${auth.accessKeyId}`;
		}
		const date = amzDateToDate(req.headers['x-amz-date']);
		if (!date) {
			return 'missing or malformed X-Amz-Date';
		}
		const headers = {};
		for (const name of auth.signedHeaders) {
			if (name === 'x-amz-date' || name === 'x-amz-security-token') {
				continue;
			}
			if (req.headers[name] === undefined) {
				return `signed header ${name} was not sent`;
			}
			headers[name] = req.headers[name];
		}
		const url = new URL(req.url, 'http://placeholder');
		const query = {};
		for (const [k, v] of url.searchParams) {
			query[k] = v;
		}
		const signer = new SignatureV4({
			credentials: {
				accessKeyId: auth.accessKeyId,
				secretAccessKey: secret,
				sessionToken: req.headers['x-amz-security-token'],
			},
			region: auth.region,
			service: auth.service,
			sha256: Sha256,
			applyChecksum: false,
		});
		const signed = await signer.sign({
			method: req.method,
			protocol: 'http:',
			hostname: (req.headers.host || '').replace(/:\d+$/, ''),
			path: url.pathname,
			query,
			headers,
			body,
		}, { signingDate: date, signingRegion: auth.region, signingService: auth.service });
		if (signed.headers.authorization !== req.headers.authorization) {
			return `signature mismatch: got ${req.headers.authorization}, expected ${signed.headers.authorization}`;
		}
		return null;
	}

	function stsError(res, status, code, message) {
		res.writeHead(status, { 'Content-Type': 'text/xml' });
		res.end(`<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>${code}</Code>` +
			`<Message>${xmlEscape(message)}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`);
	}

	function stsAnswer(res, action, creds, extra = '') {
		res.writeHead(200, { 'Content-Type': 'text/xml' });
		res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${STS_NS}">\n` +
			`  <${action}Result>\n${extra}    <Credentials>\n` +
			`      <AccessKeyId>${creds.AccessKeyId}</AccessKeyId>\n` +
			`      <SecretAccessKey>${xmlEscape(creds.SecretAccessKey)}</SecretAccessKey>\n` +
			`      <SessionToken>${xmlEscape(creds.SessionToken)}</SessionToken>\n` +
			`      <Expiration>${creds.Expiration}</Expiration>\n` +
			`    </Credentials>\n    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/x/y</Arn>` +
			`<AssumedRoleId>AROAFAKE:y</AssumedRoleId></AssumedRoleUser>\n  </${action}Result>\n` +
			`  <ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata>\n</${action}Response>\n`);
	}

	async function handleSts(req, res, body) {
		const form = new URLSearchParams(body);
		const action = form.get('Action');
		if (form.get('Version') !== '2011-06-15') {
			fake.problems.push(`STS ${action}: Version is ${form.get('Version')}`);
		}
		if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] || '')) {
			fake.problems.push(`STS ${action}: Content-Type is ${req.headers['content-type']}`);
		}
		if (!form.get('RoleArn') || !form.get('RoleSessionName')) {
			fake.problems.push(`STS ${action}: RoleArn or RoleSessionName missing`);
		}
		if (action === 'AssumeRole') {
			fake.calls.sts += 1;
			const problem = await verifySignature(req, body, 'sts');
			const auth = parseAuthorization(req.headers.authorization);
			fake.lastSts = {
				roleArn: form.get('RoleArn'),
				sessionName: form.get('RoleSessionName'),
				externalId: form.get('ExternalId'),
				accessKeyId: auth && auth.accessKeyId,
				region: auth && auth.region,
				sessionToken: req.headers['x-amz-security-token'] || null,
			};
			if (problem) {
				fake.problems.push(`STS AssumeRole: ${problem}`);
				return stsError(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
			}
			if (/throttled/.test(form.get('RoleArn'))) {
				return stsError(res, 400, 'Throttling', 'Rate exceeded');
			}
			if (/denied/.test(form.get('RoleArn'))) {
				return stsError(res, 403, 'AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${form.get('RoleArn')}`);
			}
			return stsAnswer(res, 'AssumeRole', issue('ROLE'));
		}
		if (action === 'AssumeRoleWithWebIdentity') {
			fake.calls.webIdentity += 1;
			fake.lastWebIdentity = {
				roleArn: form.get('RoleArn'),
				sessionName: form.get('RoleSessionName'),
				token: form.get('WebIdentityToken'),
			};
			if (req.headers.authorization) {
				fake.problems.push('STS AssumeRoleWithWebIdentity: request is signed, it should not be');
			}
			if (fake.webIdentityToken !== null && form.get('WebIdentityToken') !== fake.webIdentityToken) {
				return stsError(res, 400, 'InvalidIdentityToken', 'The web identity token is not valid.');
			}
			return stsAnswer(res, 'AssumeRoleWithWebIdentity', issue('WEB'),
				'    <SubjectFromWebIdentityToken>fake</SubjectFromWebIdentityToken>\n');
		}
		fake.problems.push(`STS: unknown Action ${action}`);
		return stsError(res, 400, 'InvalidAction', 'Unknown action.');
	}

	function handleImds(req, res) {
		const url = new URL(req.url, 'http://placeholder');
		if (req.method === 'PUT' && url.pathname === '/latest/api/token') {
			fake.calls.imdsToken += 1;
			const ttl = req.headers['x-aws-ec2-metadata-token-ttl-seconds'];
			if (!ttl || !/^\d+$/.test(ttl)) {
				fake.problems.push(`IMDS token PUT without a TTL header (${ttl})`);
				res.writeHead(400);
				return res.end();
			}
			const token = `imds-${randomBytes(8).toString('hex')}`;
			fake.imdsTokens.add(token);
			res.writeHead(200, { 'Content-Type': 'text/plain', 'X-aws-ec2-metadata-token-ttl-seconds': ttl });
			return res.end(token);
		}
		const prefix = '/latest/meta-data/iam/security-credentials/';
		if (req.method === 'GET' && url.pathname.startsWith(prefix)) {
			const token = req.headers['x-aws-ec2-metadata-token'];
			const role = url.pathname.slice(prefix.length);
			if (role === '') {
				fake.calls.imdsRole += 1;
			} else {
				fake.calls.imdsCreds += 1;
			}
			if (!token || !fake.imdsTokens.has(token)) {
				fake.problems.push(`IMDS GET ${url.pathname} without a valid X-aws-ec2-metadata-token (${token})`);
				res.writeHead(401);
				return res.end();
			}
			if (role === '') {
				if (!fake.imdsRole) {
					res.writeHead(404);
					return res.end();
				}
				res.writeHead(200, { 'Content-Type': 'text/plain' });
				return res.end(`${fake.imdsRole}\n`);
			}
			if (role !== fake.imdsRole) {
				res.writeHead(404);
				return res.end();
			}
			const c = issue('IMDS');
			res.writeHead(200, { 'Content-Type': 'application/json' });
			return res.end(JSON.stringify({
				Code: 'Success', LastUpdated: new Date().toISOString(), Type: 'AWS-HMAC',
				AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey,
				Token: c.SessionToken, Expiration: c.Expiration,
			}, null, 2));
		}
		fake.problems.push(`IMDS: unexpected ${req.method} ${req.url}`);
		res.writeHead(404);
		return res.end();
	}

	function handleContainer(req, res) {
		fake.calls.container += 1;
		if (req.method !== 'GET') {
			fake.problems.push(`container endpoint: ${req.method} instead of GET`);
		}
		if (fake.containerToken !== null && req.headers.authorization !== fake.containerToken) {
			res.writeHead(403, { 'Content-Type': 'application/json' });
			return res.end('{"code":"AccessDenied","message":"bad token"}');
		}
		const c = issue('ECS');
		res.writeHead(200, { 'Content-Type': 'application/json' });
		return res.end(JSON.stringify({
			AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, Token: c.SessionToken,
			Expiration: c.Expiration, RoleArn: 'arn:aws:iam::123456789012:role/fake-task',
		}));
	}

	async function handleDynamo(req, res, body) {
		fake.calls.dynamo += 1;
		const target = String(req.headers['x-amz-target'] || '');
		const op = target.replace(/^DynamoDB_20120810\./, '');
		const auth = parseAuthorization(req.headers.authorization);
		const problem = await verifySignature(req, body, 'dynamodb');
		fake.lastDynamo = {
			operation: op,
			accessKeyId: auth && auth.accessKeyId,
			sessionToken: req.headers['x-amz-security-token'] || null,
			signatureOk: problem === null,
		};
		if (problem) {
			fake.problems.push(`DynamoDB ${op}: ${problem}`);
			res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0' });
			return res.end(JSON.stringify({ __type: 'com.amazon.coral.service#InvalidSignatureException', message: 'bad signature' }));
		}
		let request = {};
		try {
			request = JSON.parse(body || '{}');
		} catch {
			/* answered below like any other request */
		}
		let answer;
		switch (op) {
			case 'ListTables':
				answer = { TableNames: [] };
				break;
			case 'DescribeTable':
				answer = {
					Table: {
						TableName: request.TableName, TableStatus: 'ACTIVE', ItemCount: 0, TableSizeBytes: 0,
						KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
						AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
						CreationDateTime: 1700000000,
						ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 },
						BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
					},
				};
				break;
			case 'Scan':
			case 'Query':
				answer = { Items: [], Count: 0, ScannedCount: 0 };
				break;
			case 'GetItem':
				answer = {};
				break;
			case 'BatchGetItem':
				answer = { Responses: {}, UnprocessedKeys: {} };
				break;
			default:
				answer = {};
		}
		res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0' });
		return res.end(JSON.stringify(answer));
	}

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			const body = Buffer.concat(chunks).toString('utf8');
			fake.log.push({ method: req.method, url: req.url, headers: req.headers, body });
			try {
				if (req.url.startsWith('/sts')) {
					await handleSts(req, res, body);
				} else if (req.url.startsWith('/latest/')) {
					handleImds(req, res);
				} else if (req.url.startsWith('/container')) {
					handleContainer(req, res);
				} else if (req.method === 'POST' && req.headers['x-amz-target']) {
					await handleDynamo(req, res, body);
				} else {
					fake.problems.push(`unexpected request ${req.method} ${req.url}`);
					res.writeHead(404);
					res.end();
				}
			} catch (e) {
				fake.problems.push(`fake crashed on ${req.method} ${req.url}: ${e.stack}`);
				res.writeHead(500);
				res.end();
			}
		});
	});
	await new Promise((resolve) => server.listen(options.port || 0, '127.0.0.1', resolve));
	fake.port = server.address().port;
	fake.url = `http://127.0.0.1:${fake.port}`;
	fake.stsUrl = `${fake.url}/sts`;
	fake.containerUrl = `${fake.url}/container/creds`;
	fake.close = () => new Promise((resolve) => {
		server.closeAllConnections?.();
		server.close(() => resolve());
	});
	return fake;
}

/* Run alone: node test/tools/fake_aws.mjs [port] */
if (import.meta.url === `file://${process.argv[1]}`) {
	const fake = await startFakeAws({ port: Number(process.argv[2] || 0), secrets: { AKIDEXAMPLE: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' } });
	console.log(`fake AWS endpoints on ${fake.url} (STS ${fake.stsUrl}, container ${fake.containerUrl}, IMDS ${fake.url})`);
	setInterval(() => {
		if (fake.problems.length) {
			console.log(fake.problems.splice(0).join('\n'));
		}
	}, 1000);
}
