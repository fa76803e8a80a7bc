#!/usr/bin/env bash
# Request-log write cost per row on the calling thread, by batch size and schema (see run-bench.ts).
# Local temp files only; about a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node --import tsx bench/request-log/run-bench.ts "$@"
