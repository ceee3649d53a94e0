#!/usr/bin/env bash
# Schema parity: 2,000 tables (6 columns, primary key, foreign key with its
# index, row-level security and a policy each).
#   in the server: one psql call, compare_schema(export_schema(), export_schema())
#   round trip: export_schema() twice, each through psql into a file (what the
#     command-line client's diff does between two databases), plus a third psql
#     call that sends both back as jsonb text (COPY) to compare_schema()
#   the seeds' method: pg_dump --schema-only twice plus diff
# alternated, median of MG_BENCH_PAIRS (5) rounds; target ratio <= 0.50.
# (jit is off for both: the private server tree has no JIT bitcode.)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
TABLES=${MG_BENCH_SCHEMA_TABLES:-2000}
PAIRS=${MG_BENCH_PAIRS:-5}
export PGOPTIONS='-c jit=off'

bench_cluster_with sbench
echo "  creating $TABLES tables..."
bpsql -d sbench -c "CREATE TABLE public.accounts(id int PRIMARY KEY, name text)" >/dev/null
for i in $(seq 1 "$TABLES"); do
  echo "CREATE TABLE public.t$i(id int PRIMARY KEY, account_id int NOT NULL REFERENCES public.accounts ON DELETE RESTRICT,
          name text NOT NULL, amount numeric(12,2) DEFAULT 0, created timestamptz NOT NULL DEFAULT now(), note text);
        CREATE INDEX t${i}_account_idx ON public.t$i(account_id);
        ALTER TABLE public.t$i ENABLE ROW LEVEL SECURITY;
        CREATE POLICY t${i}_own ON public.t$i USING (account_id > 0);"
done | bpsql -d sbench >/dev/null
W=$BASE/bench-schema
mkdir -p "$W"

inserver() {
  bpsql -d sbench -Atc "SELECT count(*) FROM migrate_guard.compare_schema(migrate_guard.export_schema(), migrate_guard.export_schema())" >"$W/diff0.out"
}
ours() {
  bpsql -d sbench -Atc "SELECT migrate_guard.export_schema()" -o "$W/a.json"
  bpsql -d sbench -Atc "SELECT migrate_guard.export_schema()" -o "$W/b.json"
  # both exports sent back as jsonb text (COPY, as a client would send a parameter)
  bpsql -d sbench -At >"$W/diff.out" <<SQL
CREATE TEMP TABLE exports(e jsonb, n serial);
\\copy exports(e) FROM '$W/a.json' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')
\\copy exports(e) FROM '$W/b.json' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')
SELECT count(*) FROM migrate_guard.compare_schema((SELECT e FROM exports WHERE n = 1), (SELECT e FROM exports WHERE n = 2));
SQL
}
dumps() {
  "$BINDIR/pg_dump" --schema-only -h "$BENCH_HOST" -p "$BENCH_PORT" -U postgres -f "$W/a.sql" sbench
  "$BINDIR/pg_dump" --schema-only -h "$BENCH_HOST" -p "$BENCH_PORT" -U postgres -f "$W/b.sql" sbench
  diff "$W/a.sql" "$W/b.sql" >/dev/null || true
}
inserver; ours; dumps # warm-up (and a check that all work)
[ "$(cat "$W/diff.out")" = 0 ] && [ "$(cat "$W/diff0.out")" = 0 ] ||
  { echo "schema: the two exports differ: $(cat "$W/diff.out" "$W/diff0.out")" >&2; exit 1; }
declare -a i o d
for p in $(seq 1 "$PAIRS"); do
  a=$(seconds inserver); b=$(seconds ours); c=$(seconds dumps)
  i+=("$a"); o+=("$b"); d+=("$c")
  echo "  round $p: in the server ${a}s, round trip ${b}s, pg_dump x2 + diff ${c}s"
