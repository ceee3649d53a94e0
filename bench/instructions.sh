#!/usr/bin/env bash
# Guard overhead in instructions (valgrind callgrind counts instructions, not
# seconds, so the figure does not depend on what else the machine is doing).
# A single-user backend runs 3,000 pgbench select-only statements, then 1,000
# TPC-B-like transactions, with and without the library preloaded (extension
# installed), and preloaded with the guard by volume on
# (migrate_guard.max_rows_changed = 1000: every UPDATE is counted); an empty
# run of each configuration measures start-up, which is subtracted.
# Every run starts from the same pristine data directory (a copy taken once,
# after initialisation, VACUUM (FREEZE, ANALYZE) and CHECKPOINT, restored
# before each run): the TPC-B-like runs change the database (bloat, hint bits,
# statistics), and without the copy the same configuration measured twice
# differed by ~1.4%.  Configurations alternate, two rounds; round 1 is
# reported and round 2 must repeat it (the script prints the largest
# difference between the rounds, and warns above 0.05%).
# Then the audit: the postmaster runs under callgrind (event triggers do not
# fire in single-user mode) and one backend per database runs the same DDL
# script (CREATE TABLE, ALTER TABLE ADD COLUMN, CREATE INDEX, COMMENT; 100 of
# each) in a database without the extension, one with migrate_guard, and one
# with the do-it-yourself PL/pgSQL event-trigger audit of bench/audit.sh; that
# postmaster also starts on the pristine copy (whole backends next to their
# background processes: their counts still move by about 0.15% between runs).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
command -v valgrind >/dev/null || { echo "instructions: valgrind is not installed (apt-get install valgrind)"; exit 0; }
D=$BASE/bench-instr
PORT=$((BENCH_PORT + 1))
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

rm -rf "$D"; mkdir -p "$D"; [ "$(id -u)" = 0 ] && chown postgres "$D"
as_pg "$BINDIR/initdb" -D "$D/data" -A trust -U postgres --no-sync >/dev/null 2>&1
as_pg "$BINDIR/pg_ctl" -D "$D/data" -o "-p $PORT -k $D -c shared_preload_libraries=migrate_guard" -l "$D/log" -w start >/dev/null
psql -X -q -h "$D" -p "$PORT" -U postgres -c "CREATE DATABASE b"
psql -X -q -h "$D" -p "$PORT" -U postgres -d b -c "CREATE EXTENSION migrate_guard"
PGOPTIONS="-c migrate_guard.allow_destructive=on" "$BINDIR/pgbench" -q -i -s 1 -h "$D" -p "$PORT" -U postgres b >/dev/null 2>&1
psql -X -q -h "$D" -p "$PORT" -U postgres -d b -c "VACUUM (FREEZE, ANALYZE)"
psql -X -q -h "$D" -p "$PORT" -U postgres -d b -c "CHECKPOINT"
as_pg "$BINDIR/pg_ctl" -D "$D/data" -w stop >/dev/null
cp -a "$D/data" "$D/pristine"
# every measured run starts from this copy: same blocks, same statistics, same XIDs
restore() { rm -rf "$D/data"; cp -a "$D/pristine" "$D/data"; }

awk 'BEGIN { srand(1); for (i = 0; i < 3000; i++) printf "SELECT abalance FROM pgbench_accounts WHERE aid = %d;\n", 1 + int(rand() * 100000) }' >"$D/select.sql"
awk 'BEGIN { srand(2); for (i = 0; i < 1000; i++) { a = 1 + int(rand() * 100000); t = 1 + int(rand() * 10); d = int(rand() * 10000) - 5000;
  printf "BEGIN;\nUPDATE pgbench_accounts SET abalance = abalance + %d WHERE aid = %d;\nSELECT abalance FROM pgbench_accounts WHERE aid = %d;\n", d, a, a;
  printf "UPDATE pgbench_tellers SET tbalance = tbalance + %d WHERE tid = %d;\nUPDATE pgbench_branches SET bbalance = bbalance + %d WHERE bid = 1;\n", d, t, d;
  printf "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (%d, 1, %d, %d, CURRENT_TIMESTAMP);\nEND;\n", t, a, d } }' >"$D/tpcb.sql"
: >"$D/empty.sql"
[ "$(id -u)" = 0 ] && chown -R postgres "$D"

instr() { # config input -> instructions
  local pl="" limit=0
  [ "$1" != nopreload ] && pl=migrate_guard
  [ "$1" = limit ] && limit=1000
  restore
  as_pg valgrind --tool=callgrind --callgrind-out-file="$D/cg.$1.${2%.sql}.out" "$BINDIR/postgres" --single -D "$D/data" \
    -c shared_preload_libraries="$pl" -c migrate_guard.max_rows_changed=$limit -c fsync=off b <"$D/$2" >/dev/null 2>"$D/cg.err"
  awk '/^summary:/ {print $2}' "$D/cg.$1.${2%.sql}.out"
}
declare -A n r2
maxdiff=0
for round in 1 2; do
  for cfg in nopreload preload limit; do
    for w in empty select tpcb; do
      c=$(instr "$cfg" "$w.sql")
      if [ "$round" = 1 ]; then n[$cfg.$w]=$c; else
        maxdiff=$(awk -v a="$c" -v b="${n[$cfg.$w]}" -v m="$maxdiff" 'BEGIN {d = (a > b ? a - b : b - a) / b * 100; printf "%.4f", (d > m ? d : m)}')
        r2[$cfg.$w]=$c
      fi
    done
  done
