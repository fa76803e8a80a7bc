# Shared helpers for the image build scripts (sourced, not run).
# Contract: every build is keyed by a hash of its inputs (the package versions it will use and the build
# files themselves); the result lives in $MC_IMAGES/<name>-<hash>/ outside the checkout, so a fresh clone
# (CI) reuses it, and vm-images/out/<name> is a symlink to the current one.
set -euo pipefail

MC_VM_IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MC_CACHE="${MINICLOUD_CACHE:-${HOME:-/root}/.cache/minicloud}"
MC_IMAGES="$MC_CACHE/images"
MC_DEBS="$MC_CACHE/debs"
MC_OUT="$MC_VM_IMAGES_DIR/out"
MC_T0=$(date +%s.%N)

# Progress line with seconds since the build started: the long steps print one before and after.
step() { printf '[%s] %6.1fs  %s\n' "${MC_NAME:-images}" "$(awk -v a="$MC_T0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "$*"; }
die() { printf '[%s] error: %s\n' "${MC_NAME:-images}" "$*" >&2; exit 1; }

# need CMD PACKAGE: fail with the apt package that provides a missing tool.
need() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ] ||
    die "missing tool '$1': install it with  apt-get install $2  (or run scripts/install-host-packages.sh)"
}
need_root() { [ "$(id -u)" -eq 0 ] || die "building $MC_NAME needs root (debootstrap/chroot); run: sudo make images"; }

# "pkg=version" for each package, as apt would install it from the configured sources (candidate);
# one apt-cache call for all of them (each call re-reads the package lists).
candidate_versions() {
  local out; out=$(apt-cache policy "$@" 2>/dev/null |
    awk '/^[^ ].*:$/ {p=substr($0, 1, length($0)-1)} /^  Candidate:/ {print p "=" $2}')
  for p in "$@"; do
    grep -q "^$p=[^(]" <<<"$out" || die "apt has no installable version of '$p' (run apt-get update)"
  done
  echo "$out"
}
installed_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || die "package '$1' is not installed: apt-get install $1"; }

# Hash of every file under the given paths (names and contents) plus extra text on stdin.
inputs_hash() {
  local extra; extra=$(cat)
  { printf '%s\n' "$extra"
    find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sed "s|$MC_VM_IMAGES_DIR/||"
  } | sha256sum | cut -c1-16
}

# Download .debs into the shared cache (apt-get download is idempotent per exact filename).
fetch_debs() {
  mkdir -p "$MC_DEBS"
  (cd "$MC_DEBS" && apt-get download -q "$@" 2>&1 | grep -v -e '^W: Download is performed unsandboxed' -e '^Get:' -e '^Fetched' || true)
}
deb_file() { # deb_file PKG VERSION -> path of the cached .deb
  local f; f=$(ls "$MC_DEBS/${1}_${2//:/%3a}_"*.deb 2>/dev/null | head -n1)
  [ -n "$f" ] || die "download of $1=$2 failed (is the Debian mirror reachable?)"
  echo "$f"
}

# Is the image for this hash built? Then point out/<name> at it and say so.
is_up_to_date() {
  MC_DEST="$MC_IMAGES/$MC_NAME-$MC_HASH"
  if [ -f "$MC_DEST/.complete" ]; then
    link_out
    echo "[$MC_NAME] nothing to do: up to date ($MC_DEST)"
    return 0
  fi
  return 1
}
link_out() {
  mkdir -p "$MC_OUT"
  ln -sfn "$MC_DEST" "$MC_OUT/$MC_NAME.tmp" && mv -T "$MC_OUT/$MC_NAME.tmp" "$MC_OUT/$MC_NAME"
}
# Atomically publish a finished build directory as $MC_DEST and link it.
publish() {
  local staged="$1"
  touch "$staged/.complete"
  rm -rf "$MC_DEST"
  mv "$staged" "$MC_DEST"
  link_out
  # Keep the two newest builds of this image; older ones are unreachable garbage.
  ls -1dt "$MC_IMAGES/$MC_NAME"-*/ 2>/dev/null | tail -n +3 | xargs -r rm -rf
  step "done: $MC_OUT/$MC_NAME -> $MC_DEST"
}
