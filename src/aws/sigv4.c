/*-------------------------------------------------------------------------
 *
 * sigv4.c
 *		  AWS Signature Version 4, in stages.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/sigv4.c
 *
 * The stages, as AWS documents them and as the AWS SigV4 test suite checks
 * them one by one:
 *
 *	1. canonical request: method, canonical URI (path normalised, then
 *	   URI-encoded as sent), canonical query (decoded, re-encoded, sorted),
 *	   canonical headers (lower-case names, trimmed values, repeated names
 *	   joined), signed headers, hex SHA-256 of the payload;
 *	2. string to sign: algorithm, X-Amz-Date, credential scope, hash of 1;
 *	3. signing key: HMAC chain of "AWS4" + secret over day, region, service
 *	   and "aws4_request";
 *	4. signature: hex HMAC of 2 under 3;
 *	5. the Authorization header (header form) or the X-Amz-* query
 *	   parameters (presigned form).
 *
 * SHA-256 and HMAC come from OpenSSL.  No PostgreSQL headers: results are
 * malloc'd and every allocation failure is reported to the caller, so the
 * unit tests link this file alone and the backend can ereport.  Copies of
 * secret material (the keyed HMAC chain) are wiped before they are freed.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sigv4.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"

/* The hash of an empty payload, the common case of GET requests. */
#define EMPTY_PAYLOAD_HASH \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/*
 * A growable malloc'd string.  After an allocation failure every append is
 * a no-op and buf_finish() returns NULL, so callers check once at the end.
 */
typedef struct Buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	int			failed;
} Buf;

