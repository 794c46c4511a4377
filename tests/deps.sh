#!/usr/bin/env bash
# tests/deps.sh: make deps behaves (make check-deps). Runs `make deps` with a PATH that
# holds only stand-ins, so nothing is installed and each case is decided by what is on PATH:
#   1. no apt-get/dpkg-query: the exact DEB_PKGS list is printed, make stops, status != 0
#   2. root (id -u = 0), a package missing: apt-get runs directly, sudo is never called
#   3. not root, sudo present: apt-get runs through sudo
#   4. not root, no sudo: a clear message, status != 0, apt-get not run
#   5. everything installed: nothing runs
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
T=$(mktemp -d "${TMPDIR:-/tmp}/gcw-deps.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "deps.sh: FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "deps.sh: ok: $*"; }

pkgs=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory deps-list)
[ -n "$pkgs" ] || { echo "deps.sh: make deps-list printed nothing" >&2; exit 1; }

# a bin folder with the real tools the Makefile and tools/deps.sh need, and nothing else
base=$T/base
mkdir -p "$base"
for tool in make sh grep env cat; do
  real=$(command -v "$tool") || { echo "deps.sh: $tool not found" >&2; exit 1; }
  ln -s "$real" "$base/$tool"
done
stub() { # stub DIR NAME BODY: a shell script NAME in DIR
  printf '#!/bin/sh\n%s\n' "$3" >"$1/$2"
  chmod +x "$1/$2"
}
# run_deps CASE: make deps with PATH=$T/CASE:$base; status in $T/CASE.st, output in .out/.err
run_deps() {
  set +e
  env -i PATH="$T/$1:$base" HOME="$T" make -s --no-print-directory deps >"$T/$1.out" 2>"$T/$1.err"
  echo $? >"$T/$1.st"
  set -e
}
# a dpkg-query that reports golang-go missing (or, with ALL, nothing missing)
dpkg_stub() {
  stub "$1" dpkg-query "case \"\$*\" in *golang-go*) [ -n \"$2\" ] && echo 'install ok installed' || echo 'unknown ok not-installed' ;; *) echo 'install ok installed' ;; esac"
}
apt_stub() { stub "$1" apt-get "echo \"apt-get \$*\" >>$T/$2.log"; }
sudo_stub() { stub "$1" sudo "echo sudo >>$T/$2.log; exec \"\$@\""; }

# 1. no apt at all
mkdir -p "$T/noapt"
run_deps noapt
if [ "$(cat "$T/noapt.st")" != 0 ] && grep -qxF "  $pkgs" "$T/noapt.err" &&
   grep -q 'no apt-get/dpkg-query' "$T/noapt.err"; then
  ok "without apt: status $(cat "$T/noapt.st"), the list printed: $pkgs"
else
  fail "without apt: status $(cat "$T/noapt.st"), stderr: $(cat "$T/noapt.err")"
fi

# 2. root
mkdir -p "$T/root"
dpkg_stub "$T/root" ""; apt_stub "$T/root" root; sudo_stub "$T/root" root
stub "$T/root" id 'echo 0'
run_deps root
if [ "$(cat "$T/root.st")" = 0 ] && grep -qx 'apt-get install -y -qq golang-go' "$T/root.log" &&
   ! grep -q sudo "$T/root.log"; then
  ok "as root: apt-get install golang-go, no sudo"
else
  fail "as root: status $(cat "$T/root.st"), calls: $(cat "$T/root.log" 2>/dev/null)"
fi

# 3. not root, with sudo
mkdir -p "$T/user"
dpkg_stub "$T/user" ""; apt_stub "$T/user" user; sudo_stub "$T/user" user
stub "$T/user" id 'echo 1000'
run_deps user
if [ "$(cat "$T/user.st")" = 0 ] && grep -qx 'apt-get install -y -qq golang-go' "$T/user.log" &&
   [ "$(grep -c '^sudo$' "$T/user.log")" = 2 ]; then
  ok "as a user: sudo apt-get update and install"
else
  fail "as a user: status $(cat "$T/user.st"), calls: $(cat "$T/user.log" 2>/dev/null)"
fi

# 4. not root, no sudo
mkdir -p "$T/nosudo"
dpkg_stub "$T/nosudo" ""; apt_stub "$T/nosudo" nosudo
stub "$T/nosudo" id 'echo 1000'
run_deps nosudo
if [ "$(cat "$T/nosudo.st")" != 0 ] && [ ! -e "$T/nosudo.log" ] &&
   grep -q 'not root and no sudo' "$T/nosudo.err"; then
  ok "as a user without sudo: $(cat "$T/nosudo.err")"
else
  fail "without sudo: status $(cat "$T/nosudo.st"), stderr: $(cat "$T/nosudo.err")"
fi

# 5. nothing missing
mkdir -p "$T/all"
dpkg_stub "$T/all" ALL; apt_stub "$T/all" all; sudo_stub "$T/all" all
stub "$T/all" id 'echo 1000'
run_deps all
if [ "$(cat "$T/all.st")" = 0 ] && [ ! -e "$T/all.log" ] && [ ! -s "$T/all.out" ]; then
  ok "all installed: nothing run, nothing printed"
else
  fail "all installed: status $(cat "$T/all.st"), calls: $(cat "$T/all.log" 2>/dev/null)"
fi

[ "$fails" = 0 ] || { echo "deps.sh: $fails case(s) failed" >&2; exit 1; }
echo "deps.sh: make deps behaves in all 5 cases"
