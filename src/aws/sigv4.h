/*-------------------------------------------------------------------------
 *
 * sigv4.h
 *		  AWS Signature Version 4, free of PostgreSQL dependencies.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/sigv4.h
 *
 * The signer knows nothing of palloc, ereport or the executor, so the C unit
 * tests link it alone.  Returned strings are malloc'd; callers free() them.
 *
 * Two ways to sign a request:
 *
 *	- sigv4_sign() / sigv4_sign_ext(): the header form.  The caller sends
 *	  X-Amz-Date, X-Amz-Security-Token (when there is a session token) and
 *	  Authorization with the values returned.
 *	- sigv4_presign(): the query form (a presigned URL, e.g. an Aurora DSQL
 *	  auth token).  The signing parameters and X-Amz-Signature go into the
 *	  query string.
 *
 * Each stage is exposed as well (canonical URI, query, headers and request,
 * string to sign, signing key, signature, Authorization value) so that the
 * unit tests can replay the AWS SigV4 test suite stage by stage.
 *
 * The rules are those for services other than S3: the path is normalised
 * (empty, "." and ".." segments removed) and then URI-encoded as it is sent,
 * so a path already percent-encoded on the wire is encoded a second time.
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

/* ---- Variants: flags, intermediate results, presigning ---- */

/*
 * Flags of sigv4_sign_ext() and sigv4_presign().  Zero is what AWS services
 * other than S3 expect.
 */
#define SIGV4_KEEP_PATH			0x01	/* path not normalised (S3's rule;
										 * the suite's "normalize": false) */
#define SIGV4_UNSIGNED_TOKEN	0x02	/* session token added after signing,
										 * not part of what is signed */

/*
 * The intermediate texts of one signature, for tests and debugging.  Filled
 * when a non-NULL pointer is passed; free with sigv4_trace_free().
 */
typedef struct SigV4Trace
{
	char	   *canonical_request;
	char	   *string_to_sign;
	char	   *signed_headers;
} SigV4Trace;

/* A presigned request's query string; every field malloc'd. */
typedef struct SigV4Presigned
{
	char	   *amz_date;		/* X-Amz-Date value */
	char	   *signature;		/* X-Amz-Signature value, 64 hex digits */

	/*
	 * The request's own query as given, then X-Amz-Algorithm, -Credential,
	 * -Date, -SignedHeaders, -Expires, -Security-Token and -Signature: the
	 * order the AWS C SDK (aws-c-auth) writes.
	 */
	char	   *query;

	/*
	 * Every parameter, the signature included, sorted by encoded name (then
	 * value) and URI-encoded: the order the AWS SDK for JavaScript writes a
	 * presigned URL in, and so the form of Aurora DSQL auth tokens.
	 */
	char	   *sorted_query;
} SigV4Presigned;

/*
 * sigv4_sign with FLAGS, optionally recording the intermediate texts in
 * TRACE.  Returns 0, or -1 on out of memory (OUT and TRACE then hold nothing).
 */
extern int	sigv4_sign_ext(const SigV4Request *req, const SigV4Credentials *creds,
						   const SigV4Scope *scope, int flags,
						   SigV4Signed *out, SigV4Trace *trace);

/*
 * Presign REQ for EXPIRES seconds: the query form.  The signed headers are
 * exactly req->headers (normally only Host); the payload hash is that of
 * req->payload.  The session token, if any, is one of the signed query
 * parameters unless FLAGS has SIGV4_UNSIGNED_TOKEN, in which case it is
 * appended after signing.  Returns 0, or -1 on out of memory.
 */
extern int	sigv4_presign(const SigV4Request *req, const SigV4Credentials *creds,
						  const SigV4Scope *scope, long expires, int flags,
						  SigV4Presigned *out, SigV4Trace *trace);
extern void sigv4_presigned_free(SigV4Presigned *p);
extern void sigv4_trace_free(SigV4Trace *t);

/* ---- The stages; each malloc'd result is NULL on out of memory ---- */

/* Hex SHA-256 of DATA, lower case, NUL-terminated. */
extern void sigv4_sha256_hex(const void *data, size_t len, char out[65]);

/* WHEN as "YYYYMMDDTHHMMSSZ" (UTC). */
extern void sigv4_amz_date(time_t when, char out[17]);

/* RFC 3986 encoding of N bytes: unreserved bytes kept, '/' too if asked. */
extern char *sigv4_uri_encode(const char *s, size_t n, int keep_slash);

/* The canonical URI of a wire PATH: normalised unless KEEP_PATH, encoded. */
extern char *sigv4_canonical_uri(const char *path, int keep_path);

/*
 * The canonical query string of a wire QUERY (may be NULL): each name and
 * value decoded, URI-encoded, and the pairs sorted by name then value.
 */
extern char *sigv4_canonical_query(const char *query);

/*
 * The canonical headers block (each "name:value\n", names lower case, values
 * trimmed with inner runs of white space folded to one space, repeated names
 * joined with ',' in request order) and, in *signed_headers, the
 * ';'-separated names.  Both malloc'd.
 */
extern char *sigv4_canonical_headers(const SigV4Header *headers, int nheaders,
									 char **signed_headers);

/*
 * The canonical request from its parts: METHOD, the canonical URI, query and
 * headers above, the signed headers list and the hex payload hash.
 */
extern char *sigv4_canonical_request(const char *method,
									 const char *canonical_uri,
									 const char *canonical_query,
									 const char *canonical_headers,
									 const char *signed_headers,
									 const char *payload_hash);

/* "<YYYYMMDD>/<region>/<service>/aws4_request" */
extern char *sigv4_credential_scope(const SigV4Scope *scope);

/* The string to sign for a canonical request. */
extern char *sigv4_string_to_sign(const char *canonical_request,
								  const SigV4Scope *scope);

/* The signing key of SECRET for the scope's day, region and service. */
extern int	sigv4_signing_key(const char *secret, const SigV4Scope *scope,
							  unsigned char key[32]);

/* The hex signature of STRING_TO_SIGN under SECRET's signing key. */
extern int	sigv4_signature(const char *secret, const SigV4Scope *scope,
							const char *string_to_sign, char out[65]);

/* The Authorization header value. */
extern char *sigv4_authorization(const char *access_key_id,
								 const SigV4Scope *scope,
								 const char *signed_headers,
								 const char *signature);

#endif							/* DYNAMO_SIGV4_H */
