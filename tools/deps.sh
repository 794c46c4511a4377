#!/bin/sh
# tools/deps.sh PKG...: install the Debian packages of PKG... that are missing (make deps).
# As root it runs apt-get itself; otherwise through sudo. On a machine without apt-get or
# dpkg-query (not Debian/Ubuntu) it installs nothing: it prints the exact package list and
# stops with status 1, so `make check` ends there with the reason instead of a compiler error.
set -u
if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  {
    echo "make deps: no apt-get/dpkg-query here: this is not a Debian-like system."
    echo "make deps: install these Debian packages (or your system's packages of the same"
    echo "make deps: libraries and tools), then run make again:"
    echo "  $*"
  } >&2
  exit 1
fi
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $p"
done
[ -n "$missing" ] || exit 0
if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "make deps: missing:$missing; not root and no sudo: as root run: apt-get install$missing" >&2
  exit 1
fi
echo "make deps: installing$missing${SUDO:+ (with sudo)}"
# shellcheck disable=SC2086 # the package list is one word per package
$SUDO apt-get update -qq &&
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
