#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The rig tests itself: a kernel panic, a hung guest and a VM that never
# runs must each end scripts/vmrun.py with a failure, naming the cause,
# within the time bound, with QEMU reaped.  Expects `make kernel initramfs`.
set -uo pipefail
. "$(dirname "$0")/kernel-env.sh"
cd "$TOP"

pass=0 fail=0
expect_fail() {
	local what=$1 bound=$2 reason=$3 t0 rc log=$OUT/rig-$1.log
	shift 3
	t0=$(date +%s)
	python3 scripts/vmrun.py --kernel "$OUT/build-linux/vmlinux" \
		--initrd "$OUT/initramfs.cpio.gz" --log "$OUT/rig-$what.console" \
		"$@" > "$log" 2>&1
	rc=$?
	local took=$(($(date +%s) - t0))
	if [ $rc != 0 ] && [ $took -le "$bound" ] && grep -q "$reason" "$log" &&
	   ! pgrep -f "rig-$what.console" > /dev/null; then
		echo "ok - $what: failed as it must, in ${took}s: $(grep -m1 "$reason" "$log")"
		pass=$((pass + 1))
	else
		echo "not ok - $what: rc=$rc after ${took}s (bound ${bound}s), want '$reason' (log $log)"
		fail=$((fail + 1))
	fi
}

expect_fail panic 60 "Kernel panic" --append "rdinit=/vxt/kvm_hv_hcall"
expect_fail guest-hang 60 "kvm_hv_hcall: exit signal 14 (timeout)" \
	--append "vxics.selftest_hang vxics.timeout=3 vxics.only=kvm_hv_hcall"
expect_fail vm-hang 30 "timeout after" --timeout 8 --qemu-arg=-S
echo "rig: $pass passed, $fail failed"
[ $fail = 0 ]
