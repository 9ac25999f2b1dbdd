/*-------------------------------------------------------------------------
 *
 * credentials.h
 *		  Which AWS keys sign a request, and in which region.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/credentials.h
 *
 * The interface of the credential providers to the rest of dynamo_fdw;
 * what the providers share among themselves is in cred_internal.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_CREDENTIALS_H
#define DYNAMO_CREDENTIALS_H

#include <time.h>

#include "foreign/foreign.h"

/* Credentials resolved for one request; strings palloc'd or cached. */
typedef struct DynamoCredentials
{
	char	   *access_key_id;
	char	   *secret_access_key;
	char	   *session_token;	/* NULL when none */
	time_t		expiration;		/* 0: does not expire */
	const char *source;			/* for messages: "user mapping", "environment" ... */
} DynamoCredentials;

/* in credentials.c: the provider chain and its cache */
extern const DynamoCredentials *dynamo_credentials_get(UserMapping *user,
													   const char *region);

/* in cred_profile.c: the SDKs' region chain */
extern const char *dynamo_region_or_default(const char *region);

#endif							/* DYNAMO_CREDENTIALS_H */
