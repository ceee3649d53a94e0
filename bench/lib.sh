# Shared helpers of the benchmarks (sourced).
BASE=${MG_CLUSTER_BASE:-/tmp/migrate_guard}
BENCH_PORT=${MG_BENCH_PORT:-54349}
BENCH_HOST=$BASE/bench
# the private PostgreSQL tree with this checkout's build (scripts/pgtree.sh)
if [ -z "${MG_PG_BINDIR:-}" ]; then MG_PG_BINDIR=$(scripts/pgtree.sh); export MG_PG_BINDIR; fi
BINDIR=$MG_PG_BINDIR
PAIRS=${MG_BENCH_PAIRS:-3}

bpsql() { psql -X -q -v ON_ERROR_STOP=1 -h "$BENCH_HOST" -p "$BENCH_PORT" -U postgres "$@"; }

# median of the numbers given as arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# ratio a/b with 3 decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }

# wall-clock seconds of a command
seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null || { echo "benchmark command failed: $*" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", b - a}'
}

# Starts the bench cluster (library preloaded), stops it on exit, and creates
# each database named with the extension installed.
bench_cluster_with() {
  scripts/cluster.sh start bench "$BENCH_PORT" preload
  trap 'scripts/cluster.sh stop bench' EXIT
  local db
  for db in "$@"; do
    bpsql -d postgres -c "CREATE DATABASE $db"
    bpsql -d "$db" -c "CREATE EXTENSION migrate_guard"
  done
}
