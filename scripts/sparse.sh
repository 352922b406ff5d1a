#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run sparse (make C=2) over our directories and objects in the overlaid tree;
# any sparse warning in our files fails.  The directories are those the
# top-level Kbuild lists.
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"

"$TOP/scripts/build-kernel.sh" > /dev/null
# kvm.ko's members of ours are built by the KVM Makefile: check that
# directory and keep only what sparse says about our files.
dirs=$(sed -n 's/^obj-[^+]*+= *//p' "$TOP/Kbuild")
kvm_objs=$(sed -n 's/^kvm-y += *//p' "$TOP/Kbuild")
[ -z "$kvm_objs" ] || dirs="$dirs arch/powerpc/kvm/"
# and vfio-pci-core's, by the vfio-pci Makefile
vfio_objs=$(sed -n 's/^vfio-pci-core-y += *//p' "$TOP/Kbuild")
[ -z "$vfio_objs" ] || dirs="$dirs drivers/vfio/pci/"
ours=$(cd "$TOP" && git ls-files arch drivers include virt | sed 's/[.]/[.]/g' |
	paste -sd'|')
out=$("${KMAKE[@]}" -C "$OUT/linux" O="$OUT/build-linux" C=2 CHECK=sparse \
	$dirs 2>&1) || { echo "$out"; die "sparse run failed"; }
if echo "$out" | grep -E ': (warning|error):' | grep -E "(^|/)($ours):"; then
	die "sparse found problems in our files"
fi
echo "sparse: clean ($dirs)"

# kernel-doc comments must also parse as kernel-doc.
cd "$TOP"
srcs=$(git ls-files 'arch/**.[ch]' 'drivers/**.[ch]')
"$OUT/linux/scripts/kernel-doc" -none -Werror $srcs ||
	die "kernel-doc warnings in our files"
echo "kernel-doc: $(echo "$srcs" | wc -l) files parse"
