#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Model-check three protocols with SPIN: the refuse/mark/resend protocol of
# ics.c/icp.c (resend.pml, R7-R9), how an ICP's output reaches its vCPU
# through the KVM glue (output.pml, R6) and the passthrough map's grace
# period (map.pml, B1 B3).  Each as it is must verify
# exhaustively, and each variant with one barrier or step removed must give
# a counterexample, so the model is known to see what the barriers prevent.
# Installs nothing: spin and gcc come from scripts/deps.sh.
#
#   tools/testing/vxics/spin/run.sh [-v]    -v: print each counterexample
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
VERBOSE=0
[ "${1:-}" = -v ] && VERBOSE=1

for tool in spin gcc; do
	command -v $tool >/dev/null ||
		{ echo "error: $tool not found (scripts/deps.sh installs it)"; exit 1; }
done

# name | spin -D flags | expected: "ok" or the assertion that must fail
CASES=(
	"resend.pml|protocol as in ics.c/icp.c|-DMAXRAISE=1|ok"
	"resend.pml|protocol, two CPPR raises|-DMAXRAISE=2|ok"
	"resend.pml|no smp_mb between set_bit and the need-resend re-check|-DNO_MB|presented[0]==1"
	"resend.pml|no smp_wmb between the RESEND mark and set_bit|-DNO_WMB|presented[0]==1"
	"resend.pml|no need-resend re-check after marking|-DNO_RECHECK|presented[0]==1"
	"resend.pml|resend delivers without testing the mark under the lock|-DNO_TAKE|presented[(got-1)]==1"
	"output.pml|output to vCPU as in hcall.h/glue_rm.c|-DMAXSTEPS=3|ok"
	"output.pml|output to vCPU, more guest steps|-DMAXSTEPS=5|ok"
	"output.pml|no smp_mb between lowering and reading the word in H_XIRR|-DNO_XIRR_MB|!(xisr)"
	"output.pml|no smp_mb between set_bit(pending) and reading loaded|-DNO_RAISE_MB|!(xisr)"
	"output.pml|the deferred kick does not wake a waiting vCPU|-DNO_KICK|!(xisr)"
	"output.pml|guest entry does not look at the pending bit|-DNO_ENTRY_CHECK|!(xisr)"
	"map.pml|passthrough map grace period as in map.h/map.c||ok"
	"map.pml|no smp_mb in vxics_map_read_begin|-DNO_READER_MB|slot_ok"
	"map.pml|no smp_mb before synchronize reads the sequences|-DNO_WRITER_MB|slot_ok"
	"map.pml|synchronize does not wait for a reader inside|-DNO_WAIT|slot_ok"
)

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

passed=0 failed=0 n=0
echo "1..${#CASES[@]}"
for c in "${CASES[@]}"; do
	IFS='|' read -r model name flags expect <<< "$c"
	n=$((n + 1))
	d=$WORK/$n
	mkdir -p "$d"
	cp "$HERE/$model" "$d/"
	# shellcheck disable=SC2086
	if ! (cd "$d" && spin $flags -a $model > spin.log 2>&1 &&
	      gcc -O2 -w -DSAFETY -o pan pan.c > gcc.log 2>&1); then
		echo "not ok $n - $name ($flags): model does not build"
		cat "$d"/spin.log "$d"/gcc.log 2>/dev/null | sed 's/^/# /' | head -20
		failed=$((failed + 1))
		continue
	fi
	start=$(date +%s.%N)
	(cd "$d" && ./pan -m100000 > pan.log 2>&1)
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$d"/pan.log)
	states=$(awk '/states, stored/ { print $1; exit }' "$d"/pan.log)
	info=$(printf '%s states, %.1f s' "${states:-?}" "$secs")
	if [ "$expect" = ok ]; then
		if [ "$errors" = 0 ] && ! grep -q 'search depth too small\|out of memory' "$d"/pan.log; then
			echo "ok $n - $name verifies ($flags; $info)"
			passed=$((passed + 1))
		else
			echo "not ok $n - $name ($flags): expected no error ($info)"
			grep -E '^pan:[0-9]|too small|out of memory' "$d"/pan.log | sed 's/^/# /'
			# shellcheck disable=SC2086
			(cd "$d" && spin $flags -t $model 2>&1) | sed -n 's/^ *\([a-z].*\)/# \1/p' | head -60
			failed=$((failed + 1))
		fi
	else
		if [ "${errors:-0}" -gt 0 ] && grep -qF "assertion violated" "$d"/pan.log &&
		   grep "assertion violated" "$d"/pan.log | grep -qF "$expect"; then
			echo "ok $n - $name is caught ($flags; counterexample at $info)"
			passed=$((passed + 1))
			if [ $VERBOSE = 1 ]; then
				# shellcheck disable=SC2086
				(cd "$d" && spin $flags -t $model 2>&1) |
					sed -n 's/^ *\([a-z].*\)/#   \1/p' | grep -v '^#   spin:'
			fi
		else
			echo "not ok $n - $name ($flags): expected a violation of $expect ($info)"
			grep -E '^pan:[0-9]|errors:' "$d"/pan.log | sed 's/^/# /'
			failed=$((failed + 1))
		fi
	fi
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
