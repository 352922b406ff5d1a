#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make an initramfs modular: append to the archive IN a cpio holding the
# modules the tests load (with everything they depend on) from MODROOT
# (a directory with lib/modules/<version>/: a build's modroot from
# scripts/build-kernel.sh, or an unpacked linux-image package), busybox
# for modprobe, and /etc/vxics-modules, which the test /init loads first.
# The kernel unpacks concatenated archives in order, so the result is IN
# with these files added; the appended one is gzipped, which the kernel
# finds at any offset (an uncompressed one must start 4-byte aligned).
# Prints OUT.
#
#   scripts/mkinitramfs-modules.sh MODROOT IN OUT
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"

# What the suites need: KVM-HV (kvm and irqbypass follow), VFIO with its
# SPAPR TCE backend, and uio_pci_generic.
MODULES="kvm_hv vfio_pci vfio_iommu_spapr_tce uio_pci_generic"

[ $# = 3 ] || die "usage: $0 MODROOT IN OUT"
modroot=$1 in=$2 out=$3
vers=("$modroot"/lib/modules/*)
[ ${#vers[@]} = 1 ] && [ -f "${vers[0]}/modules.dep" ] ||
	die "$modroot: expected one lib/modules/<version> with modules.dep"
ver=$(basename "${vers[0]}")
src=${vers[0]}
PPC=$("$TOP/scripts/fetch-ppc64el.sh")
root=$out.root
rm -rf "$root"
mkdir -p "$root/bin" "$root/etc" "$root/lib/modules/$ver"

# The closure of $MODULES in modules.dep ("path: dep dep ..."); module
# names treat - and _ alike.
files=$(awk -v want="$MODULES" '
	BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) {
		gsub("-", "_", w[i]); need[w[i]] = 1 } }
	{ sub(":", "", $1); m = $1; sub(".*/", "", m); sub("[.]ko.*", "", m)
	  gsub("-", "_", m); if (m in need) { print $1
		for (i = 2; i <= NF; i++) print $i } }' "$src/modules.dep" | sort -u)
for m in $MODULES; do
	echo "$files" | tr '-' '_' | grep -q "/${m//-/_}\.ko" ||
		die "module $m is not in $src/modules.dep"
done
for f in $files; do
	mkdir -p "$root/lib/modules/$ver/$(dirname "$f")"
	cp "$src/$f" "$root/lib/modules/$ver/$f"
done
cp "$src"/modules.builtin* "$src"/modules.order "$root/lib/modules/$ver/"
depmod -b "$root" "$ver"
cp "$PPC/bin/busybox" "$root/bin/busybox"
echo "$MODULES" > "$root/etc/vxics-modules"
{ cat "$in"
  (cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc --reproducible --quiet) | gzip -n -1
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
