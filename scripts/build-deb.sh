#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: installable linux-image / linux-headers packages for ppc64el,
# cross-built with the kernel's bindeb-pkg from Debian 12's whole ppc64el
# configuration plus vxics (scripts/config/vxics-deb.config), version
# <6.1.y>-vxics.  The packages land in out/deb/ with BUILD-TIME (seconds).
# Not in make check: it builds every module Debian ships.
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"

missing=
for p in dpkg-dev fakeroot rsync; do
	dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] || apt-get install -y -qq --no-install-recommends $missing >/dev/null

mkdir -p "$OUT"
exec 9> "${VXICS_BUILD_LOCK:-$OUT/.build.lock}"
flock 9

cfg=$("$TOP/scripts/fetch-debian-config.sh")
BUILD=$("$TOP/scripts/overlay.sh" --variant deb --base "$cfg" --keep-modules \
	--fragment "$TOP/scripts/config/vxics-deb.config" | tail -n1)
SRC=$(cat "$BUILD/.vxics-src")
log=$BUILD/deb.log
rm -f "$OUT"/linux-*.deb "$OUT"/*.buildinfo "$OUT"/*.changes
t0=$(date +%s)
# bindeb-pkg leaves the packages in the build directory's parent, $OUT.
# -d: the build dependencies it names are this machine's (cross) tools,
# checked above, not ppc64el packages.
if ! "${KMAKE[@]}" -C "$SRC" O="$BUILD" -j"$(nproc)" DPKG_FLAGS=-d \
		KDEB_PKGVERSION="$(make -s -C "$SRC" kernelversion)-1vxics" \
		bindeb-pkg > "$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -n 30 >&2
	die "make deb failed, full log: $log"
fi
t1=$(date +%s)
rm -rf "$OUT/deb"
mkdir -p "$OUT/deb"
mv "$OUT"/linux-*.deb "$OUT/deb/"
rm -f "$OUT"/*.buildinfo "$OUT"/*.changes
echo "$((t1 - t0))" > "$OUT/deb/BUILD-TIME"
{ echo "config: linux-config-6.1 $(cat "$OUT/debian-config/VERSION") (ppc64el)"
  echo "source: linux-source-6.1 $(dpkg-query -W -f='${Version}' linux-source-6.1)"
} > "$OUT/deb/FROM"
ls "$OUT"/deb/*.deb
