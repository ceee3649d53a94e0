# migrate_guard — PGXS build of the C++ extension, plus the two entry points
# `make demo` and `make test` (both do all set-up on a fresh Debian 12 machine).

EXTENSION  = migrate_guard
EXTVERSION = 0.2.0
MODULE_big = migrate_guard
# one folder per concern under src/ (common, guard, audit, verify, ...);
# src/cli/ is the command-line client, a separate program (see below)
SRCS       = $(sort $(filter-out src/cli/%,$(wildcard src/*/*.cpp)))
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

# The command-line client `migrate_guard` (src/cli/): a C++17 program on libpq
# alone (no server headers), built by `make` with the compiler and flags of the
# extension, installed by `make install` next to PostgreSQL's own client
# programs (pg_config --bindir, under DESTDIR).  `make client` builds it alone,
# with only libpq-dev and g++ installed (e.g. on a CI runner).
CLI_SRCS   = $(sort $(wildcard src/cli/*.cpp))
CLI_OBJS   = $(CLI_SRCS:.cpp=.o)
CLI        = src/cli/migrate_guard
LIBPQ_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null || echo -I$$($(PG_CONFIG) --includedir))
LIBPQ_LIBS   := $(shell pkg-config --libs libpq 2>/dev/null || echo -L$$($(PG_CONFIG) --libdir) -lpq)

ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
# every object depends on the shared headers
$(OBJS): $(filter-out src/cli/%,$(wildcard src/*/*.h))

all: $(CLI)
install: install-cli
install-cli: $(CLI)
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) $(CLI) '$(DESTDIR)$(bindir)/migrate_guard'
uninstall: uninstall-cli
uninstall-cli:
	rm -f '$(DESTDIR)$(bindir)/migrate_guard'
clean: clean-cli
.PHONY: install-cli uninstall-cli
else
# without PGXS only the client can be built (`make client`)
CXX      ?= g++
CXXFLAGS  = -O2 -g $(PG_CXXFLAGS)
all install:
	@echo "PostgreSQL server headers are missing: run 'make deps' (as root) first" >&2; exit 1
endif

client: $(CLI)
$(CLI_OBJS): src/cli/%.o: src/cli/%.cpp $(wildcard src/cli/*.h)
	$(CXX) $(CXXFLAGS) $(LIBPQ_CFLAGS) -c -o $@ $<
$(CLI): $(CLI_OBJS)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIBPQ_LIBS)
clean-cli:
	rm -f $(CLI) $(CLI_OBJS)
.PHONY: client clean-cli

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
