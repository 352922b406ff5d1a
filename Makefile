# SPDX-License-Identifier: GPL-2.0
#
# vxics: emulated XICS and passthrough interrupt bypass for KVM on POWER8.
#
#   make demo     boot the emulated POWER8 host and run the demo guest
#   make check    every test: userspace (ASan, TSan) and in the emulated host
#   make lint     checkpatch --strict over our files
#   make pathlen  path lengths (TCG instruction counts), ours vs upstream
#   make vmtest-debug  the in-VM suites on the debug host kernel
#   make vmtest-qemu   unmodified QEMU runs a pseries guest in the host,
#                      with a NIC and an NVMe passed through
#   make vmtest-qemu-boot   only its boot scenario (no PCI, quicker)
#   make vmtest-qemu-debug  vmtest-qemu on the debug host kernel
#   make vmtest-distro  the in-VM suites, real-QEMU included, on Debian's
#                       configuration with KVM-HV and VFIO as modules
#   make deb      linux-image/-headers packages for Debian 12 ppc64el hosts
#   make vmtest-deb    the packaged image booted with the in-VM suites
#   make kernel / initramfs / vmtest / vmtest-pci / utest    the pieces

export PATH := /usr/sbin:/sbin:$(PATH)
VMRUN := python3 scripts/vmrun.py --kernel out/build-linux/vmlinux \
	 --initrd out/initramfs.cpio.gz
# vmtest-pci: the default PHB3s, each endpoint behind its own root port.
# pcie.2 holds two functions of one device, which share a PE and so an
# iommu group.  QEMU's nvme needs no drive for admin commands; romfile=
# because the e1000e option ROM (package ipxe-qemu) is not needed here.
PCI_DEVICES := --device e1000e,bus=pcie.0,addr=0.0,romfile= \
	--device nvme,bus=pcie.1,addr=0.0,serial=vxt \
	--device e1000e,bus=pcie.2,addr=0.0,multifunction=on,romfile= \
	--device e1000e,bus=pcie.2,addr=0.1,romfile=
# KUnit already ran in the plain boot; loglevel=5 keeps driver chatter
# out of the TAP lines (warnings still reach the console).
PCI_APPEND := vxics.tests=vfio_*,pathlen_host_irq vxics.pci kunit.enable=0 loglevel=5 percpu_alloc=page

.PHONY: all demo check lint deps kernel initramfs vmtest vmtest-pci utest qemu-patch \
	bench bench-check bench-dry-run kernel-stockvfio vmtest-stock-pci vmtest-stock \
	qemu-vxics vmtest-qemu-vxics \
	pathlen clean distclean kernel-debug vmtest-debug \
	vmtest-debug-plain vmtest-debug-pci kernel-guest initramfs-qemu vmtest-qemu \
	vmtest-qemu-debug vmtest-qemu-boot soak-qemu vmtest-qemu-migration kernel-notb \
	kernel-distro initramfs-distro vmtest-distro vmtest-distro-plain \
	vmtest-distro-pci vmtest-distro-qemu deb vmtest-deb
all: kernel initramfs

deps:
	@scripts/deps.sh

kernel: deps
	@scripts/build-kernel.sh >/dev/null

initramfs: deps
	@scripts/mkinitramfs.sh >/dev/null

# percpu_alloc=page: per-CPU data in vmalloc space, where real mode cannot
# reach it; our real-mode code must not touch any (R35).  Four host CPUs:
# xics_contention needs three lock waiters at once, the point where a
# queued spinlock would queue on per-CPU nodes (with it the host hangs).
VMTEST_ARGS := --smp 4 --append percpu_alloc=page
vmtest: kernel initramfs
	@$(VMRUN) --timeout 600 $(VMTEST_ARGS)

# The debug host kernel: the same overlay, out/build-linux.debug, with the
# checks of scripts/config/vxics-debug.config (lockdep, PROVE_RCU, atomic
# sleep, SLUB poisoning, list and object debugging, KFENCE, UBSAN,
# kmemleak).  Both in-VM suites boot on it; any splat or leak fails.
DEBUG_KERNEL := --kernel out/build-linux.debug/vmlinux
kernel-debug: deps
	@scripts/build-kernel.sh --variant debug \
		--fragment scripts/config/vxics-debug.config >/dev/null

