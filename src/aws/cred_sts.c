/*-------------------------------------------------------------------------
 *
 * cred_sts.c
 *		  Credentials from AWS STS: AssumeRole and AssumeRoleWithWebIdentity.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/cred_sts.c
 *
 * STS speaks the AWS Query protocol: a form-encoded POST answered with XML.
 * AssumeRole is signed with SigV4 (service "sts") using the credentials the
 * chain found; AssumeRoleWithWebIdentity is unsigned, the web identity token
 * being the proof.  The endpoint is https://sts.REGION.amazonaws.com (.cn in
 * China), or AWS_ENDPOINT_URL_STS, or AWS_ENDPOINT_URL, as the SDKs allow.
 *
 * The XML is read with PostgreSQL's own xpath() (libxml2 underneath), never
 * by hand.  Its parse errors quote the document, and the document holds
 * secrets, so they are replaced by a message of our own.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <time.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "cred_internal.h"
#include "aws_error.h"
#include "http.h"
#include "signing.h"

#define STS_API_VERSION		"2011-06-15"

/* An STS endpoint split for signing. */
typedef struct StsEndpoint
{
	char	   *url;			/* as given, without a trailing query */
	char	   *host;			/* Host header: host[:port] */
	char	   *path;			/* "/" when none */
	const char *region;			/* signing region */
} StsEndpoint;

static void sts_endpoint(const char *region, StsEndpoint *ep);
static void form_append(StringInfo body, const char *name, const char *value);
static void sts_call(const StsEndpoint *ep, const char *action,
					 const char *body, const DynamoCredentials *signer,
					 const char *what, DynamoCredentials *out);
static char *xml_text(const char *xml, const char *parent, const char *name,
					  bool *invalid);
static char *default_session_name(void);

/*
 * Assume ROLE_ARN with the BASE credentials.  SESSION_NAME and EXTERNAL_ID
 * may be NULL.  OUT gets temporary credentials (palloc'd); its source is
 * left to the caller.
 */
void
dynamo_cred_assume_role(const DynamoCredentials *base, const char *role_arn,
						const char *session_name, const char *external_id,
						const char *region, DynamoCredentials *out)
{
	StsEndpoint ep;
	StringInfoData body;

	sts_endpoint(region, &ep);
	initStringInfo(&body);
	form_append(&body, "Action", "AssumeRole");
	form_append(&body, "RoleArn", role_arn);
	form_append(&body, "RoleSessionName",
				session_name ? session_name : default_session_name());
	if (external_id)
		form_append(&body, "ExternalId", external_id);
	form_append(&body, "Version", STS_API_VERSION);

	sts_call(&ep, "AssumeRole", body.data, base,
			 psprintf("assume role \"%s\"", role_arn), out);
}

/*
 * Exchange the token in TOKEN_FILE for credentials of ROLE_ARN.  The file is
 * read on every call: Kubernetes and others rotate it.
 */
void
dynamo_cred_assume_role_with_web_identity(const char *token_file,
										  const char *role_arn,
										  const char *session_name,
										  const char *region,
										  DynamoCredentials *out)
{
	StsEndpoint ep;
	StringInfoData body;
	char	   *path = dynamo_cred_expand_home(token_file);
	char	   *token;
	bool		missing;
	const char *problem;
	size_t		len;

	token = dynamo_cred_read_file(path, &missing, &problem);
	if (token == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("could not read the web identity token file \"%s\"", path),
				 missing ? errdetail("The file does not exist.") :
				 errdetail_internal("%s", problem)));
	len = strlen(token);
	while (len > 0 && isspace((unsigned char) token[len - 1]))
		token[--len] = '\0';
	if (len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("the web identity token file \"%s\" is empty", path)));

	sts_endpoint(region, &ep);
	initStringInfo(&body);
	form_append(&body, "Action", "AssumeRoleWithWebIdentity");
	form_append(&body, "RoleArn", role_arn);
	form_append(&body, "RoleSessionName",
				session_name ? session_name : default_session_name());
	form_append(&body, "WebIdentityToken", token);
	form_append(&body, "Version", STS_API_VERSION);
	explicit_bzero(token, len);

	sts_call(&ep, "AssumeRoleWithWebIdentity", body.data, NULL,
			 psprintf("assume role \"%s\" with a web identity", role_arn), out);
	explicit_bzero(body.data, body.len);
}

/*
 * Step 3 of the chain: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (with
 * AWS_ROLE_SESSION_NAME when set), as on EKS with IAM roles for service
 * accounts.
 */
bool
dynamo_cred_from_web_identity_env(const char *region, StringInfo tried,
								  DynamoCredentials *out)
{
	const char *token_file = dynamo_cred_getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	const char *role_arn = dynamo_cred_getenv("AWS_ROLE_ARN");

	if (token_file == NULL || role_arn == NULL)
	{
		dynamo_cred_tried(tried, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN not both set)");
		return false;
	}
	dynamo_cred_assume_role_with_web_identity(token_file, role_arn,
											  dynamo_cred_getenv("AWS_ROLE_SESSION_NAME"),
											  region, out);
	out->source = "web identity";
	return true;
}

