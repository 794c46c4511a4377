#!/bin/sh
# tools/mhd.sh OUT CACHE: a libmicrohttpd.a without TLS for the static binary (make static).
#
# Why: Debian's libmicrohttpd.a is built with HTTPS through gnutls, and a static link with it
# needs gnutls' own dependencies as static archives too; Debian ships none for p11-kit or
# libunistring, so that link cannot work. The --metrics endpoint serves plain HTTP only, so
# we build the same library ourselves from Debian's source package of the version Debian
# ships (bookworm's 0.9.75-6), with Debian's patches applied and HTTPS left out.
#
# The two source files are downloaded once into CACHE (make's MHD_CACHE, build/mhd/dl by
# default) and checked against the sha256 sums below before anything is unpacked: a file
# that does not match is deleted and refused. The result is OUT/lib/libmicrohttpd.a and
# OUT/include/microhttpd.h; everything else stays in OUT. Needs curl (or wget), xz, patch
# and a C compiler: `make deps` installs them.
set -eu
OUT=${1:?usage: tools/mhd.sh OUT CACHE}
CACHE=${2:?usage: tools/mhd.sh OUT CACHE}
VERSION=0.9.75
POOL=http://deb.debian.org/debian/pool/main/libm/libmicrohttpd
ORIG=libmicrohttpd_$VERSION.orig.tar.xz
ORIG_SHA=796e7e217a4802679fcac667a4e98501c53185dcf50ca0583870e84192620131
DEB=libmicrohttpd_$VERSION-6.debian.tar.xz
DEB_SHA=566c247bfbf67e20858705ae695f58db747d50ed8512f2bc46a28bef9086e5af

die() {
  echo "tools/mhd.sh: $*" >&2
  exit 1
}

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# fetch NAME SHA: CACHE/NAME with that sha256, downloaded only when it is not there yet
fetch() {
  f=$CACHE/$1
  if [ -f "$f" ] && [ "$(sha_of "$f")" = "$2" ]; then
    return 0
  fi
  mkdir -p "$CACHE"
  rm -f "$f" "$f.part"
  echo "tools/mhd.sh: downloading $POOL/$1"
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 --connect-timeout 20 --max-time 300 -o "$f.part" "$POOL/$1" 2>/dev/null ||
      { rm -f "$f.part"; die "cannot download $POOL/$1 (curl failed; is the network up?)"; }
  elif command -v wget >/dev/null 2>&1; then
    wget -q -T 20 -t 2 -O "$f.part" "$POOL/$1" ||
      { rm -f "$f.part"; die "cannot download $POOL/$1 (wget failed; is the network up?)"; }
  else
    die "neither curl nor wget is installed (make deps installs curl)"
  fi
  got=$(sha_of "$f.part")
  if [ "$got" != "$2" ]; then
    rm -f "$f.part"
    die "$1: sha256 $got is not the expected $2; refusing it"
  fi
  mv "$f.part" "$f"
}

command -v xz >/dev/null 2>&1 || die "xz is not installed (make deps installs xz-utils)"
command -v patch >/dev/null 2>&1 || die "patch is not installed (make deps installs patch)"
fetch "$ORIG" "$ORIG_SHA"
fetch "$DEB" "$DEB_SHA"

# a fresh source tree with Debian's patches, in the order of debian/patches/series
rm -rf "${OUT:?}/src" "${OUT:?}/obj" "${OUT:?}/lib" "${OUT:?}/include"
mkdir -p "$OUT/src" "$OUT/obj" "$OUT/lib" "$OUT/include"
tar -xJf "$CACHE/$ORIG" -C "$OUT/src"
SRC=$OUT/src/libmicrohttpd-$VERSION
tar -xJf "$CACHE/$DEB" -C "$SRC"
if [ -f "$SRC/debian/patches/series" ]; then
  grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$SRC/debian/patches/series" |
    while read -r p _; do
      patch -p1 -s -d "$SRC" <"$SRC/debian/patches/$p" || die "Debian patch $p does not apply"
    done
fi

# Plain HTTP with the internal thread and poll/epoll is all the endpoint uses
# (src/out/metrics_http.c); no HTTPS, no digest auth, no post processor, no upgrade.
# The hardening flags follow Debian's build of the library (it handles untrusted input).
ABS_SRC=$(cd "$SRC" && pwd)
(
  cd "$OUT/obj"
  "$ABS_SRC/configure" --quiet --disable-https --without-gnutls --enable-static \
    --disable-shared --disable-doc --disable-examples --disable-curl --disable-dauth \
    --disable-postprocessor --disable-httpupgrade --disable-nls \
    CC="${CC:-cc}" CFLAGS="-O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2" >configure.log 2>&1
) || { tail -20 "$OUT/obj/configure.log" >&2; die "configure of libmicrohttpd failed (log: $OUT/obj/configure.log)"; }
grep -q '^#define HTTPS_SUPPORT' "$OUT/obj/MHD_config.h" && die "configure turned HTTPS on"
make -s -C "$OUT/obj/src/microhttpd" >"$OUT/obj/make.log" 2>&1 ||
  { tail -20 "$OUT/obj/make.log" >&2; die "build of libmicrohttpd failed (log: $OUT/obj/make.log)"; }
cp "$OUT/obj/src/microhttpd/.libs/libmicrohttpd.a" "$OUT/lib/libmicrohttpd.a"
cp "$SRC/src/include/microhttpd.h" "$OUT/include/microhttpd.h"
echo "tools/mhd.sh: built $OUT/lib/libmicrohttpd.a ($VERSION-6, plain HTTP)"
