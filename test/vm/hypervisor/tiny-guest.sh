#!/usr/bin/env bash
# Builds a throwaway tiny guest (Debian cloud kernel + busybox-static initramfs, reference/host-notes.md §2)
# into OUT_DIR: vmlinuz, initramfs.cpio.gz, disk.raw (a small empty raw base). Used by the hypervisor vm
# tests only when vm-images/out has no minicirros yet. /init fetches the instance-id from the metadata
# address, prints `INSTANCE-ID=<id>` on the serial console, then powers off unless `mc.stay` is on the cmdline.
set -euo pipefail
OUT_DIR=${1:?usage: tiny-guest.sh OUT_DIR}
mkdir -p "$OUT_DIR"
[ -s "$OUT_DIR/initramfs.cpio.gz" ] && [ -s "$OUT_DIR/vmlinuz" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image/{print $2; exit}')
apt-get download "$pkg" >/dev/null 2>&1
dpkg-deb -x ./*.deb kpkg
kv=${pkg#linux-image-}
mods=kpkg/lib/modules/$kv/kernel
mkdir -p root/{bin,dev,proc,sys,etc/udhcpc,lib/modules}
cp /bin/busybox root/bin/busybox
for m in virtio/virtio_ring virtio/virtio virtio/virtio_pci_legacy_dev virtio/virtio_pci_modern_dev virtio/virtio_pci \
         ../net/core/failover net/net_failover net/virtio_net block/virtio_blk; do
  cp "$mods/drivers/$m.ko" root/lib/modules/
done
cat > root/etc/udhcpc/default.script <<'S'
#!/bin/busybox sh
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    if [ -n "$staticroutes" ]; then
      set -- $staticroutes
      while [ $# -ge 2 ]; do ip route add "$1" via "$2" dev "$interface" 2>/dev/null || true; shift 2; done
    elif [ -n "$router" ]; then
      ip route add default via "${router%% *}" dev "$interface"
    fi ;;
esac
exit 0
S
cat > root/init <<'S'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
echo "[t+$(cut -d' ' -f1 /proc/uptime)s] init start"
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover net_failover virtio_net virtio_blk; do
  insmod /lib/modules/$m.ko
done
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do [ -e /sys/class/net/eth0 ] && break; sleep 0.1; done
ip link set lo up; ip link set eth0 up
udhcpc -s /etc/udhcpc/default.script -i eth0 -q -f -n -t 10 -T 1 -O staticroutes >/dev/null 2>&1
id=$(timeout 5 wget -q -O - http://169.254.169.254/latest/meta-data/instance-id)
echo "[t+$(cut -d' ' -f1 /proc/uptime)s] INSTANCE-ID=$id"
grep -q mc.stay /proc/cmdline && while :; do sleep 3600; done
poweroff -f
S
chmod +x root/init root/etc/udhcpc/default.script
(cd root && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT_DIR/initramfs.cpio.gz"
cp "kpkg/boot/vmlinuz-$kv" "$OUT_DIR/vmlinuz"
truncate -s 64M "$OUT_DIR/disk.raw"
