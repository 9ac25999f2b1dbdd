/*-------------------------------------------------------------------------
 *
 * cred_metadata.c
 *		  Credentials from the ECS/EKS container endpoint and EC2 IMDSv2.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/cred_metadata.c
 *
 * Both are local HTTP endpoints that hand out the role of the machine or
 * task the database server runs on, as JSON (AccessKeyId, SecretAccessKey,
 * Token, Expiration).
 *
 * Container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is a path on
 * http://169.254.170.2 (ECS); AWS_CONTAINER_CREDENTIALS_FULL_URI is a whole
 * URL (EKS Pod Identity and others), allowed over plain HTTP only to the
 * loopback and the link-local container hosts, as in the SDKs.  The
 * Authorization header comes from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
 * (read each time; it rotates) or AWS_CONTAINER_AUTHORIZATION_TOKEN.
 *
 * EC2: IMDSv2 only (a session token from PUT /latest/api/token goes with
 * every GET), on http://169.254.169.254, or [fd00:ec2::254] with
 * AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6, or
 * AWS_EC2_METADATA_SERVICE_ENDPOINT.  AWS_EC2_METADATA_DISABLED=true skips
 * it.  Timeouts are short: off EC2 nobody answers, and this is the last
 * place the chain looks.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "cred_internal.h"
#include "http.h"

#define ECS_CONTAINER_HOST		"http://169.254.170.2"
#define IMDS_IPV4_ENDPOINT		"http://169.254.169.254"
#define IMDS_IPV6_ENDPOINT		"http://[fd00:ec2::254]"
#define IMDS_TOKEN_TTL_SECONDS	"21600"
#define IMDS_CREDENTIALS_PATH	"/latest/meta-data/iam/security-credentials/"
#define CONTAINER_TIMEOUT_MS	5000

static bool full_uri_allowed(const char *url);
static bool http_get(const char *url, const char *header, long timeout_ms,
					 DynamoHttpResponse *resp, char **errmsg);

/*
 * Step 5 of the chain.  Returns false when neither container variable is
 * set; ERRORs when one is set but gives no credentials.
 */
bool
dynamo_cred_from_container(StringInfo tried, DynamoCredentials *out)
{
	const char *relative = dynamo_cred_getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = dynamo_cred_getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *token_file = dynamo_cred_getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *token = dynamo_cred_getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	char	   *url;
	char	   *auth = NULL;
	char	   *file_token = NULL;
	DynamoHttpResponse resp;
	char	   *http_error = NULL;
	const char *problem;

	if (relative != NULL)
		url = psprintf("%s%s%s", ECS_CONTAINER_HOST,
					   relative[0] == '/' ? "" : "/", relative);
	else if (full != NULL)
	{
		if (!full_uri_allowed(full))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, or http to a loopback or container metadata address"),
					 errdetail("It is \"%s\".", full)));
		url = pstrdup(full);
	}
	else
	{
		dynamo_cred_tried(tried, "container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set)");
		return false;
	}

	if (token_file != NULL)
	{
		bool		missing;
		char	   *path = dynamo_cred_expand_home(token_file);
		size_t		len;

		file_token = dynamo_cred_read_file(path, &missing, &problem);
		if (file_token == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("could not read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \"%s\"", path),
					 missing ? errdetail("The file does not exist.") :
					 errdetail_internal("%s", problem)));
		len = strlen(file_token);
		while (len > 0 && isspace((unsigned char) file_token[len - 1]))
			file_token[--len] = '\0';
		token = file_token;
	}
	if (token != NULL)
	{
		if (strpbrk(token, "\r\n") != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the container authorization token contains a line break")));
		auth = psprintf("Authorization: %s", token);
	}

	if (!http_get(url, auth, CONTAINER_TIMEOUT_MS, &resp, &http_error))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not get AWS credentials from the container endpoint %s", url),
				 errdetail_internal("%s", http_error)));
	if (auth)
		explicit_bzero(auth, strlen(auth));
	if (file_token)
		explicit_bzero(file_token, strlen(file_token));
	if (resp.status != 200)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("the container endpoint %s refused to give AWS credentials", url),
				 errdetail("HTTP status %ld.", resp.status)));
	if (!dynamo_cred_from_json(resp.body.data, false, out, &problem))
	{
		explicit_bzero(resp.body.data, resp.body.len);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("the container endpoint %s gave no usable AWS credentials", url),
				 errdetail("Its answer was read as JSON, and %s.", problem)));
	}
	explicit_bzero(resp.body.data, resp.body.len);
	out->source = "container endpoint";
	return true;
}

