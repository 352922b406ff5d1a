# SPDX-License-Identifier: GPL-2.0
#
# vxics: emulated XICS and passthrough interrupt bypass for KVM on POWER8.
#
#   make demo     boot the emulated POWER8 host and run the demo guest
#   make check    every test: userspace (ASan, TSan) and in the emulated host
#   make lint     checkpatch --strict over our files
#   make pathlen  path lengths (TCG instruction counts), ours vs upstream
#   make kernel / initramfs / vmtest / utest    the pieces

export PATH := /usr/sbin:/sbin:$(PATH)
VMRUN := python3 scripts/vmrun.py --kernel out/build-linux/vmlinux \
	 --initrd out/initramfs.cpio.gz

.PHONY: all demo check lint deps kernel initramfs vmtest utest pathlen clean distclean
all: kernel initramfs

deps:
	@scripts/deps.sh

kernel: deps
	@scripts/build-kernel.sh >/dev/null

initramfs: deps
	@scripts/mkinitramfs.sh >/dev/null

vmtest: kernel initramfs
	@$(VMRUN) --timeout 600

demo: kernel initramfs
	@$(VMRUN) --demo --append vxics.demo --timeout 300 --log out/demo.log

utest: deps
	@$(MAKE) -s -C tools/testing/vxics run
	@$(MAKE) -s -C tools/testing/vxics tsan

pathlen: deps
	@python3 bench/pathlen/run.py

check: deps
	@scripts/check.sh

lint: deps
	@scripts/checkpatch.sh
	@scripts/sparse.sh

clean:
	rm -rf out/utest out/selftests out/initramfs* out/build-*

distclean:
	rm -rf out
