#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build vmlinux (and the modules, if the configuration has any) from the
# overlaid tree (scripts/overlay.sh arguments pass through).  Prints the
# path of the vmlinux on its last line.
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"

# Never two kernel builds at once on this machine: they share the cores
# (and, for the same tree, the build directory).
mkdir -p "$OUT"
exec 9> "${VXICS_BUILD_LOCK:-$OUT/.build.lock}"
flock 9

BUILD=$("$TOP/scripts/overlay.sh" "$@" | tail -n1)
log=$BUILD/build.log
targets=(vmlinux)
modular=0
if grep -qx CONFIG_MODULES=y "$BUILD/.config"; then
	targets+=(modules)
	modular=1
fi
if ! "${KMAKE[@]}" -C "$(cat "$BUILD/.vxics-src")" O="$BUILD" -j"$(nproc)" \
		"${targets[@]}" > "$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -n 30 >&2
	die "kernel build failed, full log: $log"
fi
# A modular kernel's modules, stripped, under $BUILD/modroot/lib/modules
# (with modules.dep, for modprobe), ready to be added to an initramfs.
if [ $modular = 1 ]; then
	rm -rf "$BUILD/modroot"
	"${KMAKE[@]}" -C "$(cat "$BUILD/.vxics-src")" O="$BUILD" \
		INSTALL_MOD_PATH="$BUILD/modroot" INSTALL_MOD_STRIP=1 \
		modules_install >> "$log" 2>&1 || die "modules_install failed, see $log"
fi
# Our own code builds warning-free.
if grep -E '^[^ ]*(vxics|vfio/pci/vxics|tce_iommu_core)[^ ]*: warning:' "$log" >&2; then
	die "warnings in our files (see $log)"
fi
echo "$BUILD/vmlinux"
