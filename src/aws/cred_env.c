/*-------------------------------------------------------------------------
 *
 * cred_env.c
 *		  Credentials from the server's environment variables.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/cred_env.c
 *
 * Step 2 of the chain (credentials.c); also the credential_source
 * "Environment" of a profile (cred_profile.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "cred_internal.h"

/*
 * Step 2: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, with AWS_SESSION_TOKEN
 * and AWS_CREDENTIAL_EXPIRATION when set.
 */
bool
dynamo_cred_from_environment(StringInfo tried, DynamoCredentials *out)
{
	const char *akid = dynamo_cred_getenv("AWS_ACCESS_KEY_ID");
	const char *secret = dynamo_cred_getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = dynamo_cred_getenv("AWS_SESSION_TOKEN");
	const char *expiration = dynamo_cred_getenv("AWS_CREDENTIAL_EXPIRATION");

	if (akid == NULL || secret == NULL)
	{
		dynamo_cred_tried(tried, "environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not both set)");
		return false;
	}
	out->access_key_id = pstrdup(akid);
	out->secret_access_key = pstrdup(secret);
	out->session_token = token ? pstrdup(token) : NULL;
	out->expiration = 0;
	if (expiration != NULL && !dynamo_cred_parse_time(expiration, &out->expiration))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time: \"%s\"",
						expiration)));
	out->source = "environment";
	return true;
}
