#!/usr/bin/env bash
# Boot benchmark for the test images (vm-images/README.md): time from QEMU start to the first metadata
# request and to `login:`, median of several runs. Needs root, qemu, dnsmasq, iptables, a built
# dist/ (`make build`) and the images (`make images`). BOOT_BENCH_RUNS=<n> changes the run count.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsx bench/boot/boot-bench.ts "$@"
# The hypervisor drivers' overhead over a bare QEMU command line (driver-overhead.sh; also needs libvirtd).
bash bench/boot/driver-overhead.sh
