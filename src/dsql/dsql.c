/*-------------------------------------------------------------------------
 *
 * dsql.c
 *		  Aurora DSQL IAM auth tokens from SQL.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/dsql/dsql.c
 *
 * dsql_generate_db_connect_auth_token(hostname, region, expires_in) and its
 * _admin_ twin return what @aws-sdk/dsql-signer's getDbConnectAuthToken()
 * and getDbConnectAdminAuthToken() return: "<hostname>/?<query>", where the
 * query is a SigV4 presigned GET of "/" for service "dsql" with
 * Action=DbConnect or DbConnectAdmin, X-Amz-Expires (default 900, at most
 * 604800), the host header the only one signed, the session token (if any)
 * inside the signed query, and the parameters sorted by name as the
 * JavaScript SDK writes them.  A token is used as the password of a
 * PostgreSQL connection to the cluster.
 *
 * The region is the argument; else the one in a
 * "<cluster>.dsql.<region>.on.aws" hostname; else the environment's
 * (AWS_REGION, AWS_DEFAULT_REGION, and whatever else
 * dynamo_region_or_default() consults); else an error.
 *
 * Credentials come from the wrapper's provider chain (credentials.c):
 *
 *	- by default, the database server's own chain (environment, web
 *	  identity, shared files, container, instance).  That is the server's AWS
 *	  identity, so the functions are created without EXECUTE for PUBLIC and a
 *	  superuser grants it to the roles that may sign as the server;
 *	- when the setting dynamo_fdw.dsql_server names a dynamo_fdw server, the
 *	  calling role's user mapping of that server (its own or PUBLIC's), with
 *	  the same rules as a foreign table scan: keys written in the mapping, or
 *	  a profile or role_arn, and ambient credentials for a non-superuser only
 *	  where a superuser allowed them on the mapping.  The caller needs USAGE
 *	  on the server.
 *
 * The signing instant is dynamo_signing_instant() (clock.c): the current
 * time, or dynamo_fdw.signing_time when a superuser pinned it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_foreign_server.h"
#include "fmgr.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/syscache.h"

#include "clock.h"
#include "credentials.h"
#include "dsql.h"
#include "pg_compat.h"
#include "sigv4.h"

/* X-Amz-Expires bounds: SigV4 presigning allows at most seven days. */
#define DSQL_DEFAULT_EXPIRES	900
#define DSQL_MAX_EXPIRES		604800

/* DNS limits on a host name and on each of its labels. */
#define DSQL_MAX_HOSTNAME		253
#define DSQL_MAX_LABEL			63

#define DSQL_HOSTNAME_HINT \
	"Give the cluster endpoint alone, for example abc123.dsql.us-east-1.on.aws."

char	   *dynamo_dsql_server = NULL;	/* GUC dynamo_fdw.dsql_server */

PG_FUNCTION_INFO_V1(dsql_generate_db_connect_auth_token);
PG_FUNCTION_INFO_V1(dsql_generate_db_connect_admin_auth_token);

static void check_hostname(const char *host);
static char *region_from_hostname(const char *host);
static void check_region(const char *region);
static UserMapping *dsql_user_mapping(void);
static Datum generate_token(FunctionCallInfo fcinfo, const char *action);

/*
 * Refuse anything but a bare host name: the token embeds it, and a scheme,
 * port or path would make a token DSQL rejects (or sign something else).
 */
