#!/usr/bin/env bash
# Builds debian-cloud: Debian 12 (bookworm) minbase + Debian's cloud-init, debootstrapped into a
# BIOS-bootable qcow2 (MBR, ext4, GRUB from the image's own grub-pc), serial console, ssh server.
# No datasource is pinned: ds-identify picks OpenStack, EC2, ConfigDrive or NoCloud from SMBIOS and
# labels, as on a real cloud; with plain QEMU SMBIOS cloud-init stays disabled.
# Output: $MC_IMAGES/debian-cloud-<hash>/{disk.qcow2,vmlinuz,initrd.img,manifest.txt}, linked from out/debian-cloud.
MC_NAME=debian-cloud
. "$(dirname "$0")/../lib/common.sh"
. "$MC_VM_IMAGES_DIR/lib/boot-disk.sh"
HERE="$MC_VM_IMAGES_DIR/debian-cloud"
MIRROR="${MINICLOUD_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm

need_root
need debootstrap debootstrap; need chroot coreutils; need apt-cache apt
# python3-cffi-backend: debootstrap does not resolve the virtual package python3-cryptography needs,
# and without it cloud-init is left unconfigured (host-notes §6).
INCLUDE=(systemd-sysv udev kmod dbus cloud-init python3-cffi-backend ifupdown isc-dhcp-client iproute2 netbase
  linux-image-cloud-amd64 initramfs-tools grub-pc openssh-server sudo procps less)

# Inputs: the version each included package has in $SUITE/main (what debootstrap will fetch; run
# apt-get update to see mirror changes) plus the build files.
VERSIONS=$(apt-cache madison "${INCLUDE[@]}" |
  awk -F'|' -v s="$SUITE/main" 'index($3, " " s " ") {gsub(/ /, ""); if (!seen[$1]++) print $1 "=" $2}'; echo "mirror=$MIRROR")
for p in "${INCLUDE[@]}"; do
  grep -q "^$p=" <<<"$VERSIONS" ||
    die "apt knows no $SUITE/main version of '$p' (add $SUITE to the apt sources and run apt-get update)"
done
MC_HASH=$(echo "$VERSIONS" | inputs_hash "$HERE" "$MC_VM_IMAGES_DIR/lib")
is_up_to_date && exit 0

step "building $MC_DEST"
mkdir -p "$MC_IMAGES" "$MC_DEBS/debootstrap"
STAGE=$(mktemp -d "$MC_IMAGES/.staging-$MC_NAME.XXXXXX")
ROOT="$STAGE/root"
cleanup() {
  # Whatever happens, nothing stays mounted inside the staging tree.
  for m in "$ROOT/dev/pts" "$ROOT/dev" "$ROOT/sys" "$ROOT/proc"; do mountpoint -q "$m" && umount -l "$m"; done
  rm -rf "$STAGE"
}
trap cleanup EXIT

# The debootstrapped tree is cached as a tarball keyed by the package versions alone, so a change to
# the configuration below (overlay, grub.cfg, this script's later steps) costs a minute, not five.
ROOTFS_KEY=$( { echo "$VERSIONS"; echo "minbase ${INCLUDE[*]}"; } | sha256sum | cut -c1-16)
ROOTFS_TAR="$MC_CACHE/rootfs/debian-$SUITE-$ROOTFS_KEY.tar.zst"
if [ -f "$ROOTFS_TAR" ]; then
  step "unpacking the cached debootstrap tree $ROOTFS_TAR"
  mkdir -p "$ROOT"
  tar -C "$ROOT" --zstd --numeric-owner --xattrs --xattrs-include='*' -xpf "$ROOTFS_TAR"
else
  step "debootstrap $SUITE (minbase + ${#INCLUDE[@]} packages; .debs cached in $MC_DEBS/debootstrap)"
  include=$(IFS=,; echo "${INCLUDE[*]}")
  DEBIAN_FRONTEND=noninteractive debootstrap --variant=minbase --cache-dir="$MC_DEBS/debootstrap" \
    --include="$include" "$SUITE" "$ROOT" "$MIRROR" > "$STAGE/debootstrap.log" 2>&1 &
  pid=$!
  # Progress: debootstrap's latest "I:" line every 15 s (it takes minutes).
  n=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1; n=$((n + 1))
    [ $((n % 15)) -eq 0 ] && step "  $(grep '^I: ' "$STAGE/debootstrap.log" | tail -n 1)"
  done
  if ! wait "$pid"; then
    tail -n 30 "$STAGE/debootstrap.log" >&2
    die "debootstrap failed (log above); is $MIRROR reachable?"
  fi
  step "debootstrap done ($(du -sh "$ROOT" | cut -f1)); caching the tree"
  mkdir -p "$MC_CACHE/rootfs"
  tar -C "$ROOT" --zstd --numeric-owner --xattrs --xattrs-include='*' -cpf "$ROOTFS_TAR.tmp" .
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  # Only the newest two cached trees are kept.
  ls -1t "$MC_CACHE/rootfs/debian-$SUITE-"*.tar.zst | tail -n +3 | xargs -r rm -f
