#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Path-length meter: TCG instruction counts of KVM-HV's XICS hypercalls and
of irqfd interrupt injection, our kernel against upstream Debian 6.1.

Builds the pathlen QEMU plugin, the kernel(s) and the test initramfs, boots
each kernel in the emulated POWER8 host (-M powernv8, no PCI, one host
CPU) with the plugin, runs the in-VM program /vxt/pathlen, and turns the
plugin's spans into a table of instructions per hypercall round trip
(guest "sc 1" until back in the guest) and per injected interrupt.

  run.py                  ours and stock, 2 runs each, writes the report
  run.py --check          ours only, few iterations, sanity assertions,
                          ends with "N passed, M failed" (make check)
"""
import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.environ.get('OUT', os.path.join(TOP, 'out'))
PLDIR = os.path.join(OUT, 'pathlen')
PLUGIN = os.path.join(PLDIR, 'pathlen.so')
NM = 'powerpc64le-linux-gnu-nm'

# Kernel functions whose execution inside a span is reported.  The first
# one decides "left real mode": KVM-HV's virtual-mode guest exit handler.
SYMS = [
    ('kvmppc_handle_exit_hv', 'vmode'),     # guest exit handled in virtual mode
    ('kvmppc_pseries_do_hcall', 'vhcall'),  # virtual-mode hypercall handler
    ('kvmppc_xics_rm_complete', 'rmcomplete'),  # real-mode XICS action finished
    ('kvm_vcpu_ioctl', 'ioctl'),            # through userspace and KVM_RUN
    ('__schedule', 'sched'),                # a context switch
    ('timer_interrupt', 'timer'),           # host timer tick: noise
    ('__do_irq', 'irq'),                    # host external interrupt: noise
]

# What each site measures, in table order.
ROWS = [
    ('h_xirr_none', 'H_XIRR, nothing pending'),
    ('h_xirr_ipi', 'H_XIRR, IPI pending'),
    ('h_xirr_source', 'H_XIRR, source (irqfd) pending, in the 0x500 handler'),
    ('h_cppr_ff_to_80', 'H_CPPR 0xff → 0x80 (more favoured)'),
    ('h_cppr_80_to_ff', 'H_CPPR 0x80 → 0xff (less favoured)'),
    ('h_eoi', 'H_EOI of an IPI, nothing to re-present'),
    ('h_eoi_represent', 'H_EOI of an IPI whose MFRR is still set: re-presented'),
    ('h_eoi_source', 'H_EOI of source 0x1000 (edge)'),
    ('h_ipi_self', 'H_IPI to self, presents'),
    ('h_ipi_self_clear', 'H_IPI to self, MFRR 0xff'),
    ('h_ipi_other', 'H_IPI to another vCPU (not running)'),
    ('h_ipi_other_clear', 'H_IPI to another vCPU, MFRR 0xff'),
    ('h_ipoll_pending', 'H_IPOLL, IPI pending'),
    ('h_ipoll_none', 'H_IPOLL, nothing pending'),
    ('irqfd_to_guest_0x500', 'irqfd write (vCPU thread, between runs) → '
     'KVM_RUN → guest 0x500'),
]

SITE = re.compile(r'\[vxt\] pathlen: # site (0x[0-9a-f]+) (start|stop) (\S+)')
SPAN = re.compile(r'^span vcpu=(\d+) start=(0x[0-9a-f]+) stop=(0x[0-9a-f]+) '
                  r'insns=(\d+) hits=(\S+)$')
NOTES = '<!-- run.py regenerates everything above this line; notes below are kept -->'
BANNER = re.compile(r'(Linux version \S+)')


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, cwd=TOP, **kw)


def build(kernels):
    sh(['make', '-s', '-C', 'bench/pathlen', 'O=' + PLDIR])
    vmlinux = {}
    for k in kernels:
        args = ['--stock'] if k == 'stock' else []
        r = sh(['scripts/build-kernel.sh'] + args, stdout=subprocess.PIPE,
               text=True)
        vmlinux[k] = r.stdout.strip().splitlines()[-1]
    sh(['scripts/mkinitramfs.sh'], stdout=subprocess.DEVNULL)
    return vmlinux


def sym_args(vmlinux):
    """sym=NAME:LO:HI plugin arguments, from the vmlinux's symbol table."""
    want = {name: short for name, short in SYMS}
    found = {}
    out = subprocess.run([NM, '-S', '--defined-only', vmlinux], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    for line in out.splitlines():
        f = line.split()
        # GCC clones keep the name with a suffix: foo.constprop.0, foo.part.0
        name = f[3].split('.')[0] if len(f) == 4 else ''
        if name in want and f[2] in 'tT':
            lo, size = int(f[0], 16), int(f[1], 16)
            found.setdefault(want[name], []).append(
                'sym=%s:0x%x:0x%x' % (want[name], lo, lo + size))
    return [r for _, s in SYMS for r in found.get(s, [])]


def boot(kernel, vmlinux, iters, tag):
    spans_file = os.path.join(PLDIR, '%s.spans' % tag)
    log = os.path.join(PLDIR, '%s.log' % tag)
    plugin = ','.join(['file=' + PLUGIN, 'out=' + spans_file] +
                      sym_args(vmlinux))
    cmd = ['python3', 'scripts/vmrun.py', '--kernel', vmlinux,
           '--initrd', os.path.join(OUT, 'initramfs.cpio.gz'),
           '--smp', '1', '--timeout', '600', '--min-kunit', '0',
           '--append', 'vxics.only=pathlen pathlen.iters=%d' % iters,
           '--plugin', plugin, '--log', log]
    r = subprocess.run(cmd, cwd=TOP, stdout=subprocess.PIPE, text=True)
    return r.returncode, r.stdout, spans_file, log


def parse(spans_file, log):
    """{site: [(insns, set(hits))]}, kernel banner, plugin totals line"""
    sites = {}
    banner = '?'
    with open(log) as f:
        for line in f:
            m = SITE.search(line)
            if m:
                sites[(int(m.group(1), 16), m.group(2))] = m.group(3)
            m = BANNER.search(line)
            if m and banner == '?':
                banner = m.group(1)
    res = {}
    total = ''
    with open(spans_file) as f:
        for line in f:
            if line.startswith('total '):
                total = line.strip()
            m = SPAN.match(line.strip())
            if not m:
                continue
            start, stop = int(m.group(2), 16), int(m.group(3), 16)
            name = sites.get((start, 'start')) or sites.get((stop, 'stop'))
            if not name:
                name = 'unknown@0x%x-0x%x' % (start, stop)
            hits = set() if m.group(5) == '-' else set(m.group(5).split(','))
            res.setdefault(name, []).append((int(m.group(4)), hits))
    return res, banner, total


def stats(spans):
    n = sorted(i for i, _ in spans)
    return n[0], int(statistics.median_low(n)), n[-1]


NOISE = {'timer', 'irq'}


def vmode(spans):
    """(spans that left real mode, spans), host tick/interrupt spans aside"""
    quiet = [h for _, h in spans if not h & NOISE]
    return sum(1 for h in quiet if 'vmode' in h), len(quiet)


def fmt_vmode(spans):
    k, n = vmode(spans)
    if k == 0:
        return 'no'
    return 'yes' if k == n else '%d/%d' % (k, n)


def report(results, banners, iters, runs, extra):
    qemu = subprocess.run(['qemu-system-ppc64', '--version'],
                          stdout=subprocess.PIPE, text=True).stdout.splitlines()[0]
    kernels = list(results)
    first = {k: results[k][0] for k in kernels}
    L = []
    L.append('# Path lengths: XICS hypercalls and irqfd injection, ours vs upstream\n')
    L.append('TCG instruction counts (path lengths), not time: every instruction '
             'the emulated POWER8 CPU executes between two marker instructions, '
             'host real mode, host virtual mode, host userspace and guest alike, '
             'counted by `bench/pathlen/pathlen-plugin.c`.\n')
    L.append('- date: %s' % datetime.date.today().isoformat())
    for k in kernels:
        L.append('- %s kernel: %s (%s)' % (
            k, banners[k], 'Debian linux-source-6.1 + vxics overlay'
            if k == 'ours' else 'Debian linux-source-6.1 as shipped'))
    L.append('- QEMU: %s, `-M powernv8 -cpu power8 -smp 1`, TCG, no PCI' % qemu)
    L.append('- iterations per site: %d; boots per kernel: %d' % (iters, runs))
    L.append('- command: `%s`' % extra['command'])
    L.append('')
    hdr = '| path | ' + ' | '.join('%s min / median / max' % k for k in kernels)
    if 'stock' in kernels and 'ours' in kernels:
        hdr += ' | ours/stock (median)'
    hdr += ' | left real mode (%s) |' % '/'.join(kernels)
    L.append(hdr)
    L.append('|' + '---|' * (hdr.count('|') - 1))
    for site, desc in ROWS:
        cells = ['%s<br>`%s`' % (desc, site)]
        med = {}
        for k in kernels:
            sp = first[k].get(site)
            if not sp:
                cells.append('–')
                continue
            lo, md, hi = stats(sp)
            med[k] = md
            cells.append('%d / **%d** / %d' % (lo, md, hi))
        if 'stock' in kernels and 'ours' in kernels:
            cells.append('%.3f' % (med['ours'] / med['stock'])
                         if 'ours' in med and med.get('stock') else '–')
        if site.startswith('irqfd'):
            cells.append('n/a: starts in host userspace')
        else:
            cells.append(' / '.join(fmt_vmode(first[k].get(site, []))
                                    for k in kernels))
        L.append('| ' + ' | '.join(cells) + ' |')
    L.append('')
    L.append('"Left real mode": the span executed `kvmppc_handle_exit_hv` '
             '(KVM-HV\'s virtual-mode guest-exit handler); spans that stay in '
             'the real-mode hcall handlers never reach it.  Spans in which a '
             'host timer tick or interrupt ran are left out of this column.  '
             'Other kernel functions seen inside spans (by site, first boot; '
             'vhcall = `kvmppc_pseries_do_hcall`, rmcomplete = '
             '`kvmppc_xics_rm_complete`, ioctl = `kvm_vcpu_ioctl`, sched = '
             '`__schedule`):\n')
    for k in kernels:
        seen = []
        for site, _ in ROWS:
            hs = set()
            for _, h in first[k].get(site, []):
                hs |= h
            hs -= NOISE | {'vmode'}
            if hs:
                seen.append('`%s`: %s' % (site, ', '.join(sorted(hs))))
        L.append('- %s: %s' % (k, '; '.join(seen) if seen else 'none'))
    L.append('')
    L.append('## Run-to-run variation\n')
    for k in kernels:
        odd = noisy = 0
        for r in results[k]:
            for site, _ in ROWS:
                sp = r.get(site, [])
                if not sp:
                    continue
                md = stats(sp)[1]
                for n, h in sp:
                    if n != md:
                        odd += 1
                        noisy += bool(h & {'timer', 'irq'})
        L.append('- %s: %d of %d spans differ from their row\'s median; %d of '
                 'those took a host timer tick or interrupt (`timer_interrupt` '
                 'or `__do_irq` ran inside the span)' %
                 (k, odd, sum(len(v) for r in results[k] for v in r.values()),
                  noisy))
    for k in kernels:
        if len(results[k]) < 2:
            continue
        diffs = []
        for site, _ in ROWS:
            per = [stats(r[site]) for r in results[k] if site in r]
            if len(set(p[:2] for p in per)) > 1:
                diffs.append('`%s` %s' % (site, ' vs '.join(
                    '%d/%d/%d' % p for p in per)))
        if diffs:
            L.append('- %s, %d boots: min/median differ: %s' %
                     (k, len(results[k]), '; '.join(diffs)))
        else:
            L.append('- %s, %d boots: every row\'s min and median identical' %
                     (k, len(results[k])))
    L.append('')
    return '\n'.join(L) + '\n'


def check(res, total, iters, rc, res2=None):
    """make check's assertions; returns (passed, failed).  res2: a second
    boot's results, whose min and median must equal the first's."""
    ok = fail = 0

    def t(cond, msg):
        nonlocal ok, fail
        print('%sok - %s' % ('' if cond else 'not ', msg))
        if cond:
            ok += 1
        else:
            fail += 1

    t(rc == 0, 'the in-VM pathlen program passed')
    m = re.match(r'total insns=(\d+) spans=(\d+) restarts=(\d+) orphan_stops=(\d+)',
                 total)
    t(bool(m) and int(m.group(1)) > 0, 'plugin loaded and counted: %s' % total)
    t(bool(m) and m.group(3) == '0' and m.group(4) == '0',
      'every span opened and closed on the same CPU')
    for site, _ in ROWS:
        sp = res.get(site, [])
        counts = [i for i, _ in sp]
        t(len(sp) == iters and min(counts or [0]) > 0,
          '%s: %d spans, all non-zero' % (site, len(sp)))
        # deterministic: a second boot gives the same min and median
        if res2 is not None:
            sp2 = res2.get(site, [])
            a = stats(sp)[:2] if sp else None
            b = stats(sp2)[:2] if sp2 else None
            t(a is not None and a == b,
              '%s: min/median equal across two boots (%s vs %s)' % (
                  site, a, b))
    irq = res.get('irqfd_to_guest_0x500', [])
    t(bool(irq) and all('ioctl' in h for _, h in irq),
      'symbol ranges work: the irqfd span passes through kvm_vcpu_ioctl')
    t(not [n for n in res if n.startswith('unknown')],
      'no span outside the known sites')
    return ok, fail


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--check', action='store_true')
    ap.add_argument('--ours-only', action='store_true')
    ap.add_argument('--iters', type=int)
    ap.add_argument('--runs', type=int)
    ap.add_argument('--report', default=os.path.join(TOP, 'bench', 'results',
                                                     'pathlen-xics.md'))
    ap.add_argument('--no-build', action='store_true')
    a = ap.parse_args()
    iters = a.iters or (5 if a.check else 200)
    runs = a.runs or (1 if a.check else 2)
    kernels = ['ours'] if a.check or a.ours_only else ['ours', 'stock']
    os.makedirs(PLDIR, exist_ok=True)

    if a.no_build:
        vmlinux = {k: os.path.join(OUT, 'build-linux' if k == 'ours' else
                                   'build-linux-stock', 'vmlinux') for k in kernels}
    else:
        vmlinux = build(kernels)

    if a.check:
        rc, out, spans, log = boot('ours', vmlinux['ours'], iters, 'check')
        res, _, total = parse(spans, log)
        rc2, out2, spans2, log2 = boot('ours', vmlinux['ours'], iters, 'check-2')
        res2 = parse(spans2, log2)[0] if not rc2 else {}
        ok, fail = check(res, total, iters, rc or rc2, res2)
        if rc:
            print(out)
        print('%d passed, %d failed' % (ok, fail))
        return 1 if fail else 0

    results, banners = {}, {}
    for k in kernels:
        results[k] = []
        for r in range(runs):
            tag = '%s-%d' % (k, r + 1)
            rc, out, spans, log = boot(k, vmlinux[k], iters, tag)
            if rc:
                print(out)
                print('pathlen: boot %s failed (log %s)' % (tag, log))
                return 1
            res, banners[k], total = parse(spans, log)
            print('pathlen: %s: %s' % (tag, total))
            results[k].append(res)
    cmdline = ' '.join(['bench/pathlen/run.py'] + sys.argv[1:])
    md = report(results, banners, iters, runs,
                {'command': 'make pathlen' if len(sys.argv) == 1 else cmdline})
    os.makedirs(os.path.dirname(a.report), exist_ok=True)
    # Hand-written notes below the marker line survive a regeneration.
    notes = NOTES + '\n'
    if os.path.exists(a.report):
        old = open(a.report).read()
        if NOTES in old:
            notes = old[old.index(NOTES):]
    with open(a.report, 'w') as f:
        f.write(md + notes)
    print(md)
    print('pathlen: report written to %s' % os.path.relpath(a.report, TOP))
    return 0


if __name__ == '__main__':
    sys.exit(main())
