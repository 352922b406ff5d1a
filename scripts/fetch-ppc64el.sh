#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian 12's own ppc64el binaries for the emulated POWER8 host:
# QEMU (qemu-system-ppc, unmodified), busybox-static and fio (for the
# guest's NVMe), with apt in a
# private state directory (out/apt-ppc64el, scripts/ppc64el-apt.sh) so the system's apt
# configuration, lists and dpkg status are never touched.  The packages
# and their dependency closure are unpacked into out/ppc64el/root.
# Cached: nothing is fetched again while out/ppc64el/root/.done names the
# same packages.
#
#   scripts/fetch-ppc64el.sh        prints the root directory
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"

D=$OUT/ppc64el
ROOT=$D/root
PKGS_WANTED="qemu-system-ppc busybox-static fio sockperf iperf3"
if [ -f "$ROOT/.done" ] && [ "$(head -n1 "$ROOT/.done")" = "$PKGS_WANTED" ]; then
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
(cd "$D/debs" && "${APT[@]}" download $pkgs >>"$D/apt.log" 2>&1) ||
	die "apt download failed (see $D/apt.log)"
for deb in "$D"/debs/*.deb; do
	dpkg-deb -x "$deb" "$ROOT"
done
printf '%s\n%s packages\n' "$PKGS_WANTED" "$(echo "$pkgs" | wc -w)" > "$ROOT/.done"
echo "$ROOT"