fi

KVER=$(ls "$ROOT/lib/modules")
[ "$(echo "$KVER" | wc -l)" -eq 1 ] || die "expected one kernel in the image, found: $KVER"
FS_UUID=$(cat "$HERE/fs-uuid")

# --- configuration (overlay files, then the few generated ones) ---
cp -a "$HERE/overlay/." "$ROOT/"
cat > "$ROOT/etc/fstab" <<FSTAB
UUID=$FS_UUID / ext4 defaults,errors=remount-ro 0 1
FSTAB
echo debian > "$ROOT/etc/hostname"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' > "$ROOT/etc/hosts"
# debootstrap copies the build host's /etc/resolv.conf into the tree. Baked into the image, that
# nameserver is unreachable from a guest network and every lookup waits out glibc's 2 x 5 s timeout:
# cloud-init-local's DNS-redirection probe (3 bogus names before its first metadata request) alone
# lost 30 s per boot. Ship none (an image cannot know its network's resolver): glibc then asks
# 127.0.0.1 and fails at once, and dhclient (ifupdown) writes the nameservers the DHCP lease offers.
printf '# Written at boot by dhclient from the DHCP lease (debian-cloud ships no resolver).\n' > "$ROOT/etc/resolv.conf"
chroot "$ROOT" passwd -q -d root    # console login as root without a password (test image; ssh refuses it)

step "initramfs for $KVER"
mount -t proc proc "$ROOT/proc"; mount -t sysfs sys "$ROOT/sys"; mount --bind /dev "$ROOT/dev"
chroot "$ROOT" update-initramfs -u -k "$KVER" > "$STAGE/initramfs.log" 2>&1 || { cat "$STAGE/initramfs.log" >&2; die "update-initramfs failed"; }
umount "$ROOT/dev" "$ROOT/sys" "$ROOT/proc"

# grub.cfg by hand: grub-mkconfig in a chroot without udev would name the build host's device (host-notes §10).
sed -e "s/@KVER@/$KVER/g" -e "s/@FS_UUID@/$FS_UUID/g" "$HERE/grub.cfg.in" > "$ROOT/boot/grub/grub.cfg"

# Per-instance state must be created on first boot, not shared by every guest built from this disk.
rm -f "$ROOT"/etc/ssh/ssh_host_*
: > "$ROOT/etc/machine-id"; rm -f "$ROOT/var/lib/dbus/machine-id"
rm -rf "$ROOT"/var/lib/cloud/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/log/*.log
chroot "$ROOT" apt-get clean
{ echo "image: debian-cloud $SUITE"; echo "hash: $MC_HASH"; echo "built: $(date -u +%FT%TZ)"; echo "kernel: $KVER"
  echo "cmdline: root=UUID=$FS_UUID ro console=tty0 console=ttyS0,115200 no_timer_check"; echo "# included packages, as installed:"
  chroot "$ROOT" dpkg-query -W -f='${Package}=${Version}\n' "${INCLUDE[@]}"; } > "$STAGE/manifest.txt"

OUT="$STAGE/out"; mkdir -p "$OUT"
cp "$ROOT/boot/vmlinuz-$KVER" "$OUT/vmlinuz"; cp "$ROOT/boot/initrd.img-$KVER" "$OUT/initrd.img"
mv "$STAGE/manifest.txt" "$OUT/"
step "disk image"
make_boot_disk "$ROOT" debian-root "$FS_UUID" 2048 "$ROOT/usr/lib/grub/i386-pc" "$OUT/disk.qcow2"
step "disk.qcow2 $(( $(stat -c %s "$OUT/disk.qcow2") / 1024 / 1024 )) MiB"
mv "$OUT" "$STAGE.done"
publish "$STAGE.done"
