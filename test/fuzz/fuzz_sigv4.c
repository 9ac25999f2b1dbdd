/*-------------------------------------------------------------------------
 *
 * fuzz_sigv4.c
 *		  libFuzzer target: the SigV4 signer (src/aws/sigv4.c) on arbitrary
 *		  requests, with properties checked on every input.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  test/fuzz/fuzz_sigv4.c
 *
 * The input is split at NUL bytes into fields:
 *
 *	0 flags (first byte, low 3 bits: 1 keep the path as is, 2 unsigned token,
 *	  4 presign as well; the next 8 bytes, little-endian, the signing instant)
 *	1 method   2 path   3 query   4 headers ("name:value" lines)
 *	5 payload  6 access key id   7 secret key   8 session token (empty: none)
 *	9 region   10 service
 *
 * A missing field is empty.  Properties checked:
 *
 *	- the canonical query is idempotent (canonicalising it again changes
 *	  nothing), sorted, and made only of unreserved bytes, '%XX' (upper-case
 *	  hex), '=' and '&';
 *	- the canonical URI starts with '/', is made only of unreserved bytes,
 *	  '/' and '%XX'; normalised, it has no empty, "." or ".." segment, and
 *	  decoding then canonicalising it again gives it back;
 *	- canonical headers: lower-case names in strictly ascending order, one
 *	  per line, values without leading, trailing or doubled white space, and
 *	  the signed headers list is exactly those names;
 *	- sigv4_sign_ext() succeeds, is deterministic, its trace's canonical
 *	  request is the one the stages build, its signature is the one the
 *	  stages compute, and its Authorization value has the documented form;
 *	- the secret key never appears in the Authorization value, the canonical
 *	  request, the string to sign or a presigned query;
 *	- presigning: the sorted query is the canonical query of the query sent,
 *	  and both carry a 64-hex-digit X-Amz-Signature;
 *	- no crash, no leak, no undefined behaviour (under ASan/UBSan).
 *
 *-------------------------------------------------------------------------
 */
#define _GNU_SOURCE				/* memmem */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFIELDS 11
#define MAXHEADERS 32

static void
fail(const char *what, const char *a, const char *b)
{
	fprintf(stderr, "PROPERTY: %s\n", what);
	if (a)
		fprintf(stderr, "  got:      [%s]\n", a);
	if (b)
		fprintf(stderr, "  expected: [%s]\n", b);
	abort();
}

static int
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
}

static int
is_upper_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* Only unreserved bytes, %XX and the bytes of EXTRA. */
static int
well_encoded(const char *s, const char *extra)
{
	for (; *s; s++)
	{
		if (is_unreserved((unsigned char) *s) || strchr(extra, *s) != NULL)
			continue;
		if (s[0] == '%' && is_upper_hex(s[1]) && is_upper_hex(s[2]))
		{
			s += 2;
			continue;
		}
		return 0;
	}
	return 1;
}

static void
check_query(const char *query)
{
	char	   *cq = sigv4_canonical_query(query);
	char	   *again;
	char	   *copy;
	char	   *prev = NULL;
	char	   *p;

	if (cq == NULL)
		fail("sigv4_canonical_query returned NULL", query, NULL);
	if (!well_encoded(cq, "=&"))
		fail("canonical query has a byte that should be encoded", cq, NULL);
	again = sigv4_canonical_query(cq);
	if (again == NULL || strcmp(again, cq) != 0)
		fail("canonical query is not idempotent", again, cq);

	/* pairs ascending by name, then value (as byte strings) */
	copy = strdup(cq);
	for (p = strtok(copy, "&"); p != NULL; p = strtok(NULL, "&"))
	{
		if (strchr(p, '=') == NULL)
			fail("canonical query pair without '='", p, cq);
		if (prev != NULL)
		{
			size_t		np = strcspn(prev, "="),
						nc = strcspn(p, "=");
			int			c = memcmp(prev, p, np < nc ? np : nc);

			if (c == 0)
				c = (np > nc) - (np < nc);
			if (c > 0 || (c == 0 && strcmp(prev + np, p + nc) > 0))
				fail("canonical query is not sorted", cq, NULL);
		}
		prev = p;
	}
	free(copy);
	free(again);
	free(cq);
}