static void
buf_add(Buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap)
	{
		size_t		newcap = b->cap ? b->cap : 128;
		char	   *p;

		while (b->len + n + 1 > newcap)
			newcap *= 2;
		p = realloc(b->data, newcap);
		if (p == NULL)
		{
			free(b->data);
			b->data = NULL;
			b->len = b->cap = 0;
			b->failed = 1;
			return;
		}
		b->data = p;
		b->cap = newcap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
buf_str(Buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* The string built, malloc'd (never NULL unless allocation failed). */
static char *
buf_finish(Buf *b)
{
	if (!b->failed && b->data == NULL)
		buf_add(b, "", 0);
	return b->failed ? NULL : b->data;
}

/* Free a string that may hold secret material. */
static void
free_wiped(char *s)
{
	if (s != NULL)
	{
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

static void
hex_lower(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t		i;

	for (i = 0; i < n; i++)
	{
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

static int
hmac_sha256(const unsigned char *key, size_t keylen,
			const void *msg, size_t msglen, unsigned char out[32])
{
	unsigned int outlen = 0;

	if (HMAC(EVP_sha256(), key, (int) keylen, msg, msglen, out, &outlen) == NULL ||
		outlen != 32)
		return -1;
	return 0;
}

void
sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	if (!EVP_Digest(data ? data : "", len, digest, &dlen, EVP_sha256(), NULL) ||
		dlen != 32)
	{
		/* cannot happen with a working libcrypto; make it visible anyway */
		memset(out, '0', 64);
		out[64] = '\0';
		return;
	}
	hex_lower(digest, 32, out);
}

void
sigv4_amz_date(time_t when, char out[17])
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	gmtime_r(&when, &tm);
	/* years past 9999 do not fit the format; AWS would refuse them anyway */
	if (strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		strcpy(out, "99991231T235959Z");
}

/* ---- Encoding ---- */

static int
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') ||
		c == '-' || c == '_' || c == '.' || c == '~';
}

static void
buf_uri_encode(Buf *b, const char *s, size_t n, int keep_slash)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t		i;

	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (is_unreserved(c) || (keep_slash && c == '/'))
			buf_add(b, &s[i], 1);
		else
		{
			char		esc[3];

			esc[0] = '%';
			esc[1] = digits[c >> 4];
			esc[2] = digits[c & 0x0f];
			buf_add(b, esc, 3);
		}
	}
}

char *
sigv4_uri_encode(const char *s, size_t n, int keep_slash)
{
	Buf			b = {0};

	buf_uri_encode(&b, s, n, keep_slash);
	return buf_finish(&b);
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode N bytes of S into B.  '+' stays '+' (a query string in a
 * signed request is not form data), and a '%' not followed by two hex digits
 * stays as it is.
 */
static void
buf_uri_decode(Buf *b, const char *s, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		if (s[i] == '%' && i + 2 < n &&
			hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0)
		{
			char		c = (char) (hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));

			buf_add(b, &c, 1);
			i += 2;
		}
		else
			buf_add(b, &s[i], 1);
	}
}

/* ---- Stage 1: the canonical request ---- */

/*
 * The canonical URI.  Normalisation removes empty and "." segments and lets
 * ".." drop the segment before it; the result keeps the leading slash and
 * keeps a trailing slash when the path had one and something is left, as the
 * AWS SDKs do.  Then every byte but the unreserved ones and '/' is
 * percent-encoded, whatever the path already holds: for services other than
 * S3, AWS encodes the path as sent once more.
 */
char *
sigv4_canonical_uri(const char *path, int keep_path)
{
	Buf			norm = {0};
	Buf			out = {0};
	size_t		n;
	const char *p;
	size_t	   *starts;			/* offsets in norm of each kept segment */
	size_t		nsegs = 0;

	if (path == NULL || path[0] == '\0')
		path = "/";
	n = strlen(path);

	if (keep_path)
	{
		buf_uri_encode(&out, path, n, 1);
		return buf_finish(&out);
	}

	starts = malloc(sizeof(size_t) * (n + 1));
	if (starts == NULL)
		return NULL;

	/* norm holds "/seg1/seg2..." as segments are kept or dropped */
	buf_add(&norm, "", 0);
	p = path;
	while (*p)
	{
		const char *seg;
		size_t		len;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		seg = p;
		while (*p && *p != '/')
			p++;
		len = (size_t) (p - seg);

		if (len == 1 && seg[0] == '.')
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.')
		{
			if (nsegs > 0 && !norm.failed)
			{
				nsegs--;
				norm.len = starts[nsegs];
				norm.data[norm.len] = '\0';
			}
			continue;
		}
		starts[nsegs++] = norm.len;
		buf_add(&norm, "/", 1);
		buf_add(&norm, seg, len);
	}
	if (nsegs == 0)
		buf_add(&norm, "/", 1);
	else if (path[n - 1] == '/')
		buf_add(&norm, "/", 1);
	free(starts);

	if (buf_finish(&norm) == NULL)
		return NULL;
	buf_uri_encode(&out, norm.data, norm.len, 1);
	free(norm.data);
	return buf_finish(&out);
}

typedef struct QueryPair
{
	char	   *name;			/* URI-encoded */
	char	   *value;			/* URI-encoded */
} QueryPair;

static int
query_pair_cmp(const void *a, const void *b)
{
	const QueryPair *x = (const QueryPair *) a;
	const QueryPair *y = (const QueryPair *) b;
	int			c = strcmp(x->name, y->name);

	return c != 0 ? c : strcmp(x->value, y->value);
}

/* Decode then encode N bytes of S: the canonical form of a name or value. */
static char *
recode(const char *s, size_t n)
{
	Buf			raw = {0};
	char	   *out;

	buf_uri_decode(&raw, s, n);
	if (buf_finish(&raw) == NULL)
		return NULL;
	out = sigv4_uri_encode(raw.data, raw.len, 0);
	free(raw.data);
	return out;
}

char *
sigv4_canonical_query(const char *query)
{
	QueryPair  *pairs;
	size_t		npairs = 0;
	size_t		maxpairs = 1;
	const char *p;
	size_t		i;
	Buf			out = {0};
	int			failed = 0;

	if (query == NULL || query[0] == '\0')
		return buf_finish(&out);

	for (p = query; *p; p++)
		if (*p == '&')
			maxpairs++;
	pairs = calloc(maxpairs, sizeof(QueryPair));
	if (pairs == NULL)
		return NULL;

	p = query;
	while (*p && !failed)
	{
		const char *amp = strchr(p, '&');
		size_t		len = amp ? (size_t) (amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);

		if (len > 0)
		{
			size_t		nlen = eq ? (size_t) (eq - p) : len;

			pairs[npairs].name = recode(p, nlen);
			pairs[npairs].value = eq ? recode(eq + 1, len - nlen - 1) : recode("", 0);
			if (pairs[npairs].name == NULL || pairs[npairs].value == NULL)
				failed = 1;
			npairs++;
		}
		p += len;
		if (*p == '&')
			p++;
	}

	if (!failed)
	{
		qsort(pairs, npairs, sizeof(QueryPair), query_pair_cmp);
		for (i = 0; i < npairs; i++)
		{
			if (i > 0)
				buf_add(&out, "&", 1);
			buf_str(&out, pairs[i].name);
			buf_add(&out, "=", 1);
			buf_str(&out, pairs[i].value);
		}
	}
	for (i = 0; i < npairs; i++)
	{
		free(pairs[i].name);
		free(pairs[i].value);
	}
	free(pairs);
	if (failed)
	{
		free(out.data);
		return NULL;
	}
	return buf_finish(&out);
}

typedef struct CanonHeader
{
	char	   *name;			/* lower case copy */
	const char *value;
	int			pos;			/* place in the request: keeps repeats in order */
} CanonHeader;

static int
canon_header_cmp(const void *a, const void *b)
{
	const CanonHeader *x = (const CanonHeader *) a;
	const CanonHeader *y = (const CanonHeader *) b;
	int			c = strcmp(x->name, y->name);

	return c != 0 ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
		c == '\f';
}

/* VALUE without leading and trailing white space, inner runs folded. */
static void
buf_header_value(Buf *b, const char *value)
{
	const char *v = value ? value : "";
	int			pending_space = 0;

	while (is_space(*v))
		v++;
	for (; *v; v++)
	{
		if (is_space(*v))
		{
			pending_space = 1;
			continue;
		}
		if (pending_space)
			buf_add(b, " ", 1);
		pending_space = 0;
		buf_add(b, v, 1);
	}
}

char *
sigv4_canonical_headers(const SigV4Header *headers, int nheaders,
						char **signed_headers)
{
	CanonHeader *hs;
	Buf			out = {0};
	Buf			names = {0};
	int			i;
	int			failed = 0;

	*signed_headers = NULL;
	hs = calloc(nheaders > 0 ? nheaders : 1, sizeof(CanonHeader));
	if (hs == NULL)
		return NULL;
	for (i = 0; i < nheaders; i++)
	{
		char	   *c;

		hs[i].name = strdup(headers[i].name);
		if (hs[i].name == NULL)
		{
			failed = 1;
			break;
		}
		for (c = hs[i].name; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char) (*c - 'A' + 'a');
		hs[i].value = headers[i].value;
		hs[i].pos = i;
	}

	if (!failed)
	{
		qsort(hs, nheaders, sizeof(CanonHeader), canon_header_cmp);
		for (i = 0; i < nheaders; i++)
		{
			if (i > 0 && strcmp(hs[i].name, hs[i - 1].name) == 0)
			{
				/* a repeated header: its values joined in request order */
				buf_add(&out, ",", 1);
				buf_header_value(&out, hs[i].value);
				continue;
			}
			if (i > 0)
			{
				buf_add(&out, "\n", 1);
				buf_add(&names, ";", 1);
			}
			buf_str(&out, hs[i].name);
			buf_add(&out, ":", 1);
			buf_header_value(&out, hs[i].value);
			buf_str(&names, hs[i].name);
		}
		if (nheaders > 0)
			buf_add(&out, "\n", 1);
	}

	for (i = 0; i < nheaders; i++)
		free(hs[i].name);
	free(hs);

	if (failed || buf_finish(&out) == NULL || buf_finish(&names) == NULL)
	{
		free(out.data);
		free(names.data);
		return NULL;
	}
	*signed_headers = names.data;
	return out.data;
}

char *
sigv4_canonical_request(const char *method, const char *canonical_uri,
						const char *canonical_query,
						const char *canonical_headers,
						const char *signed_headers, const char *payload_hash)
{
	Buf			out = {0};

	buf_str(&out, method);
	buf_add(&out, "\n", 1);
	buf_str(&out, canonical_uri);
	buf_add(&out, "\n", 1);
	buf_str(&out, canonical_query);
	buf_add(&out, "\n", 1);
	buf_str(&out, canonical_headers);
	buf_add(&out, "\n", 1);
	buf_str(&out, signed_headers);
	buf_add(&out, "\n", 1);
	buf_str(&out, payload_hash);
	return buf_finish(&out);
}

/* ---- Stages 2 to 5 ---- */

char *
sigv4_credential_scope(const SigV4Scope *scope)
{
	char		amz_date[17];
	Buf			out = {0};

	sigv4_amz_date(scope->when, amz_date);
	buf_add(&out, amz_date, 8);
	buf_add(&out, "/", 1);
	buf_str(&out, scope->region);
	buf_add(&out, "/", 1);
	buf_str(&out, scope->service);
	buf_str(&out, "/aws4_request");
	return buf_finish(&out);
}

char *
sigv4_string_to_sign(const char *canonical_request, const SigV4Scope *scope)
{
	char		amz_date[17];
	char		hash[65];
	char	   *cscope;
	Buf			out = {0};

	cscope = sigv4_credential_scope(scope);
	if (cscope == NULL)
		return NULL;
	sigv4_amz_date(scope->when, amz_date);
	sigv4_sha256_hex(canonical_request, strlen(canonical_request), hash);

	buf_str(&out, SIGV4_ALGORITHM "\n");
	buf_str(&out, amz_date);
	buf_add(&out, "\n", 1);
	buf_str(&out, cscope);
	buf_add(&out, "\n", 1);
	buf_str(&out, hash);
	free(cscope);
	return buf_finish(&out);
}

int
sigv4_signing_key(const char *secret, const SigV4Scope *scope,
				  unsigned char key[32])
{
	char		amz_date[17];
	size_t		slen = strlen(secret);
	unsigned char *k0;
	unsigned char k_date[32];
	unsigned char k_region[32];
	unsigned char k_service[32];
	int			rc = 0;

	k0 = malloc(slen + 4);
	if (k0 == NULL)
		return -1;
	memcpy(k0, "AWS4", 4);
	memcpy(k0 + 4, secret, slen);
	sigv4_amz_date(scope->when, amz_date);

	if (hmac_sha256(k0, slen + 4, amz_date, 8, k_date) != 0 ||
		hmac_sha256(k_date, 32, scope->region, strlen(scope->region), k_region) != 0 ||
		hmac_sha256(k_region, 32, scope->service, strlen(scope->service), k_service) != 0 ||
		hmac_sha256(k_service, 32, "aws4_request", 12, key) != 0)
		rc = -1;

	OPENSSL_cleanse(k0, slen + 4);
	free(k0);
	OPENSSL_cleanse(k_date, sizeof(k_date));
	OPENSSL_cleanse(k_region, sizeof(k_region));
	OPENSSL_cleanse(k_service, sizeof(k_service));
	return rc;
}

int
sigv4_signature(const char *secret, const SigV4Scope *scope,
				const char *string_to_sign, char out[65])
{
	unsigned char key[32];
	unsigned char mac[32];
	int			rc;

	out[0] = '\0';
	rc = sigv4_signing_key(secret, scope, key);
	if (rc == 0)
		rc = hmac_sha256(key, 32, string_to_sign, strlen(string_to_sign), mac);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc != 0)
		return -1;
	hex_lower(mac, 32, out);
	return 0;
}

