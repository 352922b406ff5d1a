#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian 12's ppc64el kernel configuration (package linux-config-6.1,
# config.ppc64el_none_powerpc64le) with apt in a private state directory,
# and print the path of the uncompressed file.  Cached in out/debian-config;
# the first line of its VERSION file names the package version.
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"
. "$TOP/scripts/ppc64el-apt.sh"

D=$OUT/debian-config
CFG=$D/config.ppc64el
if [ ! -s "$CFG" ]; then
	rm -rf "$D"
	mkdir -p "$D/deb"
	ppc64el_apt "$OUT/apt-ppc64el"
	(cd "$D/deb" && "${APT[@]}" download linux-config-6.1 > "$D/apt.log" 2>&1) ||
		die "apt download linux-config-6.1 (ppc64el) failed (see $D/apt.log)"
	deb=$(ls "$D"/deb/linux-config-6.1_*.deb)
	dpkg-deb -x "$deb" "$D/x"
	xz -dc "$D"/x/usr/src/linux-config-6.1/config.ppc64el_none_powerpc64le.xz \
		> "$CFG.tmp"
	dpkg-deb -f "$deb" Version > "$D/VERSION"
	mv "$CFG.tmp" "$CFG"
fi
echo "$CFG"