static char *
decode(const char *s)
{
	char	   *out = malloc(strlen(s) + 1);
	char	   *o = out;

	for (; *s; s++)
	{
		if (s[0] == '%' && is_upper_hex(s[1]) && is_upper_hex(s[2]))
		{
			char		h[3] = {s[1], s[2], 0};

			*o++ = (char) strtol(h, NULL, 16);
			s += 2;
		}
		else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

static void
check_uri(const char *path, int keep_path)
{
	char	   *cu = sigv4_canonical_uri(path, keep_path);

	if (cu == NULL)
		fail("sigv4_canonical_uri returned NULL", path, NULL);
	if (!keep_path && cu[0] != '/')
		fail("canonical URI does not start with '/'", cu, path);
	if (!well_encoded(cu, "/"))
		fail("canonical URI has a byte that should be encoded", cu, path);
	if (!keep_path)
	{
		char	   *raw = decode(cu);
		char	   *again;

		if (strcmp(cu, "/") != 0 &&
			(strstr(raw, "//") != NULL || strstr(raw, "/./") != NULL ||
			 strstr(raw, "/../") != NULL ||
			 (strlen(raw) >= 2 && strcmp(raw + strlen(raw) - 2, "/.") == 0) ||
			 (strlen(raw) >= 3 && strcmp(raw + strlen(raw) - 3, "/..") == 0)))
			fail("normalised canonical URI keeps an empty, '.' or '..' segment", cu, path);
		/* normalising is idempotent: decode, canonicalise, same result */
		again = sigv4_canonical_uri(raw, 0);
		if (again == NULL || strcmp(again, cu) != 0)
			fail("canonical URI of the decoded canonical URI differs", again, cu);
		free(again);
		free(raw);
	}
	free(cu);
}

static void
check_headers(const SigV4Header *h, int n)
{
	char	   *signed_headers = NULL;
	char	   *ch = sigv4_canonical_headers(h, n, &signed_headers);
	char	   *names;
	char	   *line;
	char	   *saveptr = NULL;
	char	   *copy;
	char	   *prev = NULL;
	int			i,
				plain = 1;

	if (ch == NULL || signed_headers == NULL)
		fail("sigv4_canonical_headers returned NULL", NULL, NULL);

	/* names made of bytes that cannot confuse the format */
	for (i = 0; i < n; i++)
		if (h[i].name[0] == '\0' || strpbrk(h[i].name, ";:\n\r\t ") != NULL)
			plain = 0;
	if (plain && n > 0)
	{
		size_t		len = strlen(ch);

		if (len == 0 || ch[len - 1] != '\n')
			fail("canonical headers do not end with a newline", ch, NULL);
		names = calloc(1, len + 1);
		copy = strdup(ch);
		for (line = strtok_r(copy, "\n", &saveptr); line != NULL;
			 line = strtok_r(NULL, "\n", &saveptr))
		{
			char	   *colon = strchr(line, ':');
			char	   *c;

			if (colon == NULL)
				fail("canonical header line without ':'", line, ch);
			*colon = '\0';
			for (c = line; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					fail("canonical header name not lower case", line, ch);
			if (prev != NULL && strcmp(prev, line) >= 0)
				fail("canonical header names not strictly ascending", ch, NULL);
			c = colon + 1;
			if (*c == ' ' || (*c && c[strlen(c) - 1] == ' ') || strstr(c, "  ") != NULL)
				fail("canonical header value not trimmed", c, NULL);
			if (names[0] != '\0')
				strcat(names, ";");
			strcat(names, line);
			prev = line;
		}
		if (strcmp(names, signed_headers) != 0)
			fail("signed headers are not the canonical header names", signed_headers, names);
		free(names);
		free(copy);
	}
	free(ch);
	free(signed_headers);
}

/* Does S hold SECRET?  (NULL-safe) */
static int
leaks(const char *s, const char *secret)
{
	return s != NULL && secret[0] != '\0' && strstr(s, secret) != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *buf;
	char	   *f[NFIELDS];
	size_t		flen[NFIELDS];
	int			nf = 0;
	size_t		i,
				start = 0;
	SigV4Header headers[MAXHEADERS + 1];
	int			nheaders = 0;
	SigV4Request req;
	SigV4Credentials creds;
	SigV4Scope	scope;
	SigV4Signed s1,
				s2;
	SigV4Trace	trace;
	int			flags = 0;
	int64_t		when = 1440938160;	/* 2015-08-30T12:36:00Z, the suite's */
	char	   *hcopy;
	char	   *line;
	char	   *saveptr = NULL;
	int			secret_private;

	if (size > 64 * 1024)
		return 0;
	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = 0; i <= size && nf < NFIELDS; i++)
	{
		if (i == size || buf[i] == '\0')
		{
			f[nf] = buf + start;
			flen[nf++] = i - start;
			start = i + 1;
		}
	}
	while (nf < NFIELDS)
	{
		f[nf] = buf + size;		/* "" */
		flen[nf++] = 0;
	}

	if (flen[0] >= 1)
		flags = (unsigned char) f[0][0] & 7;
	if (flen[0] >= 9)
	{
		uint64_t	w = 0;

		for (i = 0; i < 8; i++)
			w |= (uint64_t) (unsigned char) f[0][1 + i] << (8 * i);
		/* keep to years gmtime can print: 0001 .. 9999 and beyond */
		when = (int64_t) (w % (uint64_t) 400000000000LL) - 62135596800LL;
	}

	/* headers: "name:value" lines; always a Host */
	headers[nheaders].name = "Host";
	headers[nheaders++].value = "dynamodb.us-east-1.amazonaws.com";
	hcopy = strdup(f[4]);
	for (line = strtok_r(hcopy, "\n", &saveptr); line != NULL && nheaders <= MAXHEADERS;
		 line = strtok_r(NULL, "\n", &saveptr))
	{
		char	   *colon = strchr(line, ':');

		if (colon == NULL)
			continue;
		*colon = '\0';
		headers[nheaders].name = line;
		headers[nheaders++].value = colon + 1;
	}

	req.method = flen[1] ? f[1] : "POST";
	req.path = f[2];
	req.query = f[3];
	req.headers = headers;
	req.nheaders = nheaders;
	req.payload = f[5];
	req.payload_len = flen[5];
	creds.access_key_id = f[6];
	creds.secret_access_key = f[7];
	creds.session_token = flen[8] ? f[8] : NULL;
	scope.region = flen[9] ? f[9] : "us-east-1";
	scope.service = flen[10] ? f[10] : "dynamodb";
	scope.when = (time_t) when;

	/* the stages alone */
	check_query(req.query);
	check_uri(req.path, flags & SIGV4_KEEP_PATH);
	check_headers(headers, nheaders);

	/* the whole signature, twice, with a trace the second time */
	if (sigv4_sign_ext(&req, &creds, &scope, flags & (SIGV4_KEEP_PATH | SIGV4_UNSIGNED_TOKEN),
					   &s1, NULL) != 0)
		fail("sigv4_sign_ext failed", NULL, NULL);
	if (sigv4_sign_ext(&req, &creds, &scope, flags & (SIGV4_KEEP_PATH | SIGV4_UNSIGNED_TOKEN),
					   &s2, &trace) != 0)
		fail("sigv4_sign_ext failed with a trace", NULL, NULL);
	if (strcmp(s1.authorization, s2.authorization) != 0 ||
		strcmp(s1.amz_date, s2.amz_date) != 0)
		fail("signing is not deterministic", s2.authorization, s1.authorization);
	if ((s1.security_token != NULL) != (creds.session_token != NULL))
		fail("security token returned iff there is one", s1.security_token, creds.session_token);

	/* the stages give the same signature */
	{
		char		amz_date[17];
		char		sig[65];
		char	   *cscope;
		char	   *expect;
		size_t		elen;
		char	   *sts;

		sigv4_amz_date(scope.when, amz_date);
		if (strcmp(amz_date, s1.amz_date) != 0)
			fail("X-Amz-Date differs from sigv4_amz_date", s1.amz_date, amz_date);
		sts = sigv4_string_to_sign(trace.canonical_request, &scope);
		if (sts == NULL || strcmp(sts, trace.string_to_sign) != 0)
			fail("string to sign differs from the stage's", trace.string_to_sign, sts);
		if (sigv4_signature(creds.secret_access_key, &scope, sts, sig) != 0)
			fail("sigv4_signature failed", NULL, NULL);
		cscope = sigv4_credential_scope(&scope);
		elen = strlen(creds.access_key_id) + strlen(cscope) + strlen(trace.signed_headers) + 128;
		expect = malloc(elen);
		snprintf(expect, elen, "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
				 creds.access_key_id, cscope, trace.signed_headers, sig);
		if (strcmp(expect, s1.authorization) != 0)
			fail("Authorization differs from the stages'", s1.authorization, expect);
		free(expect);
		free(cscope);
		free(sts);
	}

	/*
	 * The secret must not show in anything sent or traced.  Checked for a
	 * secret shaped so that no output can hold it by chance: 12 bytes or
	 * more with a '+' (which every canonical form encodes), no white space
	 * (header values are only trimmed and folded), no '%', no '&' or '='
	 * (a presigned query joins its caller's query, kept as given, to its
	 * own parameters with them: a query "...X" and a secret "...X&" meet
	 * there), and not inside another field (those are signed as they are).
	 */
	secret_private = flen[7] >= 12 && strchr(f[7], '+') != NULL &&
		strpbrk(f[7], "%&= \t\n\r\v\f") == NULL;
	for (i = 0; i < NFIELDS && secret_private; i++)
		if (i != 7 && flen[i] > 0 && memmem(f[i], flen[i], f[7], flen[7]) != NULL)
			secret_private = 0;
	if (secret_private &&
		(leaks(s1.authorization, f[7]) || leaks(trace.canonical_request, f[7]) ||
		 leaks(trace.string_to_sign, f[7])))
		fail("the secret key appears in the signed request", f[7], NULL);

	sigv4_signed_free(&s1);
	sigv4_signed_free(&s2);
	sigv4_trace_free(&trace);

	/* presigning */
	if (flags & 4)
	{
		SigV4Presigned p;
		char	   *cq;
		char		needle[96];

		if (sigv4_presign(&req, &creds, &scope, 900,
						  flags & (SIGV4_KEEP_PATH | SIGV4_UNSIGNED_TOKEN), &p, NULL) != 0)
			fail("sigv4_presign failed", NULL, NULL);
		cq = sigv4_canonical_query(p.query);
		if (cq == NULL || strcmp(cq, p.sorted_query) != 0)
			fail("presigned sorted query is not the canonical form of the query", p.sorted_query, cq);
		snprintf(needle, sizeof(needle), "X-Amz-Signature=%s", p.signature);
		if (strlen(p.signature) != 64 || strspn(p.signature, "0123456789abcdef") != 64 ||
			strstr(p.sorted_query, needle) == NULL || strstr(p.query, needle) == NULL)
			fail("presigned query lacks its signature", p.sorted_query, p.signature);
		if (secret_private && (leaks(p.query, f[7]) || leaks(p.sorted_query, f[7])))
			fail("the secret key appears in a presigned query", f[7], NULL);
		free(cq);
		sigv4_presigned_free(&p);
	}

	free(hcopy);
	free(buf);
	return 0;
}
