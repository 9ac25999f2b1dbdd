/*-------------------------------------------------------------------------
 *
 * clock.c
 *		  The instant every SigV4 signature of the session is made at.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/clock.c
 *
 * Normally the current time.  The superuser-only setting
 * dynamo_fdw.signing_time pins it, so that tests can compare our signatures
 * and DSQL tokens byte for byte with the AWS SDKs' under a frozen clock.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <time.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "clock.h"

char	   *dynamo_signing_time = NULL;

/*
 * Seconds since the Unix epoch at which to sign.
 */
time_t
dynamo_signing_instant(void)
{
	TimestampTz ts;

	if (dynamo_signing_time == NULL || dynamo_signing_time[0] == '\0')
		return time(NULL);

	ts = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
												 CStringGetDatum(dynamo_signing_time),
												 ObjectIdGetDatum(InvalidOid),
												 Int32GetDatum(-1)));
	return timestamptz_to_time_t(ts);
}
