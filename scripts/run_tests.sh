#!/usr/bin/env bash
# Runs every test suite of migrate_guard and ends with one line
# "N passed, M failed" (exit status non-zero when anything failed).
#
#   pg_regress suites   (REGRESS)            on a cluster with the library preloaded
#   pg_regress suites   (REGRESS_NOPRELOAD)  on a cluster without it
#   isolation specs     (ISOLATION)          on the preloaded cluster
#   C++ libpq tests     (test/*.cpp, GoogleTest, built with CMake)
#   lint                (scripts/lint.py: the C++/PostgreSQL bridge rules)
#
# Called by `make test` after the extension was built and installed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BASE=${MG_CLUSTER_BASE:-/tmp/migrate_guard}
OUT=$BASE/test-output
PORT=${MG_TEST_PORT:-54329}
PORT2=$((PORT + 1))
# the private PostgreSQL tree with this checkout's build installed (scripts/pgtree.sh)
BINDIR=$(scripts/pgtree.sh) || { echo "could not prepare the private PostgreSQL tree" >&2; exit 1; }
export MG_PG_BINDIR=$BINDIR
PGXS_DIR=$(dirname "$(pg_config --pgxs)")/..
PG_REGRESS=$PGXS_DIR/test/regress/pg_regress
PG_ISOLATION_REGRESS=$PGXS_DIR/test/isolation/pg_isolation_regress
REGRESS=${REGRESS:?} REGRESS_NOPRELOAD=${REGRESS_NOPRELOAD:-} ISOLATION=${ISOLATION:-}

passed=0
failed=0
failures=()

mkdir -p "$BASE"
rm -rf "$OUT"
mkdir -p "$OUT"
scripts/cluster.sh start test "$PORT" preload || exit 1
scripts/cluster.sh start test-nopreload "$PORT2" nopreload || exit 1
trap 'scripts/cluster.sh stop test; scripts/cluster.sh stop test-nopreload' EXIT

# count "... ok" / "... FAILED" lines (PostgreSQL <= 15) and TAP lines (16+)
tally() {
  local suite=$1 log=$2 ok bad
  ok=$(grep -cE '\.\.\. ok|^ok [0-9]+' "$log")
  # every test line that is not "ok" failed (also "diff: ... No such file")
  bad=$(( $(grep -cE '\.\.\. |^(not )?ok [0-9]+' "$log") - ok ))
  passed=$((passed + ok))
  failed=$((failed + bad))
  [ "$bad" -gt 0 ] && failures+=("$suite: see $(dirname "$log")/regression.diffs")
  return 0
}

# Each pg_regress suite runs alone in a database of its own, so suites are
# independent of each other and of their order.  On the preloaded cluster the
# database is a copy of mg_template (test/prelude.sql: the extension, and the
# roles every suite may use); on the other cluster it starts empty.
run_regress() { # group port cluster template suite
  local group=$1 port=$2 cluster=$3 template=$4 suite=$5
  local dir=$OUT/$group/$suite db=regress_$suite
  mkdir -p "$dir"
  psql -X -q -h "$BASE/$cluster" -p "$port" -U postgres -d postgres \
    -c "CREATE DATABASE $db TEMPLATE $template" >"$dir/createdb.log" 2>&1 ||
    { failed=$((failed + 1)); failures+=("$suite: could not create its database (see $dir/createdb.log)"); return; }
  "$PG_REGRESS" --inputdir="$ROOT" --outputdir="$dir" --bindir="$BINDIR" \
    --host="$BASE/$cluster" --port="$port" --user=postgres --dbname="$db" --use-existing \
    "$suite" >"$dir/run.log" 2>&1
  local rc=$?
  grep -E '\.\.\. |^(not )?ok ' "$dir/run.log" || true
  tally "$suite" "$dir/run.log"
  if [ $rc -ne 0 ] && ! grep -qE 'FAILED|failed|not ok' "$dir/run.log"; then
    failed=$((failed + 1)); failures+=("$suite: pg_regress exited $rc (see $dir/run.log)")
    tail -5 "$dir/run.log"
  fi
}