static void
check_hostname(const char *host)
{
	const char *p;
	int			label = 0;

	if (host[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hostname must not be empty"),
				 errhint(DSQL_HOSTNAME_HINT)));
	if (strstr(host, "://") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hostname \"%s\" must not include a scheme", host),
				 errhint(DSQL_HOSTNAME_HINT)));
	for (p = host; *p; p++)
	{
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
			*p == '\v' || *p == '\f')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("hostname \"%s\" must not contain spaces", host),
					 errhint(DSQL_HOSTNAME_HINT)));
	}
	if (strpbrk(host, "/?#") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hostname \"%s\" must not include a path", host),
				 errhint(DSQL_HOSTNAME_HINT)));
	if (strchr(host, ':') != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hostname \"%s\" must not include a port", host),
				 errdetail("The token does not depend on the port the connection uses."),
				 errhint(DSQL_HOSTNAME_HINT)));

	for (p = host; *p; p++)
	{
		if (*p == '.')
		{
			if (label == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("hostname \"%s\" has an empty label", host),
						 errdetail("A host name is made of non-empty labels separated by single dots, without a dot at either end.")));
			label = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("hostname \"%s\" contains an invalid character", host),
					 errdetail("A host name holds only ASCII letters, digits, dashes, underscores and dots.")));
		if (++label > DSQL_MAX_LABEL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("hostname \"%s\" has a label longer than %d characters",
							host, DSQL_MAX_LABEL)));
	}
	if (label == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hostname \"%s\" has an empty label", host),
				 errdetail("A host name is made of non-empty labels separated by single dots, without a dot at either end.")));
	if (strlen(host) > DSQL_MAX_HOSTNAME)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hostname is longer than %d characters", DSQL_MAX_HOSTNAME)));
}

/*
 * The region of a "<cluster>.dsql.<region>.on.aws" endpoint (palloc'd), or
 * NULL when HOST is not of that form.
 */
static char *
region_from_hostname(const char *host)
{
	static const char suffix[] = ".on.aws";
	size_t		len = strlen(host);
	const char *end;
	const char *start;

	if (len <= strlen(suffix) ||
		pg_strcasecmp(host + len - strlen(suffix), suffix) != 0)
		return NULL;
	end = host + len - strlen(suffix);
	start = end;
	while (start > host && start[-1] != '.')
		start--;
	/* what precedes the region must be "<cluster>.dsql." */
	if (start == end || start - host < (ptrdiff_t) strlen("x.dsql.") ||
		pg_strncasecmp(start - strlen(".dsql."), ".dsql.", strlen(".dsql.")) != 0)
		return NULL;
	{
		char	   *region = pnstrdup(start, end - start);
		char	   *c;

		/* DNS names are case-insensitive; region names are lower case */
		for (c = region; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char) (*c - 'A' + 'a');
		return region;
	}
}

/* A region is lower-case letters, digits and dashes, e.g. us-east-1. */
static void
check_region(const char *region)
{
	const char *p;

	if (region[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("region must not be empty"),
				 errhint("Pass NULL to take the region from the hostname or from the environment.")));
	for (p = region; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid AWS region \"%s\"", region),
					 errhint("A region looks like us-east-1.")));
}

/*
 * The user mapping to take credentials from: the calling role's (or
 * PUBLIC's) mapping of the server named by dynamo_fdw.dsql_server, or NULL
 * for the database server's own credentials.
 */
static UserMapping *
dsql_user_mapping(void)
{
	ForeignServer *server;
	ForeignDataWrapper *fdw;
	AclResult	aclresult;

	if (dynamo_dsql_server == NULL || dynamo_dsql_server[0] == '\0')
		return NULL;

	server = GetForeignServerByName(dynamo_dsql_server, false);
	fdw = GetForeignDataWrapper(server->fdwid);
	if (strcmp(fdw->fdwname, "dynamo_fdw") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("server \"%s\" does not use dynamo_fdw", server->servername),
				 errdetail("dynamo_fdw.dsql_server must name a server of foreign data wrapper dynamo_fdw.")));

	/*
	 * Naming a server is not enough to sign with its PUBLIC user mapping:
	 * the caller must be allowed to use the server.
	 */
	aclresult = pg_foreign_server_aclcheck(server->serverid, GetUserId(), ACL_USAGE);
	if (aclresult != ACLCHECK_OK)
		aclcheck_error(aclresult, OBJECT_FOREIGN_SERVER, server->servername);

	/* GetUserMapping's own error would not say what to do about it */
	if (!SearchSysCacheExists2(USERMAPPINGUSERSERVER,
							   ObjectIdGetDatum(GetUserId()),
							   ObjectIdGetDatum(server->serverid)) &&
		!SearchSysCacheExists2(USERMAPPINGUSERSERVER,
							   ObjectIdGetDatum(InvalidOid),
							   ObjectIdGetDatum(server->serverid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("no user mapping for role \"%s\" on server \"%s\"",
						GetUserNameFromId(GetUserId(), false), server->servername),
				 errdetail("dynamo_fdw.dsql_server is \"%s\", so DSQL tokens are signed with the credentials of the caller's user mapping of that server.",
						   server->servername),
				 errhint("Create a user mapping for the role (or for PUBLIC) on server \"%s\", or reset dynamo_fdw.dsql_server.",
						 server->servername)));

	return GetUserMapping(GetUserId(), server->serverid);
}

