#!/usr/bin/env bash
# Verification functions:
#   exact snapshot over MG_BENCH_TABLES (40) tables / MG_BENCH_ROWS (8M) rows
#     vs. a psql script of SELECT count(*) per table, alternated, median of
#     MG_BENCH_PAIRS (5) pairs: ratio target <= 1.00
#   estimate-mode snapshot over 2,000 tables: target < 0.5 s
#   verify_fk_rules over 5,000 foreign keys: target < 1 s
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
TABLES=${MG_BENCH_TABLES:-40}
ROWS=${MG_BENCH_ROWS:-8000000}
PAIRS=${MG_BENCH_PAIRS:-5}

bench_cluster_with vbench

echo "  loading $TABLES tables, $ROWS rows..."
per=$((ROWS / TABLES))
bpsql -d vbench -c "CREATE SCHEMA big" >/dev/null
for i in $(seq 1 "$TABLES"); do
  echo "CREATE TABLE big.t$i(id int, v text); INSERT INTO big.t$i SELECT g, 'row ' || g FROM generate_series(1, $per) g;"
done | bpsql -d vbench >/dev/null
bpsql -d vbench -c "VACUUM ANALYZE" >/dev/null

loop_script=$BASE/bench-count-loop.sql
for i in $(seq 1 "$TABLES"); do echo "SELECT count(*) FROM big.t$i;"; done >"$loop_script"
declare -a ours loop
for p in $(seq 1 "$PAIRS"); do
  a=$(seconds bpsql -d vbench -c "SELECT count(*) FROM migrate_guard.snapshot_row_counts('bench-$p', ARRAY['big'])")
  b=$(seconds bpsql -d vbench -f "$loop_script")
  ours+=("$a"); loop+=("$b")
  echo "  pair $p: snapshot_row_counts ${a}s, psql count(*) loop ${b}s"
done
mo=$(median "${ours[@]}"); ml=$(median "${loop[@]}")
echo "verify: exact snapshot ($TABLES tables, $ROWS rows) / psql count(*) loop = $(ratio "$mo" "$ml")  [median ${mo}s vs ${ml}s; target <= 1.00]"

echo "  creating 2,000 tables..."
bpsql -d vbench -c "CREATE SCHEMA many" >/dev/null
for i in $(seq 1 2000); do echo "CREATE TABLE many.t$i(id int);"; done | bpsql -d vbench >/dev/null
bpsql -d vbench -c "ANALYZE" >/dev/null
declare -a est
for p in $(seq 1 "$PAIRS"); do
  est+=("$(seconds bpsql -d vbench -c "SELECT count(*) FROM migrate_guard.snapshot_row_counts('est-$p', ARRAY['many'], false)")")
done
echo "verify: estimate snapshot over 2,000 tables = $(median "${est[@]}")s  [median of $PAIRS, client wall clock; target < 0.5 s]"

echo "  creating 5,000 foreign keys (100 tables x 50)..."
bpsql -d vbench -c "CREATE SCHEMA fks; CREATE TABLE fks.parent(id int PRIMARY KEY)" >/dev/null
for t in $(seq 1 100); do
  cols=""; for c in $(seq 1 50); do cols+="${cols:+, }c$c int REFERENCES fks.parent ON DELETE RESTRICT"; done
  echo "CREATE TABLE fks.child$t($cols);"
done | bpsql -d vbench >/dev/null
n=$(bpsql -d vbench -Atc "SELECT count(*) FROM migrate_guard.verify_fk_rules()")
declare -a fk
for p in $(seq 1 "$PAIRS"); do
  fk+=("$(seconds bpsql -d vbench -c "SELECT count(*) FROM migrate_guard.verify_fk_rules()")")
done
echo "verify: verify_fk_rules over $n foreign keys = $(median "${fk[@]}")s  [median of $PAIRS, client wall clock; target < 1 s]"
