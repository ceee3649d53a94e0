#!/usr/bin/env bash
# Throwaway PostgreSQL clusters for the demo, the tests and the benchmarks.
#   cluster.sh start NAME PORT preload|nopreload   initdb (fresh) and start
#   cluster.sh stop NAME                           stop (the data stays for inspection)
#   cluster.sh restart NAME preload|nopreload      restart with/without the library
# Clusters live in $MG_CLUSTER_BASE/NAME (default /tmp/migrate_guard) and listen
# on a Unix socket in that directory and on 127.0.0.1:PORT.  initdb and
# postgres refuse to run as root, so as root they run as the postgres user.
set -euo pipefail
BASE=${MG_CLUSTER_BASE:-/tmp/migrate_guard}
# MG_PG_BINDIR: the private tree of `make test` (scripts/pgtree.sh); default: the system server
BINDIR=${MG_PG_BINDIR:-$(pg_config --bindir)}
cmd=${1:?usage: cluster.sh start|stop|restart NAME ...}
name=${2:?cluster name}
dir=$BASE/$name

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

set_preload() {
  local conf=$dir/data/postgresql.auto.conf.mg
  if [ "$1" = preload ]; then
    echo "shared_preload_libraries = 'migrate_guard'" > "$conf"
  else
    echo "shared_preload_libraries = ''" > "$conf"
  fi
  [ "$(id -u)" = 0 ] && chown postgres "$conf"
  return 0
}

case "$cmd" in
start)
  port=${3:?port}; preload=${4:-preload}
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$BINDIR/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$BASE" "$dir"
  as_owner "$BINDIR/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
max_prepared_transactions = 10
log_line_prefix = '%m [%p] %d %u: '
include_if_exists = 'postgresql.auto.conf.mg'
CONF
  set_preload "$preload"
  as_owner "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  ;;
stop)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$BINDIR/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  ;;
restart)
  set_preload "${3:?preload|nopreload}"
  as_owner "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  ;;
*)
  echo "usage: cluster.sh start|stop|restart NAME ..." >&2; exit 2 ;;
esac
