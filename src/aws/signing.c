/*-------------------------------------------------------------------------
 *
 * signing.c
 *		  A signed AWS POST request.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/signing.c
 *
 * DynamoDB's calls (client.c) and STS's (cred_sts.c) are both POSTs whose
 * headers SigV4 signs: Host, Content-Type and, for DynamoDB, X-Amz-Target.
 * Building the header lines from sigv4.c's answer happens here alone, so
 * that the two cannot drift apart (a header sent but not signed, or signed
 * but not sent, makes AWS refuse the request).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "clock.h"
#include "signing.h"
#include "sigv4.h"

/*
 * Fill HREQ with POST's request, signed with CREDS (NULL: sent unsigned, as
 * STS's AssumeRoleWithWebIdentity is).  Header lines are palloc'd in the
 * current context; timeouts are left for the caller.
 */
void
dynamo_post_request(const DynamoPost *post, const DynamoCredentials *creds,
					DynamoHttpRequest *hreq)
{
	const char **lines = palloc(sizeof(char *) * 6);
	int			nlines = 0;

	lines[nlines++] = psprintf("Host: %s", post->host);
	lines[nlines++] = psprintf("Content-Type: %s", post->content_type);
	if (post->target)
		lines[nlines++] = psprintf("X-Amz-Target: %s", post->target);

	if (creds != NULL)
	{
		SigV4Credentials sc;
		SigV4Header sh[3];
		SigV4Request sreq;
		SigV4Scope scope;
		SigV4Signed sig;

		sc.access_key_id = creds->access_key_id;
		sc.secret_access_key = creds->secret_access_key;
		sc.session_token = creds->session_token;
		sh[0].name = "Host";
		sh[0].value = post->host;
		sh[1].name = "Content-Type";
		sh[1].value = post->content_type;
		sh[2].name = "X-Amz-Target";
		sh[2].value = post->target;
		sreq.method = "POST";
		sreq.path = post->path;
		sreq.query = NULL;
		sreq.headers = sh;
		sreq.nheaders = post->target ? 3 : 2;
		sreq.payload = post->payload;
		sreq.payload_len = post->payload_len;
		scope.region = post->region;
		scope.service = post->service;
		scope.when = dynamo_signing_instant();

		if (sigv4_sign(&sreq, &sc, &scope, &sig) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		lines[nlines++] = psprintf("X-Amz-Date: %s", sig.amz_date);
		if (sig.security_token)
			lines[nlines++] = psprintf("X-Amz-Security-Token: %s", sig.security_token);
		lines[nlines++] = psprintf("Authorization: %s", sig.authorization);
		sigv4_signed_free(&sig);
	}

	memset(hreq, 0, sizeof(*hreq));
	hreq->method = "POST";
	hreq->url = post->url;
	hreq->headers = lines;
	hreq->nheaders = nlines;
	hreq->body = post->payload;
	hreq->body_len = post->payload_len;
}
