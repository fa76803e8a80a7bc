# make_boot_disk: a BIOS-bootable disk (MBR partition table, one ext4 partition, GRUB in the MBR gap)
# built from a directory tree without loop devices, mounts or udev (host-notes §10: none of them
# behave here). Sourced by the build scripts.
#
#   make_boot_disk TREE LABEL UUID SIZE_MIB GRUB_MODULE_DIR OUT.qcow2
#
# TREE must already hold /boot/grub/grub.cfg. GRUB's core.img finds the partition by filesystem UUID
# (search.fs_uuid), so the disk boots on any bus (virtio, IDE, SCSI) and as any BIOS drive number.
make_boot_disk() {
  local tree="$1" label="$2" uuid="$3" size_mib="$4" grubdir="$5" out="$6"
  local work; work=$(mktemp -d "${out%/*}/.disk.XXXXXX")
  need mke2fs e2fsprogs; need sfdisk fdisk; need grub-mkimage grub-common; need qemu-img qemu-utils
  [ -f "$grubdir/boot.img" ] || die "no GRUB BIOS modules in $grubdir: apt-get install grub-pc-bin"

  # 1 MiB in front of the partition: MBR (boot.img) + core.img in the gap, like grub-install does.
  mke2fs -q -F -t ext4 -L "$label" -U "$uuid" -E root_owner=0:0 -d "$tree" "$work/part.img" "${size_mib}M" >/dev/null
  truncate -s $(( (size_mib + 1) * 1024 * 1024 )) "$work/disk.raw"
  printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$work/disk.raw"
  dd if="$work/part.img" of="$work/disk.raw" bs=1M seek=1 conv=notrunc,sparse status=none

  cat > "$work/early.cfg" <<CFG
search.fs_uuid $uuid root
set prefix=(\$root)/boot/grub
CFG
  # Every module the config needs is built into core.img, so nothing is loaded from the disk but grub.cfg.
  grub-mkimage -O i386-pc -d "$grubdir" -c "$work/early.cfg" -p /boot/grub -o "$work/core.img" \
    biosdisk part_msdos ext2 search_fs_uuid normal linux echo test serial terminal sleep
  [ "$(stat -c %s "$work/core.img")" -lt $(( 1024 * 1024 - 512 )) ] || die "core.img does not fit the MBR gap"
  # boot.img's first 440 bytes (the partition table after them stays); it loads sector 1 = core.img,
  # whose own block list grub-mkimage already sized for a contiguous image.
  dd if="$grubdir/boot.img" of="$work/disk.raw" bs=440 count=1 conv=notrunc status=none
  dd if="$work/core.img" of="$work/disk.raw" bs=512 seek=1 conv=notrunc status=none

  qemu-img convert -q -f raw -O qcow2 "$work/disk.raw" "$out"
  rm -rf "$work"
}
