#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make an initramfs modular: append to the archive IN a cpio holding a
# modular kernel's modules (BUILD/modroot, from scripts/build-kernel.sh),
# busybox for modprobe, and /etc/vxics-modules, which the test /init loads
# first.  The kernel unpacks concatenated archives in order, so the
# result is IN with these files added; the appended one is gzipped, which
# the kernel finds at any offset (an uncompressed one must start 4-byte
# aligned).  Prints OUT.
#
#   scripts/mkinitramfs-modules.sh BUILD IN OUT
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"

[ $# = 3 ] || die "usage: $0 BUILD IN OUT"
build=$1 in=$2 out=$3
[ -d "$build/modroot/lib/modules" ] || die "$build has no modules (modroot)"
PPC=$("$TOP/scripts/fetch-ppc64el.sh")
root=$out.root
rm -rf "$root"
mkdir -p "$root/bin" "$root/etc" "$root/lib"
cp -a "$build/modroot/lib/modules" "$root/lib/"
cp "$PPC/bin/busybox" "$root/bin/busybox"
# What the suites need: KVM-HV (kvm.ko, irqbypass follow through
# modules.dep), VFIO with its SPAPR TCE backend, and uio_pci_generic.
echo "kvm_hv vfio_pci vfio_iommu_spapr_tce uio_pci_generic" > "$root/etc/vxics-modules"
{ cat "$in"
  (cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc --reproducible --quiet) | gzip -n -1
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
