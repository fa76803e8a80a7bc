#!/usr/bin/env bash
# Smoke speed benchmark (docs/ci.md): wall time of `minicloud smoke --image minicirros` next to the same image
# booted by a bare qemu-system-x86_64 command line to `login:`, medians of SMOKE_BENCH_RUNS (default 3)
# interleaved rounds, the ratio, and the 15 s target as PASS/MISS (see smoke-bench.ts). Needs root, qemu,
# dnsmasq, iptables, ssh, a built dist/ (`make build`) and minicirros (`make images`).
# Bounded by SMOKE_BENCH_TIMEOUT seconds (default 900). The driver removes its netns on exit, Ctrl-C and
# SIGTERM; if it is killed outright, the trap below removes the namespaces this bench made (mcsmb-*).
set -euo pipefail
cd "$(dirname "$0")/../.."

before="$(ip netns list | awk '{print $1}')"
cleanup() {
  local ns
  for ns in $(ip netns list | awk '{print $1}'); do
    grep -qxF "$ns" <<<"$before" && continue
    case "$ns" in
      mcsmb-*)
        echo "smoke bench: removing leftover namespace $ns" >&2
        for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns" || true
        ;;
      mcsmoke-*)
        echo "smoke bench: a smoke run left namespace $ns (\`minicloud prune\` removes it)" >&2
        ;;
    esac
  done
}
trap cleanup EXIT

# No exec: the trap must run after the driver. `timeout` runs it in a process group of its own and signals
# that whole group (SIGTERM; SIGKILL 60 s later): QEMU dies with it, and the driver tells the smoke run (in a
# group of its own) once, so it tears its cloud down. The group is not the terminal's, so Ctrl-C (or a
# SIGTERM to this script) is passed on as SIGTERM by hand.
timeout -k 60 "${SMOKE_BENCH_TIMEOUT:-900}" node --import tsx bench/smoke/smoke-bench.ts "$@" &
driver=$!
trap 'kill -TERM "$driver" 2>/dev/null || true' INT TERM
status=0
# `wait` returns early when a trapped signal arrives; wait again for the driver's own exit status.
while :; do
  wait "$driver" && status=0 || status=$?
  kill -0 "$driver" 2>/dev/null || break
done
exit "$status"
