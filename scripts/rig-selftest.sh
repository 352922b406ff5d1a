#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The rig tests itself: a kernel panic, a hung guest and a VM that never
# runs must each end scripts/vmrun.py with a failure, naming the cause,
# within the time bound, with QEMU reaped; a firmware that hangs before
# the kernel starts is booted again.  Expects `make kernel initramfs`.
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
# A firmware that hangs in PCI init once (skiboot's cpu_wait_job watchdog
# backtraces, no kernel started) is booted again, and the run passes.  A
# stand-in qemu-system-ppc64 first in PATH plays the firmware.
fake=$OUT/rig-fake-qemu
mkdir -p "$fake"
rm -f "$fake/boots"
cat > "$fake/qemu-system-ppc64" <<'FAKE'
#!/bin/bash
n=$(cat "$(dirname "$0")/boots" 2>/dev/null || echo 0)
echo $((n + 1)) > "$(dirname "$0")/boots"
if [ "$n" = 0 ]; then
	for i in 1 2 3 4; do
		echo "CPU 0008 Backtrace:"
		echo " S: 0000000031c53c70 R: 0000000030027da8   .cpu_wait_job+0x70"
	done
	exec sleep 60
fi
echo "[    8.08,5] INIT: Starting kernel at 0x20010000"
echo "[vxt] start"
echo "[vxt] rig: 1..1"
echo "[vxt] rig: ok 1 - booted"
echo "[vxt] rig: exit 0"
echo "[vxt] tainted 0"
echo "[vxt] done"
FAKE
chmod +x "$fake/qemu-system-ppc64"
t0=$(date +%s)
PATH=$fake:$PATH python3 scripts/vmrun.py --kernel /dev/null --initrd /dev/null \
	--pci --min-kunit 0 --timeout 30 --log "$OUT/rig-fw-hang.console" \
	> "$OUT/rig-fw-hang.log" 2>&1
rc=$?
took=$(($(date +%s) - t0))
if [ $rc = 0 ] && [ "$(cat "$fake/boots")" = 2 ] &&
   grep -q "booting again (1 of 2)" "$OUT/rig-fw-hang.log" &&
   grep -q "^1 passed, 0 failed" "$OUT/rig-fw-hang.log"; then
	echo "ok - fw-hang: a firmware hung in PCI init is booted again, in ${took}s"
	pass=$((pass + 1))
else
	echo "not ok - fw-hang: rc=$rc, $(cat "$fake/boots" 2>/dev/null) boots (log $OUT/rig-fw-hang.log)"
	fail=$((fail + 1))
fi

echo "rig: $pass passed, $fail failed"
[ $fail = 0 ]