done
mi=$(median "${i[@]}"); mo=$(median "${o[@]}"); md=$(median "${d[@]}")
echo "schema: export_schema x2 + compare_schema in the server / pg_dump --schema-only x2 + diff = $(ratio "$mi" "$md")  [median ${mi}s vs ${md}s; target <= 0.50]"
echo "schema: export_schema x2 through psql files + compare_schema of the two / pg_dump x2 + diff = $(ratio "$mo" "$md")  [median ${mo}s vs ${md}s; $TABLES tables, export $(wc -c <"$W/a.json") bytes, dump $(wc -c <"$W/a.sql") bytes]"

# The same in instructions (callgrind: the figure that does not depend on what
# else the machine does).  In the server: one single-user backend runs
# compare_schema(export_schema(), export_schema()) (start-up subtracted);
# round trip: that backend exports once (with the text output) and a second
# one compares two exports read back as jsonb text; pg_dump: its backend
# (postmaster under callgrind) plus the pg_dump client.
command -v valgrind >/dev/null || { echo "schema: valgrind is not installed, no instruction counts"; exit 0; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
scripts/cluster.sh stop bench
DATA=$BASE/bench/data
cp "$W/a.json" "$W/b.json"; chmod 644 "$W"/*.json
[ "$(id -u)" = 0 ] && chown postgres "$W" # the single-user backends write their profiles there
single() { # sql -> instructions of a single-user backend running it
  echo "$1" >"$W/single.sql"; chmod 644 "$W/single.sql"
  as_pg valgrind --tool=callgrind --callgrind-out-file="$W/cg.single" "$BINDIR/postgres" --single -D "$DATA" \
    -c shared_preload_libraries=migrate_guard -c jit=off sbench <"$W/single.sql" >/dev/null 2>"$W/cg.err"
  awk '/^summary:/ {print $2}' "$W/cg.single"
}
start=$(single "SELECT 1;")
inserver=$(( $(single "SELECT count(*) FROM migrate_guard.compare_schema(migrate_guard.export_schema(), migrate_guard.export_schema());") - start ))
export1=$(( $(single "SELECT length(migrate_guard.export_schema()::text);") - start ))
compare=$(( $(single "SELECT count(*) FROM migrate_guard.compare_schema(pg_read_file('$W/a.json')::jsonb, pg_read_file('$W/b.json')::jsonb);") - start ))
rm -f "$W"/cg.pm.*
as_pg valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$W/cg.pm.%p" "$BINDIR/postgres" -D "$DATA" \
  -p "$BENCH_PORT" -k "$BASE/bench" -c shared_preload_libraries=migrate_guard -c jit=off -c autovacuum=off >"$W/pm.log" 2>&1 &
for _ in $(seq 1 120); do bpsql -d postgres -c "SELECT 1" >/dev/null 2>&1 && break; sleep 1; done
valgrind --tool=callgrind --callgrind-out-file="$W/cg.dumpclient" "$BINDIR/pg_dump" --schema-only -h "$BENCH_HOST" \
  -p "$BENCH_PORT" -U postgres -f "$W/b.sql" sbench 2>/dev/null
as_pg "$BINDIR/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; sleep 2
# pg_dump's backend is the largest profile (the others: the postmaster, its helpers, the readiness checks)
dumpserver=$(for f in "$W"/cg.pm.*; do awk '/^summary:/ {print $2}' "$f"; done | sort -n | tail -1)
dumpclient=$(awk '/^summary:/ {print $2}' "$W/cg.dumpclient")
dump=$((dumpserver + dumpclient))
echo "schema: instructions, in the server / pg_dump x2 = $(ratio "$inserver" "$((2 * dump))")  [$inserver vs 2 x ($dumpserver server + $dumpclient client)]"
echo "schema: instructions, round trip (2 exports with their text + a compare of the texts) / pg_dump x2 = $(ratio "$((2 * export1 + compare))" "$((2 * dump))")  [2 x $export1 + $compare]"