char *
sigv4_authorization(const char *access_key_id, const SigV4Scope *scope,
					const char *signed_headers, const char *signature)
{
	char	   *cscope = sigv4_credential_scope(scope);
	Buf			out = {0};

	if (cscope == NULL)
		return NULL;
	buf_str(&out, SIGV4_ALGORITHM " Credential=");
	buf_str(&out, access_key_id);
	buf_add(&out, "/", 1);
	buf_str(&out, cscope);
	buf_str(&out, ", SignedHeaders=");
	buf_str(&out, signed_headers);
	buf_str(&out, ", Signature=");
	buf_str(&out, signature);
	free(cscope);
	return buf_finish(&out);
}

/* ---- Putting the stages together ---- */

/*
 * Canonical request, string to sign and signature of REQ with EXTRA headers
 * signed after its own and QUERY in place of req->query.  Fills
 * *signed_headers (malloc'd) and signature; records the texts in TRACE when
 * asked.  Returns 0 or -1 (nothing left allocated).
 */
static int
sign_stages(const SigV4Request *req, const SigV4Header *extra, int nextra,
			const char *query, const SigV4Credentials *creds,
			const SigV4Scope *scope, int flags,
			char **signed_headers, char signature[65], SigV4Trace *trace)
{
	SigV4Header *all;
	char		payload_hash[65];
	char	   *curi = NULL;
	char	   *cquery = NULL;
	char	   *cheaders = NULL;
	char	   *creq = NULL;
	char	   *sts = NULL;
	int			nall = req->nheaders + nextra;
	int			rc = -1;

	*signed_headers = NULL;
	all = malloc(sizeof(SigV4Header) * (nall > 0 ? nall : 1));
	if (all == NULL)
		return -1;
	if (req->nheaders > 0)
		memcpy(all, req->headers, sizeof(SigV4Header) * req->nheaders);
	if (nextra > 0)
		memcpy(all + req->nheaders, extra, sizeof(SigV4Header) * nextra);

	if (req->payload == NULL || req->payload_len == 0)
		strcpy(payload_hash, EMPTY_PAYLOAD_HASH);
	else
		sigv4_sha256_hex(req->payload, req->payload_len, payload_hash);

	curi = sigv4_canonical_uri(req->path, (flags & SIGV4_KEEP_PATH) != 0);
	cquery = sigv4_canonical_query(query);
	cheaders = sigv4_canonical_headers(all, nall, signed_headers);
	if (curi == NULL || cquery == NULL || cheaders == NULL)
		goto done;
	creq = sigv4_canonical_request(req->method, curi, cquery, cheaders,
								   *signed_headers, payload_hash);
	if (creq == NULL)
		goto done;
	sts = sigv4_string_to_sign(creq, scope);
	if (sts == NULL)
		goto done;
	if (sigv4_signature(creds->secret_access_key, scope, sts, signature) != 0)
		goto done;

	if (trace != NULL)
	{
		trace->canonical_request = creq;
		trace->string_to_sign = sts;
		trace->signed_headers = strdup(*signed_headers);
		creq = sts = NULL;
		if (trace->signed_headers == NULL)
		{
			sigv4_trace_free(trace);
			goto done;
		}
	}
	rc = 0;

done:
	free(all);
	free(curi);
	free(cquery);
	free(cheaders);
	free(creq);
	free(sts);
	if (rc != 0)
	{
		free(*signed_headers);
		*signed_headers = NULL;
	}
	return rc;
}

