#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The initramfs of make vmtest-qemu: the emulated host's /init and the
# host-side test (tools/testing/selftests/vxics/qemu/qemu_guest.c), Debian's
# ppc64el qemu-system-ppc64 with the shared objects it needs and its VOF
# firmware (scripts/fetch-ppc64el.sh), busybox as /bin/sh and /bin/cat
# for QEMU's exec: migration, and under /guest the pseries guest:
# its kernel (out/build-linux.guest/vmlinux), its own initramfs, whose
# /init is guest_init.c, and tools.img, a disk with Debian's fio, sockperf,
# iperf3 and DPDK.
# Uncompressed: it unpacks faster under TCG.
# Prints the archive's path.
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"

PPC=$("$TOP/scripts/fetch-ppc64el.sh")
# QEMU_BINARY: another ppc64el qemu-system-ppc64 (make vmtest-qemu-vxics:
# Debian's source with tools/qemu's patches), linked against a subset of
# Debian's; QEMU_INITRAMFS: the archive's name in out/
QEMU_BINARY=${QEMU_BINARY:-$PPC/usr/bin/qemu-system-ppc64}
NAME=${QEMU_INITRAMFS:-initramfs-qemu}
GUEST_VMLINUX=$OUT/build-linux.guest/vmlinux
[ -f "$GUEST_VMLINUX" ] || die "no guest kernel: make kernel-guest"
ST=$OUT/selftests
Q=$TOP/tools/testing/selftests/vxics/qemu
CFLAGS=(-O2 -static -Wall -Wextra -Werror -Wno-unused-parameter
	-I"$TOP/tools/testing/selftests/vxics")
mkdir -p "$ST/qemu"
make -s -C "$TOP/tools/testing/selftests/vxics" O="$ST" >&2
"${CROSS}gcc" "${CFLAGS[@]}" -o "$ST/qemu/guest_init" "$Q/guest_init.c"
"${CROSS}gcc" "${CFLAGS[@]}" -o "$ST/qemu/qemu_guest" "$Q/qemu_guest.c" \
	"$TOP/tools/testing/selftests/vxics/lib/vxt.c" \
	"$TOP/tools/testing/selftests/vxics/lib/vfio.c" \
	"$TOP/tools/testing/selftests/vxics/lib/nic.c"
# DPDK's l3fwd-power: Debian ships the example's source only (dpdk-doc);
# built against Debian's DPDK 22.11 headers and libraries of the same
# fetch.  libbsd-dev's libbsd.so is a linker script naming the system's
# path: linked through its real file instead.
L=$PPC/usr/lib/powerpc64le-linux-gnu
EX=$PPC/usr/share/dpdk/examples/l3fwd-power
"${CROSS}gcc" -O2 -mcpu=power8 -DALLOW_EXPERIMENTAL_API \
	-I"$PPC/usr/include/dpdk" -I"$PPC/usr/include/powerpc64le-linux-gnu/dpdk" \
	-I"$PPC/usr/include" -include rte_config.h \
	-o "$ST/qemu/dpdk-l3fwd-power" "$EX/main.c" "$EX/perf_core.c" \
	-L"$L" -Wl,-rpath-link,"$L" -Wl,-rpath-link,"$PPC/lib/powerpc64le-linux-gnu" \
	-Wl,--as-needed -lrte_power -lrte_lpm -lrte_hash -lrte_timer \
	-lrte_ethdev -lrte_mbuf -lrte_mempool -lrte_ring -lrte_eal \
	-lrte_telemetry -lrte_kvargs -lrte_net -lrte_rcu -lrte_metrics \
	"$(readlink -f "$L/libbsd.so.0")"

