/*-------------------------------------------------------------------------
 *
 * sigv4.h
 *		  AWS Signature Version 4, free of PostgreSQL dependencies.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/sigv4.h
 *
 * The signer knows nothing of palloc, ereport or the executor, so the C unit
 * tests link it alone.  Returned strings are malloc'd; callers free() them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_SIGV4_H
#define DYNAMO_SIGV4_H

#include <stddef.h>
#include <time.h>

typedef struct SigV4Credentials
{
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token;	/* NULL when there is none */
} SigV4Credentials;

typedef struct SigV4Header
{
	const char *name;
	const char *value;
} SigV4Header;

typedef struct SigV4Request
{
	const char *method;			/* "POST", "GET" ... */
	const char *path;			/* as sent on the wire, e.g. "/" */
	const char *query;			/* without '?', NULL or "" when none */
	const SigV4Header *headers; /* as sent; must include Host */
	int			nheaders;
	const void *payload;
	size_t		payload_len;
} SigV4Request;

typedef struct SigV4Scope
{
	const char *region;
	const char *service;
	time_t		when;			/* signing instant, UTC seconds */
} SigV4Scope;

/* What sigv4_sign adds to the request: every field malloc'd. */
typedef struct SigV4Signed
{
	char	   *amz_date;		/* X-Amz-Date value, YYYYMMDD'T'HHMMSS'Z' */
	char	   *security_token; /* X-Amz-Security-Token value, or NULL */
	char	   *authorization;	/* Authorization value */
} SigV4Signed;

/*
 * Sign a request in the header form.  X-Amz-Date (and X-Amz-Security-Token
 * when the credentials carry a session token) are signed as if present in
 * req->headers; the caller sends them with the values returned.  Returns 0 on
 * success, -1 on out of memory.
 */
extern int	sigv4_sign(const SigV4Request *req, const SigV4Credentials *creds,
					   const SigV4Scope *scope, SigV4Signed *out);
extern void sigv4_signed_free(SigV4Signed *s);

/*
 * A presigned GET query string (host the only signed header, the session
 * token inside the signed query), parameters in sorted order as the AWS
 * SDKs write them.  malloc'd.
 */
extern char *sigv4_presign_query(const char *host, const char *path,
								 const SigV4Header *params, int nparams,
								 const SigV4Credentials *creds,
								 const SigV4Scope *scope, long expires);

/* The stages, for tests and for presigning. */
extern void sigv4_sha256_hex(const void *data, size_t len, char out[65]);
extern void sigv4_amz_date(time_t when, char out[17]);
extern char *sigv4_canonical_request(const SigV4Request *req,
									 const SigV4Header *extra, int nextra,
									 const char *payload_hash,
									 char **signed_headers);
extern char *sigv4_string_to_sign(const char *canonical_request,
								  const SigV4Scope *scope);
extern void sigv4_signing_key(const char *secret, const SigV4Scope *scope,
							  unsigned char key[32]);
extern void sigv4_signature(const char *secret, const SigV4Scope *scope,
							const char *string_to_sign, char out[65]);

#endif							/* DYNAMO_SIGV4_H */
