#!/usr/bin/env bash
# Guard overhead: pgbench select-only and TPC-B-like TPS with the library
# preloaded (extension installed) versus the same cluster restarted without
# it, alternated in one run (ABBA order); the ratio of each pair is taken and
# the median of MG_BENCH_PAIRS (default 5) pair ratios reported, with the
# medians of the raw figures beside it.  Also the hooks' (and the audit's)
# cost on a DDL-heavy psql script, same alternation.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
DURATION=${MG_BENCH_SECONDS:-12}
PAIRS=${MG_BENCH_PAIRS:-5}
CLIENTS=${MG_BENCH_CLIENTS:-2}

bench_cluster_with bench
bpsql -d postgres -c "ALTER SYSTEM SET autovacuum = off" >/dev/null   # no background work mid-measurement
PGOPTIONS="-c migrate_guard.allow_destructive=on" "$BINDIR/pgbench" -q -i -s 10 -h "$BENCH_HOST" -p "$BENCH_PORT" -U postgres bench >/dev/null 2>&1

# before each measurement: same state for both configurations (small tables
# vacuumed, dirty buffers written) and a short warm-up after the restart
settle() {
  bpsql -d bench -c "VACUUM pgbench_branches, pgbench_tellers, pgbench_history" -c "CHECKPOINT" >/dev/null
  "$BINDIR/pgbench" -S -n -T 3 -c "$CLIENTS" -j "$CLIENTS" -h "$BENCH_HOST" -p "$BENCH_PORT" -U postgres bench >/dev/null 2>&1
}

tps() { # mode: select|tpcb
  local opt=()
  [ "$1" = select ] && opt=(-S)
  "$BINDIR/pgbench" "${opt[@]}" -n -T "$DURATION" -c "$CLIENTS" -j "$CLIENTS" -h "$BENCH_HOST" -p "$BENCH_PORT" \
    -U postgres bench 2>/dev/null | awk '/^tps = / {print $3; exit}'
}

# DDL-heavy script: 200 tables, each created, altered, indexed, commented,
# renamed and dropped again in its own transaction (the drop under the flag)
ddl_script=$BASE/bench-ddl.sql
{
  echo "SET migrate_guard.allow_destructive = on;"
  for i in $(seq 1 200); do
    echo "CREATE TABLE ddl_$i(id int PRIMARY KEY, v text);"
    echo "ALTER TABLE ddl_$i ADD COLUMN extra int;"
    echo "CREATE INDEX ddl_${i}_v ON ddl_$i(v);"
    echo "COMMENT ON TABLE ddl_$i IS 'bench';"
    echo "ALTER TABLE ddl_$i DROP COLUMN extra;"
    echo "DROP TABLE ddl_$i;"
  done
} >"$ddl_script"
ddl() { seconds bpsql -d bench -f "$ddl_script"; }

declare -A with without
declare -a r_select r_tpcb r_ddl
for i in $(seq 1 "$PAIRS"); do
  order="preload nopreload"
  [ $((i % 2)) -eq 0 ] && order="nopreload preload"   # ABBA against drift
  for cfg in $order; do
    scripts/cluster.sh restart bench "$cfg"
    settle; s=$(tps select); settle; t=$(tps tpcb); d=$(ddl)
    if [ "$cfg" = preload ]; then ws=$s; wt=$t; wd=$d; with[select]+=" $s"; with[tpcb]+=" $t"; with[ddl]+=" $d"
    else ns=$s; nt=$t; nd=$d; without[select]+=" $s"; without[tpcb]+=" $t"; without[ddl]+=" $d"; fi
    echo "  pair $i $cfg: select-only $s tps, tpcb-like $t tps, ddl script $d s"
  done
  r_select+=("$(ratio "$ws" "$ns")"); r_tpcb+=("$(ratio "$wt" "$nt")"); r_ddl+=("$(ratio "$wd" "$nd")")
done

echo "guard: select-only TPS ratio (with/without) = $(median "${r_select[@]}")  [median of $PAIRS pair ratios: ${r_select[*]}; raw medians $(median ${with[select]}) vs $(median ${without[select]}); target >= 0.98]"
echo "guard: tpcb-like   TPS ratio (with/without) = $(median "${r_tpcb[@]}")  [median of $PAIRS pair ratios: ${r_tpcb[*]}; raw medians $(median ${with[tpcb]}) vs $(median ${without[tpcb]}); target >= 0.98]"
echo "guard: DDL script time ratio (with/without) = $(median "${r_ddl[@]}")  [pair ratios: ${r_ddl[*]}; includes the audit log]"