vmtest-debug: vmtest-debug-plain vmtest-debug-pci

vmtest-debug-plain: kernel-debug initramfs
	@$(VMRUN) $(DEBUG_KERNEL) --timeout 900 $(VMTEST_ARGS) \
		--log out/vmtest-debug.log

vmtest-debug-pci: kernel-debug initramfs
	@$(VMRUN) $(DEBUG_KERNEL) --pci $(PCI_DEVICES) --append "$(PCI_APPEND)" \
		--min-kunit 0 --timeout 900 --log out/vmtest-pci-debug.log

# Unmodified QEMU in the loop: Debian's ppc64el qemu-system-ppc64 inside
# the emulated host boots a pseries guest (out/build-linux.guest) on our
# in-kernel XICS and, as the reference, on QEMU's own.
kernel-guest: deps
	@scripts/build-kernel.sh --variant guest \
		--fragment scripts/config/vxics-guest.config >/dev/null

initramfs-qemu: kernel-guest deps
	@scripts/mkinitramfs-qemu.sh >/dev/null

# Its PCI devices: an e1000e on QEMU's user network (so that ARP to
# 10.0.2.2 is answered) and an NVMe on a small image file.
# Upstream's passthrough callbacks used to warn at every MSI-X setup;
# vxics takes those pairings now, and any such line fails the run.
QEMU_QUIET := --forbid 'passthru_irq|bypass producer.*registration fails'
QEMU_PCI := $(QEMU_QUIET) --pci --device e1000e,netdev=n0,bus=pcie.0,addr=0.0,romfile= \
	--qemu-arg=-netdev --qemu-arg=user,id=n0 \
	--device nvme,bus=pcie.1,addr=0.0,serial=vxq,drive=nv0 \
	--qemu-arg=-drive --qemu-arg=file=out/nvme-qemu.img,if=none,id=nv0,format=raw
# What the guest wrote to its NVMe is in the host's image file.
NVME_DATA_CHECK = python3 -c "import sys; d = open('out/nvme-qemu.img', 'rb').read(); \
		sys.exit(d[1 << 20:(1 << 20) + 23] != b'vxics-nvme-passthrough ')" || \
		{ echo "FAIL: the guest's NVMe data is not in out/nvme-qemu.img"; exit 1; }
# In make check: boot, then the NIC and the NVMe passed through, each on
# our XICS and then on QEMU's own (the reference rows are TODO lines), and
# a migration on ours (QEMU's own XICS has failed the host in migration:
# its row runs in vmtest-qemu-migration only).
QEMU_CHECK_APPEND := kunit.enable=0 vxics.pci vxics.timeout=560 \
	vxics.qemu-migration=ours
vmtest-qemu: kernel initramfs-qemu
	@rm -f out/nvme-qemu.img && truncate -s 16M out/nvme-qemu.img
	@$(VMRUN) --initrd out/initramfs-qemu.cpio --smp 4 --min-kunit 0 \
		$(QEMU_PCI) --append "$(QEMU_CHECK_APPEND)" \
		--timeout 700 --log out/vmtest-qemu.log
	@$(NVME_DATA_CHECK)

# Its boot scenario alone: no PHBs, a quicker host boot.
vmtest-qemu-boot: kernel initramfs-qemu
	@$(VMRUN) --initrd out/initramfs-qemu.cpio --smp 4 --min-kunit 0 \
		--append "kunit.enable=0 vxics.timeout=300" --timeout 400 \
		--log out/vmtest-qemu-boot.log

# Migration between two QEMUs (not in make check: see testing.rst).
vmtest-qemu-migration: kernel initramfs-qemu
	@$(VMRUN) --initrd out/initramfs-qemu.cpio --smp 4 --min-kunit 0 \
		--append "kunit.enable=0 vxics.qemu-migration vxics.timeout=600" \
		--timeout 700 --log out/vmtest-qemu-migration.log