/*
 * Whether a FULL_URI may be used: any https URL; plain http only to the
 * loopback (127.0.0.0/8, ::1, localhost) or the ECS and EKS container hosts.
 */
static bool
full_uri_allowed(const char *url)
{
	const char *p;
	char	   *host;
	size_t		len;

	if (pg_strncasecmp(url, "https://", 8) == 0)
		return true;
	if (pg_strncasecmp(url, "http://", 7) != 0)
		return false;
	p = url + 7;
	if (*p == '[')
	{
		len = strcspn(p, "]");
		if (p[len] != ']')
			return false;
		host = pnstrdup(p + 1, len - 1);
		return pg_strcasecmp(host, "::1") == 0 ||
			pg_strcasecmp(host, "fd00:ec2::23") == 0;
	}
	len = strcspn(p, ":/?#");
	host = pnstrdup(p, len);
	if (strchr(host, '@') != NULL)
		return false;
	if (pg_strcasecmp(host, "localhost") == 0 ||
		strcmp(host, "169.254.170.2") == 0 ||
		strcmp(host, "169.254.170.23") == 0)
		return true;
	if (strncmp(host, "127.", 4) == 0)
	{
		int			a,
					b,
					c,
					d;
		char		extra;

		return sscanf(host, "%d.%d.%d.%d%c", &a, &b, &c, &d, &extra) == 4 &&
			b >= 0 && b <= 255 && c >= 0 && c <= 255 && d >= 0 && d <= 255;
	}
	return false;
}

/*
 * The IMDS endpoint: AWS_EC2_METADATA_SERVICE_ENDPOINT, else the IPv4 or
 * (AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6) IPv6 address; without
 * trailing slashes.  palloc'd.
 */
static char *
imds_base(void)
{
	const char *endpoint = dynamo_cred_getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *mode = dynamo_cred_getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	char	   *base;
	size_t		len;

	if (endpoint == NULL)
		endpoint = (mode && pg_strcasecmp(mode, "IPv6") == 0) ?
			IMDS_IPV6_ENDPOINT : IMDS_IPV4_ENDPOINT;
	base = pstrdup(endpoint);
	len = strlen(base);
	while (len > 0 && base[len - 1] == '/')
		base[--len] = '\0';
	return base;
}

/*
 * An IMDSv2 session token from the service at BASE, as the header that
 * carries it (palloc'd; the caller wipes it).  NULL, noted in TRIED, when
 * nothing answers or the answer holds no token.
 */
static char *
imds_token_header(const char *base, StringInfo tried)
{
	DynamoHttpRequest req;
	DynamoHttpResponse resp;
	const char *headers[2];
	char	   *http_error = NULL;
	char	   *token_header;

	headers[0] = "X-aws-ec2-metadata-token-ttl-seconds: " IMDS_TOKEN_TTL_SECONDS;
	headers[1] = "Content-Type:";
	memset(&req, 0, sizeof(req));
	req.method = "PUT";
	req.url = psprintf("%s/latest/api/token", base);
	req.headers = headers;
	req.nheaders = 2;
	req.body = "";
	req.body_len = 0;
	req.connect_timeout_ms = DYNAMO_CRED_METADATA_CONNECT_MS;
	req.timeout_ms = DYNAMO_CRED_METADATA_TIMEOUT_MS;
	if (!dynamo_http_perform(&req, &resp, &http_error))
	{
		dynamo_cred_tried(tried, "EC2 instance metadata (no answer from %s: %s)",
						  base, http_error);
		return NULL;
	}
	if (resp.status != 200 || resp.body.len == 0)
	{
		dynamo_cred_tried(tried, "EC2 instance metadata (%s gave no IMDSv2 token, HTTP status %ld)",
						  base, resp.status);
		return NULL;
	}
	token_header = psprintf("X-aws-ec2-metadata-token: %.*s",
							(int) strcspn(resp.body.data, "\r\n"), resp.body.data);
	explicit_bzero(resp.body.data, resp.body.len);
	return token_header;
}

