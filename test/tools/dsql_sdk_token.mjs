#!/usr/bin/env node
/*
 * test/tools/dsql_sdk_token.mjs - a DSQL auth token from @aws-sdk/dsql-signer,
 * the reference our dsql_generate_db_connect[_admin]_auth_token must match.
 *
 * Usage: node test/tools/dsql_sdk_token.mjs HOST ACTION REGION EXPIRES \
 *            ISO_TIME ACCESS_KEY SECRET [SESSION_TOKEN]
 * ACTION is DbConnect or DbConnectAdmin.  The clock is frozen at ISO_TIME.
 */
export async function sdkToken({ host, action, region, expires, time, key, secret, token }) {
	const fixed = new Date(time).getTime();
	const RealDate = globalThis.Date;
	/* the signer reads the clock through Date: freeze it while it signs */
	globalThis.Date = class extends RealDate {
		constructor(...a) { if (a.length === 0) super(fixed); else super(...a); }
		static now() { return fixed; }
	};
	try {
		const { DsqlSigner } = await import('@aws-sdk/dsql-signer');
		const signer = new DsqlSigner({
			hostname: host, region, expiresIn: Number(expires),
			credentials: { accessKeyId: key, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) },
		});
		return action === 'DbConnectAdmin'
			? await signer.getDbConnectAdminAuthToken()
			: await signer.getDbConnectAuthToken();
	} finally {
		globalThis.Date = RealDate;
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const [host, action, region, expires, time, key, secret, token] = process.argv.slice(2);
	console.log(await sdkToken({ host, action, region, expires, time, key, secret, token }));
}
