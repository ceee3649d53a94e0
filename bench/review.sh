#!/usr/bin/env bash
# Migration review: a 2,000-statement migration reviewed by the server
# (psql connecting, sending the file and printing every finding of
# migrate_guard.check_migration) next to squawk linting the same file
# (squawk-cli from npm, installed into $MG_CLUSTER_BASE/squawk when npm is
# present).  Alternated, MG_BENCH_PAIRS (5) pairs, medians of wall-clock time.
# Target: <= 0.5 x squawk's time.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
PAIRS=${MG_BENCH_PAIRS:-5}
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
    for k in $(seq 1 36); do
      echo "INSERT INTO r${r}_events(id, user_id, kind) VALUES ($k, $k, 'seed');"
    done
  done
} | head -n 2000 >"$migration"
count=$(wc -l <"$migration")
cat >"$psql_script" <<EOF2
\set m \`cat $migration\`
SELECT * FROM migrate_guard.check_migration(:'m');
EOF2

review() { bpsql -d rbench -f "$psql_script"; }
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

review >/dev/null; [ -n "$squawk" ] && lint   # warm-up
declare -a ours theirs
for p in $(seq 1 "$PAIRS"); do
  a=$(seconds review)
  ours+=("$a")
  if [ -n "$squawk" ]; then
    b=$(seconds lint)
    theirs+=("$b")
    echo "  pair $p: check_migration via psql ${a}s, squawk ${b}s"
  else
    echo "  run $p: check_migration via psql ${a}s"
  fi
done
mo=$(median "${ours[@]}")
if [ -n "$squawk" ]; then
  ms=$(median "${theirs[@]}")
  echo "review: check_migration (psql, connection included) / squawk $("$squawk" --version 2>/dev/null | awk '{print $2}') on $count statements = $(ratio "$mo" "$ms")  [median ${mo}s vs ${ms}s; target <= 0.5]"
else
  echo "review: check_migration (psql, connection included) on $count statements = ${mo}s; / 0.44 s (squawk, from the issue) = $(ratio "$mo" 0.44)  [target <= 0.5]"
fi
