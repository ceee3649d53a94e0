# migrate_guard — PGXS build of the C++ extension, plus the two entry points
# `make demo` and `make test` (both do all set-up on a fresh Debian 12 machine).

EXTENSION  = migrate_guard
EXTVERSION = 0.2.0
MODULE_big = migrate_guard
# one folder per concern under src/ (common, guard, audit, verify, ...)
SRCS       = $(sort $(wildcard src/*/*.cpp))
OBJS       = $(SRCS:.cpp=.o)
DATA       = $(sort $(wildcard migrate_guard--*.sql))
PGFILEDESC = "migrate_guard - guard, audit and verify schema migrations"

# Test suites run by `make test`: every sql/*.sql is a pg_regress suite run
# alone in its own database (a copy of one with the extension installed, see
# test/prelude.sql), except those listed in REGRESS_NOPRELOAD, which run on a
# cluster WITHOUT the library preloaded; every specs/*.spec is an isolation
# spec.  `make test REGRESS="guard_rules audit_ddl" ISOLATION= ` runs a subset.
REGRESS_NOPRELOAD = not_preloaded
REGRESS    = $(filter-out $(REGRESS_NOPRELOAD),$(sort $(basename $(notdir $(wildcard sql/*.sql)))))
ISOLATION  = $(sort $(basename $(notdir $(wildcard specs/*.spec))))

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

PG_CXXFLAGS = -std=c++17 -fPIC -DMG_VERSION=\"$(EXTVERSION)\" -Wall -Wextra -Wno-unused-parameter \
              -Wno-missing-field-initializers -Wno-register -Isrc
SHLIB_LINK  = -lstdc++
# Debian builds LLVM bitcode with clang; the extension does not need JIT
# inlining, so skip the bitcode step entirely.
override with_llvm = no

ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
# every object depends on the shared headers
$(OBJS): $(wildcard src/*/*.h)
else
all install:
	@echo "PostgreSQL server headers are missing: run 'make deps' (as root) first" >&2; exit 1
endif

.PHONY: deps demo test bench lint

# Install missing Debian packages (only when run as root; otherwise it just checks).
deps:
	@scripts/deps.sh

# demo, test and bench run this build from a private copy of the PostgreSQL
# tree (scripts/pgtree.sh), not from the system installation.
demo: deps
	@$(MAKE) --no-print-directory -s all
	@scripts/demo.sh

test: deps
	@$(MAKE) --no-print-directory -s all
	@REGRESS="$(REGRESS)" REGRESS_NOPRELOAD="$(REGRESS_NOPRELOAD)" \
	  ISOLATION="$(ISOLATION)" scripts/run_tests.sh

# The C++/PostgreSQL bridge rules over src/ (scripts/lint.py); `make test` runs it too.
lint:
	@scripts/lint.py

bench: deps
	@$(MAKE) --no-print-directory -s all
	@bench/run.sh
