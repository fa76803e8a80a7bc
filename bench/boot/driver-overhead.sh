#!/usr/bin/env bash
# Hypervisor driver overhead: qemu and libvirt drivers vs a bare qemu-system-x86_64 command line, time from
# start to the guest's first metadata request, medians of BOOT_BENCH_RUNS (5). Needs root, qemu, libvirtd,
# dnsmasq, iptables and the images (`make images`). See driver-overhead.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec npx tsx bench/boot/driver-overhead.ts "$@"
