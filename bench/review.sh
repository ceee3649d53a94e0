#!/usr/bin/env bash
# Migration review: a 2,000-statement migration reviewed by the server
# (psql connecting, sending the file and printing every finding of
# migrate_guard.check_migration) next to squawk linting the same file
# (squawk-cli from npm, installed into $MG_CLUSTER_BASE/squawk when npm is
# present).  Alternated, MG_BENCH_PAIRS (7) pairs, medians of wall-clock time.
# Target: <= 0.5 x squawk's time.
# Then, when valgrind is present, the same comparison in instructions
# (callgrind; independent of the machine's load): the review's work in the
# backend (beyond a connection running SELECT 1) plus the psql client, against
# squawk's own binary.
# Also the cost of the guard by volume in the review: 2,000 UPDATEs of the
# existing tables reviewed with migrate_guard.max_rows_changed = 1000 (each
# statement planned) against the limit off, wall clock and instructions.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
PAIRS=${MG_BENCH_PAIRS:-7}
SQUAWK_DIR=$BASE/squawk
migration=$BASE/bench-review-migration.sql
psql_script=$BASE/bench-review.psql

bench_cluster_with rbench

# a database with the tables the migration changes (50 tables, 2,000 rows each)
{
  echo "CREATE TABLE users(id bigint PRIMARY KEY, email text, created_at timestamptz DEFAULT now());"
  echo "INSERT INTO users SELECT g, 'u' || g || '@example.com', now() FROM generate_series(1, 2000) g;"
  for t in $(seq 1 50); do
    echo "CREATE TABLE t$t(id bigint PRIMARY KEY, user_id bigint, amount int, note varchar(40));"
    echo "INSERT INTO t$t SELECT g, 1 + g % 2000, g, 'n' FROM generate_series(1, 2000) g;"
  done
  echo "VACUUM ANALYZE;"
} | bpsql -d rbench >/dev/null

