#!/usr/bin/env bash
# `make bench`: every benchmark, each printing ratios measured in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
for b in bench/guard.sh bench/instructions.sh bench/audit.sh bench/verify.sh bench/review.sh bench/schema.sh; do
  echo "== $b"
  "$b"
done
