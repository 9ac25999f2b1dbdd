/*-------------------------------------------------------------------------
 *
 * tap.h
 *		  Tiny TAP (Test Anything Protocol) helpers for the C unit tests.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  test/unit/tap.h
 *
 * Each test/unit/test_*.c is one program: it calls tap_ok() and friends,
 * one "ok N - name" or "not ok N - name" line each, and ends with
 * "return tap_done();", which prints the plan "1..N" and gives the exit
 * status (1 when anything failed).  A failed string comparison prints both
 * sides as TAP diagnostics ("# " lines), with control characters escaped so
 * that differences in white space are visible.
 *
 * Header-only on purpose: every test program includes it once.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_TAP_H
#define DYNAMO_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int	tap_count = 0;
static int	tap_failures = 0;

static inline void
tap_vline(int passed, const char *directive, const char *fmt, va_list ap)
{
	tap_count++;
	if (!passed)
		tap_failures++;
	printf("%sok %d - ", passed ? "" : "not ", tap_count);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	printf("\n");
	fflush(stdout);
}

/* One test: PASSED is the verdict, the rest a printf-style name. */
static inline int
tap_ok(int passed, const char *fmt,...) __attribute__((format(printf, 2, 3)));
static inline int
tap_ok(int passed, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	tap_vline(passed, NULL, fmt, ap);
	va_end(ap);
	return passed;
}

/* A test that is not run, with the reason in REASON. */
static inline void
tap_skip(const char *reason, const char *fmt,...) __attribute__((format(printf, 2, 3)));
static inline void
tap_skip(const char *reason, const char *fmt,...)
{
	va_list		ap;
	char		directive[512];

	snprintf(directive, sizeof(directive), "SKIP %s", reason);
	va_start(ap, fmt);
	tap_vline(1, directive, fmt, ap);
	va_end(ap);
}

/* A diagnostic line, "# ..." */
static inline void
tap_diag(const char *fmt,...) __attribute__((format(printf, 1, 2)));
static inline void
tap_diag(const char *fmt,...)
{
	va_list		ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* Print S as one diagnostic line, control bytes as \n, \t, \xNN. */
static inline void
tap_diag_escaped(const char *label, const char *s)
{
	printf("#   %-5s ", label);
	if (s == NULL)
	{
		printf("(null)\n");
		return;
	}
	putchar('"');
	for (; *s; s++)
	{
		unsigned char c = (unsigned char) *s;

		if (c == '\n')
			printf("\\n");
		else if (c == '\t')
			printf("\\t");
		else if (c == '\r')
			printf("\\r");
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("\"\n");
}

/* Compare strings byte for byte; NULL equals only NULL. */
static inline int
tap_is_str(const char *got, const char *want, const char *fmt,...) __attribute__((format(printf, 3, 4)));
static inline int
tap_is_str(const char *got, const char *want, const char *fmt,...)
{
	va_list		ap;
	int			passed;

	passed = (got == NULL || want == NULL) ? got == want : strcmp(got, want) == 0;
	va_start(ap, fmt);
	tap_vline(passed, NULL, fmt, ap);
	va_end(ap);
	if (!passed)
	{
		tap_diag_escaped("got", got);
		tap_diag_escaped("want", want);
	}
	return passed;
}

/* Compare integers. */
static inline int
tap_is_int(long got, long want, const char *fmt,...) __attribute__((format(printf, 3, 4)));
static inline int
tap_is_int(long got, long want, const char *fmt,...)
{
	va_list		ap;
	int			passed = got == want;

	va_start(ap, fmt);
	tap_vline(passed, NULL, fmt, ap);
	va_end(ap);
	if (!passed)
		tap_diag("  got %ld, want %ld", got, want);
	return passed;
}

/* Print the plan; the program's exit status. */
static inline int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failures > 0)
		tap_diag("%d of %d tests failed", tap_failures, tap_count);
	fflush(stdout);
	return tap_failures > 0 ? 1 : 0;
}

#endif							/* DYNAMO_TAP_H */
