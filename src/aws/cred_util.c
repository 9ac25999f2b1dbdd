/*-------------------------------------------------------------------------
 *
 * cred_util.c
 *		  What the credential providers share.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/cred_util.c
 *
 * Reading the server's environment and files, ISO 8601 times, the JSON
 * that credential_process, the container endpoint, IMDS and the files
 * give credentials in, and the "tried" list of the chain's final error.
 * Used by every cred_*.c file and by credentials.c; declared in
 * cred_internal.h.  Moved from credentials.c unchanged.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ddb_json.h"

#include <pwd.h>
#include <time.h>
#include <unistd.h>

#include "storage/fd.h"

#include "cred_internal.h"

/*
 * An environment variable of the server process, or NULL when unset or
 * empty (the SDKs treat both alike).
 */
const char *
dynamo_cred_getenv(const char *name)
{
	const char *value = getenv(name);

	return (value && value[0]) ? value : NULL;
}

static bool
read_digits(const char **p, int n, int *result)
{
	int			v = 0;

	while (n-- > 0)
	{
		if (**p < '0' || **p > '9')
			return false;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*result = v;
	return true;
}

/*
 * Parse an ISO 8601 / RFC 3339 time as the AWS services write it:
 * 2024-05-01T12:00:00Z, with optional fractional seconds and an optional
 * +HH:MM / -HH:MM / +HHMM offset instead of Z (none means UTC).
 */
bool
dynamo_cred_parse_time(const char *text, time_t *result)
{
	const char *p = text;
	struct tm	tm;
	int			year,
				mon,
				day,
				hour,
				min,
				sec;
	long		offset = 0;
	time_t		t;

	while (*p == ' ')
		p++;
	if (!read_digits(&p, 4, &year) || *p++ != '-' ||
		!read_digits(&p, 2, &mon) || *p++ != '-' ||
		!read_digits(&p, 2, &day) ||
		(*p != 'T' && *p != 't' && *p != ' ') || !*p++ ||
		!read_digits(&p, 2, &hour) || *p++ != ':' ||
		!read_digits(&p, 2, &min) || *p++ != ':' ||
		!read_digits(&p, 2, &sec))
		return false;
	if (*p == '.' || *p == ',')
	{
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-')
	{
		int			sign = (*p == '-') ? -1 : 1;
		int			oh,
					om;

		p++;
		if (!read_digits(&p, 2, &oh))
			return false;
		if (*p == ':')
			p++;
		if (!read_digits(&p, 2, &om))
			return false;
		offset = sign * (oh * 3600L + om * 60L);
	}
	while (*p == ' ')
		p++;
	if (*p != '\0')
		return false;
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 ||
		min > 59 || sec > 60)
		return false;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t) -1)
		return false;
	*result = t - offset;
	return true;
}

/*
 * PATH with a leading "~/" replaced by the server user's home directory
 * ($HOME, else the password database), as the SDKs do.  palloc'd.
 */
char *
dynamo_cred_expand_home(const char *path)
{
	const char *home;

	if (path[0] != '~' || (path[1] != '/' && path[1] != '\0'))
		return pstrdup(path);
	home = dynamo_cred_getenv("HOME");
	if (home == NULL)
	{
		struct passwd *pw = getpwuid(geteuid());

		home = (pw && pw->pw_dir) ? pw->pw_dir : "";
	}
	return psprintf("%s%s", home, path + 1);
}

/* A string member of a JSON object, or NULL. */
static const char *
json_member_string(json_c_object *obj, const char *key)
{
	json_c_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
		!json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * Read credentials from a JSON document: the container and instance
 * metadata format (AccessKeyId, SecretAccessKey, Token, Expiration, and
 * Code "Success" when present), or with PROCESS_FORMAT the credential_process
 * format (Version 1, AccessKeyId, SecretAccessKey, SessionToken,
 * Expiration).  On failure returns false with *problem set to a static
 * description that quotes nothing from the document.  OUT's strings are
 * palloc'd; OUT->source is left to the caller.
 */
bool
dynamo_cred_from_json(const char *body, bool process_format,
					  DynamoCredentials *out, const char **problem)
{
	json_c_object *doc = json_tokener_parse(body);
	const char *akid;
	const char *secret;
	const char *token;
	const char *expiration;
	const char *code;
	bool		ok = false;

	*problem = NULL;
	if (doc == NULL || !json_object_is_type(doc, json_type_object))
	{
		*problem = "the answer is not a JSON object";
		goto done;
	}
	if (process_format)
	{
		json_c_object *version;

		if (!json_object_object_get_ex(doc, "Version", &version) ||
			!json_object_is_type(version, json_type_int) ||
			json_object_get_int64(version) != 1)
		{
			*problem = "its \"Version\" is not 1";
			goto done;
		}
	}
	else if ((code = json_member_string(doc, "Code")) != NULL &&
			 strcmp(code, "Success") != 0)
	{
		*problem = "its \"Code\" is not \"Success\"";
		goto done;
	}

	akid = json_member_string(doc, "AccessKeyId");
	secret = json_member_string(doc, "SecretAccessKey");
	token = json_member_string(doc, process_format ? "SessionToken" : "Token");
	expiration = json_member_string(doc, "Expiration");
	if (akid == NULL || akid[0] == '\0')
	{
		*problem = "it has no \"AccessKeyId\"";
		goto done;
	}
	if (secret == NULL || secret[0] == '\0')
	{
		*problem = "it has no \"SecretAccessKey\"";
		goto done;
	}
	out->expiration = 0;
	if (expiration != NULL && !dynamo_cred_parse_time(expiration, &out->expiration))
	{
		*problem = "its \"Expiration\" is not an ISO 8601 time";
		goto done;
	}
	out->access_key_id = pstrdup(akid);
	out->secret_access_key = pstrdup(secret);
	out->session_token = (token && token[0]) ? pstrdup(token) : NULL;
	ok = true;

done:
	if (doc != NULL)
		json_object_put(doc);
	return ok;
}

/*
 * The whole of a small file, palloc'd and NUL-terminated.  Returns NULL with
 * *missing set when the file does not exist, or with *problem set (static
 * or palloc'd text) when it cannot be read.
 */
char *
dynamo_cred_read_file(const char *path, bool *missing, const char **problem)
{
	FILE	   *f;
	StringInfoData buf;
	char		chunk[4096];
	size_t		n;

	*missing = false;
	*problem = NULL;
	f = AllocateFile(path, "r");
	if (f == NULL)
	{
		if (errno == ENOENT || errno == ENOTDIR)
			*missing = true;
		else
			*problem = psprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	initStringInfo(&buf);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
	{
		if (buf.len + n > DYNAMO_CRED_MAX_READ)
		{
			FreeFile(f);
			*problem = psprintf("%s: larger than %d bytes", path,
								DYNAMO_CRED_MAX_READ);
			return NULL;
		}
		appendBinaryStringInfo(&buf, chunk, (int) n);
	}
	if (ferror(f))
	{
		*problem = psprintf("%s: %s", path, strerror(errno));
		FreeFile(f);
		return NULL;
	}
	FreeFile(f);
	return buf.data;
}

/*
 * Add one entry to the list of places looked at, for the detail of the
 * final "no AWS credentials found" error.  TRIED may be NULL.
 */
void
dynamo_cred_tried(StringInfo tried, const char *fmt,...)
{
	if (tried == NULL)
		return;
	if (tried->len > 0)
		appendStringInfoString(tried, "; ");
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(tried, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(tried, needed);
	}
}
