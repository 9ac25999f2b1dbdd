/*-------------------------------------------------------------------------
 *
 * dsql.c
 *		  Aurora DSQL IAM auth tokens from SQL.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/dsql.c
 *
 * dsql_generate_db_connect_auth_token() and its _admin_ twin return what
 * @aws-sdk/dsql-signer's getDbConnectAuthToken() and
 * getDbConnectAdminAuthToken() return: "<hostname>/?<query>", a SigV4
 * presigned GET of "/" for service "dsql" with Action DbConnect or
 * DbConnectAdmin, the host header the only one signed, and the session
 * token inside the signed query.  Credentials come from the same provider
 * chain as the wrapper: the server's ambient credentials by default (hence
 * EXECUTE is not granted to PUBLIC), or the calling user's user mapping of
 * the dynamo_fdw server named by dynamo_fdw.dsql_server.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "dynamo_fdw.h"
#include "sigv4.h"

/* DSQL (as SigV4 presigning) accepts at most seven days. */
#define DSQL_MAX_EXPIRES	604800
#define DSQL_DEFAULT_EXPIRES	900

char	   *dynamo_dsql_server = NULL;	/* GUC dynamo_fdw.dsql_server */

PG_FUNCTION_INFO_V1(dsql_generate_db_connect_auth_token);
PG_FUNCTION_INFO_V1(dsql_generate_db_connect_admin_auth_token);

/* A bare DNS name: letters, digits, dots and dashes. */
static void
check_hostname(const char *host)
{
	const char *p;

	if (host[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hostname must not be empty")));
	if (strstr(host, "://") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hostname \"%s\" must not include a scheme", host),
				 errhint("Give the cluster endpoint alone, such as abc123.dsql.us-east-1.on.aws.")));
	for (p = host; *p; p++)
	{
		if (*p == '/' || *p == '?' || *p == '#')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("hostname \"%s\" must not include a path", host),
					 errhint("Give the cluster endpoint alone, such as abc123.dsql.us-east-1.on.aws.")));
		if (*p == ':')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("hostname \"%s\" must not include a port", host),
					 errhint("The token does not depend on the port: give the host name alone.")));
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("hostname \"%s\" contains an invalid character", host),
					 errdetail("A host name has only letters, digits, dots and dashes.")));
	}
}

/* The region of a "<cluster>.dsql.<region>.on.aws" endpoint, or NULL. */
static char *
region_from_hostname(const char *host)
{
	const char *start = strstr(host, ".dsql.");
	const char *end;

	if (start == NULL)
		return NULL;
	start += strlen(".dsql.");
	end = strstr(start, ".on.aws");
	if (end == NULL || end == start || strchr(start, '.') != end)
		return NULL;
	return pnstrdup(start, end - start);
}

static void
check_region(const char *region)
{
	const char *p;

	for (p = region; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid AWS region \"%s\"", region),
					 errhint("A region looks like us-east-1.")));
}

/* The user mapping to take credentials from, or NULL for ambient ones. */
static UserMapping *
dsql_user_mapping(void)
{
	ForeignServer *server;

	if (dynamo_dsql_server == NULL || dynamo_dsql_server[0] == '\0')
		return NULL;
	server = GetForeignServerByName(dynamo_dsql_server, false);
	return GetUserMapping(GetUserId(), server->serverid);
}

static Datum
generate_token(FunctionCallInfo fcinfo, const char *action)
{
	char	   *host;
	char	   *region = NULL;
	int32		expires = DSQL_DEFAULT_EXPIRES;
	const DynamoCredentials *creds;
	SigV4Credentials sc;
	SigV4Scope	scope;
	SigV4Header param;
	char	   *query;
	text	   *result;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("hostname must not be NULL")));
	host = text_to_cstring(PG_GETARG_TEXT_PP(0));
	check_hostname(host);

	if (!PG_ARGISNULL(2))
		expires = PG_GETARG_INT32(2);
	if (expires <= 0 || expires > DSQL_MAX_EXPIRES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expires_in must be between 1 and %d seconds, not %d",
						DSQL_MAX_EXPIRES, expires)));

	if (!PG_ARGISNULL(1))
	{
		region = text_to_cstring(PG_GETARG_TEXT_PP(1));
		if (region[0] == '\0')
			region = NULL;
	}
	if (region == NULL)
		region = region_from_hostname(host);
	if (region == NULL)
		region = (char *) dynamo_region_or_default(NULL);
	if (region == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no AWS region for DSQL endpoint \"%s\"", host),
				 errhint("Pass the region as the second argument, or use a <cluster>.dsql.<region>.on.aws endpoint.")));
	check_region(region);

	creds = dynamo_credentials_get(dsql_user_mapping(), region);
	sc.access_key_id = creds->access_key_id;
	sc.secret_access_key = creds->secret_access_key;
	sc.session_token = creds->session_token;
	scope.region = region;
	scope.service = "dsql";
	scope.when = dynamo_signing_instant();
	param.name = "Action";
	param.value = action;

	query = sigv4_presign_query(host, "/", &param, 1, &sc, &scope, expires);
	if (query == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	result = cstring_to_text(psprintf("%s/?%s", host, query));
	free(query);
	PG_RETURN_TEXT_P(result);
}

Datum
dsql_generate_db_connect_auth_token(PG_FUNCTION_ARGS)
{
	return generate_token(fcinfo, "DbConnect");
}

Datum
dsql_generate_db_connect_admin_auth_token(PG_FUNCTION_ARGS)
{
	return generate_token(fcinfo, "DbConnectAdmin");
}