# The same on the debug host (in make check), our rows with the bypass on
# (vxics.qemu-ours: the reference rows and the bypass-off baseline run on
# the test host): any splat or kmemleak report fails it.
QEMU_DEBUG_APPEND ?= vxics.qemu-ours
vmtest-qemu-debug: kernel-debug initramfs-qemu
	@rm -f out/nvme-qemu.img && truncate -s 16M out/nvme-qemu.img
	@$(VMRUN) $(DEBUG_KERNEL) --initrd out/initramfs-qemu.cpio --smp 4 \
		--min-kunit 0 $(QEMU_PCI) --timeout 900 \
		--append "kunit.enable=0 vxics.pci vxics.timeout=700 $(QEMU_DEBUG_APPEND)" \
		--log out/vmtest-qemu-debug.log

# The soak (not in make check): SOAK_ROUNDS boots of the guest with its
# heartbeat on, SOAK_STRESS s of stress each; SOAK_PCI=1 passes the NIC
# and the NVMe through (affinity moves, resets, reads), SOAK_REF=1 also
# boots QEMU's own XICS each round, SOAK_HOST="--qemu-arg=..." changes
# the emulated host (e.g. --qemu-arg=-accel --qemu-arg=tcg,thread=single),
# SOAK_KERNEL another host kernel (make kernel-notb: without the test bed's
# timebase fix).  Every gap over 1 s in the guest's output is reported with
# our XICS state and the QEMU threads' kernel stacks; out/soak-qemu.log.
kernel-notb: deps
	@scripts/build-kernel.sh --variant notb \
		--fragment scripts/config/vxics-notb.config >/dev/null

SOAK_ROUNDS ?= 20
SOAK_STRESS ?= 10
SOAK_PCI ?= 1
SOAK_REF ?= 0
SOAK_HOST ?=
SOAK_TIME = $(shell echo $$(( $(SOAK_ROUNDS) * ($(SOAK_REF) + 1) * \
	($(SOAK_STRESS) + 90) + 300 )))
soak-qemu: kernel initramfs-qemu
	@rm -f out/nvme-qemu.img && truncate -s 16M out/nvme-qemu.img
	@$(VMRUN) --initrd out/initramfs-qemu.cpio --smp 4 --min-kunit 0 \
		$(if $(filter 1,$(SOAK_PCI)),$(QEMU_PCI)) $(SOAK_HOST) \
		$(if $(SOAK_KERNEL),--kernel $(SOAK_KERNEL)) \
		--append "kunit.enable=0 vxics.tests=qemu_guest vxics.timeout=$(SOAK_TIME) \
		vxics.soak=$(SOAK_ROUNDS) vxics.soak-stress=$(SOAK_STRESS) \
		$(if $(filter 1,$(SOAK_PCI)),vxics.pci) $(if $(filter 1,$(SOAK_REF)),vxics.soak-ref)" \
		--timeout $$(( $(SOAK_TIME) + 200 )) --log out/soak-qemu.log

# The distribution-like host: Debian 12's ppc64el configuration, its
# modules trimmed to those the tests load (scripts/config/vxics-distro.config);
# KVM-HV, VFIO and vfio-pci are modules, which /init loads with modprobe.
# kvm_module_cycle unloads and reloads KVM between guests.  No KUnit here.
DISTRO_KERNEL := --kernel out/build-linux.distro/vmlinux
kernel-distro: deps
	@scripts/build-kernel.sh --variant distro \
		--base "$$(scripts/fetch-debian-config.sh)" \
		--fragment scripts/config/vxics-distro.config >/dev/null

initramfs-distro: kernel-distro initramfs
	@scripts/mkinitramfs-modules.sh out/build-linux.distro/modroot \
		out/initramfs.cpio.gz out/initramfs-distro.cpio.gz >/dev/null

vmtest-distro: vmtest-distro-plain vmtest-distro-pci vmtest-distro-qemu

vmtest-distro-plain: initramfs-distro
	@$(VMRUN) $(DISTRO_KERNEL) --initrd out/initramfs-distro.cpio.gz \
		--min-kunit 0 --timeout 600 $(VMTEST_ARGS) --log out/vmtest-distro.log

vmtest-distro-pci: initramfs-distro
	@$(VMRUN) $(DISTRO_KERNEL) --initrd out/initramfs-distro.cpio.gz \
		--pci $(PCI_DEVICES) --append "$(PCI_APPEND)" --min-kunit 0 \
		--timeout 600 --log out/vmtest-distro-pci.log

