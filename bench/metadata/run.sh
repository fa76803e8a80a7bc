#!/usr/bin/env bash
# Metadata server benchmark: minicloud vs a bare node:http server, side by side (see run-bench.ts).
# Needs `make build` (dist/) and wrk. Loopback only; about 2 x (2 s + BENCH_DURATION) of load.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "bench/metadata: wrk is missing (scripts/install-host-packages.sh installs it)" >&2; exit 2; }
exec node --import tsx bench/metadata/run-bench.ts "$@"
