#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the kernel work tree: unpack Debian's linux-source-6.1 into
# out/<name>/, apply our hook patches (scripts/hooks/series), copy our own
# files over at their kernel paths and configure it from the fragments.
#
#   scripts/overlay.sh [--stock | --stock-vfio] [--name N] [--variant V]
#                      [--base B [--keep-modules]] [--fragment F ...]
#
# --stock builds upstream as shipped: no hooks and no files of ours.
# --stock-vfio is upstream with only our vfio-pci fix (the hooks tagged
# "vfio" in scripts/hooks/series and the tce_iommu_core files), so that
# upstream's XICS and passthrough bypass can be measured with a device.
# --variant V configures a second build directory, out/build-<name>.V,
# from the same source tree (e.g. the debug kernel: --variant debug
# --fragment scripts/config/vxics-debug.config).
# --base B starts from the configuration file B with all its modules
# switched off (a distribution's, scripts/fetch-debian-config.sh) instead
# of allnoconfig and vxics-host.config; the fragments then name the
# modules and options wanted.  --keep-modules keeps B's modules as they are
# (make deb: the distribution's whole configuration).
# The tree is only unpacked again when the tarball or a hook changes, and
# files are only copied when their content changed, so rebuilds stay
# incremental.
set -euo pipefail
. "$(dirname "$0")/kernel-env.sh"

stock=0
name=linux
variant=
base=
trim='s/^(CONFIG_[A-Za-z0-9_]+)=m$/# \1 is not set/'
fragments=()
while [ $# -gt 0 ]; do
	case $1 in
	--stock) stock=1; name=linux-stock ;;
	--stock-vfio) stock=2; name=linux-stockvfio ;;
	--name) name=$2; shift ;;
	--variant) variant=.$2; shift ;;
	--base) base=$2; shift ;;
	--keep-modules) trim='' ;;
	--fragment) fragments+=("$2"); shift ;;
	*) die "overlay.sh: unknown argument $1" ;;
	esac
	shift
done

[ -n "$base" ] ||
	fragments=("$TOP/scripts/config/vxics-host.config" ${fragments[@]+"${fragments[@]}"})
SRC=$OUT/$name
BUILD=$OUT/build-$name$variant
mkdir -p "$OUT"
[ -r "$KSRC_TARBALL" ] || die "$KSRC_TARBALL missing (apt-get install linux-source-6.1)"

have=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)

hooks=()
if [ $stock != 1 ]; then
	while read -r h tag; do
		case $h in ''|'#'*) continue ;; esac
		[ $stock = 0 ] || [ "$tag" = vfio ] || continue
		hooks+=("$TOP/scripts/hooks/$h")
	done < "$TOP/scripts/hooks/series"
fi

