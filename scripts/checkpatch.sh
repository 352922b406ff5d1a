#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's checkpatch.pl --strict over our C sources.  With file
# arguments, check just those.  checkpatch comes from the linux-source-6.1
# tarball (extracted once into out/checkpatch).
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"

CP=$OUT/checkpatch
if [ ! -x "$CP/scripts/checkpatch.pl" ]; then
	mkdir -p "$CP"
	tar -xJf "$KSRC_TARBALL" -C "$CP" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi

cd "$TOP"
if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(git ls-files -co --exclude-standard \
		'arch/**.[ch]' 'drivers/**.[ch]' 'include/**.h' \
		'tools/**.[chS]' 'bench/**.[ch]' | sort -u)
fi
[ ${#files[@]} -gt 0 ] || exit 0
# Exceptions, by path, each with its reason:
# - userspace programs have no kernel compiler.h/bits.h: no __printf, BIT().
# - the shim and look-alike headers define the kernel's own names for userspace
#   (typedefs like u64, cmpxchg and barrier macros, EXPORT_SYMBOL), which
#   is exactly what these checks tell kernel code not to redefine.
# - the libFuzzer entry point has the name libFuzzer gives it.
ignore() {
	local t=SPDX_LICENSE_TAG,FILE_PATH_CHANGES
	case $1 in
	tools/testing/vxics/internal.h|tools/testing/vxics/include/*/*.h)
		t=$t,PREFER_DEFINED_ATTRIBUTE_MACRO,BIT_MACRO,NEW_TYPEDEFS,MACRO_ARG_REUSE
		t=$t,EXPORT_SYMBOL,MEMORY_BARRIER,COMPLEX_MACRO,MACRO_WITH_FLOW_CONTROL ;;
	tools/testing/vxics/fuzz.c|tools/testing/vxics/vfio_bypass_fuzz.c)
		t=$t,PREFER_DEFINED_ATTRIBUTE_MACRO,BIT_MACRO,CAMELCASE ;;
	tools/*|bench/*)
		t=$t,PREFER_DEFINED_ATTRIBUTE_MACRO,BIT_MACRO ;;
	esac
	echo $t
}

rc=0
for f in "${files[@]}"; do
	[ -f "$f" ] || continue
	out=$("$CP/scripts/checkpatch.pl" --no-tree --strict --quiet \
		--show-types --ignore "$(ignore "$f")" -f "$f" 2>&1) ||
		{ echo "$out"; rc=1; }
done
if [ $rc = 0 ]; then
	echo "checkpatch: ${#files[@]} files clean"
else
	echo "checkpatch: problems found" >&2
fi
exit $rc
