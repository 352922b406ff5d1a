#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark kit's dry run, here without POWER, KVM or devices: the
# hardware kit's self-test (bench/hw/test_run.py: fio for real on a small
# temporary file, every parser over the recorded outputs in
# bench/hw/testdata) and the report's (bench/report/test_report.py: tables
# and PNG plots from bench/report/testdata).  Installs fio and
# python3-matplotlib if they are missing, as scripts/deps.sh does.
# Logs: $OUT/bench/dry-run-*.log.  Ends with "N passed, M failed".
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$TOP/out}
# Debian's interpreter: python3-matplotlib is installed for it, whatever
# else PATH may find first.
PYTHON=${PYTHON:-/usr/bin/python3}
PKGS="fio python3 python3-matplotlib"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "bench: installing:$missing"
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

mkdir -p "$OUT/bench"
start=$(date +%s)
passed=0 failed=0 rc=0
for t in hw/test_run.py report/test_report.py; do
	name=${t%%/*}
	log=$OUT/bench/dry-run-$name.log
	"$PYTHON" "$TOP/bench/$t" >"$log" 2>&1 || rc=1
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1 || true)
	if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
	else
		p=0 f=1 rc=1
		echo "   $name: no result line"
	fi
	grep -E '^FAIL - ' "$log" | sed 's/^/   /' || true
	echo "   $name: $p passed, $f failed (log: $log)"
	passed=$((passed + p)) failed=$((failed + f))
done
echo "   bench dry run: $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ $rc = 0 ] && [ $failed = 0 ]
