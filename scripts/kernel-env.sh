# SPDX-License-Identifier: GPL-2.0
# Sourced by the build scripts: where things live and which toolchain to use.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-$TOP/out}
KSRC_TARBALL=${KSRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
# The linux-source-6.1 version the hook patches were last refreshed against.
KSRC_DEVELOPED_AGAINST=6.1.192-2
CROSS=powerpc64le-linux-gnu-
KMAKE=(make -s ARCH=powerpc CROSS_COMPILE=$CROSS "CC=ccache ${CROSS}gcc")
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export CCACHE_BASEDIR=$OUT
export KBUILD_BUILD_TIMESTAMP="2026-01-01 00:00 UTC"
export KBUILD_BUILD_USER=vxics KBUILD_BUILD_HOST=vxics

die() { echo "error: $*" >&2; exit 1; }
