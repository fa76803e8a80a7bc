#!/usr/bin/env bash
# Builds minicirros: Debian's cloud kernel + a busybox-static/dropbear initramfs whose init behaves like
# cirros 0.6 towards the metadata plane, as (a) kernel + initramfs for direct kernel boot and (b) a
# BIOS-bootable qcow2 disk (MBR, ext4, GRUB) holding the same kernel and initramfs.
# Output: $MC_IMAGES/minicirros-<hash>/{vmlinuz,initrd.img,disk.qcow2,manifest.txt}, linked from out/minicirros.
MC_NAME=minicirros
. "$(dirname "$0")/../lib/common.sh"
. "$MC_VM_IMAGES_DIR/lib/boot-disk.sh"
HERE="$MC_VM_IMAGES_DIR/minicirros"

need_root   # the initramfs carries real ownership (cirros's home, root's files)
need apt-get apt; need dpkg-deb dpkg; need depmod kmod; need cpio cpio; need zstd zstd
need grub-mkimage grub-common; need qemu-img qemu-utils
GRUB_MODULES=/usr/lib/grub/i386-pc
[ -f $GRUB_MODULES/boot.img ] || die "missing GRUB BIOS modules: apt-get install grub-pc-bin"

# Inputs: the exact Debian packages (as apt would fetch them now), the host GRUB, and these files.
KPKG=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
[ -n "$KPKG" ] || die "apt cannot resolve linux-image-cloud-amd64 (run apt-get update)"
PKGS=("$KPKG" busybox-static dropbear-bin libtomcrypt1 libtommath1 zlib1g libcrypt1 libgmp10 libc6)
VERSIONS=$(candidate_versions "${PKGS[@]}"; echo "grub-pc-bin=$(installed_version grub-pc-bin)")
MC_HASH=$(echo "$VERSIONS" | inputs_hash "$HERE" "$MC_VM_IMAGES_DIR/lib")
is_up_to_date && exit 0

step "building $MC_DEST"
mkdir -p "$MC_IMAGES"
STAGE=$(mktemp -d "$MC_IMAGES/.staging-$MC_NAME.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
step "downloading ${#PKGS[@]} Debian packages"
fetch_debs $(echo "$VERSIONS" | grep -v '^grub-pc-bin=')
for p in "${PKGS[@]}"; do
  dpkg-deb -x "$(deb_file "$p" "$(echo "$VERSIONS" | sed -n "s/^$p=//p")")" "$STAGE/pkgs"
done
KVER=${KPKG#linux-image-}
step "unpacked; kernel $KVER"

# --- initramfs tree ---
R="$STAGE/root"
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,proc,sys,dev,run,tmp,root,home/cirros,var/empty,etc/dropbear}
cp "$STAGE/pkgs/bin/busybox" "$R/bin/busybox"
for app in $("$R/bin/busybox" --list-full); do
  [ -e "$R/$app" ] || ln -s /bin/busybox "$R/$app"
done
ln -s /bin/busybox "$R/init"   # busybox init reads /etc/inittab
cp -a "$HERE/rootfs/." "$R/"
chmod 700 "$R/root"; chown 1000:1000 "$R/home/cirros"; chmod 755 "$R/home/cirros"; chmod 600 "$R/etc/shadow"

# dropbear (dynamically linked) with exactly the libraries it needs, from the same Debian packages.
cp "$STAGE/pkgs/usr/sbin/dropbear" "$R/usr/sbin/"; cp "$STAGE/pkgs/usr/bin/dropbearkey" "$R/usr/bin/"
LIBDIR=lib/x86_64-linux-gnu
mkdir -p "$R/$LIBDIR"
for lib in libtomcrypt.so.1 libtommath.so.1 libz.so.1 libcrypt.so.1 libc.so.6 libgmp.so.10; do
  f=$(find "$STAGE/pkgs" -name "$lib" | head -n1); [ -n "$f" ] || die "$lib not found in the packages"
  cp -L "$f" "$R/$LIBDIR/"
done
cp -L "$STAGE/pkgs/$LIBDIR/ld-linux-x86-64.so.2" "$R/lib64/"

# Kernel modules: only the listed ones and what they depend on (depmod computes it).
MODS="virtio_pci virtio_net virtio_blk button evdev isofs vfat nls_cp437 nls_iso8859_1 ata_piix sr_mod"
KM="$STAGE/pkgs/lib/modules/$KVER"
depmod -b "$STAGE/pkgs" "$KVER"
want=$(for m in $MODS; do modprobe -d "$STAGE/pkgs" -S "$KVER" --show-depends "$m" | awk '$1=="insmod" {print $2}'; done | sort -u)
for f in $want; do
  rel=${f#$STAGE/pkgs/}; mkdir -p "$R/$(dirname "$rel")"; cp "$f" "$R/$rel"
done
cp "$KM"/modules.{order,builtin,builtin.modinfo} "$R/lib/modules/$KVER/"
depmod -b "$R" "$KVER"
step "initramfs tree: $(echo "$want" | wc -l) modules, $(du -sh "$R" | cut -f1)"

OUT="$STAGE/out"; mkdir -p "$OUT"
# zstd: about a third of the cpio's size (GRUB reads less from disk) and decompressed faster than gzip.
(cd "$R" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) | zstd -q -9 -T0 > "$OUT/initrd.img"
cp "$STAGE/pkgs/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
step "initrd.img $(stat -c %s "$OUT/initrd.img") bytes, vmlinuz $(stat -c %s "$OUT/vmlinuz") bytes"

# --- bootable disk: /boot/{vmlinuz,initrd.img,grub/grub.cfg} on an ext4 partition ---
D="$STAGE/disk"; mkdir -p "$D/boot/grub"
cp "$OUT/vmlinuz" "$OUT/initrd.img" "$D/boot/"
cp "$HERE/grub.cfg" "$D/boot/grub/grub.cfg"
make_boot_disk "$D" cirros-rootfs "$(cat "$HERE/fs-uuid")" 64 "$GRUB_MODULES" "$OUT/disk.qcow2"
step "disk.qcow2 $(stat -c %s "$OUT/disk.qcow2") bytes"

{ echo "image: minicirros $(cat "$HERE/rootfs/etc/minicirros-version")"; echo "hash: $MC_HASH"
  echo "built: $(date -u +%FT%TZ)"; echo "kernel: $KVER"; echo "cmdline: console=ttyS0 quiet no_timer_check"; echo "$VERSIONS"; } > "$OUT/manifest.txt"
mv "$OUT" "$STAGE.done"
publish "$STAGE.done"