# Copy the shared objects ELF file @1 needs (following DT_NEEDED through
# the fetched packages) and the dynamic loader under root @2.
with_libs() {
	# ceph's libraries are found through their RUNPATH, in a directory
	# of their own
	local libdirs=(lib/powerpc64le-linux-gnu usr/lib/powerpc64le-linux-gnu
		       usr/lib/powerpc64le-linux-gnu/ceph)
	local todo=("$1") f lib d found
	declare -A seen
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for lib in $("${CROSS}readelf" -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -n "${seen[$lib]:-}" ] && continue
			seen[$lib]=1
			found=
			for d in "${libdirs[@]}"; do
				if [ -e "$PPC/$d/$lib" ]; then
					mkdir -p "$2/$d"
					cp -L "$PPC/$d/$lib" "$2/$d/$lib"
					todo+=("$2/$d/$lib")
					found=1
					break
				fi
			done
			[ -n "$found" ] || die "$1 needs $lib, not in the fetched packages"
		done
	done
	mkdir -p "$2/lib64"
	cp -L "$PPC/lib/powerpc64le-linux-gnu/ld64.so.2" "$2/lib64/ld64.so.2"
}

# the guest's initramfs
g=$OUT/guest-initramfs.root
rm -rf "$g"
mkdir -p "$g"/{proc,sys,dev}
"${CROSS}strip" -o "$g/init" "$ST/qemu/guest_init"

# the host's
root=$OUT/$NAME.root
rm -rf "$root"
mkdir -p "$root"/{proc,sys,dev,vxt,guest,tmp,usr/bin,usr/share/qemu}
"${CROSS}strip" -o "$root/init" "$ST/init"
"${CROSS}strip" -o "$root/vxt/qemu_guest" "$ST/qemu/qemu_guest"
cp "$GUEST_VMLINUX" "$root/guest/vmlinux"
(cd "$g" && find . | LC_ALL=C sort | cpio -o -H newc --reproducible --quiet) |
	gzip -n -1 > "$root/guest/initramfs.cpio.gz"
# The guest's tools disk (squashfs on virtio-blk): Debian's fio, sockperf,
# iperf3 and DPDK (l3fwd-power, built above) with their libraries, too big
# for the guest's initramfs (fio alone 95 MB, libicudata 31) and,
# uncompressed, for the host's (QEMU's powernv loads at most 128 MiB of
# initrd): about 33 MB with zstd.  The guest runs them through the loader
# on that disk.
t=$OUT/guest-tools.root
rm -rf "$t"
mkdir -p "$t/usr/bin"
for tool in fio sockperf iperf3; do
	cp "$PPC/usr/bin/$tool" "$t/usr/bin/$tool"
	with_libs "$PPC/usr/bin/$tool" "$t"
done
"${CROSS}strip" -o "$t/usr/bin/dpdk-l3fwd-power" "$ST/qemu/dpdk-l3fwd-power"
with_libs "$t/usr/bin/dpdk-l3fwd-power" "$t"
# its plugins (guest_init.c loads this directory with -d): only these three,
# under the one name EAL's directory scan takes (ABI 23.0)
pmds=usr/lib/powerpc64le-linux-gnu/dpdk/pmds-23.0
mkdir -p "$t/$pmds"
for pmd in librte_bus_pci librte_net_e1000 librte_mempool_ring; do
	cp -L "$PPC/$pmds/$pmd.so.23.0" "$t/$pmds/$pmd.so.23.0"
	with_libs "$t/$pmds/$pmd.so.23.0" "$t"
done
mksquashfs "$t" "$root/guest/tools.img" -comp zstd -Xcompression-level 19 \
	-all-root -noappend -quiet -no-progress >/dev/null
cp "$QEMU_BINARY" "$root/usr/bin/qemu-system-ppc64"
# QEMU's exec: migration runs /bin/sh -c "cat ..."; busybox-static is both
mkdir -p "$root/bin"
cp "$PPC/bin/busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
ln -s busybox "$root/bin/cat"
cp "$PPC"/usr/share/qemu/{vof.bin,slof.bin} "$root/usr/share/qemu/"

with_libs "$QEMU_BINARY" "$root"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --reproducible --quiet) \
	> "$OUT/$NAME.cpio.tmp"
mv "$OUT/$NAME.cpio.tmp" "$OUT/$NAME.cpio"
echo "$OUT/$NAME.cpio"
