# dynamo_fdw — PGXS build.
#
# libcurl, json-c, OpenSSL and zlib (CRC32 of responses) come from the system through pkg-config; nothing
# is vendored.  Set WERROR=1 (scripts/test.sh does) for -Werror.

MODULE_big = dynamo_fdw
EXTENSION  = dynamo_fdw
DATA       = dynamo_fdw--1.0.sql
PGFILEDESC = "dynamo_fdw - foreign data wrapper for Amazon DynamoDB"

# src/aws/ talks to AWS (signing, HTTP, the DynamoDB client, credentials),
# src/fdw/ is the wrapper itself, src/dsql/ the DSQL token functions; the
# headers shared by all of them are in src/ (README's Internals).
SRC_DIRS = src/aws src/fdw src/dsql
SRCS = dynamo_fdw.c $(sort $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c)))
OBJS = $(SRCS:.c=.o)

# Each sql/NAME.sql is a pg_regress test of one feature; the harness passes the
# DynamoDB endpoint through the environment.
REGRESS = $(sort $(basename $(notdir $(wildcard sql/*.sql))))

# Each specs/NAME.spec is an isolationtester test of concurrent sessions
# (expected output in expected/NAME.out).  They need the DynamoDB tables of
# test/data/isolation and the endpoint in the setting dynamo_fdw_test.endpoint
# (PGOPTIONS); scripts/test.sh provides both.
ISOLATION = $(sort $(basename $(notdir $(wildcard specs/*.spec))))

DEPS_PKGS = libcurl json-c openssl zlib
PG_CPPFLAGS = -Isrc $(addprefix -I,$(SRC_DIRS)) $(shell pkg-config --cflags $(DEPS_PKGS))
SHLIB_LINK  = $(shell pkg-config --libs $(DEPS_PKGS))

PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
ifeq ($(WERROR),1)
PG_CFLAGS += -Werror
endif

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PostgreSQL 15 is the oldest version supported (src/pg_compat.h and
# src/fdw/fdw_compat.h hold what differs in 16, 17 and 18; META.json states
# the same floor).
PG_MIN_VERSION_NUM = 150000
ifneq ($(MAJORVERSION),)
ifeq ($(shell test $(VERSION_NUM) -lt $(PG_MIN_VERSION_NUM) && echo old),old)
$(error dynamo_fdw needs PostgreSQL 15 or later; $(PG_CONFIG) is PostgreSQL $(VERSION))
endif
endif

# PGXS tracks no header dependencies: a changed struct in a header must
# rebuild every object, or an old object reads it at the old offsets.
$(OBJS) $(OBJS:.o=.bc): $(wildcard src/*.h $(addsuffix /*.h,$(SRC_DIRS)))

# C unit tests of the modules that need no backend (see test/unit/).
.PHONY: unit
unit:
	$(MAKE) -C test/unit

# The isolation specs alone (`make installcheck` runs them after REGRESS).
.PHONY: isolationcheck
isolationcheck:
	$(pg_isolation_regress_installcheck) $(ISOLATION_OPTS) $(ISOLATION)
# The PGXN release: a zip of the committed tree named after META.json's
# version (PGXN's client builds it with make and make install).
DIST_VERSION = $(shell sed -n 's/^   "version": "\(.*\)",$$/\1/p' META.json | head -n 1)
.PHONY: dist
dist:
	git archive --format zip --prefix=dynamo_fdw-$(DIST_VERSION)/ -o dynamo_fdw-$(DIST_VERSION).zip HEAD