/*
 * The name of the instance's role, asked of the service at BASE with
 * TOKEN_HEADER.  NULL, noted in TRIED, when nothing answers or the
 * instance has no role; an ERROR when the answer is not a role name.
 */
static char *
imds_role(const char *base, const char *token_header, StringInfo tried)
{
	DynamoHttpResponse resp;
	char	   *http_error = NULL;
	char	   *url = psprintf("%s%s", base, IMDS_CREDENTIALS_PATH);
	char	   *role;
	const char *p;

	if (!http_get(url, token_header, DYNAMO_CRED_METADATA_TIMEOUT_MS, &resp, &http_error))
	{
		dynamo_cred_tried(tried, "EC2 instance metadata (no answer from %s: %s)",
						  base, http_error);
		return NULL;
	}
	if (resp.status == 404)
	{
		dynamo_cred_tried(tried, "EC2 instance metadata (the instance has no IAM role)");
		return NULL;
	}
	if (resp.status != 200)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("EC2 instance metadata at %s did not name the instance's role", base),
				 errdetail("HTTP status %ld.", resp.status)));
	role = pnstrdup(resp.body.data, strcspn(resp.body.data, "\r\n"));
	for (p = role; *p; p++)
		if (!(isalnum((unsigned char) *p) || strchr("+=,.@_-", *p)))
			break;
	if (role[0] == '\0' || *p != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("EC2 instance metadata at %s gave an invalid role name", base)));
	return role;
}

/*
 * Step 6 of the chain.  Returns false when disabled or when no instance
 * metadata service answers, or the instance has no role; ERRORs when the
 * service answers but hands out nothing usable.
 */
bool
dynamo_cred_from_imds(StringInfo tried, DynamoCredentials *out)
{
	const char *disabled = dynamo_cred_getenv("AWS_EC2_METADATA_DISABLED");
	char	   *base;
	DynamoHttpResponse resp;
	char	   *http_error = NULL;
	char	   *token_header;
	char	   *role;
	char	   *url;
	const char *problem;

	if (disabled != NULL && pg_strcasecmp(disabled, "true") == 0)
	{
		dynamo_cred_tried(tried, "EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
		return false;
	}
	base = imds_base();

	/* A session token first: IMDSv2. */
	token_header = imds_token_header(base, tried);
	if (token_header == NULL)
		return false;

	/* The instance's role name. */
	role = imds_role(base, token_header, tried);
	if (role == NULL)
		return false;

	/* The role's credentials. */
	url = psprintf("%s%s%s", base, IMDS_CREDENTIALS_PATH, role);
	if (!http_get(url, token_header, DYNAMO_CRED_METADATA_TIMEOUT_MS, &resp, &http_error))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not get the credentials of role \"%s\" from EC2 instance metadata at %s",
						role, base),
				 errdetail_internal("%s", http_error)));
	explicit_bzero(token_header, strlen(token_header));
	if (resp.status != 200)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("EC2 instance metadata at %s refused the credentials of role \"%s\"",
						base, role),
				 errdetail("HTTP status %ld.", resp.status)));
	if (!dynamo_cred_from_json(resp.body.data, false, out, &problem))
	{
		explicit_bzero(resp.body.data, resp.body.len);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("EC2 instance metadata at %s gave no usable credentials for role \"%s\"",
						base, role),
				 errdetail("Its answer was read as JSON, and %s.", problem)));
	}
	explicit_bzero(resp.body.data, resp.body.len);
	out->source = psprintf("EC2 instance metadata (role \"%s\")", role);
	return true;
}

/* GET URL with one extra HEADER line (or none). */
static bool
http_get(const char *url, const char *header, long timeout_ms,
		 DynamoHttpResponse *resp, char **errmsg)
{
	DynamoHttpRequest req;
	const char *headers[1];

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	if (header)
	{
		headers[0] = header;
		req.headers = headers;
		req.nheaders = 1;
	}
	req.connect_timeout_ms = DYNAMO_CRED_METADATA_CONNECT_MS;
	req.timeout_ms = timeout_ms;
	return dynamo_http_perform(&req, resp, errmsg);
}
