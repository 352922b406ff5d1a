#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A ppc64el qemu-system-ppc64 from Debian 12's qemu 7.2 source with
# tools/qemu's patches (scripts/qemu-patch.sh prepares the source), for
# the emulated POWER8 host: cross-compiled here against Debian's ppc64el
# -dev packages, fetched with the private ppc64el apt state into a
# sysroot.  Only what the real-QEMU suite needs (pseries, KVM, VFIO, FDT).
# Cached; prints the binary's path.
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"

"$TOP/scripts/qemu-patch.sh" >&2
SRC=$OUT/qemu-src/qemu-7.2
D=$OUT/qemu-ppc64el
SYS=$D/sysroot
DEV="libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev"
if [ "$(cat "$SYS/.done" 2>/dev/null)" != "$DEV" ]; then
	. "$TOP/scripts/ppc64el-apt.sh"
	ppc64el_apt "$OUT/apt-ppc64el"
	rm -rf "$D" && mkdir -p "$D/debs" "$SYS"
	# shellcheck disable=SC2086
	pkgs=$("${APT[@]}" -s install --no-install-recommends $DEV 2>/dev/null |
	       sed -n 's/^Inst \([^ ]*\) .*/\1/p')
	[ -n "$pkgs" ] || die "qemu-vxics: apt found no -dev packages"
	# shellcheck disable=SC2086
	(cd "$D/debs" && "${APT[@]}" download $pkgs > "$D/apt.log" 2>&1) ||
		die "qemu-vxics: apt download failed (see $D/apt.log)"
	for deb in "$D"/debs/*.deb; do
		dpkg-deb -x "$deb" "$SYS"
	done
	# the cross toolchain brings its own C library: drop Debian's
	for deb in "$D"/debs/libc6_*.deb "$D"/debs/libc6-dev_*.deb \
		   "$D"/debs/libcrypt-dev_*.deb "$D"/debs/linux-libc-dev_*.deb; do
		[ -e "$deb" ] || continue
		dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||' |
			while read -r f; do
				[ ! -d "$SYS/$f" ] && rm -f "$SYS/$f"
			done
	done
	echo "$DEV" > "$SYS/.done"
fi
B=$SRC/build-ppc64el
if [ ! -f "$B/build.ninja" ]; then
	mkdir -p "$B"
	L=$SYS/usr/lib/powerpc64le-linux-gnu:$SYS/lib/powerpc64le-linux-gnu
	(cd "$B" &&
	 PKG_CONFIG=pkg-config PKG_CONFIG_SYSROOT_DIR="$SYS" \
	 PKG_CONFIG_LIBDIR="$SYS/usr/lib/powerpc64le-linux-gnu/pkgconfig:$SYS/usr/share/pkgconfig" \
	 ../configure --cross-prefix="$CROSS" --target-list=ppc64-softmmu \
		--without-default-features --enable-kvm --enable-fdt=system \
		--disable-docs --disable-werror \
		--extra-cflags="-idirafter $SYS/usr/include" \
		--extra-ldflags="-L${L//:/ -L} -Wl,-rpath-link=$L" \
		> configure.log 2>&1) ||
		{ tail -n 20 "$B/configure.log"; die "qemu-vxics: configure failed"; }
fi
ninja -C "$B" qemu-system-ppc64 > "$B/ninja.log" 2>&1 ||
	{ tail -n 30 "$B/ninja.log"; die "qemu-vxics: build failed"; }
echo "$B/qemu-system-ppc64"
