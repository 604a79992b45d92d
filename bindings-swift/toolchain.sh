#!/usr/bin/env bash
# Makes Swift available and runs a command with it in a package directory:
#   bindings-swift/toolchain.sh PKG_DIR COMMAND...
# A native `swift` on PATH is used as it is. Otherwise (Debian, as root) the `swiftlang` of Debian
# $ADAPTY_SWIFT_SUITE (default trixie: Swift 6.0; sid has 6.2) is set up once in a minimal chroot,
# cached outside the repository ($ADAPTY_SWIFT_ROOT, default
# ~/.cache/adapty-server/swift-$ADAPTY_SWIFT_SUITE), and PKG_DIR is copied into it
# for each run (only /proc is mounted, never / or /dev, so removing the chroot cannot reach the host).
set -euo pipefail
pkg=$(cd "${1:?usage: toolchain.sh PKG_DIR COMMAND...}" && pwd)
shift
if command -v swift >/dev/null 2>&1; then
  cd "$pkg" && exec "$@"
fi
suite=${ADAPTY_SWIFT_SUITE:-trixie}
root=${ADAPTY_SWIFT_ROOT:-$HOME/.cache/adapty-server/swift-$suite}
# A marker, not `usr/bin/swift`: inside the chroot that is an absolute symlink the host cannot follow.
if [ ! -f "$root/.adapty-swift-ready" ]; then
  [ "$(id -u)" = 0 ] || { echo "toolchain.sh: no swift on PATH, and setting one up needs root" >&2; exit 1; }
  command -v debootstrap >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
  echo "toolchain.sh: setting up Debian $suite's Swift in $root (once; about 550 MB to download)" >&2
  rm -rf "$root.partial" "$root"
  mkdir -p "$(dirname "$root")"
  debootstrap --variant=minbase "$suite" "$root.partial" http://deb.debian.org/debian >/dev/null
  cp /etc/resolv.conf "$root.partial/etc/resolv.conf"
  mount -t proc proc "$root.partial/proc"
  trap 'umount "$root.partial/proc" 2>/dev/null || true' EXIT
  chroot "$root.partial" apt-get update -qq 2>/dev/null
  chroot "$root.partial" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends swiftlang libc6-dev ca-certificates python3 >/dev/null 2>&1
  chroot "$root.partial" apt-get clean
  umount "$root.partial/proc"
  trap - EXIT
  touch "$root.partial/.adapty-swift-ready"
  mv "$root.partial" "$root"
fi
rm -rf "$root/pkg"
cp -a "$pkg" "$root/pkg"
mount -t proc proc "$root/proc" 2>/dev/null || true
trap 'umount "$root/proc" 2>/dev/null || true; rm -rf "$root/pkg"' EXIT
# The test harnesses (tests/process, tests/faults) run inside too; chroots set up before they
# existed lack Python.
if [ ! -x "$root/usr/bin/python3" ]; then
  chroot "$root" apt-get update -qq 2>/dev/null
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 >/dev/null 2>&1
  chroot "$root" apt-get clean
fi
# Run as given, from the package directory inside the chroot.
chroot "$root" /bin/bash -c 'cd /pkg && "$@"' bash "$@"