int
sigv4_sign(const SigV4Request *req, const SigV4Credentials *creds,
		   const SigV4Scope *scope, SigV4Signed *out)
{
	return sigv4_sign_ext(req, creds, scope, 0, out, NULL);
}

int
sigv4_sign_ext(const SigV4Request *req, const SigV4Credentials *creds,
			   const SigV4Scope *scope, int flags, SigV4Signed *out,
			   SigV4Trace *trace)
{
	char		amz_date[17];
	char		signature[65];
	SigV4Header extra[2];
	int			nextra = 0;
	char	   *signed_headers = NULL;
	int			has_token = creds->session_token != NULL &&
		creds->session_token[0] != '\0';

	memset(out, 0, sizeof(*out));
	if (trace != NULL)
		memset(trace, 0, sizeof(*trace));
	sigv4_amz_date(scope->when, amz_date);

	extra[nextra].name = "x-amz-date";
	extra[nextra++].value = amz_date;
	if (has_token && !(flags & SIGV4_UNSIGNED_TOKEN))
	{
		extra[nextra].name = "x-amz-security-token";
		extra[nextra++].value = creds->session_token;
	}

	if (sign_stages(req, extra, nextra, req->query, creds, scope, flags,
					&signed_headers, signature, trace) != 0)
		return -1;

	out->authorization = sigv4_authorization(creds->access_key_id, scope,
											 signed_headers, signature);
	out->amz_date = strdup(amz_date);
	if (has_token)
		out->security_token = strdup(creds->session_token);
	free(signed_headers);
	OPENSSL_cleanse(signature, sizeof(signature));

	if (out->authorization == NULL || out->amz_date == NULL ||
		(has_token && out->security_token == NULL))
	{
		sigv4_signed_free(out);
		if (trace != NULL)
			sigv4_trace_free(trace);
		return -1;
	}
	return 0;
}

