#!/usr/bin/env bash
# A private PostgreSQL tree for the tests: a copy of the system server
# (binaries, libraries, share files) under $MG_CLUSTER_BASE/pgroot, with
# migrate_guard (and the test fixtures) installed into it by
# `make install DESTDIR=...`.  PostgreSQL finds its share and library
# directories relative to its own binary, so the test clusters run the build
# of this checkout without touching the system installation, and several
# checkouts can test side by side (each with its own MG_CLUSTER_BASE and port).
#
#   scripts/pgtree.sh        prepare (first time), install this build, print the bindir
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${MG_CLUSTER_BASE:-/tmp/migrate_guard}
ROOT=$BASE/pgroot
bindir=$(pg_config --bindir)
pkglibdir=$(pg_config --pkglibdir)
sharedir=$(pg_config --sharedir)
mkdir -p "$BASE"
if [ ! -x "$ROOT$bindir/postgres" ]; then
  rm -rf "$ROOT"
  mkdir -p "$ROOT$bindir" "$ROOT$pkglibdir" "$ROOT$sharedir"
  cp -a "$bindir/." "$ROOT$bindir/"
  # the server's own modules (plpgsql, encodings, contrib), not pgxs or bitcode
  find "$pkglibdir" -maxdepth 1 -type f -name '*.so' -exec cp -a {} "$ROOT$pkglibdir/" \;
  cp -a "$sharedir/." "$ROOT$sharedir/"
  rm -f "$ROOT$sharedir"/extension/migrate_guard* "$ROOT$pkglibdir"/migrate_guard*
fi
make --no-print-directory -s install DESTDIR="$ROOT" >/dev/null
cp test/fixtures/mg_test_ext* "$ROOT$sharedir/extension/"
# the postgres OS user runs the servers: it must reach the tree
[ "$(id -u)" = 0 ] && chmod 755 "$BASE" "$ROOT"
echo "$ROOT$bindir"
