#!/usr/bin/env bash
# Audit cost: a DDL script (CREATE TABLE, ALTER TABLE ADD COLUMN, CREATE INDEX,
# COMMENT; MG_BENCH_DDL (default 600) of each) in a database with the
# extension, one without it, and one with the do-it-yourself PL/pgSQL
# event-trigger audit users write today; same cluster (library preloaded),
# alternated, median of MG_BENCH_PAIRS (default 7) rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
N=${MG_BENCH_DDL:-600}
ROUNDS=${MG_BENCH_PAIRS:-7}

scripts/cluster.sh start bench "$BENCH_PORT" preload
trap 'scripts/cluster.sh stop bench' EXIT
for db in with_ext without_ext diy_plpgsql; do bpsql -d postgres -c "CREATE DATABASE $db"; done
bpsql -d with_ext -c "CREATE EXTENSION migrate_guard"
bpsql -d diy_plpgsql <<'SQL'
CREATE TABLE ddl_audit (
  id bigserial PRIMARY KEY, logged_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  txid xid8 NOT NULL DEFAULT pg_current_xact_id(), session_role name NOT NULL DEFAULT session_user,
  "current_role" name NOT NULL DEFAULT current_user, application_name text, client_addr inet,
  backend_pid int NOT NULL DEFAULT pg_backend_pid(), command_tag text, object_type text,
  schema_name text, object_identity text, statement text);
CREATE FUNCTION audit_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.ddl_audit(application_name, client_addr, command_tag, object_type, schema_name, object_identity, statement)
  SELECT current_setting('application_name'), inet_client_addr(), c.command_tag, c.object_type, c.schema_name,
         c.object_identity, current_query()
    FROM pg_event_trigger_ddl_commands() c;
END $$;
CREATE FUNCTION audit_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.ddl_audit(application_name, client_addr, command_tag, object_type, schema_name, object_identity, statement)
  SELECT current_setting('application_name'), inet_client_addr(), tg_tag, d.object_type, d.schema_name,
         d.object_identity, current_query()
    FROM pg_event_trigger_dropped_objects() d;
END $$;
CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION audit_ddl();
CREATE EVENT TRIGGER audit_drop ON sql_drop EXECUTE FUNCTION audit_drop();
SQL

script=$BASE/bench-audit.sql
{
  echo "CREATE SCHEMA b; SET search_path = b;"
  for i in $(seq 1 "$N"); do echo "CREATE TABLE t$i(id int, v text);"; done
  for i in $(seq 1 "$N"); do echo "ALTER TABLE t$i ADD COLUMN extra int;"; done
  for i in $(seq 1 "$N"); do echo "CREATE INDEX t${i}_v ON t$i(v);"; done
  for i in $(seq 1 "$N"); do echo "COMMENT ON TABLE t$i IS 'bench $i';"; done
} >"$script"
cleanup() { PGOPTIONS="-c migrate_guard.allow_destructive=on" bpsql -d "$1" -c "DROP SCHEMA b CASCADE" >/dev/null 2>&1; }

declare -A times
for r in $(seq 1 "$ROUNDS"); do
  order="with_ext without_ext diy_plpgsql"
  [ $((r % 3)) -eq 2 ] && order="without_ext diy_plpgsql with_ext"
  [ $((r % 3)) -eq 0 ] && order="diy_plpgsql with_ext without_ext"
  for db in $order; do
    t=$(seconds bpsql -d "$db" -f "$script")
    times[$db]+=" $t"
    cleanup "$db"
  done
  echo "  round $r: with ${times[with_ext]##* }s, without ${times[without_ext]##* }s, plpgsql ${times[diy_plpgsql]##* }s"
done
w=$(median ${times[with_ext]}); n=$(median ${times[without_ext]}); d=$(median ${times[diy_plpgsql]})
rows=$(bpsql -d with_ext -Atc "SELECT count(*) FROM migrate_guard.ddl_log")
echo "audit: DDL script ($((4 * N)) statements) time ratio with extension / without = $(ratio "$w" "$n")  [median ${w}s vs ${n}s; target <= 1.20]"
echo "audit: DDL script time ratio PL/pgSQL event-trigger audit / without = $(ratio "$d" "$n")  [median ${d}s]"
echo "audit: migrate_guard / PL/pgSQL audit = $(ratio "$w" "$d")  (must be < 1; $rows rows logged in with_ext)"
