#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: the userspace tests (ASan+UBSan build, then TSan build), a
# short libFuzzer run over the core (fixed seeds and number of runs), the
# SPIN model of the resend protocol's barriers, the in-VM tests (KUnit +
# selftests in the emulated POWER8 host, once without PCI and once with the
# PHBs and devices for the vfio_* tests), the same two boots on the debug
# host kernel (lockdep, PROVE_RCU, SLUB poisoning, kmemleak, ...; any
# splat fails), Debian's unmodified ppc64el QEMU running a pseries guest
# on our XICS (boot, then a NIC and an NVMe passed through), the same on
# the debug host, all three
# in-VM suites again on the distribution-like host (Debian's configuration,
# KVM-HV and VFIO as modules, with a module unload/reload cycle), the rig's
# own failure checks, the benchmark kit's dry run (bench/hw), a short
# run of the emulated benchmark (bench/emulated: every workload in the
# QEMU guest, 1 s each, its report), and
# a short run of the path-length meter (bench/pathlen) so it cannot rot.
# Every stage runs even if an earlier one failed; the closing line adds
# them up.
set -uo pipefail
. "$(dirname "$0")/kernel-env.sh"
cd "$TOP"

passed=0 failed=0 skipped=0 rc=0
stage() {
	local name=$1 log=$OUT/check-$1.log line p f s t0
	shift
	echo "== $name: $*"
	t0=$SECONDS
	"$@" > "$log" 2>&1
	local st=$?
	grep -E '^ *(# )?FAIL|^ *not ok|ERROR|error:|WARNING:' "$log" | head -n 40
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)? ]]; then
		p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} s=${BASH_REMATCH[4]:-0}
	else
		p=0 f=0 s=0
	fi
	if [ $st != 0 ] && [ "$f" = 0 ]; then
		f=1	# the stage broke before it could count
		tail -n 20 "$log"
	fi
	echo "   $name: $p passed, $f failed, $s skipped, $((SECONDS - t0)) s (log: $log)"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	[ $st = 0 ] || rc=1
}

mkdir -p "$OUT"
stage utest-asan make -C tools/testing/vxics run
stage utest-tsan make -C tools/testing/vxics tsan
stage fuzz make -C tools/testing/vxics fuzz-smoke
stage spin tools/testing/vxics/spin/run.sh
stage vmtest make vmtest
stage vmtest-pci make vmtest-pci
stage vmtest-debug make vmtest-debug-plain
stage vmtest-pci-debug make vmtest-debug-pci
stage vmtest-qemu make vmtest-qemu
stage vmtest-qemu-debug make vmtest-qemu-debug
stage vmtest-distro make vmtest-distro-plain
stage vmtest-distro-pci make vmtest-distro-pci
stage vmtest-distro-qemu make vmtest-distro-qemu
stage rig scripts/rig-selftest.sh
stage qemu-patch scripts/qemu-patch.sh
stage bench-dry-run bench/hw/dry-run.sh
stage bench-check make bench-check
stage pathlen python3 bench/pathlen/run.py --check
echo "$passed passed, $failed failed, $skipped skipped, $SECONDS s"
[ $rc = 0 ] && [ $failed = 0 ]
