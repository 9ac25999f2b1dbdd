/*-------------------------------------------------------------------------
 *
 * aws_error.c
 *		  What an AWS error means: its text, its SQLSTATE, whether to try
 *		  again and how long to wait first.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/aws_error.c
 *
 * Shared by every caller of an AWS service (client.c for DynamoDB,
 * cred_sts.c for STS), so that none of them depends on another for it.
 * The backoff is the AWS SDKs' standard retry mode: capped exponential,
 * with full jitter, longer after throttling.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/pg_prng.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/wait_event.h"

#include "aws_error.h"

#define RETRY_BASE_MS			100
#define THROTTLE_RETRY_BASE_MS	500
#define RETRY_MAX_DELAY_MS		20000

/* Is this AWS error type one the SDKs' standard retry mode retries? */
bool
dynamo_aws_is_throttling(const char *type)
{
	static const char *const names[] = {
		"ThrottlingException", "Throttling", "ThrottledException",
		"ProvisionedThroughputExceededException", "RequestLimitExceeded",
		"RequestThrottled", "RequestThrottledException",
		"TooManyRequestsException", "SlowDown", "TransactionInProgressException",
		NULL
	};
	int			i;

	for (i = 0; type && names[i]; i++)
		if (strcmp(type, names[i]) == 0)
			return true;
	return false;
}

/* Is this status or AWS error type a transient failure worth a retry? */
bool
dynamo_aws_is_transient(long status, const char *type)
{
	if (status >= 500 || status == 429)
		return true;
	return type && (strcmp(type, "InternalServerError") == 0 ||
					strcmp(type, "ServiceUnavailable") == 0 ||
					strcmp(type, "RequestTimeout") == 0 ||
					strcmp(type, "RequestTimeoutException") == 0);
}

/* The SQLSTATE for an AWS error that will not go away by retrying. */
int
dynamo_error_sqlstate(const char *type)
{
	if (type == NULL)
		return ERRCODE_FDW_ERROR;
	if (strcmp(type, "ResourceNotFoundException") == 0)
		return ERRCODE_FDW_TABLE_NOT_FOUND;
	if (strcmp(type, "ValidationException") == 0 ||
		strcmp(type, "SerializationException") == 0)
		return ERRCODE_INVALID_PARAMETER_VALUE;
	if (strcmp(type, "ConditionalCheckFailedException") == 0)
		return ERRCODE_UNIQUE_VIOLATION;
	if (strcmp(type, "TransactionConflictException") == 0)
		return ERRCODE_T_R_SERIALIZATION_FAILURE;
	if (strcmp(type, "ItemCollectionSizeLimitExceededException") == 0)
		return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
	if (strcmp(type, "AccessDeniedException") == 0)
		return ERRCODE_INSUFFICIENT_PRIVILEGE;
	if (strcmp(type, "UnrecognizedClientException") == 0 ||
		strcmp(type, "InvalidSignatureException") == 0 ||
		strcmp(type, "MissingAuthenticationTokenException") == 0 ||
		strcmp(type, "ExpiredTokenException") == 0 ||
		strcmp(type, "IncompleteSignatureException") == 0)
		return ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION;
	if (dynamo_aws_is_throttling(type))
		return ERRCODE_INSUFFICIENT_RESOURCES;
	if (strcmp(type, "ResourceInUseException") == 0)
		return ERRCODE_OBJECT_IN_USE;
	return ERRCODE_FDW_ERROR;
}

/* Sleep MS milliseconds, waking for a cancel. */
static void
backoff_sleep(long ms)
{
	if (ms <= 0)
		return;
	(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					 ms, PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
	CHECK_FOR_INTERRUPTS();
}

static long
full_jitter_delay(int attempt, bool throttled)
{
	double		cap = (double) (throttled ? THROTTLE_RETRY_BASE_MS : RETRY_BASE_MS);
	int			i;

	for (i = 0; i < attempt && cap < RETRY_MAX_DELAY_MS; i++)
		cap *= 2;
	cap = Min(cap, RETRY_MAX_DELAY_MS);
	return (long) (pg_prng_double(&pg_global_prng_state) * cap);
}

/*
 * AWS's own text of an error, safe to show.  Signature errors go on with
 * "The Canonical String for this request should have been" and "The
 * String-to-Sign should have been", AWS's echo of the signed request: it
 * holds the signed header values, the session token among them.  That part
 * is cut off.  palloc'd.
 */
char *
dynamo_aws_message(const char *msg)
{
	static const char *const echoes[] = {
		"The Canonical String for this request",
		"The String-to-Sign should have been",
	};
	size_t		len = strlen(msg);
	size_t		i;

	for (i = 0; i < lengthof(echoes); i++)
	{
		const char *p = strstr(msg, echoes[i]);

		if (p && (size_t) (p - msg) < len)
			len = p - msg;
	}
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' ' ||
					   msg[len - 1] == '\r' || msg[len - 1] == '\t'))
		len--;
	return pnstrdup(msg, len);
}

/*
 * Wait before retry RETRY (0 for the first) as dynamo_request would: capped
 * exponential backoff with full jitter, longer after throttling.  Wakes for
 * a cancel.  For callers that retry on their own (unprocessed keys).
 */
void
dynamo_retry_pause(int retry, bool throttled)
{
	backoff_sleep(full_jitter_delay(retry, throttled));
}
