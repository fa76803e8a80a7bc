#!/usr/bin/env bash
# Fetches Debian 12's cloud-init package (22.4.2) and unpacks it, WITHOUT installing it, so the
# real-client tests can run its datasource code with Debian's /usr/bin/python3.
#
# Output: prints the unpacked root (containing usr/lib/python3/dist-packages/cloudinit) on stdout.
# Cache: ${MINICLOUD_CACHE:-~/.cache/minicloud}/clients/cloud-init-<debian version>/root, keyed by the
# exact package version, so a Debian point release gets its own directory and never a half-updated one.
# Only `apt-get download` touches the network (the Debian mirror); nothing is written outside the cache.
set -euo pipefail

want_upstream=22.4.2
cache_root="${MINICLOUD_CACHE:-$HOME/.cache/minicloud}/clients"

candidate() { apt-cache policy cloud-init | awk '/Candidate:/ {print $2}'; }
version="$(candidate)"
if { [ -z "$version" ] || [ "$version" = "(none)" ]; } && [ "$(id -u)" -eq 0 ]; then
  # A fresh machine (CI) may have no package lists yet: fetch them once, then ask again.
  apt-get update -q >&2
  version="$(candidate)"
fi
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  echo "fetch-cloud-init: apt knows no cloud-init package; run apt-get update (Debian 12 sources needed)" >&2
  exit 1
fi
case "$version" in
  "$want_upstream"-*) ;;
  *)
    echo "fetch-cloud-init: apt offers cloud-init $version, but the tests pin upstream $want_upstream (Debian 12)" >&2
    exit 1
    ;;
esac

dest="$cache_root/cloud-init-$version"
if [ -f "$dest/.complete" ]; then
  echo "$dest/root"
  exit 0
fi

mkdir -p "$cache_root"
work="$(mktemp -d "$cache_root/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# apt-get download drops privileges to _apt when it can; under root's private home it cannot, and
# apt only warns ("Download is performed unsandboxed as root"). The .deb is still verified by apt.
(cd "$work" && apt-get download -q "cloud-init=$version" >&2)
deb="$(ls "$work"/cloud-init_*.deb)"
dpkg-deb -x "$deb" "$work/root"
test -f "$work/root/usr/lib/python3/dist-packages/cloudinit/sources/DataSourceOpenStack.py"
touch "$work/.complete"
rm -rf "$dest"
mv "$work" "$dest"
trap - EXIT
echo "$dest/root"
