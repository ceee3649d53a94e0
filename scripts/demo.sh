#!/usr/bin/env bash
# `make demo`: a throwaway cluster with the library preloaded, narrated psql
# sessions (demo/NN_*.sql, in order; each starts connected to database
# postgres as superuser, with the cluster's host/port in PGHOST/PGPORT and
# psql variables :demo_host/:demo_port, and may run programs with \!), then the
# cluster is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${MG_CLUSTER_BASE:-/tmp/migrate_guard}
PORT=${MG_DEMO_PORT:-54339}
MG_PG_BINDIR=$(scripts/pgtree.sh); export MG_PG_BINDIR
scripts/cluster.sh start demo "$PORT" preload
trap 'scripts/cluster.sh stop demo' EXIT
export PGHOST=$BASE/demo PGPORT=$PORT PGUSER=postgres
for f in demo/[0-9][0-9]_*.sql; do
  psql -X -q -d postgres -v ON_ERROR_STOP=0 -v VERBOSITY=default \
       -v demo_host="$PGHOST" -v demo_port="$PGPORT" -f "$f" 2>&1
done
echo
echo "demo finished; the cluster is stopped (its files stay in $BASE/demo)."
