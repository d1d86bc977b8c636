#!/usr/bin/env bash
# Builds QEMU 10.0.2 (x86_64-softmmu only) twice from Debian's +ds upstream tarball:
#   DIR/released     the release as shipped
#   DIR/rfc          the same tree with object-compat-rfc-10.0.2.patch (Peter Xu's
#                    "[PATCH RFC 00/10] QOM: Introduce OBJECT_COMPAT class", adapted to 10.0.2)
# Each copy is configured into its own DIR/<name>/build; the binaries are
# DIR/<name>/build/qemu-system-x86_64 (they run from the build dir: modules are found beside
# the binary; firmware is Debian's seabios/ipxe-qemu/qemu-system-data, linked into
# build/qemu-bundle/ where the relocated --firmwarepath points).
#
# Usage: tools/qemu-rfc/build.sh [DIR] [all|released|rfc]      (DIR defaults to /work/qemu-build)
# Env:   QEMU_TARBALL  path to qemu_10.0.2+ds.orig.tar.xz (default /root/qemu-src/...; fetched
#                      with shared/tools/get-qemu-source.sh when missing)
#        JOBS          parallel compile jobs (default 2; the build runs under nice -n 10)
#        SKIP_DEPS=1   do not check/install Debian build dependencies
# Idempotent: every step leaves a stamp file and is skipped when its stamp is present and its
# inputs (tarball, patch, configure line) are unchanged; a finished build is not even re-checked.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:-/work/qemu-build}
WHICH=${2:-all}
JOBS=${JOBS:-2}
PATCH_FILE=$here/object-compat-rfc-10.0.2.patch
QEMU_TARBALL=${QEMU_TARBALL:-/root/qemu-src/qemu_10.0.2+ds.orig.tar.xz}
QEMU_VERSION=10.0.2
TREE_RECIPE=1   # bump when prepare_tree changes what it does to a tree

# Keep it small but keep the QOM types that matter: KVM stays on (kvm-accel, sev-guest,
# kvm-pit… exist without /dev/kvm), default x86 devices, memory backends, modules as Debian
# ships them (module types behave like Debian's: unknown until loaded).
CONFIGURE_ARGS=(
  --target-list=x86_64-softmmu
  --disable-docs --disable-werror --disable-tools --disable-user
  --enable-modules --disable-download --disable-install-blobs
  --python=/usr/bin/python3
  --firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu
)

DEPS=(build-essential ninja-build pkg-config libglib2.0-dev libpixman-1-dev flex bison
      python3-venv xz-utils libfdt-dev zlib1g-dev libslirp-dev libaio-dev liburing-dev
      libcap-ng-dev libattr1-dev libseccomp-dev libnuma-dev libzstd-dev libusb-1.0-0-dev
      libgnutls28-dev libkeyutils-dev libpam0g-dev libspice-server-dev libspice-protocol-dev
      libusbredirparser-dev libcacard-dev
      seabios ipxe-qemu qemu-system-data)
BACKPORT_DEPS=(meson python3-pycotap)   # bookworm's meson 1.0 is too old (10.0 needs >= 1.5)

