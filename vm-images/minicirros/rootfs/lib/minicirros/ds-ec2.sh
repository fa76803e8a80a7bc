# EC2 datasource, net mode, as cirros 0.6's ds/ec2 + ec2metadata do it: IMDSv1 only, base URL
# http://169.254.169.254/2009-04-04, wait for an instance-id starting with "i-" (MAX_TRIES x SLEEP_TIME),
# then one request per key in cirros's order. A failing key only logs a warning.
MDURL=http://169.254.169.254/2009-04-04
MAX_TRIES=20
SLEEP_TIME=2
# busybox wget -T segfaults when connect fails (host-notes §2): the timeout comes from `timeout`.
# Like cirros's curl --fail: any HTTP status >= 400 is a failure.
mdget() { timeout 10 wget -q -U "curl/7.86.0 (minicirros)" -O "$2" "$MDURL/$1" 2>/dev/null; }

ds_ec2() {
  local i=0 iid="" t=/tmp/ec2.$$ up
  echo "checking $MDURL/instance-id"
  while [ $i -lt $MAX_TRIES ]; do
    i=$((i + 1))
    up=$(uptime_s)
    if mdget meta-data/instance-id $t; then
      iid=$(cat $t)
      case "$iid" in i-*) break ;; esac
      echo "failed $i/$MAX_TRIES: up $up. iid had '$iid'"
    else
      echo "failed $i/$MAX_TRIES: up $up. request failed"
    fi
    [ $i -lt $MAX_TRIES ] && sleep $SLEEP_TIME
  done
  if [ -z "$iid" ]; then
    echo "failed to read iid from metadata. tried $MAX_TRIES"
    return 1
  fi
  echo "successful after $i/$MAX_TRIES tries: up $(uptime_s). iid=$iid"

  # public-keys: lines "N=name"; each N has N/openssh-key.
  : > $DATA.keys
  if mdget meta-data/public-keys $t; then
    for idx in $(sed 's/=.*//' $t); do
      mdget "meta-data/public-keys/$idx/openssh-key" $t.k && cat $t.k >> $DATA.keys && echo >> $DATA.keys
    done
  else echo "warning: no ec2 metadata for public-keys"; fi
  save public-keys $DATA.keys; rm -f $DATA.keys
  for key in instance-id ami-launch-index instance-type local-ipv4 public-ipv4 hostname local-hostname; do
    if mdget "meta-data/$key" $t; then save "meta-data/$key" $t; else echo "warning: no ec2 metadata for $key"; fi
  done
  if mdget user-data $t; then save user-data $t; else echo "warning: no ec2 metadata for user-data"; fi
  if mdget meta-data/block-device-mapping $t; then
    for dev in $(cat $t); do mdget "meta-data/block-device-mapping/$dev" $t.b && save "meta-data/block-device-mapping/$dev" $t.b; done
  else echo "warning: no ec2 metadata for block-device-mapping"; fi
  for key in public-hostname placement/availability-zone; do
    if mdget "meta-data/$key" $t; then save "meta-data/$key" $t; else echo "warning: no ec2 metadata for $key"; fi
  done
  rm -f $t $t.k $t.b
  echo ec2 > $DS_DIR/dsname; echo net > $DS_DIR/dsmode
  echo "found datasource (ec2, net)"
}
