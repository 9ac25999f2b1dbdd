/*-------------------------------------------------------------------------
 *
 * cred_internal.h
 *		  What the credential providers share among themselves.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/cred_internal.h
 *
 * credentials.c runs the provider chain and owns the cache; each cred_*.c
 * file is one kind of provider, and cred_util.c holds what they share.  Only those files include this header: the
 * rest of dynamo_fdw sees dynamo_credentials_get() in dynamo_fdw.h and
 * nothing else.
 *
 * A provider answers in one of three ways: it fills a DynamoCredentials and
 * returns true; it returns false because its source is not configured (the
 * chain goes on, and the provider may append one line to the "tried" list
 * for the final error's detail); or it raises an ERROR because its source is
 * configured but broken.  Everything it returns is palloc'd in the current
 * memory context; credentials.c copies what it keeps into the cache.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_CRED_INTERNAL_H
#define DYNAMO_CRED_INTERNAL_H

#include "credentials.h"
#include "lib/stringinfo.h"

/* Timeouts for the metadata endpoints (the SDKs use about one second). */
#define DYNAMO_CRED_METADATA_CONNECT_MS	1000
#define DYNAMO_CRED_METADATA_TIMEOUT_MS	2000
/* Timeouts for STS. */
#define DYNAMO_CRED_STS_CONNECT_MS		5000
#define DYNAMO_CRED_STS_TIMEOUT_MS		15000

/* Longest file or command output a provider reads. */
#define DYNAMO_CRED_MAX_READ			(256 * 1024)

/* in cred_env.c */
extern bool dynamo_cred_from_environment(StringInfo tried,
										 DynamoCredentials *out);

/* in cred_util.c */
extern char *dynamo_cred_expand_home(const char *path);
extern const char *dynamo_cred_getenv(const char *name);
extern bool dynamo_cred_parse_time(const char *text, time_t *result);
extern bool dynamo_cred_from_json(const char *body, bool process_format,
								  DynamoCredentials *out, const char **problem);
extern char *dynamo_cred_read_file(const char *path, bool *missing,
								   const char **problem);
extern void dynamo_cred_tried(StringInfo tried, const char *fmt,...)
			pg_attribute_printf(2, 3);

/* in credentials.c */
extern int	dynamo_cred_max_attempts(void);

/* in cred_profile.c */
extern bool dynamo_cred_from_profile(const char *profile, const char *region,
									 StringInfo tried, DynamoCredentials *out);

/* in cred_sts.c */
extern void dynamo_cred_assume_role(const DynamoCredentials *base,
									const char *role_arn,
									const char *session_name,
									const char *external_id,
									const char *region,
									DynamoCredentials *out);
extern void dynamo_cred_assume_role_with_web_identity(const char *token_file,
													  const char *role_arn,
													  const char *session_name,
													  const char *region,
													  DynamoCredentials *out);
extern bool dynamo_cred_from_web_identity_env(const char *region,
											  StringInfo tried,
											  DynamoCredentials *out);

/* in cred_metadata.c */
extern bool dynamo_cred_from_container(StringInfo tried, DynamoCredentials *out);
extern bool dynamo_cred_from_imds(StringInfo tried, DynamoCredentials *out);

#endif							/* DYNAMO_CRED_INTERNAL_H */