vmtest-distro-qemu: kernel-distro initramfs-qemu
	@scripts/mkinitramfs-modules.sh out/build-linux.distro/modroot \
		out/initramfs-qemu.cpio out/initramfs-qemu-distro.cpio >/dev/null
	@rm -f out/nvme-qemu.img && truncate -s 16M out/nvme-qemu.img
	@$(VMRUN) $(DISTRO_KERNEL) --initrd out/initramfs-qemu-distro.cpio \
		--smp 4 --min-kunit 0 $(QEMU_PCI) \
		--append "kunit.enable=0 vxics.pci vxics.qemu-ours vxics.timeout=500" \
		--timeout 700 --log out/vmtest-distro-qemu.log
	@$(NVME_DATA_CHECK)

# Installable packages for a Debian 12 POWER8 host (not in make check):
# Debian's whole ppc64el configuration plus vxics, in out/deb/.
deb: deps
	@scripts/build-deb.sh

# The image make deb packaged, booted as the emulated host with the
# distribution-like host's three suites (modules from the package).
DEB_ROOT := out/deb/root
vmtest-deb: initramfs initramfs-qemu
	@rm -rf $(DEB_ROOT) && mkdir -p $(DEB_ROOT) && \
		dpkg-deb -x $$(ls out/deb/linux-image-*-vxics_*.deb | grep -v dbg) $(DEB_ROOT)
	@scripts/mkinitramfs-modules.sh $(DEB_ROOT) out/initramfs.cpio.gz \
		out/initramfs-deb.cpio.gz >/dev/null
	@scripts/mkinitramfs-modules.sh $(DEB_ROOT) out/initramfs-qemu.cpio \
		out/initramfs-qemu-deb.cpio >/dev/null
	@$(VMRUN) --kernel $$(ls $(DEB_ROOT)/boot/vmlinux-*) \
		--initrd out/initramfs-deb.cpio.gz --min-kunit 0 --timeout 600 \
		$(VMTEST_ARGS) --log out/vmtest-deb.log
	@$(VMRUN) --kernel $$(ls $(DEB_ROOT)/boot/vmlinux-*) \
		--initrd out/initramfs-deb.cpio.gz --pci $(PCI_DEVICES) \
		--append "$(PCI_APPEND)" --min-kunit 0 --timeout 600 \
		--log out/vmtest-deb-pci.log
	@rm -f out/nvme-qemu.img && truncate -s 16M out/nvme-qemu.img
	@$(VMRUN) --kernel $$(ls $(DEB_ROOT)/boot/vmlinux-*) \
		--initrd out/initramfs-qemu-deb.cpio --smp 4 --min-kunit 0 $(QEMU_PCI) \
		--append "kunit.enable=0 vxics.pci vxics.timeout=500" \
		--timeout 700 --log out/vmtest-deb-qemu.log
	@$(NVME_DATA_CHECK)

vmtest-pci: kernel initramfs
	@$(VMRUN) --pci $(PCI_DEVICES) --append "$(PCI_APPEND)" --min-kunit 0 \
		--timeout 600 --log out/vmtest-pci.log

demo: kernel initramfs
	@$(VMRUN) --demo --pci $(PCI_DEVICES) --append vxics.demo --timeout 300 \
		--log out/demo.log

utest: deps
	@$(MAKE) -s -C tools/testing/vxics run
	@$(MAKE) -s -C tools/testing/vxics tsan

# Our QEMU 7.2 patches (tools/qemu) apply to Debian's source and build.
qemu-patch: deps
	@scripts/qemu-patch.sh

# A ppc64el QEMU with them (cross-built, cached; not in make check), and
# the real-QEMU suite run with it: every mapped vector is also bound by
# QEMU through VFIO_DEVICE_IRQ_BYPASS.
qemu-vxics: deps
	@scripts/qemu-vxics.sh

QEMU_VXICS_APPEND := kunit.enable=0 vxics.pci vxics.timeout=500 \
	vxics.qemu-patched