done
for cfg in nopreload preload limit; do
  echo "  $cfg: start-up ${n[$cfg.empty]}, select-only ${n[$cfg.select]}, tpcb-like ${n[$cfg.tpcb]} instructions (round 2: ${r2[$cfg.empty]}, ${r2[$cfg.select]}, ${r2[$cfg.tpcb]})"
done
echo "instructions: largest difference between the two rounds = ${maxdiff}% (same binary, same input, same pristine data)"
if awk -v m="$maxdiff" 'BEGIN {exit !(m > 0.05)}'; then echo "instructions: WARNING: the rounds differ by more than 0.05%: the figures below are not reliable" >&2; fi
per() { awk -v t="$1" -v e="$2" -v k="$3" 'BEGIN {printf "%.0f", (t - e) / k}'; }
ws=$(per "${n[preload.select]}" "${n[preload.empty]}" 3000); ns=$(per "${n[nopreload.select]}" "${n[nopreload.empty]}" 3000)
wt=$(per "${n[preload.tpcb]}" "${n[preload.empty]}" 1000); nt=$(per "${n[nopreload.tpcb]}" "${n[nopreload.empty]}" 1000)
ls=$(per "${n[limit.select]}" "${n[limit.empty]}" 3000); lt=$(per "${n[limit.tpcb]}" "${n[limit.empty]}" 1000)
echo "instructions: select-only per statement with/without = $(ratio "$ws" "$ns")  [$ws vs $ns instructions]"
echo "instructions: tpcb-like per transaction with/without = $(ratio "$wt" "$nt")  [$wt vs $nt instructions]"
echo "instructions: select-only per statement, max_rows_changed = 1000 / without = $(ratio "$ls" "$ns")  [$ls vs $ns instructions]"
echo "instructions: tpcb-like per transaction, max_rows_changed = 1000 / without = $(ratio "$lt" "$nt")  [$lt vs $nt instructions]"

# ---- the audit, per DDL statement --------------------------------------------
restore
as_pg "$BINDIR/pg_ctl" -D "$D/data" -o "-p $PORT -k $D -c shared_preload_libraries=migrate_guard" -l "$D/log" -w start >/dev/null
for db in ddl_none ddl_guard ddl_diy; do psql -X -q -h "$D" -p "$PORT" -U postgres -c "CREATE DATABASE $db"; done
psql -X -q -h "$D" -p "$PORT" -U postgres -d ddl_guard -c "CREATE EXTENSION migrate_guard"
sed -n '/^bpsql -d diy_plpgsql <<.SQL./,/^SQL$/p' bench/audit.sh | sed '1d;$d' | psql -X -q -h "$D" -p "$PORT" -U postgres -d ddl_diy
as_pg "$BINDIR/pg_ctl" -D "$D/data" -w stop >/dev/null
{
  echo "CREATE SCHEMA b; SET search_path = b;"
  for i in $(seq 1 100); do echo "CREATE TABLE t$i(id int, v text);"; done
  for i in $(seq 1 100); do echo "ALTER TABLE t$i ADD COLUMN extra int;"; done
  for i in $(seq 1 100); do echo "CREATE INDEX t${i}_v ON t$i(v);"; done
  for i in $(seq 1 100); do echo "COMMENT ON TABLE t$i IS 'bench $i';"; done
} >"$D/ddl.sql"
rm -f "$D"/cg.pm.*
as_pg valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$D/cg.pm.%p" "$BINDIR/postgres" -D "$D/data" \
  -p "$PORT" -k "$D" -c shared_preload_libraries=migrate_guard -c fsync=off -c autovacuum=off >"$D/pm.log" 2>&1 &
for _ in $(seq 1 120); do psql -X -h "$D" -p "$PORT" -U postgres -d postgres -c "SELECT 1" >/dev/null 2>&1 && break; sleep 1; done
declare -A pid
for db in ddl_none ddl_guard ddl_diy; do
  pid[$db]=$(psql -X -q -v ON_ERROR_STOP=1 -h "$D" -p "$PORT" -U postgres -d "$db" -At -c "SELECT pg_backend_pid()" -f "$D/ddl.sql" | head -1)
done
as_pg "$BINDIR/pg_ctl" -D "$D/data" -m fast -w stop >/dev/null
sleep 2
for db in ddl_none ddl_guard ddl_diy; do n[$db]=$(awk '/^summary:/ {print $2}' "$D/cg.pm.${pid[$db]}"); done
echo "  DDL script backends: without ${n[ddl_none]}, migrate_guard ${n[ddl_guard]}, PL/pgSQL audit ${n[ddl_diy]} instructions"
echo "instructions: DDL script with migrate_guard / without = $(ratio "${n[ddl_guard]}" "${n[ddl_none]}")  (whole backend, start-up included; target <= 1.20)"
echo "instructions: DDL script PL/pgSQL audit / without = $(ratio "${n[ddl_diy]}" "${n[ddl_none]}")"
echo "instructions: migrate_guard / PL/pgSQL audit = $(ratio "${n[ddl_guard]}" "${n[ddl_diy]}")  (must be < 1)"
