#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages minicloud and its tests need. Idempotent; run as root.
# The list is the contract between the README's commands, .ci/run and a fresh machine:
# anything a test uses must be installed here.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install-host-packages: run as root (sudo $0)" >&2
  exit 2
fi

packages=(
  # guests
  qemu-system-x86 qemu-utils
  # libvirt daemon (no systemd needed) and the headers @unraid/libvirt compiles against
  libvirt-daemon libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients libvirt-dev pkg-config
  # network plane
  dnsmasq-base iptables nftables iproute2
  # dhcp_release: frees a deleted instance's lease at once, so its address can be reused
  dnsmasq-utils
  # guest image builds (vm-images/)
  debootstrap busybox-static dropbear-bin cpio kmod lz4 xorriso genisoimage
  grub-pc-bin grub2-common fdisk parted e2fsprogs dosfstools mtools zstd
  # tools the tests and the CLI use
  tmux openssh-client socat curl wrk
  # real cloud-init client tests run Debian's cloud-init with Debian's Python
  python3 python3-yaml python3-jinja2 python3-requests python3-configobj python3-jsonpatch
  python3-jsonschema python3-oauthlib python3-netifaces python3-serial
  # native npm modules (better-sqlite3 compiles from source when no prebuilt binary can be fetched)
  build-essential python3-setuptools
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-host-packages: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-host-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
