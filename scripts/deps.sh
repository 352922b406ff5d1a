#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build and the tests need.  Idempotent and
# quick when everything is present: apt is only run for missing packages.
set -euo pipefail

PKGS="make gcc libc6-dev clang libclang-rt-14-dev python3 gcc-powerpc64le-linux-gnu
      libc6-dev-ppc64el-cross
      binutils-powerpc64le-linux-gnu qemu-system-ppc linux-source-6.1 flex
      bison bc libelf-dev libssl-dev ccache kmod cpio xz-utils perl
      sparse patch git spin llvm-14 squashfs-tools
      libglib2.0-dev libpixman-1-dev libfdt-dev meson ninja-build
      fio python3-matplotlib sockperf iperf3"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