/*
 * Where STS is, for REGION (NULL: us-east-1).  The caller has already
 * looked for a region in the environment and the shared config file
 * (credentials.c's resolve).
 */
static void
sts_endpoint(const char *region, StsEndpoint *ep)
{
	const char *ignore = dynamo_cred_getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	const char *url = NULL;
	const char *p;
	const char *host_end;
	char	   *q;
	const char *at;

	if (region == NULL)
		region = "us-east-1";
	ep->region = region;

	if (ignore == NULL || pg_strcasecmp(ignore, "true") != 0)
	{
		url = dynamo_cred_getenv("AWS_ENDPOINT_URL_STS");
		if (url == NULL)
			url = dynamo_cred_getenv("AWS_ENDPOINT_URL");
	}
	if (url == NULL)
		url = psprintf("https://sts.%s.amazonaws.com%s", region,
					   strncmp(region, "cn-", 3) == 0 ? ".cn" : "");

	ep->url = pstrdup(url);
	if ((q = strchr(ep->url, '?')) != NULL)
		*q = '\0';
	p = strstr(ep->url, "://");
	if (p == NULL ||
		(pg_strncasecmp(ep->url, "http://", 7) != 0 &&
		 pg_strncasecmp(ep->url, "https://", 8) != 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid STS endpoint \"%s\"", ep->url),
				 errhint("AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL must be http:// or https:// URLs.")));
	p += 3;
	host_end = p + strcspn(p, "/");
	if ((at = strchr(p, '@')) != NULL && at < host_end)
		p = at + 1;				/* drop user info */
	ep->host = pnstrdup(p, host_end - p);
	ep->path = pstrdup(*host_end ? host_end : "/");
}

/* Append NAME=VALUE to a form body, both percent-encoded as RFC 3986 says. */
static void
form_append(StringInfo body, const char *name, const char *value)
{
	const char *parts[2] = {name, value};
	int			i;

	if (body->len > 0)
		appendStringInfoChar(body, '&');
	for (i = 0; i < 2; i++)
	{
		const unsigned char *p;

		if (i == 1)
			appendStringInfoChar(body, '=');
		for (p = (const unsigned char *) parts[i]; *p; p++)
		{
			if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
				(*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
				*p == '.' || *p == '~')
				appendStringInfoChar(body, (char) *p);
			else
				appendStringInfo(body, "%%%02X", *p);
		}
	}
}

static char *
default_session_name(void)
{
	return psprintf("dynamo_fdw-%ld", (long) time(NULL));
}

/* Worth another attempt: throttling or a server-side failure. */
static bool
sts_retryable(long status, const char *code)
{
	if (status >= 500)
		return true;
	return code != NULL &&
		(strcmp(code, "Throttling") == 0 ||
		 strcmp(code, "ThrottlingException") == 0 ||
		 strcmp(code, "RequestLimitExceeded") == 0 ||
		 strcmp(code, "IDPCommunicationError") == 0);
}

/*
 * POST BODY to STS, signed with SIGNER unless it is NULL, and read the
 * Credentials of ACTION's result into OUT.  WHAT names the attempt in
 * messages ("assume role ...").
 */