stamp=$({ echo "$have"; stat -c %s:%Y "$KSRC_TARBALL"
	  if [ ${#hooks[@]} -gt 0 ]; then cat "${hooks[@]}"; fi; } |
	sha1sum | cut -c1-16)

if [ "$(cat "$SRC/.vxics-stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "overlay: unpacking linux-source $have into $SRC"
	rm -rf "$SRC" "$SRC.tmp"
	mkdir -p "$SRC.tmp"
	tar -xJf "$KSRC_TARBALL" -C "$SRC.tmp" --strip-components=1
	for h in "${hooks[@]}"; do
		# Dry run first so a hook that no longer applies leaves no
		# half-patched tree; fuzz absorbs drift between 6.1.y releases.
		if ! out=$(patch -d "$SRC.tmp" -p1 -F2 -N --dry-run \
			   --no-backup-if-mismatch -s < "$h" 2>&1); then
			echo "$out" | sed 's/^/    /' >&2
			die "hook $(basename "$h") no longer applies to linux-source $have" \
			    "(developed against $KSRC_DEVELOPED_AGAINST); the FAILED hunks above" \
			    "name where upstream moved: refresh the patch"
		fi
		patch -d "$SRC.tmp" -p1 -F2 -N --no-backup-if-mismatch -s < "$h"
	done
	echo "$stamp" > "$SRC.tmp/.vxics-stamp"
	mv "$SRC.tmp" "$SRC"
	rm -rf "$OUT/build-$name" "$OUT/build-$name".*
	[ "$have" = "$KSRC_DEVELOPED_AGAINST" ] ||
		echo "overlay: note: linux-source $have, hooks developed against $KSRC_DEVELOPED_AGAINST; all applied"
fi

if [ $stock != 1 ]; then
	# Our files, at their kernel paths.  Only changed files are copied so
	# make sees unchanged timestamps.  We never overwrite an upstream file.
	manifest=$SRC/.vxics-files
	touch "$manifest"
	new=$(cd "$TOP" && for d in arch drivers include virt; do
		[ ! -d $d ] || find $d -type f; done | sort |
		if [ $stock = 2 ]; then grep tce_iommu_core; else cat; fi)
	for f in $new; do
		dst=$SRC/$f
		if [ -e "$dst" ] && ! grep -qxF "$f" "$manifest"; then
			die "overlay: $f would overwrite an upstream file; use a hook instead"
		fi
		cmp -s "$TOP/$f" "$dst" 2>/dev/null && continue
		mkdir -p "$(dirname "$dst")"
		cp "$TOP/$f" "$dst"
	done
	# Files we dropped from the repo leave the tree too.
	for f in $(comm -23 "$manifest" <(echo "$new")); do
		rm -f "$SRC/$f"
	done
	echo "$new" > "$manifest"

	# Each directory and object the top-level Kbuild lists must really be
	# joined to the build by a hook: catches a hook fuzz applied elsewhere.
	for d in $(sed -n 's/^obj-[^+]*+= *//p' "$TOP/Kbuild" |
		   if [ $stock = 2 ]; then grep tce_iommu_core; else cat; fi); do
		d=${d%/}; d=${d%.o}
		grep -qE "obj-.*[[:space:]]$(basename "$d")(/|\.o)" \
			"$SRC/$(dirname "$d")/Makefile" ||
			die "overlay: no hook joins $d to $(dirname "$d")/Makefile"
	done
	# kvm.ko's members of ours: listed by a hook in the KVM Makefile.
	for o in $(sed -n 's/^kvm-y += *//p' "$TOP/Kbuild" |
		   if [ $stock = 2 ]; then grep tce_iommu_core; else cat; fi); do
		grep -qE "[[:space:]]${o#arch/powerpc/kvm/}([[:space:]]|\$)" \
			"$SRC/arch/powerpc/kvm/Makefile" ||
			die "overlay: no hook puts $o into kvm.ko (arch/powerpc/kvm/Makefile)"
	done
	# vfio-pci-core's members of ours: listed by a hook in its Makefile.
	for o in $(sed -n 's/^vfio-pci-core-y += *//p' "$TOP/Kbuild" |
		   if [ $stock = 2 ]; then grep tce_iommu_core; else cat; fi); do
		grep -qE "^vfio-pci-core-.*[[:space:]]$(basename "$o")([[:space:]]|\$)" \
			"$SRC/drivers/vfio/pci/Makefile" ||
			die "overlay: no hook puts $o into vfio-pci-core (drivers/vfio/pci/Makefile)"
	done
fi

mkdir -p "$BUILD"
cfgstamp=$({ cat ${base:+"$base"} "${fragments[@]}" "$SRC/.vxics-stamp"
	    echo "$trim"; } |
	   sha1sum | cut -c1-16)
if [ "$(cat "$BUILD/.vxics-config-stamp" 2>/dev/null)" != "$cfgstamp" ] ||
   [ ! -f "$BUILD/.config" ]; then
	echo "overlay: configuring $BUILD"
	cat "${fragments[@]}" > "$BUILD/fragment.config"
	if [ -n "$base" ]; then
		# The symbols the base does not know (it may be from an older
		# 6.1.y than the source) take their defaults: keep the list.
		# Then later lines win in a .config: the base (its modules off
		# unless --keep-modules), then the fragments.
		cp "$base" "$BUILD/.config"
		"${KMAKE[@]}" -C "$SRC" O="$BUILD" listnewconfig \
			> "$BUILD/base-newconfig.txt" 2>&1 || true
		sed -E "$trim" "$base" > "$BUILD/.config"
		cat "$BUILD/fragment.config" >> "$BUILD/.config"
		"${KMAKE[@]}" -C "$SRC" O="$BUILD" olddefconfig >/dev/null 2>&1
	else
		"${KMAKE[@]}" -C "$SRC" O="$BUILD" \
			KCONFIG_ALLCONFIG="$BUILD/fragment.config" allnoconfig >/dev/null
	fi
	# Every option we ask for must have survived Kconfig's dependencies;
	# a later fragment overrides an earlier one (the last line counts).
	bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n) opt=${line%%=*}
			grep -q "^$opt=" "$BUILD/.config" && { echo "config: $opt not off" >&2; bad=1; } ;;
		CONFIG_*) grep -qxF "$line" "$BUILD/.config" ||
			{ echo "config: $line did not take" >&2; bad=1; } ;;
		esac
	done < <(grep -h '^CONFIG_' "$BUILD/fragment.config" | tac |
		 awk -F= '!seen[$1]++' |
		 case $stock in
		 1) grep -v -e VXICS -e TCE_IOMMU_CORE ;;
		 2) grep -v -e VXICS ;;
		 *) cat ;;
		 esac)
	[ $bad = 0 ] || die "config fragment not satisfied"
	echo "$cfgstamp" > "$BUILD/.vxics-config-stamp"
fi
echo "$SRC" > "$BUILD/.vxics-src"
echo "$BUILD"
