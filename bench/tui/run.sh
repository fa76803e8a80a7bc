#!/usr/bin/env bash
# TUI overhead benchmark: metadata throughput with and without the dashboard attached (see run-bench.ts).
# Needs wrk. Loopback only; about 2 s + 2 x BENCH_ROUNDS (3) x BENCH_DURATION (4s) of load.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "bench/tui: wrk is missing (scripts/install-host-packages.sh installs it)" >&2; exit 2; }
# React runs its development build unless NODE_ENV=production; the CLI must set it too.
NODE_ENV=production exec node --import tsx bench/tui/run-bench.ts "$@"