log() { printf '[qemu-rfc build] %s\n' "$*" >&2; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

ensure_backports_source() {
  . /etc/os-release
  local suite="${VERSION_CODENAME:-bookworm}-backports"
  # a binary (not only deb-src) source for the backports suite?
  if grep -hs "^deb .* $suite " /etc/apt/sources.list /etc/apt/sources.list.d/*.list | grep -q .; then return 0; fi
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && grep -q "^Suites:.*$suite" "$f" && grep -q '^Types:.*deb\( \|$\)' "$f" && return 0
  done
  local uri
  uri=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | awk '{print $2}' | head -1)
  [ -n "$uri" ] || uri=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | grep -v security | awk '{print $2}' | head -1)
  [ -n "$uri" ] || { log "no Debian mirror found in apt configuration"; exit 1; }
  printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" "$suite" | $SUDO tee /etc/apt/sources.list.d/qemu-backports.sources >/dev/null
}

meson_ok() {
  command -v meson >/dev/null 2>&1 || return 1
  /usr/bin/python3 - <<'EOF' 2>/dev/null
import sys, mesonbuild.coredata as c
v = tuple(int(x) for x in c.version.split('.')[:2])
sys.exit(0 if v >= (1, 5) else 1)
EOF
}

install_deps() {
  [ "${SKIP_DEPS:-0}" = 1 ] && return 0
  local missing=() p
  for p in "${DEPS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  local bp_missing=()
  meson_ok || bp_missing+=(meson)
  dpkg -s python3-pycotap >/dev/null 2>&1 || bp_missing+=(python3-pycotap)
  if [ ${#missing[@]} -eq 0 ] && [ ${#bp_missing[@]} -eq 0 ]; then
    log "build dependencies present"
    return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  [ ${#bp_missing[@]} -eq 0 ] || ensure_backports_source
  $SUDO apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  if [ ${#bp_missing[@]} -gt 0 ]; then
    . /etc/os-release
    log "apt-get install -t ${VERSION_CODENAME:-bookworm}-backports ${BACKPORT_DEPS[*]}"
    $SUDO apt-get install -y -q -t "${VERSION_CODENAME:-bookworm}-backports" "${BACKPORT_DEPS[@]}"
  fi
  meson_ok || { log "meson >= 1.5 still not available for /usr/bin/python3"; exit 1; }
}

ensure_tarball() {
  [ -f "$QEMU_TARBALL" ] && return 0
  local getter
  for getter in "$here/../../../shared/tools/get-qemu-source.sh" /work/shared/tools/get-qemu-source.sh; do
    if [ -x "$getter" ] || [ -f "$getter" ]; then
      log "tarball missing: running $getter $(dirname "$QEMU_TARBALL")"
      bash "$getter" "$(dirname "$QEMU_TARBALL")" >/dev/null
      break
    fi
  done
  [ -f "$QEMU_TARBALL" ] || { log "no QEMU source tarball at $QEMU_TARBALL"; exit 1; }
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# unpack NAME: DIR/NAME becomes a pristine copy of the tarball (+ patch for rfc)
prepare_tree() {
  local name=$1 tree=$DIR/$1
  local want="tarball=$(sha "$QEMU_TARBALL") recipe=$TREE_RECIPE"
  # only the diff lines count, so editing a commit message does not force a rebuild
  [ "$name" = rfc ] && want="$want patch=$(grep -E '^(diff |@@|[-+ ])' "$PATCH_FILE" | sha256sum | cut -d' ' -f1)"
  if [ -f "$tree/.qemu-rfc-tree" ] && [ "$(cat "$tree/.qemu-rfc-tree")" = "$want" ]; then
    log "$name: source tree up to date"
    return 0
  fi
  log "$name: unpacking $(basename "$QEMU_TARBALL") into $tree"
  rm -rf "$tree.tmp"
  mkdir -p "$tree.tmp"
  tar -xf "$QEMU_TARBALL" -C "$tree.tmp" --strip-components=1
  grep -qx "$QEMU_VERSION" "$tree.tmp/VERSION" || { log "tarball is not QEMU $QEMU_VERSION"; exit 1; }
  # Build fix, both trees: Debian's +ds tarball strips pc-bios/edk2-*.fd.bz2, but meson.build
  # unpacks them whenever bzip2 is installed and x86_64-softmmu is a target. Not a code change.
  sed -i 's/^    unpack_edk2_blobs = bzip2.found()$/    unpack_edk2_blobs = false/' "$tree.tmp/meson.build"
  grep -q '^    unpack_edk2_blobs = false$' "$tree.tmp/meson.build" || { log "meson.build edk2 fix did not apply"; exit 1; }
  if [ "$name" = rfc ]; then
    log "rfc: applying $(basename "$PATCH_FILE")"
    patch -d "$tree.tmp" -p1 --batch --forward --no-backup-if-mismatch < "$PATCH_FILE" >/dev/null
  fi
  echo "$want" > "$tree.tmp/.qemu-rfc-tree"
  rm -rf "$tree"
  mv "$tree.tmp" "$tree"
}

# A binary run from the build dir looks for firmware in the *relocated* --firmwarepath dirs,
# i.e. build/qemu-bundle/usr/share/seabios etc. Point those at Debian's firmware packages.
link_firmware() {
  local build=$1 d
  for d in /usr/share/qemu /usr/share/seabios /usr/lib/ipxe/qemu; do
    [ -e "$build/qemu-bundle$d" ] && continue
    mkdir -p "$(dirname "$build/qemu-bundle$d")"
    ln -s "$d" "$build/qemu-bundle$d"
  done
}

build_tree() {
  local name=$1 tree=$DIR/$1
  local bin=$tree/build/qemu-system-x86_64
  local cfg="${CONFIGURE_ARGS[*]}"
  if [ -f "$tree/build/.qemu-rfc-built" ] && [ -x "$bin" ] \
     && [ "$(cat "$tree/build/.qemu-rfc-built")" = "$cfg" ]; then
    log "$name: build finished earlier, skipping"
    link_firmware "$tree/build"
    return 0
  fi
  if [ ! -f "$tree/build/.qemu-rfc-configured" ] || [ "$(cat "$tree/build/.qemu-rfc-configured")" != "$cfg" ]; then
    log "$name: configure $cfg"
    rm -rf "$tree/build"
    (cd "$tree" && ./configure "${CONFIGURE_ARGS[@]}") > "$DIR/$name-configure.log" 2>&1 \
      || { log "$name: configure failed, see $DIR/$name-configure.log"; tail -20 "$DIR/$name-configure.log" >&2; exit 1; }
    echo "$cfg" > "$tree/build/.qemu-rfc-configured"
  fi
  log "$name: building (nice -n 10 ninja -j$JOBS), log $DIR/$name-build.log"
  local t0=$SECONDS
  nice -n 10 ninja -C "$tree/build" -j"$JOBS" > "$DIR/$name-build.log" 2>&1 \
    || { log "$name: build failed, see $DIR/$name-build.log"; tail -30 "$DIR/$name-build.log" >&2; exit 1; }
  log "$name: built in $((SECONDS - t0)) s"
  link_firmware "$tree/build"
  echo "$cfg" > "$tree/build/.qemu-rfc-built"
}

case "$WHICH" in
  all) names=(released rfc) ;;
  released|rfc) names=("$WHICH") ;;
  *) echo "usage: $0 [DIR] [all|released|rfc]" >&2; exit 2 ;;
esac

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
case " ${names[*]} " in *" rfc "*) [ -f "$PATCH_FILE" ] || { log "missing $PATCH_FILE"; exit 1; } ;; esac
install_deps
ensure_tarball
for n in "${names[@]}"; do
  prepare_tree "$n"
  build_tree "$n"
done
for n in "${names[@]}"; do
  echo "$DIR/$n/build/qemu-system-x86_64"
done
