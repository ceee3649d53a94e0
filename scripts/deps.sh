#!/usr/bin/env bash
# Install the Debian packages migrate_guard needs to build, test and demo.
# As root it installs what is missing; as another user it only reports.
set -euo pipefail
PGV=${PG_MAJOR:-15}
pkgs=(postgresql-$PGV postgresql-client-$PGV postgresql-server-dev-$PGV libpq-dev
      g++ make cmake pkg-config libgtest-dev)
missing=()
for p in "${pkgs[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$st" == *"install ok installed"* ]] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run 'make deps' as root to install them)" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
