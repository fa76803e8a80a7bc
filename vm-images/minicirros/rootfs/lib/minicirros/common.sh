# Shared by the boot scripts. Datasource results are kept where cirros keeps them:
# /run/cirros/datasource/{dsname,dsmode,data/<key>}.
DS_DIR=/run/cirros/datasource
DATA=$DS_DIR/data

uptime_s() { read up _ < /proc/uptime; echo "$up"; }
stage() { echo "minicirros: stage $* (up $(uptime_s))"; }
# One line per metadata key stored: save KEY VALUE-FILE
save() {
  case "$1" in */*) mkdir -p "$DATA/${1%/*}" ;; esac
  cp "$2" "$DATA/$1"
}
