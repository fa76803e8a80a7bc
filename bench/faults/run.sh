#!/usr/bin/env bash
# Fault-rule cost benchmark (docs/faults.md "Cost"): the rule check in process, then bench/metadata's load
# against `metadata serve` with no rules, 1,000 rules none matching and 1,000 with the last matching, side
# by side as ratios to no rules (see run-bench.ts). Needs `make build` (dist/) and wrk. Loopback only;
# about 4 x BENCH_ROUNDS x (2 s + BENCH_DURATION) of load.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "bench/faults: wrk is missing (scripts/install-host-packages.sh installs it)" >&2; exit 2; }
exec node --import tsx bench/faults/run-bench.ts "$@"