void
sigv4_signed_free(SigV4Signed *s)
{
	free(s->amz_date);
	free_wiped(s->security_token);
	free_wiped(s->authorization);
	s->amz_date = s->security_token = s->authorization = NULL;
}

/* Append "&NAME=VALUE" (the first without '&'), VALUE URI-encoded. */
static void
buf_param(Buf *b, const char *name, const char *value)
{
	if (b->len > 0)
		buf_add(b, "&", 1);
	buf_str(b, name);
	buf_add(b, "=", 1);
	buf_uri_encode(b, value, strlen(value), 0);
}

/*
 * The X-Amz-Credential value of a presigned REQ (the access key id and the
 * credential scope) and, in *SIGNED_HEADERS, its X-Amz-SignedHeaders: both
 * go into the query that is signed, so they come first.  Both malloc'd;
 * NULL (and *SIGNED_HEADERS NULL) on failure.
 */
static char *
presign_credential(const SigV4Request *req, const SigV4Credentials *creds,
				   const SigV4Scope *scope, char **signed_headers)
{
	char	   *tmp;
	char	   *cscope;
	Buf			credential = {0};

	*signed_headers = NULL;
	tmp = sigv4_canonical_headers(req->headers, req->nheaders, signed_headers);
	if (tmp == NULL)
		return NULL;
	free(tmp);
	cscope = sigv4_credential_scope(scope);
	if (cscope == NULL)
	{
		free(*signed_headers);
		*signed_headers = NULL;
		return NULL;
	}
	buf_str(&credential, creds->access_key_id);
	buf_add(&credential, "/", 1);
	buf_str(&credential, cscope);
	free(cscope);
	if (buf_finish(&credential) == NULL)
	{
		free(*signed_headers);
		*signed_headers = NULL;
		return NULL;
	}
	return credential.data;
}