static void
sts_call(const StsEndpoint *ep, const char *action, const char *body,
		 const DynamoCredentials *signer, const char *what,
		 DynamoCredentials *out)
{
	DynamoHttpResponse resp;
	int			attempt;
	char	   *code = NULL;
	char	   *message = NULL;
	char	   *transport_error = NULL;
	char	   *expiration;
	bool		invalid = false;
	int			max_attempts = dynamo_cred_max_attempts();

	for (attempt = 1; attempt <= max_attempts; attempt++)
	{
		DynamoPost	post;
		DynamoHttpRequest req;
		bool		throttled;

		post.url = ep->url;
		post.host = ep->host;
		post.path = ep->path;
		post.content_type = "application/x-www-form-urlencoded; charset=utf-8";
		post.target = NULL;
		post.payload = body;
		post.payload_len = strlen(body);
		post.region = ep->region;
		post.service = "sts";
		dynamo_post_request(&post, signer, &req);
		req.connect_timeout_ms = DYNAMO_CRED_STS_CONNECT_MS;
		req.timeout_ms = DYNAMO_CRED_STS_TIMEOUT_MS;

		transport_error = NULL;
		code = message = NULL;
		if (dynamo_http_perform(&req, &resp, &transport_error))
		{
			if (resp.status == 200)
				break;
			code = xml_text(resp.body.data, "Error", "Code", NULL);
			message = xml_text(resp.body.data, "Error", "Message", NULL);
			if (message)
				message = dynamo_aws_message(message);
			if (!sts_retryable(resp.status, code))
				break;
		}
		if (attempt == max_attempts)
			break;
		/* the same backoff as DynamoDB's calls (client.c) */
		throttled = code != NULL && strncmp(code, "Throttling", 10) == 0;
		dynamo_retry_pause(attempt - 1, throttled);
	}

	if (transport_error != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not reach AWS STS at %s to %s", ep->url, what),
				 errdetail_internal("%s", transport_error),
				 errhint("AWS_ENDPOINT_URL_STS overrides the STS endpoint.")));
	if (resp.status != 200)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("AWS STS refused to %s", what),
				 (code || message) ?
				 errdetail_internal("%s%s%s (HTTP status %ld).",
									code ? code : "",
									(code && message) ? ": " : "",
									message ? message : "", resp.status) :
				 errdetail("HTTP status %ld.", resp.status)));

	out->access_key_id = xml_text(resp.body.data, "Credentials", "AccessKeyId", &invalid);
	out->secret_access_key = xml_text(resp.body.data, "Credentials", "SecretAccessKey", &invalid);
	out->session_token = xml_text(resp.body.data, "Credentials", "SessionToken", &invalid);
	expiration = xml_text(resp.body.data, "Credentials", "Expiration", &invalid);
	explicit_bzero(resp.body.data, resp.body.len);

	if (invalid)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("AWS STS answered the request to %s with a document that is not XML", what)));

	if (out->access_key_id == NULL || out->secret_access_key == NULL ||
		out->session_token == NULL || expiration == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("AWS STS answered the request to %s without credentials", what),
				 errdetail("The %s response lacks %s.", action,
						   out->access_key_id == NULL ? "AccessKeyId" :
						   out->secret_access_key == NULL ? "SecretAccessKey" :
						   out->session_token == NULL ? "SessionToken" :
						   "Expiration")));
	if (!dynamo_cred_parse_time(expiration, &out->expiration))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("AWS STS answered the request to %s with an unreadable expiration", what),
				 errdetail("\"%s\" is not an ISO 8601 time.", expiration)));
}

/*
 * Undo the escaping xpath() applies to text it returns (escape_xml()).
 */
static char *
xml_unescape(const char *s)
{
	StringInfoData buf;
	static const struct
	{
		const char *entity;
		char		c;
	}			entities[] = {
		{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
		{"&apos;", '\''}, {"&#x0d;", '\r'}, {"&#x0D;", '\r'}
	};

	initStringInfo(&buf);
	while (*s)
	{
		size_t		i;
		bool		done = false;

		if (*s == '&')
		{
			for (i = 0; i < lengthof(entities); i++)
			{
				size_t		n = strlen(entities[i].entity);

				if (strncmp(s, entities[i].entity, n) == 0)
				{
					appendStringInfoChar(&buf, entities[i].c);
					s += n;
					done = true;
					break;
				}
			}
		}
		if (!done)
			appendStringInfoChar(&buf, *s++);
	}
	return buf.data;
}

/*
 * PostgreSQL's xpath(EXPR, XML), or NULL when XML does not parse.  Its own
 * parse errors are swallowed: they would quote the document, secrets and
 * all.
 */
static ArrayType *
run_xpath(const char *expr, const char *xml)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	volatile Datum result = (Datum) 0;
	volatile bool failed = false;

	PG_TRY();
	{
		result = DirectFunctionCall3(xpath,
									 PointerGetDatum(cstring_to_text(expr)),
									 PointerGetDatum(cstring_to_text(xml)),
									 PointerGetDatum(construct_empty_array(TEXTOID)));
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcxt);
		FlushErrorState();
		failed = true;
	}
	PG_END_TRY();
	return failed ? NULL : DatumGetArrayTypeP(result);
}

/*
 * The text of the first element NAME inside an element PARENT of the XML
 * document XML, ignoring namespaces; NULL when there is none or it is empty,
 * or when XML is not XML (then *invalid is set, if given).  palloc'd.
 */
static char *
xml_text(const char *xml, const char *parent, const char *name, bool *invalid)
{
	char	   *expr;
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	char	   *value = NULL;

	if (xml == NULL || xml[0] == '\0')
		return NULL;
	expr = psprintf("(//*[local-name()='%s']/*[local-name()='%s'])[1]/text()",
					parent, name);

	arr = run_xpath(expr, xml);
	if (arr == NULL)
	{
		if (invalid)
			*invalid = true;
		return NULL;
	}
	deconstruct_array(arr, XMLOID, -1, false, TYPALIGN_INT, &elems, &nulls,
					  &nelems);
	if (nelems > 0 && !nulls[0])
	{
		char	   *escaped = text_to_cstring(DatumGetTextPP(elems[0]));

		value = xml_unescape(escaped);
		explicit_bzero(escaped, strlen(escaped));
		pfree(escaped);
		/* Trim surrounding white space, which no AWS value has. */
		{
			char	   *start = value;
			size_t		len;

			while (*start && isspace((unsigned char) *start))
				start++;
			len = strlen(start);
			while (len > 0 && isspace((unsigned char) start[len - 1]))
				len--;
			memmove(value, start, len);
			value[len] = '\0';
		}
		if (value[0] == '\0')
			value = NULL;
	}
	return value;
}