static Datum
generate_token(FunctionCallInfo fcinfo, const char *action)
{
	char	   *host;
	char	   *region;
	int32		expires = DSQL_DEFAULT_EXPIRES;
	UserMapping *user;
	const DynamoCredentials *creds;
	SigV4Credentials sc;
	SigV4Header host_header;
	SigV4Request req;
	SigV4Scope	scope;
	SigV4Presigned pre;
	char	   *query;
	text	   *result;

	/* Check every argument before looking for credentials. */
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("hostname must not be NULL"),
				 errhint(DSQL_HOSTNAME_HINT)));
	host = text_to_cstring(PG_GETARG_TEXT_PP(0));
	check_hostname(host);

	if (!PG_ARGISNULL(2))
		expires = PG_GETARG_INT32(2);
	if (expires <= 0 || expires > DSQL_MAX_EXPIRES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expires_in must be between 1 and %d seconds, not %d",
						DSQL_MAX_EXPIRES, expires),
				 errhint("Tokens last 900 seconds by default; a presigned request cannot last longer than seven days.")));

	if (!PG_ARGISNULL(1))
		region = text_to_cstring(PG_GETARG_TEXT_PP(1));
	else if ((region = region_from_hostname(host)) == NULL)
	{
		const char *env = dynamo_region_or_default(NULL);

		if (env == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("no AWS region for DSQL endpoint \"%s\"", host),
					 errdetail("The hostname is not of the form <cluster>.dsql.<region>.on.aws, and neither the database server's environment (AWS_REGION, AWS_DEFAULT_REGION) nor its shared AWS config file names a region."),
					 errhint("Pass the region as the second argument.")));
		region = pstrdup(env);
	}
	check_region(region);

	user = dsql_user_mapping();
	creds = dynamo_credentials_get(user, region);

	sc.access_key_id = creds->access_key_id;
	sc.secret_access_key = creds->secret_access_key;
	sc.session_token = creds->session_token;

	host_header.name = "host";
	host_header.value = host;
	req.method = "GET";
	req.path = "/";
	req.query = psprintf("Action=%s", action);
	req.headers = &host_header;
	req.nheaders = 1;
	req.payload = NULL;
	req.payload_len = 0;

	scope.region = region;
	scope.service = "dsql";
	scope.when = dynamo_signing_instant();

	if (sigv4_presign(&req, &sc, &scope, expires, 0, &pre, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));

	/* "<hostname>/?<query>", with no scheme, as the SDK writes it */
	query = psprintf("%s/?%s", host, pre.sorted_query);
	sigv4_presigned_free(&pre);
	result = cstring_to_text(query);
	explicit_bzero(query, strlen(query));
	pfree(query);

	PG_RETURN_TEXT_P(result);
}

/*
 * dsql_generate_db_connect_auth_token(hostname text, region text DEFAULT
 * NULL, expires_in integer DEFAULT 900) returns text: a token for a custom
 * database role (Action=DbConnect).
 */
Datum
dsql_generate_db_connect_auth_token(PG_FUNCTION_ARGS)
{
	return generate_token(fcinfo, "DbConnect");
}

/*
 * dsql_generate_db_connect_admin_auth_token(...): the same for the admin
 * role (Action=DbConnectAdmin).
 */
Datum
dsql_generate_db_connect_admin_auth_token(PG_FUNCTION_ARGS)
{
	return generate_token(fcinfo, "DbConnectAdmin");
}
