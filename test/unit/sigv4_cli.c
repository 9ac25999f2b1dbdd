/*-------------------------------------------------------------------------
 *
 * sigv4_cli.c
 *		  src/aws/sigv4.c as a filter, for cross-checks against the AWS SDKs.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  test/unit/sigv4_cli.c
 *
 * test/js/sigv4.test.mjs writes one request a line on standard input and
 * compares what comes back with @smithy/signature-v4.  Every field is
 * written as "x" followed by the hex of its bytes, so bodies and header
 * values may hold anything (non-ASCII text, spaces, newlines):
 *
 *	MODE METHOD PATH QUERY REGION SERVICE EPOCH AKID SECRET TOKEN PAYLOAD
 *	EXPIRES FLAGS [HEADER-NAME HEADER-VALUE]...
 *
 * MODE is "sign" (header form) or "presign"; EPOCH, EXPIRES and FLAGS are
 * decimal text; an empty QUERY or TOKEN means none.  For each line the
 * program prints one line: for "sign" the Authorization value, for
 * "presign" the sorted query string; then a tab and the canonical request
 * in hex, to show what was signed when a comparison fails.  A line that
 * cannot be parsed gives "ERROR ..." and exit status 1 at the end.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"

#define MAX_FIELDS	256

/* Decode "x<hex>" in place; returns its length, or -1. */
static long
unhex(char *field)
{
	size_t		n = strlen(field);
	size_t		i;

	if (n == 0 || field[0] != 'x' || (n - 1) % 2 != 0)
		return -1;
	for (i = 0; i < (n - 1) / 2; i++)
	{
		unsigned int b;

		if (sscanf(field + 1 + 2 * i, "%2x", &b) != 1)
			return -1;
		field[i] = (char) b;
	}
	field[(n - 1) / 2] = '\0';
	return (long) ((n - 1) / 2);
}

static void
print_hex(const char *s)
{
	for (; *s; s++)
		printf("%02x", (unsigned char) *s);
}

static int
handle(char *line)
{
	char	   *fields[MAX_FIELDS];
	long		lens[MAX_FIELDS];
	int			n = 0;
	char	   *save = NULL;
	char	   *tok;
	SigV4Header headers[(MAX_FIELDS - 13) / 2];
	SigV4Request req;
	SigV4Credentials creds;
	SigV4Scope	scope;
	SigV4Trace	trace;
	int			flags;
	int			nh = 0;
	int			i;

	for (tok = strtok_r(line, " \t\r\n", &save); tok && n < MAX_FIELDS;
		 tok = strtok_r(NULL, " \t\r\n", &save))
	{
		lens[n] = unhex(tok);
		if (lens[n] < 0)
		{
			printf("ERROR field %d is not x<hex>\n", n + 1);
			return 1;
		}
		fields[n++] = tok;
	}
	if (n < 13 || (n - 13) % 2 != 0)
	{
		printf("ERROR %d fields\n", n);
		return 1;
	}
	for (i = 13; i < n; i += 2)
	{
		headers[nh].name = fields[i];
		headers[nh++].value = fields[i + 1];
	}

	req.method = fields[1];
	req.path = fields[2];
	req.query = fields[3][0] ? fields[3] : NULL;
	req.headers = headers;
	req.nheaders = nh;
	req.payload = fields[10];
	req.payload_len = (size_t) lens[10];
	scope.region = fields[4];
	scope.service = fields[5];
	scope.when = (time_t) strtoll(fields[6], NULL, 10);
	creds.access_key_id = fields[7];
	creds.secret_access_key = fields[8];
	creds.session_token = fields[9][0] ? fields[9] : NULL;
	flags = atoi(fields[12]);

	if (strcmp(fields[0], "sign") == 0)
	{
		SigV4Signed sig;

		if (sigv4_sign_ext(&req, &creds, &scope, flags, &sig, &trace) != 0)
		{
			printf("ERROR out of memory\n");
			return 1;
		}
		printf("%s\t", sig.authorization);
		sigv4_signed_free(&sig);
	}
	else if (strcmp(fields[0], "presign") == 0)
	{
		SigV4Presigned pre;

		if (sigv4_presign(&req, &creds, &scope, strtol(fields[11], NULL, 10),
						  flags, &pre, &trace) != 0)
		{
			printf("ERROR out of memory\n");
			return 1;
		}
		printf("%s\t", pre.sorted_query);
		sigv4_presigned_free(&pre);
	}
	else
	{
		printf("ERROR unknown mode\n");
		return 1;
	}
	print_hex(trace.canonical_request);
	printf("\n");
	sigv4_trace_free(&trace);
	return 0;
}

int
main(void)
{
	char	   *line = NULL;
	size_t		cap = 0;
	int			status = 0;

	while (getline(&line, &cap, stdin) > 0)
	{
		status |= handle(line);
		fflush(stdout);
	}
	free(line);
	return status;
}