# 2,000 statements: 40 rounds of 50, a realistic mix on existing and new tables
{
  echo "SET lock_timeout = '5s';"
  n=1
  for r in $(seq 1 40); do
    t=$(( (r - 1) % 50 + 1 ))
    cat <<SQL
CREATE TABLE r${r}_events(id bigint PRIMARY KEY, user_id bigint REFERENCES users, kind text NOT NULL, at timestamptz DEFAULT now());
CREATE INDEX r${r}_events_user_idx ON r${r}_events (user_id);
ALTER TABLE t$t ADD COLUMN r${r}_flag boolean DEFAULT false;
ALTER TABLE t$t ADD COLUMN r${r}_token uuid DEFAULT gen_random_uuid();
CREATE INDEX t${t}_r${r}_amount_idx ON t$t (amount);
CREATE INDEX CONCURRENTLY t${t}_r${r}_user_idx ON t$t (user_id);
ALTER TABLE t$t ADD CONSTRAINT t${t}_r${r}_user_fk FOREIGN KEY (user_id) REFERENCES users NOT VALID;
ALTER TABLE t$t VALIDATE CONSTRAINT t${t}_r${r}_user_fk;
ALTER TABLE t$t ALTER COLUMN note TYPE varchar(80);
ALTER TABLE t$t ALTER COLUMN amount TYPE bigint;
ALTER TABLE t$t ALTER COLUMN note SET NOT NULL;
ALTER TABLE t$t ADD CONSTRAINT t${t}_r${r}_amount_check CHECK (amount >= 0);
UPDATE t$t SET r${r}_flag = true WHERE id < 100;
COMMENT ON TABLE r${r}_events IS 'round $r';
SQL
    inserts=36; [ "$r" = 1 ] && inserts=35   # the SET above is the 2,000th statement
    for k in $(seq 1 "$inserts"); do
      echo "INSERT INTO r${r}_events(id, user_id, kind) VALUES ($k, $k, 'seed');"
    done
  done
} >"$migration"
count=$(wc -l <"$migration")
cat >"$psql_script" <<EOF2
\set m \`cat $migration\`
SELECT * FROM migrate_guard.check_migration(:'m');
EOF2

# 2,000 UPDATEs of existing tables, half of them over a limit of 1,000 rows
dml=$BASE/bench-review-dml.sql
for r in $(seq 1 40); do
  for t in $(seq 1 50); do echo "UPDATE t$t SET amount = amount + 1 WHERE id < $((t * 40));"; done
done >"$dml"
for limit in 0 1000; do
  cat >"$BASE/bench-review-dml-$limit.psql" <<EOF2
SET migrate_guard.max_rows_changed = $limit;
\set m \`cat $dml\`
SELECT count(*) FROM migrate_guard.check_migration(:'m');
EOF2
done

# the psql program itself (/usr/bin/psql is Debian's Perl wrapper around it),
# unaligned as a deploy pipeline reads it (-A), and in psql's default aligned
# format (psql's own formatting of 2,000 rows then costs more than the review)
review() { "$BINDIR/psql" -X -q -A -h "$BENCH_HOST" -p "$BENCH_PORT" -U postgres -d rbench -f "$psql_script"; }
review_aligned() { "$BINDIR/psql" -X -q -h "$BENCH_HOST" -p "$BENCH_PORT" -U postgres -d rbench -f "$psql_script"; }
rows=$(review | grep -c '|' || true)
echo "  $count statements, $(grep -c '' "$migration") lines; the review reports $((rows - 1)) rows ($(bpsql -d rbench -Atc "SELECT migrate_guard.migration_verdict(pg_catalog.pg_read_file('$migration'))"))"

squawk=""
if [ -x "$SQUAWK_DIR/node_modules/.bin/squawk" ]; then
  squawk=$SQUAWK_DIR/node_modules/.bin/squawk
elif command -v npm >/dev/null 2>&1; then
  echo "  installing squawk-cli with npm into $SQUAWK_DIR ..."
  mkdir -p "$SQUAWK_DIR"
  if npm install --silent --no-audit --no-fund --prefix "$SQUAWK_DIR" squawk-cli >/dev/null 2>&1 &&
     [ -x "$SQUAWK_DIR/node_modules/.bin/squawk" ]; then
    squawk=$SQUAWK_DIR/node_modules/.bin/squawk
  else
    echo "  squawk-cli could not be installed (npm install failed): comparing with the issue's 0.44 s instead"
  fi
else
  echo "  npm is not installed: squawk-cli cannot be installed; comparing with the issue's 0.44 s instead"
fi
# squawk exits 1 when it finds something: that is its normal outcome here
lint() { "$squawk" "$migration" >/dev/null 2>&1 || [ $? -eq 1 ]; }

review >/dev/null; review_aligned >/dev/null; [ -n "$squawk" ] && lint   # warm-up
declare -a ours aligned theirs
for p in $(seq 1 "$PAIRS"); do
  a=$(seconds review)
  c=$(seconds review_aligned)
  ours+=("$a"); aligned+=("$c")
  if [ -n "$squawk" ]; then
    b=$(seconds lint)
    theirs+=("$b")
    echo "  round $p: check_migration via psql -A ${a}s, via psql (aligned) ${c}s, squawk ${b}s"
  else
    echo "  round $p: check_migration via psql -A ${a}s, via psql (aligned) ${c}s"
  fi
done
review_dml() { "$BINDIR/psql" -X -q -A -h "$BENCH_HOST" -p "$BENCH_PORT" -U postgres -d rbench -f "$BASE/bench-review-dml-$1.psql"; }
review_dml 1000 >/dev/null
declare -a off on
for p in $(seq 1 "$PAIRS"); do
  off+=("$(seconds review_dml 0)")
  on+=("$(seconds review_dml 1000)")
done
mo=$(median "${ours[@]}"); mc=$(median "${aligned[@]}")
if [ -n "$squawk" ]; then
  ms=$(median "${theirs[@]}")
  v=$("$squawk" --version 2>/dev/null | awk '{print $2}')
  echo "review: check_migration (psql -A, connection included) / squawk $v on $count statements = $(ratio "$mo" "$ms")  [median ${mo}s vs ${ms}s; target <= 0.5]"
  echo "review: the same through psql's aligned output / squawk = $(ratio "$mc" "$ms")  [median ${mc}s]"
else
  echo "review: check_migration (psql -A, connection included) on $count statements = ${mo}s; / 0.44 s (squawk, from the issue) = $(ratio "$mo" 0.44)  [target <= 0.5]"
fi

m0=$(median "${off[@]}"); m1=$(median "${on[@]}")
echo "review: 2000 UPDATEs of existing tables, max_rows_changed = 1000 / off = $(ratio "$m1" "$m0")  [median ${m1}s vs ${m0}s, psql -A, connection included]"

# ---- instructions -------------------------------------------------------------
command -v valgrind >/dev/null || { echo "  (valgrind is not installed: no instruction counts)"; exit 0; }
native=""
[ -n "$squawk" ] && native=$(find "$SQUAWK_DIR/node_modules" -path '*bin/squawk' -type f ! -path '*/squawk-cli/*' -print -quit)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cg=$BASE/bench-review-cg
rm -rf "$cg"; mkdir -p "$cg"; [ "$(id -u)" = 0 ] && chown postgres "$cg"
trivial=$BASE/bench-review-trivial.psql
echo "SELECT 1;" >"$trivial"
scripts/cluster.sh stop bench
CGPORT=$((BENCH_PORT + 2))
as_pg valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$cg/backend.%p" "$BINDIR/postgres" \
  -D "$BENCH_HOST/data" -p "$CGPORT" -k "$cg" -c shared_preload_libraries=migrate_guard -c autovacuum=off \
  >"$cg/server.log" 2>&1 &
for _ in $(seq 1 120); do "$BINDIR/psql" -X -h "$cg" -p "$CGPORT" -U postgres -d postgres -c "SELECT 1" >/dev/null 2>&1 && break; sleep 1; done
backend() { # psql script -> the backend's pid
  "$BINDIR/psql" -X -q -h "$cg" -p "$CGPORT" -U postgres -d rbench -At -c "SELECT pg_backend_pid()" -f "$1" | sed -n 1p
}
pid_trivial=$(backend "$trivial")
pid_review=$(backend "$psql_script")
pid_dml0=$(backend "$BASE/bench-review-dml-0.psql")
pid_dml1=$(backend "$BASE/bench-review-dml-1000.psql")
valgrind --tool=callgrind --callgrind-out-file="$cg/psql.out" "$BINDIR/psql" -X -q -A -h "$cg" -p "$CGPORT" -U postgres \
  -d rbench -f "$psql_script" >/dev/null 2>"$cg/psql.err"
as_pg "$BINDIR/pg_ctl" -D "$BENCH_HOST/data" -m fast -w stop >/dev/null
sleep 2
summary() { awk '/^summary:/ {print $2}' "$1"; }
base=$(summary "$cg/backend.$pid_trivial")
dml0=$(( $(summary "$cg/backend.$pid_dml0") - base ))
dml1=$(( $(summary "$cg/backend.$pid_dml1") - base ))
echo "review: instructions in the backend, 2000 UPDATEs with max_rows_changed = 1000 / off = $(ratio "$dml1" "$dml0")  [$dml1 vs $dml0; $(( (dml1 - dml0) / 2000 )) more per statement]"
[ -n "$native" ] || exit 0
valgrind --tool=callgrind --callgrind-out-file="$cg/squawk.out" "$native" "$migration" >/dev/null 2>"$cg/squawk.err" || true
server=$(( $(summary "$cg/backend.$pid_review") - base ))
client=$(summary "$cg/psql.out")
sq=$(summary "$cg/squawk.out")
echo "review: instructions, review in the backend + psql -A / squawk's binary = $(ratio $((server + client)) "$sq")  [$server + $client vs $sq]"
