#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot the emulated POWER8 host (qemu-system-ppc64 -M powernv8, TCG) with
our kernel and test initramfs, collect the KUnit (KTAP) and in-VM selftest
(TAP) results from the console, and end with "N passed, M failed".

Fails on any failed test, a kernel crash or warning, a tainted kernel, a
guest that never reports "[vxt] done", or the time bound.  The QEMU
process group is always killed and reaped.
"""
import argparse
import os
import re
import select
import signal
import subprocess
import sys
import time

CRASH = re.compile(r'Kernel panic|Oops[:\s]|BUG:|WARNING:|Unable to handle kernel|'
                   r'kernel BUG|Call Trace:|watchdog: BUG|rcu_sched self-detected|'
                   r'RCU detected stall')
TAINT_TEST = 1 << 18
TS = re.compile(r'^\[\s*\d+\.\d+\]\s?')
KCASE = re.compile(r'^ {4}(not )?ok (\d+) (?:- )?(\S+)(.*)$')
KSUITE = re.compile(r'^(not )?ok (\d+) (?:- )?(\S+)')
VXT = re.compile(r'^\[vxt\] ([\w.-]+): (.*)$')
TAP = re.compile(r'^(not )?ok (\d+)(?: -)? ?(.*)$')


def qemu_cmd(a):
    cmd = ['qemu-system-ppc64', '-M', 'powernv8', '-cpu', 'power8', '-m', a.mem,
           '-smp', str(a.smp), '-nographic', '-no-reboot',
           '-kernel', a.kernel, '-initrd', a.initrd,
           '-append', ('console=hvc0 panic=-1 oops=panic ' + a.append).strip()]
    if a.pci:
        cmd += ['-nic', 'none'] + sum((['-device', d] for d in a.device), [])
    else:
        # no PHBs: skips skiboot's PCI link training; keep a BMC to power off
        cmd += ['-nodefaults', '-serial', 'stdio',
                '-device', 'ipmi-bmc-sim,id=bmc0',
                '-device', 'isa-ipmi-bt,bmc=bmc0,irq=10']
    for p in a.plugin:
        cmd += ['-plugin', p]
    return cmd + a.qemu_arg


def boot(a, log):
    """Run QEMU, yield console lines; always kill and reap it."""
    cmd = qemu_cmd(a)
    log.write('$ ' + ' '.join(cmd) + '\n')
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + a.timeout
    buf = b''
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                yield None  # timeout
                return
            r, _, _ = select.select([p.stdout], [], [], min(left, 1.0))
            if not r:
                continue
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                if buf:
                    yield buf.decode('utf-8', 'replace')
                return
            buf += chunk
            *lines, buf = buf.split(b'\n')
            for ln in lines:
                yield ln.decode('utf-8', 'replace').rstrip('\r')
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()


def boot_retrying(a, log, retries=2):
    """boot(), but a boot whose firmware hangs in PCI init is done again.

    skiboot sometimes waits forever for a job it gave another CPU while it
    trains the PHBs' links (its watchdog prints a cpu_wait_job backtrace
    every few seconds, and the kernel is never started): the emulated
    machine's, seen in about one PCI boot in twenty here.  Nothing of ours has run
    then, so the boot is started again, and says so, up to @retries times.
    """
    for attempt in range(retries + 1):
        linux = hung = False
        waits = 0
        for line in boot(a, log):
            if line is not None and not linux:
                if 'INIT: Starting kernel' in line:
                    linux = True
                elif 'cpu_wait_job' in line:
                    waits += 1
                    hung = waits >= 3 and attempt < retries
                    if hung:
                        break
            yield line
        if not hung:
            return
        msg = ('vmrun: the firmware hung in PCI init (skiboot cpu_wait_job) '
               'before Linux started; booting again (%d of %d)' %
               (attempt + 1, retries))
        log.write(msg + '\n')
        print(msg, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--kernel', required=True)
    ap.add_argument('--initrd', required=True)
    ap.add_argument('--smp', type=int, default=2)
    ap.add_argument('--mem', default='2G')
    ap.add_argument('--timeout', type=float, default=300)
    ap.add_argument('--append', default='')
    ap.add_argument('--pci', action='store_true',
                    help='keep the default PCI host bridges (slower boot)')
    ap.add_argument('--device', action='append', default=[],
                    help='extra -device for --pci runs')
    ap.add_argument('--plugin', action='append', default=[])
    ap.add_argument('--qemu-arg', action='append', default=[],
                    help='extra QEMU argument (repeat)')
    ap.add_argument('--log', default='out/vmtest.log')
    ap.add_argument('--demo', action='store_true',
                    help='print the demo output, no test accounting')
    ap.add_argument('--min-kunit', type=int, default=1)
    ap.add_argument('--min-selftests', type=int, default=1)
    ap.add_argument('--forbid', action='append', default=[],
                    help='a console line matching this regex fails the run')
    a = ap.parse_args()

    os.makedirs(os.path.dirname(os.path.abspath(a.log)), exist_ok=True)
    kpass = kfail = kskip = 0
    spass = sfail = sskip = stodo = 0
    problems = []
    tests = {}          # selftest name -> {plan, n, failed}
    done = False
    tail = []
    t0 = time.monotonic()
    with open(a.log, 'w', buffering=1) as log:  # line-buffered: tail -f works
        for line in boot_retrying(a, log):
            if line is None:
                problems.append('timeout after %.0fs' % a.timeout)
                break
            log.write(line + '\n')
            tail = (tail + [line])[-40:]
            s = TS.sub('', line)
            m = VXT.match(s)
            if m and m.group(1) == 'error':
                # /init: a vxics.tests= pattern or vxics.only= name that
                # selected nothing (a typo must not pass as "0 failed")
                problems.append(m.group(2))
                continue
            if a.demo and (m or s.startswith('[vxt]')):
                if m and m.group(1) == 'demo':
                    if m.group(2).startswith('exit '):
                        if m.group(2) != 'exit 0':
                            problems.append('demo ended with ' + m.group(2))
                    else:
                        print(m.group(2), flush=True)
            if m:
                name, rest = m.groups()
                t = tests.setdefault(name, {'plan': None, 'n': 0, 'failed': 0})
                r = TAP.match(rest)
                if r:
                    t['n'] += 1
                    if '# TODO' in rest:
                        # TAP: a TODO result never fails the run; an
                        # expected failure counts as skipped
                        if r.group(1):
                            stodo += 1
                            print('  TODO %s: %s' % (name, r.group(3)))
                        else:
                            spass += 1
                    elif r.group(1):
                        t['failed'] += 1
                        sfail += 1
                        print('  FAIL %s: %s' % (name, r.group(3)))
                    elif '# SKIP' in rest:
                        sskip += 1
                    else:
                        spass += 1
                elif re.match(r'^1\.\.(\d+)$', rest):
                    t['plan'] = int(rest[3:])
                elif rest.startswith('exit '):
                    if rest != 'exit 0' and not t['failed']:
                        sfail += 1
                        print('  FAIL %s: %s' % (name, rest))
                    elif (t['plan'] is not None and t['n'] != t['plan'] and
                          not t['failed']):
                        sfail += 1
                        print('  FAIL %s: ran %d of %d planned' % (name, t['n'], t['plan']))
                continue
            if s.startswith('[vxt] tainted '):
                taint = int(s.split()[-1]) if s.split()[-1].isdigit() else -1
                if taint & ~TAINT_TEST:  # KUnit having run taints 'N'
                    problems.append('kernel tainted: %d' % taint)
                continue
            if s == '[vxt] done':
                done = True
                continue
            if CRASH.search(s):
                problems.append('kernel: ' + s.strip())
                continue
            if any(re.search(f, s) for f in a.forbid):
                problems.append('forbidden line: ' + s.strip())
                continue
            m = KCASE.match(s)
            if m:
                if m.group(1):
                    kfail += 1
                    print('  FAIL kunit: %s' % m.group(3))
                elif '# SKIP' in m.group(4):
                    kskip += 1
                else:
                    kpass += 1
                continue
            m = KSUITE.match(s)
            if m and m.group(1) and not kfail:
                problems.append('kunit suite failed: ' + m.group(3))

    elapsed = time.monotonic() - t0
    if not done:
        problems.append('the VM never reported "[vxt] done"')
    if not a.demo:
        if kpass + kfail + kskip < a.min_kunit:
            problems.append('no KUnit results on the console')
        if len(tests) < a.min_selftests:
            problems.append('no selftest ran')
    for p in problems:
        print('  FAIL vm: ' + p)
    if problems:
        print('--- last console lines (full log: %s) ---' % a.log)
        for ln in tail:
            print('  | ' + ln)
    failed = kfail + sfail + len(problems)
    passed = kpass + spass
    skipped = kskip + sskip + stodo
    if a.demo:
        print('demo: %s in %.0fs (console log: %s)' %
              ('finished' if not problems else 'FAILED', elapsed, a.log))
        return 1 if problems else 0
    print('vmtest: kunit %d passed, %d failed; selftests %d passed, %d failed, '
          '%d todo; %.0fs; log %s' % (kpass, kfail, spass, sfail, stodo,
                                      elapsed, a.log))
    print('%d passed, %d failed%s' % (passed, failed,
                                      ', %d skipped' % skipped if skipped else ''))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
