/*-------------------------------------------------------------------------
 *
 * aws_error.h
 *		  What an AWS error means; see aws_error.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/aws_error.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_AWS_ERROR_H
#define DYNAMO_AWS_ERROR_H

extern bool dynamo_aws_is_throttling(const char *type);
extern bool dynamo_aws_is_transient(long status, const char *type);
extern int	dynamo_error_sqlstate(const char *type);
extern char *dynamo_aws_message(const char *msg);
extern void dynamo_retry_pause(int retry, bool throttled);

#endif							/* DYNAMO_AWS_ERROR_H */