int
sigv4_presign(const SigV4Request *req, const SigV4Credentials *creds,
			  const SigV4Scope *scope, long expires, int flags,
			  SigV4Presigned *out, SigV4Trace *trace)
{
	char		amz_date[17];
	char		expires_text[32];
	char		signature[65];
	char	   *credential;
	char	   *signed_headers;
	char	   *dummy = NULL;
	Buf			to_sign = {0};	/* the request's query + signing params */
	Buf			query = {0};
	Buf			all = {0};
	int			has_token = creds->session_token != NULL &&
		creds->session_token[0] != '\0';
	int			token_signed = has_token && !(flags & SIGV4_UNSIGNED_TOKEN);

	memset(out, 0, sizeof(*out));
	if (trace != NULL)
		memset(trace, 0, sizeof(*trace));
	sigv4_amz_date(scope->when, amz_date);
	snprintf(expires_text, sizeof(expires_text), "%ld", expires);

	credential = presign_credential(req, creds, scope, &signed_headers);
	if (credential == NULL)
		return -1;

	if (req->query != NULL && req->query[0] != '\0')
		buf_str(&to_sign, req->query);
	buf_param(&to_sign, "X-Amz-Algorithm", SIGV4_ALGORITHM);
	buf_param(&to_sign, "X-Amz-Credential", credential);
	buf_param(&to_sign, "X-Amz-Date", amz_date);
	buf_param(&to_sign, "X-Amz-Expires", expires_text);
	if (token_signed)
		buf_param(&to_sign, "X-Amz-Security-Token", creds->session_token);
	buf_param(&to_sign, "X-Amz-SignedHeaders", signed_headers);

	if (buf_finish(&to_sign) == NULL ||
		sign_stages(req, NULL, 0, to_sign.data, creds, scope, flags,
					&dummy, signature, trace) != 0)
	{
		free(to_sign.data);
		free(credential);
		free(signed_headers);
		return -1;
	}
	free(dummy);

	/* aws-c-auth's order: the request's own query verbatim, then ours */
	if (req->query != NULL && req->query[0] != '\0')
		buf_str(&query, req->query);
	buf_param(&query, "X-Amz-Algorithm", SIGV4_ALGORITHM);
	buf_param(&query, "X-Amz-Credential", credential);
	buf_param(&query, "X-Amz-Date", amz_date);
	buf_param(&query, "X-Amz-SignedHeaders", signed_headers);
	buf_param(&query, "X-Amz-Expires", expires_text);
	if (has_token)
		buf_param(&query, "X-Amz-Security-Token", creds->session_token);
	buf_param(&query, "X-Amz-Signature", signature);

	/* sorted: everything, the signature and an unsigned token included */
	buf_str(&all, to_sign.data);
	if (has_token && !token_signed)
		buf_param(&all, "X-Amz-Security-Token", creds->session_token);
	buf_param(&all, "X-Amz-Signature", signature);

	out->query = buf_finish(&query);
	out->sorted_query = buf_finish(&all) ? sigv4_canonical_query(all.data) : NULL;
	out->signature = strdup(signature);
	out->amz_date = strdup(amz_date);

	free_wiped(to_sign.data);
	free_wiped(all.data);
	free(credential);
	free(signed_headers);

	if (out->query == NULL || out->sorted_query == NULL ||
		out->signature == NULL || out->amz_date == NULL)
	{
		sigv4_presigned_free(out);
		if (trace != NULL)
			sigv4_trace_free(trace);
		return -1;
	}
	return 0;
}

void
sigv4_presigned_free(SigV4Presigned *p)
{
	free(p->amz_date);
	free(p->signature);
	free_wiped(p->query);
	free_wiped(p->sorted_query);
	p->amz_date = p->signature = p->query = p->sorted_query = NULL;
}

void
sigv4_trace_free(SigV4Trace *t)
{
	free_wiped(t->canonical_request);
	free(t->string_to_sign);
	free(t->signed_headers);
	t->canonical_request = t->string_to_sign = t->signed_headers = NULL;
}
