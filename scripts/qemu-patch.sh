#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Our patches for QEMU 7.2 (tools/qemu/*.patch) against Debian 12's qemu
# source package: fetch it with apt-get source through a private apt state
# (the system's configuration untouched; cached in out/qemu-src), apply
# Debian's own patches and then ours, and compile the patched hw/vfio
# files for ppc64-softmmu with this machine's compiler.  A patch that no
# longer applies or builds fails, naming it.  Ends with "N passed, M failed".
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"
trap 'echo "qemu-patch: failed at line $LINENO" >&2' ERR

Q=$OUT/qemu-src
SRC=$Q/qemu-7.2
mkdir -p "$Q/etc" "$Q/state/lists/partial" "$Q/cache/archives/partial"
if ! ls "$Q"/qemu_7.2*.dsc >/dev/null 2>&1; then
	# deb-src entries for the system's own sources, either format
	for f in /etc/apt/sources.list.d/*.sources; do
		if [ -e "$f" ]; then
			sed 's/^Types: deb$/Types: deb-src/' "$f"
			echo
		fi
	done > "$Q/etc/src.sources"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		if [ -e "$f" ]; then sed -n 's/^deb /deb-src /p' "$f"; fi
	done > "$Q/etc/src.list"
	apto=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$Q/etc"
	      -o "Dir::State=$Q/state" -o "Dir::Cache=$Q/cache")
	apt-get "${apto[@]}" update -qq
	(cd "$Q" && apt-get "${apto[@]}" source --download-only -qq qemu) ||
		die "qemu-patch: apt-get source qemu failed"
fi
dsc=$(ls "$Q"/qemu_7.2*.dsc | tail -n1)
ver=$(sed -n 's/^Version: //p' "$dsc")
stamp=$(cat "$dsc" "$TOP"/tools/qemu/*.patch | sha1sum | cut -c1-16)
if [ "$(cat "$SRC/.vxics-stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$SRC" && mkdir -p "$SRC"
	tar -xJf "$Q"/qemu_7.2*.orig.tar.xz -C "$SRC" --strip-components=1
	tar -xJf "$Q"/qemu_"${ver#*:}".debian.tar.xz -C "$SRC"
	grep -v '^#' "$SRC/debian/patches/series" | while read -r p; do
		[ -n "$p" ] || continue
		patch -d "$SRC" -p1 -s --no-backup-if-mismatch \
			< "$SRC/debian/patches/$p" >/dev/null ||
			die "qemu-patch: Debian's $p does not apply"
	done
	for p in "$TOP"/tools/qemu/*.patch; do
		patch -d "$SRC" -p1 -F2 -s --no-backup-if-mismatch < "$p" ||
			die "qemu-patch: $(basename "$p") no longer applies to qemu $ver"
	done
	echo "$stamp" > "$SRC/.vxics-stamp"
fi
mkdir -p "$SRC/build"
cd "$SRC/build"
[ -f build.ninja ] ||
	../configure --target-list=ppc64-softmmu --disable-docs \
		--without-default-features > configure.log 2>&1 ||
	{ tail -n 20 configure.log; die "qemu-patch: configure failed"; }
n=0
for o in hw_vfio_pci.c.o hw_vfio_common.c.o; do
	ninja "libqemu-ppc64-softmmu.fa.p/$o" > "ninja-$o.log" 2>&1 ||
		{ tail -n 30 "ninja-$o.log"; die "qemu-patch: $o does not build"; }
	! grep -E 'warning:' "ninja-$o.log" ||
		die "qemu-patch: warnings in $o"
	n=$((n + 1))
done
echo "qemu-patch: qemu $ver with tools/qemu/*.patch: hw/vfio builds"
echo "$n passed, 0 failed"