psql -X -q -v ON_ERROR_STOP=1 -h "$BASE/test" -p "$PORT" -U postgres -d postgres \
  -f test/prelude.sql >"$OUT/prelude.log" 2>&1 ||
  { cat "$OUT/prelude.log"; echo "0 passed, 1 failed"; exit 1; }

echo "== regress"
for suite in $REGRESS; do run_regress regress "$PORT" test mg_template "$suite"; done
if [ -n "$REGRESS_NOPRELOAD" ]; then
  echo "== regress-nopreload"
  for suite in $REGRESS_NOPRELOAD; do run_regress regress-nopreload "$PORT2" test-nopreload template1 "$suite"; done
fi

if [ -n "$ISOLATION" ]; then
  dir=$OUT/isolation
  mkdir -p "$dir"
  echo "== isolation"
  "$PG_ISOLATION_REGRESS" --inputdir="$ROOT" --outputdir="$dir" --bindir="$BINDIR" \
    --host="$BASE/test" --port="$PORT" --user=postgres --dbname=isolation_regression \
    $ISOLATION >"$dir/run.log" 2>&1
  rc=$?
  grep -E '\.\.\. |^(not )?ok ' "$dir/run.log" || true
  tally isolation "$dir/run.log"
  if [ $rc -ne 0 ] && ! grep -qE 'FAILED|failed|not ok' "$dir/run.log"; then
    failed=$((failed + 1)); failures+=("isolation: exited $rc (see $dir/run.log)"); tail -5 "$dir/run.log"
  fi
fi

# C++ tests against libpq (MG_SKIP_GTEST=1 skips them while iterating on SQL suites)
[ -n "${MG_SKIP_GTEST:-}" ] && GTEST_SKIPPED=1
echo "== libpq tests (GoogleTest)"
if [ -n "${GTEST_SKIPPED:-}" ]; then echo "skipped (MG_SKIP_GTEST)"; else
build=$ROOT/build   # inside the checkout: a cache from another checkout cannot get in the way
if cmake -S "$ROOT" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$OUT/cmake.log" 2>&1 &&
   cmake --build "$build" -j2 >>"$OUT/cmake.log" 2>&1; then
  MG_TEST_HOST=$BASE/test MG_TEST_PORT=$PORT MG_TEST_NOPRELOAD_PORT=$PORT2 \
    MG_TEST_NOPRELOAD_HOST=$BASE/test-nopreload MG_TEST_BINDIR=$BINDIR \
    "$build/migrate_guard_libpq_tests" --gtest_color=no >"$OUT/gtest.log" 2>&1
  grep -E '^\[ +(OK|FAILED) +\] [A-Za-z]' "$OUT/gtest.log" | grep -v ' tests\?, listed below' || true
  ok=$(grep -cE '^\[       OK \] ' "$OUT/gtest.log")
  bad=$(grep -E '^\[  FAILED  \] [A-Za-z_]+\.[A-Za-z_]+' "$OUT/gtest.log" | sort -u | wc -l)
  if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
    bad=1; tail -20 "$OUT/gtest.log"
  fi
  passed=$((passed + ok)); failed=$((failed + bad))
  [ "$bad" -gt 0 ] && failures+=("libpq tests: see $OUT/gtest.log")
else
  failed=$((failed + 1)); failures+=("libpq tests: build failed (see $OUT/cmake.log)")
  tail -20 "$OUT/cmake.log"
fi
fi

echo "== lint"
if scripts/lint.py >"$OUT/lint.log" 2>&1; then
  echo "test lint                         ... ok"; passed=$((passed + 1))
else
  echo "test lint                         ... FAILED"; failed=$((failed + 1))
  failures+=("lint: see $OUT/lint.log"); cat "$OUT/lint.log"
fi

for f in "${failures[@]}"; do echo "FAILED: $f"; done
for d in $(find "$OUT" -name regression.diffs -size +0 | sort); do
  echo "--- $d"; head -80 "$d"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
