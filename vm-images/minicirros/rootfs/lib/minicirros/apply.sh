# What cirros-apply does with a datasource result: hostname (cut at the first "."), ssh keys for
# cirros (and root with a forced "login as cirros" command).
apply_ds() {
  local h
  h=$(cat $DATA/meta-data/hostname 2>/dev/null)
  [ -n "$h" ] || h=$(cat $DATA/meta-data/local-hostname 2>/dev/null)
  if [ -n "$h" ]; then
    h=${h%%.*}
    echo "$h" > /etc/hostname
    hostname -F /etc/hostname
    echo "minicirros: hostname set to $h"
  fi
  if [ -s $DATA/public-keys ]; then
    mkdir -p /home/cirros/.ssh /root/.ssh
    grep -v '^$' $DATA/public-keys > /home/cirros/.ssh/authorized_keys
    sed -e 's/^/command="echo Please login as the user \\"cirros\\" rather than the user \\"root\\".;echo;sleep 10;exit 142" /' \
      /home/cirros/.ssh/authorized_keys > /root/.ssh/authorized_keys
    chown -R cirros:cirros /home/cirros/.ssh
    chmod 700 /home/cirros/.ssh /root/.ssh
    chmod 600 /home/cirros/.ssh/authorized_keys /root/.ssh/authorized_keys
    echo "minicirros: installed $(grep -c . /home/cirros/.ssh/authorized_keys) ssh key(s) for cirros"
  fi
}

# cirros-userdata: executed when it starts with "#!" (or is executable); anything else is ignored.
run_userdata() {
  local ud=$DATA/user-data
  [ -s "$ud" ] || { echo "minicirros: no user-data"; return 0; }
  if [ "$(head -c 2 "$ud")" != '#!' ]; then
    echo "minicirros: user-data was not '#!' or executable"
    return 0
  fi
  cp "$ud" /run/cirros/userdata; chmod 755 /run/cirros/userdata
  echo "minicirros: running user-data"
  /run/cirros/userdata
  echo "minicirros: user-data exited $?"
}

print_status() {
  local f
  echo "=== system information ==="
  echo "Platform: $(cat /sys/class/dmi/id/sys_vendor 2>/dev/null) $(cat /sys/class/dmi/id/product_name 2>/dev/null)"
  echo "Uptime: $(uptime_s)"
  echo "=== datasource: $(cat $DS_DIR/dsname 2>/dev/null || echo None) $(cat $DS_DIR/dsmode 2>/dev/null || echo None) ==="
  f() { [ -s "$DATA/meta-data/$1" ] && cat "$DATA/meta-data/$1" || echo N/A; }
  echo "instance-id: $(f instance-id)"
  echo "name: N/A"
  echo "availability-zone: $(f placement/availability-zone)"
  echo "local-hostname: $(f local-hostname)"
  echo "launch-index: $(f ami-launch-index)"
  echo "=== minicirros: current=$(cat /etc/minicirros-version) uptime=$(uptime_s) ==="
}
