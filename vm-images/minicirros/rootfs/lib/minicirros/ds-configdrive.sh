# OpenStack config drive (filesystem labelled config-2, ISO 9660 or VFAT), local mode like cirros's
# ds/configdrive. Reads openstack/latest/{meta_data.json,user_data}; keys are pulled out of the JSON
# with sed, which is enough for the flat fields cirros uses (uuid, hostname, name,
# availability_zone, launch_index, public_keys).
json_str() { # json_str KEY FILE -> first string value of "KEY"
  tr -d '\n' < "$2" | sed -n 's/.*"'"$1"'"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p'
}
json_num() { tr -d '\n' < "$2" | sed -n 's/.*"'"$1"'"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\).*/\1/p'; }

ds_configdrive() {
  local dev mp=/run/cirros/configdrive md
  dev=$(findfs LABEL=config-2 2>/dev/null || findfs LABEL=CONFIG-2 2>/dev/null)
  [ -n "$dev" ] || return 1
  mkdir -p "$mp"
  mount -o ro "$dev" "$mp" 2>/dev/null || { echo "minicirros: config drive $dev: cannot mount"; return 1; }
  md=$mp/openstack/latest/meta_data.json
  [ -f "$md" ] || { echo "minicirros: config drive $dev has no openstack/latest/meta_data.json"; umount "$mp"; return 1; }
  local t=/tmp/cd.$$
  json_str uuid "$md" > $t; save meta-data/instance-id $t
  json_str hostname "$md" > $t; save meta-data/hostname $t; save meta-data/local-hostname $t
  json_str availability_zone "$md" > $t; save meta-data/placement/availability-zone $t
  json_num launch_index "$md" > $t; save meta-data/ami-launch-index $t
  # public_keys: {"name": "ssh-... comment\n", ...}; every value that is a key.
  tr -d '\n' < "$md" | sed -n 's/.*"public_keys"[[:space:]]*:[[:space:]]*{\([^}]*\)}.*/\1/p' |
    grep -o '"[^"]*"[[:space:]]*:[[:space:]]*"[^"]*"' | sed 's/^"[^"]*"[[:space:]]*:[[:space:]]*"\(.*\)"$/\1/; s/\\n$//' > $t
  save public-keys $t
  if [ -f "$mp/openstack/latest/user_data" ]; then save user-data "$mp/openstack/latest/user_data"; fi
  rm -f $t
  umount "$mp"
  echo configdrive > $DS_DIR/dsname; echo local > $DS_DIR/dsmode
  echo "found datasource (configdrive, local)"
}
