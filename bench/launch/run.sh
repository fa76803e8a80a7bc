#!/usr/bin/env bash
# Launch benchmark: wall time of `minicloud run minicirros --wait-for metadata` for 1 and for 8
# instances at once, and the controller's peak memory, printed side by side. The cloud runs in its own
# network namespace (created and removed here). Needs root, a built dist/ (`make build`) and minicirros
# (`make images`). LAUNCH_BENCH_RUNS=<n> (default 3) repeats each case; LAUNCH_BENCH_DRIVER=libvirt|qemu|auto.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec npx tsx bench/launch/launch-bench.ts "$@"