vmtest-qemu-vxics: kernel kernel-guest deps
	@QEMU_BINARY=$$(scripts/qemu-vxics.sh) QEMU_INITRAMFS=initramfs-qemu-vxics \
		scripts/mkinitramfs-qemu.sh >/dev/null
	@rm -f out/nvme-qemu.img && truncate -s 16M out/nvme-qemu.img
	@$(VMRUN) --initrd out/initramfs-qemu-vxics.cpio --smp 4 --min-kunit 0 \
		$(QEMU_PCI) --append "$(QEMU_VXICS_APPEND)" --timeout 700 \
		--log out/vmtest-qemu-vxics.log

pathlen: deps
	@python3 bench/pathlen/run.py

# The benchmarks (Documentation/virt/kvm/vxics/benchmarks.rst): the
# path-length meter's full run (ours and upstream, bypass on and off, 1 to
# 4081 mappings), then real workloads in Debian's QEMU guest on the
# emulated host (fio on the passed-through NVMe, ARP round trips over the
# e1000e) in four configurations, BENCH_RUNS boots each, and the report
# with its plots, all in bench/results.
BENCH_RUNS ?= 3
BENCH_SECS ?= 3
# A configuration whose boot failed still gets its rows (marked failed)
# and the report is still written; make bench then fails.
bench: pathlen kernel-stockvfio initramfs-qemu
	@rc=0; python3 bench/emulated/run.py --runs $(BENCH_RUNS) --secs $(BENCH_SECS) \
		--out bench/results/emulated || rc=$$?; \
	/usr/bin/python3 bench/report/report.py --out bench/results/pathlen.json \
		--pathlen-from-md bench/results/pathlen-bypass.md && \
	/usr/bin/python3 bench/report/report.py --out-dir bench/results/report \
		bench/results/pathlen.json bench/results/emulated && exit $$rc

# Upstream 6.1 with only our vfio-pci fix (overlay.sh --stock-vfio, the
# baseline kernel of the path-length meter and of make bench): the VFIO
# tests that do not need vxics, and pathlen_msi with upstream's bypass on,
# then off (kvm_hv.kvm_irq_bypass=0 at boot), whose checks are the ones
# our kernel's first phase passes.  Not in make check (a kernel of its own).
STOCK_KERNEL := --kernel out/build-linux-stockvfio/vmlinux
STOCK_APPEND := vxics.pci kunit.enable=0 loglevel=5
kernel-stockvfio: deps
	@scripts/build-kernel.sh --stock-vfio >/dev/null

vmtest-stock-pci: kernel-stockvfio initramfs
	@$(VMRUN) $(STOCK_KERNEL) --pci $(PCI_DEVICES) --min-kunit 0 \
		--append "vxics.tests=vfio_e1000e,vfio_nvme,vfio_group,vfio_spapr_tce_twice,pathlen_msi $(STOCK_APPEND)" \
		--timeout 600 --log out/vmtest-stock-pci.log
	@$(VMRUN) $(STOCK_KERNEL) --pci $(PCI_DEVICES) --min-kunit 0 \
		--append "vxics.tests=pathlen_msi kvm_hv.kvm_irq_bypass=0 $(STOCK_APPEND)" \
		--timeout 600 --log out/vmtest-stock-pci-off.log

# The in-VM XICS selftests that use only KVM's XICS device API, on the
# same upstream kernel: a failure here and on ours is not ours.
vmtest-stock: kernel-stockvfio initramfs
	@$(VMRUN) $(STOCK_KERNEL) --smp 4 --min-kunit 0 \
		--append "vxics.only=xics_cede_race percpu_alloc=page $(STOCK_APPEND)" \
		--timeout 300 --log out/vmtest-stock.log

# Its short version (make check): our kernel, bypass on, one boot, 1 s
# per workload; the result files and the report are checked.
bench-check: kernel initramfs-qemu
	@python3 bench/emulated/run.py --check

# The benchmark kit's self-tests, here without POWER or KVM (in make check).
bench-dry-run: deps
	@bench/hw/dry-run.sh

check: deps
	@scripts/check.sh

lint: deps
	@scripts/checkpatch.sh
	@python3 scripts/kdoc-check.py $$(git ls-files 'arch/**.c' 'drivers/**.c' | \
		grep -v _kunit)
	@scripts/sparse.sh

clean:
	rm -rf out/utest out/selftests out/initramfs* out/build-*

distclean:
	rm -rf out
