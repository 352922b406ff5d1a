#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the in-VM test programs (static ppc64le) and pack them with /init
# into out/initramfs.cpio.gz.  Prints the archive's path.
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"

ST=$OUT/selftests
make -s -C "$TOP/tools/testing/selftests/vxics" O="$ST" >&2
make -s -C "$TOP/tools/vfio-bypass" CROSS="$CROSS" LDFLAGS=-static \
	O="$ST/bin" >&2
root=$OUT/initramfs.root
rm -rf "$root"
mkdir -p "$root"/{proc,sys,dev,vxt,bin}
"${CROSS}strip" -o "$root/init" "$ST/init"
# the tools the tests run
"${CROSS}strip" -o "$root/bin/vfio-bypass" "$ST/bin/vfio-bypass"
for t in "$ST"/vxt/*; do
	"${CROSS}strip" -o "$root/vxt/$(basename "$t")" "$t"
done
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --reproducible --quiet) |
	gzip -n -1 > "$OUT/initramfs.cpio.gz.tmp"
mv "$OUT/initramfs.cpio.gz.tmp" "$OUT/initramfs.cpio.gz"
echo "$OUT/initramfs.cpio.gz"
