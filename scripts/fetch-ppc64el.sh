#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian 12's own ppc64el binaries for the emulated POWER8 host:
# QEMU (qemu-system-ppc, unmodified), busybox-static, and for the guest
# fio, sockperf, iperf3 and DPDK's libraries with its e1000 PMD, with apt in a
# private state directory (out/apt-ppc64el, scripts/ppc64el-apt.sh) so the system's apt
# configuration, lists and dpkg status are never touched.  The packages
# and their dependency closure are unpacked into out/ppc64el/root, with
# BUILD_ONLY (without their dependencies: headers and sources) over them:
# mkinitramfs-qemu.sh builds DPDK's l3fwd-power example from them.
# Cached: nothing is fetched again while out/ppc64el/root/.done names the
# same packages.
#
#   scripts/fetch-ppc64el.sh        prints the root directory
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"

D=$OUT/ppc64el
ROOT=$D/root
PKGS_WANTED="qemu-system-ppc busybox-static fio sockperf iperf3"
PKGS_WANTED+=" librte-net-e1000-23 librte-mempool-ring23 librte-power23"
PKGS_WANTED+=" librte-lpm23 librte-timer23 librte-metrics23"
BUILD_ONLY="libdpdk-dev libbsd-dev dpdk-doc"
if [ -f "$ROOT/.done" ] && [ "$(head -n1 "$ROOT/.done")" = "$PKGS_WANTED $BUILD_ONLY" ]; then
	echo "$ROOT"
	exit 0
fi
rm -rf "$D"
mkdir -p "$D/debs" "$ROOT"
. "$TOP/scripts/ppc64el-apt.sh"
ppc64el_apt "$OUT/apt-ppc64el"
# shellcheck disable=SC2086
pkgs=$("${APT[@]}" -s install --no-install-recommends $PKGS_WANTED 2>>"$D/apt.log" |
	sed -n 's/^Inst \([^ ]*\) .*/\1/p')
[ -n "$pkgs" ] || die "apt found nothing to install (see $D/apt.log)"
# shellcheck disable=SC2086
(cd "$D/debs" && "${APT[@]}" download $pkgs $BUILD_ONLY >>"$D/apt.log" 2>&1) ||
	die "apt download failed (see $D/apt.log)"
for deb in "$D"/debs/*.deb; do
	dpkg-deb -x "$deb" "$ROOT"
done
printf '%s\n%s packages\n' "$PKGS_WANTED $BUILD_ONLY" "$(echo "$pkgs" | wc -w)" > "$ROOT/.done"
echo "$ROOT"
