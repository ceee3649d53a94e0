#!/usr/bin/env bash
# `make demo`: a throwaway cluster with the library preloaded, a narrated psql
# session (demo/demo.sql), then the cluster is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${MG_CLUSTER_BASE:-/tmp/migrate_guard}
PORT=${MG_DEMO_PORT:-54339}
MG_PG_BINDIR=$(scripts/pgtree.sh); export MG_PG_BINDIR
scripts/cluster.sh start demo "$PORT" preload
trap 'scripts/cluster.sh stop demo' EXIT
psql -X -q -h "$BASE/demo" -p "$PORT" -U postgres -d postgres \
     -v ON_ERROR_STOP=0 -v VERBOSITY=default -f demo/demo.sql 2>&1
echo
echo "demo finished; the cluster is stopped (its files stay in $BASE/demo)."
