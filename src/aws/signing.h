/*-------------------------------------------------------------------------
 *
 * signing.h
 *		  A signed AWS POST request, the one way dynamo_fdw signs one; see
 *		  signing.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/signing.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_SIGNING_H
#define DYNAMO_SIGNING_H

#include "credentials.h"
#include "http.h"

/* Where a POST goes and what it says. */
typedef struct DynamoPost
{
	const char *url;
	const char *host;			/* Host header, as sent and signed */
	const char *path;			/* "/" when none */
	const char *content_type;
	const char *target;			/* X-Amz-Target, or NULL for none */
	const char *payload;
	size_t		payload_len;
	const char *region;			/* signing scope */
	const char *service;
} DynamoPost;

/* in signing.c */
extern void dynamo_post_request(const DynamoPost *post,
								const DynamoCredentials *creds,
								DynamoHttpRequest *hreq);

#endif							/* DYNAMO_SIGNING_H */
