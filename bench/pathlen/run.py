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

SITE = re.compile(r'\[vxt\] pathlen(?:_msi)?: # site (0x[0-9a-f]+) (start|stop) '
                  r'(\S+)')
SPAN = re.compile(r'^span vcpu=(\d+) start=(0x[0-9a-f]+) stop=(0x[0-9a-f]+) '
                  r'insns=(\d+) hits=(\S+)(?: lap=(\d+))?(?: in=(\S+))?'
                  r'(?: lapin=(\S+))?$')
NOTES = '<!-- run.py regenerates everything above this line; notes below are kept -->'
BANNER = re.compile(r'(Linux version \S+)')


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, cwd=TOP, **kw)


def build_one(k):
    """Build kernel @k (ours, stock or stockvfio): its vmlinux"""
    args = {'stock': ['--stock'], 'stockvfio': ['--stock-vfio']}.get(k, [])
    r = sh(['scripts/build-kernel.sh'] + args, stdout=subprocess.PIPE,
           text=True)
    return r.stdout.strip().splitlines()[-1]


def build(kernels):
    sh(['make', '-s', '-C', 'bench/pathlen', 'O=' + PLDIR])
    vmlinux = {k: build_one(k) for k in kernels}
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


# The passthrough rows (bench/results/pathlen-bypass.md): a PCI boot with
# an e1000e, two host CPUs, /vxt/pathlen_msi.  A span starts where the
# host takes an external interrupt from a guest (the real-mode common
# entry of the 0x500 vector, reached from its first ~10 instructions; from
# host code the 0x4500 vector is taken instead) and ends after the guest's
# H_EOI, with a lap at the guest's 0x500.  The stop site tells the phase.
MSI_START = 'hardware_interrupt_common_real'
MSI_SYMS = [
    ('kvmppc_handle_exit_hv', 'vmode'),
    ('vxics_rm_host_irq', 'bypass'),        # ours: the real-mode bypass
    ('kvmppc_deliver_irq_passthru', 'bypass'),  # upstream's
    ('__do_irq', 'irq'),                    # the host handler ran
    ('vfio_msihandler', 'vfio'),
    ('kvm_vcpu_ioctl', 'ioctl'),
    ('__schedule', 'sched'),
    ('timer_interrupt', 'timer'),
]
MSI_ROWS = [
    ('msi_phase0', 'bypass on'),
    ('msi_phase1', 'bypass off (`vxics.bypass=0`): host handler, irqfd'),
]
MSI_DEVICE = 'e1000e,bus=pcie.0,addr=0.0,romfile='
# More live mappings in the VM: MSI-X vectors of two NVMe controllers,
# each on its own PHB3 (2040 MSIs each)
BALLAST_DEVICES = ['nvme,bus=pcie.%d,addr=0.0,serial=vxt%d,msix_qsize=2048'
                   % (i, i) for i in (1, 2)]
# Where a span's instructions go: every function of these objects (paths
# in the kernel build directory; a function named again by a later part
# belongs to that part), and skiboot (OPAL), which QEMU's powernv loads at
# 0x30000000 and which runs there in real mode.  What is left before the
# lap is other host kernel code; after it, the guest.
MSI_PARTS = [
    ('p_kvmhv', ['arch/powerpc/kvm/*.o', 'virt/kvm/*.o',
                 'arch/powerpc/kernel/exceptions-64s.o'], []),
    ('p_flush', [], ['hrfi_flush_fallback', 'rfi_flush_fallback']),
    ('p_vxics', ['arch/powerpc/kvm/vxics/%s.o' % f for f in
                 ('bypass_rm', 'hcall_rm', 'icp', 'ics', 'map', 'device',
                  'bypass')] +
     ['arch/powerpc/kvm/book3s_xics.o', 'arch/powerpc/kvm/book3s_hv_rm_xics.o'],
     ['get_irqmap', 'kvmppc_check_passthru']),
    ('p_opal', ['arch/powerpc/platforms/powernv/opal*.o',
                'arch/powerpc/platforms/powernv/pci*.o'], []),
    ('p_hostirq', ['kernel/irq/*.o', 'arch/powerpc/sysdev/xics/*.o',
                   'arch/powerpc/kernel/irq*.o',
                   'arch/powerpc/kernel/interrupt*.o',
                   'arch/powerpc/kernel/entry_64.o'], []),
    ('p_vfio', ['drivers/vfio/*.o', 'drivers/vfio/pci/*.o',
                'fs/eventfd.o'], []),
]
# What the report calls each part, in its order
PART_NAMES = [
    ('p_kvmhv', 'KVM-HV exit/entry'),
    ('p_flush', 'L1D flush at guest entry'),
    ('p_opal', 'PHB EOI in OPAL'),
    ('p_vxics', 'XICS + bypass (vxics, or upstream\'s)'),
    ('p_hostirq', 'host irq handling'),
    ('p_vfio', 'VFIO + eventfd'),
    ('p_rest', 'other host kernel'),
]
SKIBOOT = (0x30000000, 0x31000000)


_NM_CACHE = {}


def nm_syms(vmlinux, wanted, types='tT'):
    """{short: [(lo, hi)]} for kernel symbols [(name, short)]; a symbol
    without a size (an assembly label) extends to the next one"""
    want = dict(wanted)
    if vmlinux not in _NM_CACHE:
        out = subprocess.run([NM, '-n', '-S', '--defined-only', vmlinux],
                             check=True, stdout=subprocess.PIPE,
                             text=True).stdout
        syms = []
        for line in out.splitlines():
            f = line.split()
            if len(f) == 3:
                f = [f[0], None, f[1], f[2]]
            if len(f) == 4 and f[2] in 'tT':
                syms.append((int(f[0], 16), f[1], f[3].split('.')[0]))
        rows, nxt, prev = [], None, None
        for lo, size, name in reversed(syms):
            if prev is not None and prev > lo:
                nxt = prev
            end = lo + int(size, 16) if size else (nxt or lo + 4)
            rows.append((name, lo, end))
            prev = lo
        _NM_CACHE[vmlinux] = rows
    found = {}
    for name, lo, hi in _NM_CACHE[vmlinux]:
        if name in want and hi > lo:
            found.setdefault(want[name], []).append((lo, hi))
    return found


def msi_symfile(vmlinux, path):
    """Write the plugin's symfile of MSI_PARTS for @vmlinux"""
    import glob
    build = os.path.dirname(vmlinux)
    part_of = {}
    for part, objs, names in MSI_PARTS:
        for pat in objs:
            for o in sorted(glob.glob(os.path.join(build, pat))):
                out = subprocess.run([NM, '--defined-only', o], check=True,
                                     stdout=subprocess.PIPE, text=True).stdout
                for f in (ln.split() for ln in out.splitlines()):
                    if len(f) == 3 and f[1] in 'tT':
                        part_of[f[2].split('.')[0]] = part
        for n in names:
            part_of[n] = part
    lines = ['p_opal:0x%x:0x%x' % SKIBOOT]
    for part, ranges in nm_syms(vmlinux, list(part_of.items())).items():
        lines += ['%s:0x%x:0x%x' % (part, lo, hi) for lo, hi in ranges]
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def boot_msi(vmlinux, iters, tag, extra=(), append='', ballast=0):
    spans_file = os.path.join(PLDIR, '%s.spans' % tag)
    log = os.path.join(PLDIR, '%s.log' % tag)
    found = nm_syms(vmlinux, MSI_SYMS + [(MSI_START, 'start')])
    if 'start' not in found:
        raise SystemExit('pathlen: no %s in %s' % (MSI_START, vmlinux))
    symfile = os.path.join(PLDIR, '%s.syms' % tag)
    msi_symfile(vmlinux, symfile)
    args = ['file=' + PLUGIN, 'out=' + spans_file,
            'start_pc=0x%x' % found['start'][0][0]]
    for _, short in MSI_SYMS:
        args += ['sym=%s:0x%x:0x%x' % (short, lo, hi)
                 for lo, hi in found.pop(short, [])]
    args.append('symfile=' + symfile)
    args += list(extra)
    cmd = ['python3', 'scripts/vmrun.py', '--kernel', vmlinux,
           '--initrd', os.path.join(OUT, 'initramfs.cpio.gz'),
           '--smp', '2', '--timeout', '900', '--min-kunit', '0',
           '--pci', '--device', MSI_DEVICE] + sum(
               (['--device', b] for b in BALLAST_DEVICES[:(ballast + 2039) // 2040]),
               []) + [
           '--append', 'vxics.tests=pathlen_msi vxics.pci kunit.enable=0 '
           'loglevel=5 pathlen.iters=%d pathlen.ballast=%d %s' % (
               iters, ballast, append),
           '--plugin', ','.join(args), '--log', log]
    r = subprocess.run(cmd, cwd=TOP, stdout=subprocess.PIPE, text=True)
    return r.returncode, r.stdout, spans_file, log


def parts_of(field):
    """{part: instructions} of an in= or lapin= field"""
    if not field:
        return {}
    return dict((k, int(v)) for k, v in (x.split(':') for x in field.split(','))
                if k.startswith('p_'))


def parse_msi(spans_file, log):
    """{site: [(insns, lap, hits)]} of the guest's stop sites, plus the
    kernel banner and the plugin's totals line"""
    sites, banner, res, total = {}, '?', {}, ''
    with open(log) as f:
        for line in f:
            m = SITE.search(line)
            if m and m.group(2) == 'stop':
                sites[int(m.group(1), 16)] = m.group(3)
            m = BANNER.search(line)
            if m and banner == '?':
                banner = m.group(1)
    with open(spans_file) as f:
        for line in f:
            if line.startswith('total '):
                total = line.strip()
            m = SPAN.match(line.strip())
            if not m:
                continue
            name = sites.get(int(m.group(3), 16), 'unknown')
            hits = set() if m.group(5) == '-' else set(m.group(5).split(','))
            lap = int(m.group(6)) if m.group(6) else None
            res.setdefault(name, []).append((int(m.group(4)), lap, hits,
                                             parts_of(m.group(7)),
                                             parts_of(m.group(8))))
    return res, banner, total


def msi_classes(spans):
    """The spans of a phase by what they ran: 'bypass' (never left real
    mode, the bypass took the interrupt), 'host' (left real mode and ran
    the host handler); spans with a host timer tick are left out."""
    out = {'bypass': [], 'host': [], 'other': []}
    for sp in spans:
        hits, lap = sp[2], sp[1]
        if 'timer' in hits or lap is None:
            out['other'].append(sp)
        elif 'vmode' not in hits and 'bypass' in hits:
            out['bypass'].append(sp)
        elif 'vmode' in hits and 'irq' in hits:
            out['host'].append(sp)
        else:
            out['other'].append(sp)
    return out


def msi_stats(spans, which):
    """(min, median, max) of the laps (which=1) or totals (which=0)"""
    return stats([(s[0] if which == 0 else s[1], None) for s in spans])


def msi_median_span(spans):
    """The span whose lap is the median lap (for its breakdown)"""
    laps = sorted(spans, key=lambda sp: sp[1])
    return laps[(len(laps) - 1) // 2]


def msi_parts(span):
    """{part: instructions up to the lap}, with p_rest the unnamed rest"""
    parts = dict(span[4])
    parts['p_rest'] = span[1] - sum(parts.values())
    return parts


MSI_BOUND = ('p_kvmhv', 'p_flush', 'p_opal')


def report_msi(rows, banners, iters, runs, command):
    """pathlen-bypass.md from rows [(label, key, spans, class)], key a
    (kernel, mode) pair, spans a parse_msi site's spans of the first boot"""
    qemu = subprocess.run(['qemu-system-ppc64', '--version'],
                          stdout=subprocess.PIPE,
                          text=True).stdout.splitlines()[0]
    L = ['# Path lengths: a passed-through MSI into the guest, bypass on and off\n']
    L.append('TCG instruction counts (path lengths), not time, counted by '
             '`bench/pathlen/pathlen-plugin.c` on the host CPU the MSI '
             'targets.  An e1000e on a PHB3 of the emulated POWER8 host is '
             'passed through with vfio-pci; its MSI-X vector 0 and a KVM '
             'irqfd share an eventfd (the irq bypass manager pairs them, as '
             'for QEMU); the vCPU waits in the guest with MSR[EE]=1 on host '
             'CPU 1, where the host interrupt is steered; the test raises '
             'one interrupt at a time from CPU 0 (`pathlen_msi`).  A span '
             'starts at `%s`, the real-mode common entry of the 0x500 vector '
             'for an interrupt taken in the guest (the few instructions at '
             '0x500 before it are not counted), has a lap at the guest\'s '
             '0x500 handler and stops after the guest\'s H_XIRR and H_EOI.\n'
             % MSI_START)
    L.append('- date: %s' % datetime.date.today().isoformat())
    for k, b in banners.items():
        L.append('- %s kernel: %s (%s)' % (k, b, {
            'ours': 'Debian linux-source-6.1 + vxics overlay',
            'upstream': 'Debian linux-source-6.1 + only our vfio-pci fix '
                        '(hooks 0003, 0004): upstream\'s XICS and bypass'}[k]))
    L.append('- QEMU: %s, `-M powernv8 -cpu power8 -smp 2`, TCG' % qemu)
    L.append('- interrupts per phase: %d; boots: %d; command: `%s`' %
             (iters, runs, command))
    L.append('')
    L.append('| kernel, path | spans: bypassed / host path / left out | '
             'arrival → guest 0x500 min / median / max | '
             'round trip (+ H_XIRR + H_EOI) min / median / max |')
    L.append('|---|---|---|---|')
    med = {}
    for label, key, spans, cls in rows:
        c = msi_classes(spans)
        sp = c[cls]
        cells = [label, '%d / %d / %d' % (len(c['bypass']), len(c['host']),
                                         len(c['other']))]
        if sp:
            lap, tot = msi_stats(sp, 1), msi_stats(sp, 0)
            med[key] = (lap[1], tot[1], msi_median_span(sp))
            cells += ['%d / **%d** / %d' % lap, '%d / **%d** / %d' % tot]
        else:
            cells += ['–', '–']
        L.append('| ' + ' | '.join(cells) + ' |')
    L.append('')
    L.append('Each row counts the spans of its own kind: bypass on, those '
             'that never left real mode and ran the real-mode bypass; bypass '
             'off, those that ran the host handler in virtual mode.  Left '
             'out: spans with a host timer tick, and arrivals that found the '
             'vCPU on its way out of the guest (they take the host path).\n')
    pairs = [(a, b, what) for a, b, what in (
        (('ours', 'on'), ('ours', 'off'), 'ours: bypass / fallback'),
        (('upstream', 'on'), ('upstream', 'off'),
         'upstream: bypass / fallback'),
        (('ours', 'on'), ('upstream', 'on'), 'bypass: ours / upstream'),
        (('ours', 'off'), ('upstream', 'off'), 'fallback: ours / upstream'))
        if a in med and b in med]
    if pairs:
        L.append('| ratio (medians) | arrival → guest 0x500 | round trip |')
        L.append('|---|---|---|')
        for a, b, what in pairs:
            L.append('| %s | **%.2f** (%d / %d) | %.2f (%d / %d) |' % (
                what, med[a][0] / med[b][0], med[a][0], med[b][0],
                med[a][1] / med[b][1], med[a][1], med[b][1]))
        L.append('')
    keys = [key for _, key, _, _ in rows if key in med]
    L.append('## Where the instructions go (median span, up to the guest\'s '
             '0x500)\n')
    L.append('| part | ' + ' | '.join('%s, bypass %s' % k for k in keys) +
             ' |')
    L.append('|---|' + '---|' * len(keys))
    parts = {k: msi_parts(med[k][2]) for k in keys}
    for part, name in PART_NAMES:
        L.append('| %s | %s |' % (name, ' | '.join(
            str(parts[k].get(part, 0)) for k in keys)))
    L.append('| total | %s |' % ' | '.join(str(med[k][0]) for k in keys))
    L.append('')
    if ('ours', 'on') in med and ('ours', 'off') in med:
        on, off = med[('ours', 'on')], med[('ours', 'off')]
        pon = parts[('ours', 'on')]
        bound = sum(pon.get(p, 0) for p in MSI_BOUND)
        L.append('The bound: any real-mode bypass on this host executes '
                 'KVM-HV\'s guest exit and re-entry, the L1D flush at guest '
                 'entry (the software fallback flush: the emulated machine\'s '
                 'firmware offers no faster one) and the PHB3 MSI EOI in '
                 'OPAL: **%d** of our bypass\'s %d instructions, %.2f of the '
                 'fallback\'s %d.  A tenth of the fallback (%d) is below that '
                 'bound, so not reachable here; what vxics itself adds is '
                 '%d.\n' % (bound, on[0], bound / off[0], off[0],
                            off[0] // 10, pon.get('p_vxics', 0)))
    return '\n'.join(L) + '\n'


def check_msi(res, total, iters, rc):
    """make check's assertions on the passthrough rows"""
    ok = fail = 0

    def t(cond, msg):
        nonlocal ok, fail
        print('%sok - %s' % ('' if cond else 'not ', msg))
        ok, fail = ok + bool(cond), fail + (not cond)

    t(rc == 0, 'msi: the in-VM pathlen_msi program passed')
    m = re.match(r'total insns=(\d+) spans=(\d+) restarts=(\d+) '
                 r'orphan_stops=(\d+)', total)
    t(bool(m) and m.group(4) == '0',
      'msi: every stop closed a span: %s' % total)
    on = msi_classes(res.get('msi_phase0', []))
    off = msi_classes(res.get('msi_phase1', []))
    # arrivals that find the vCPU out of the guest start no span here and
    # ticks leave some out (25-100 % were seen in the guest): an eighth
    # of each kind is enough for medians
    t(len(on['bypass']) >= iters // 8,
      'msi: bypass on, %d of %d spans stayed in real mode and ran the bypass'
      % (len(on['bypass']), iters))
    t(len(off['host']) >= iters // 8 and not off['bypass'],
      'msi: bypass off, %d of %d spans ran the host handler, none the bypass'
      % (len(off['host']), iters))
    if on['bypass'] and off['host']:
        a, b = msi_stats(on['bypass'], 1)[1], msi_stats(off['host'], 1)[1]
        parts = msi_parts(msi_median_span(on['bypass']))
        t(parts.get('p_vxics', 0) > 0 and parts.get('p_opal', 0) > 0 and
          parts['p_rest'] >= 0,
          'msi: the bypass span runs vxics and the EOI in OPAL (%s)' %
          ', '.join('%s %d' % kv for kv in sorted(parts.items())))
        t(2 * a < b, 'msi: arrival -> guest 0x500: bypass %d, fallback %d '
          'instructions (median)' % (a, b))
    return ok, fail


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


def vmlinux_banner(vmlinux):
    """"Linux version X" as built into @vmlinux"""
    out = subprocess.run(['strings', '-a', vmlinux], stdout=subprocess.PIPE,
                         text=True, errors='replace').stdout
    m = BANNER.search(out)
    return m.group(1) if m else '?'


# Live mappings in the VM for the scale rows; 4081 is what two PHB3s'
# MSIs (2040 each) and the measured e1000e give; upstream maps 1024 at most
SCALE = [1, 64, 1024, 4081]
UPSTREAM_MAX = 1024


def scale_msi(kernels, vmlinux, first):
    """The scale rows: the bypass's path with more live mappings"""
    L = ['## With more live mappings\n',
         'The same bypass span with more mappings in the VM, made before '
         'the measured one (so it is the last one upstream\'s table '
         'holds): MSI-X vectors of NVMe controllers paired with irqfds, '
         'that never fire.  Arrival → guest 0x500, median of the spans '
         'that ran the bypass; 4081 is as many as the emulated machine '
         'gives (two PHB3s of 2040 MSIs, and the e1000e).\n',
         '| mappings | ' + ' | '.join(kernels) + ' |',
         '|---|' + '---|' * len(kernels)]
    base = {}
    for nmap in SCALE:
        cells = []
        for k in kernels:
            if nmap == 1:
                res = first[(k, 'both' if k == 'ours' else 'on')]
            elif k == 'upstream' and nmap > UPSTREAM_MAX:
                cells.append('– (its table holds %d)' % UPSTREAM_MAX)
                continue
            else:
                tag = 'msi-scale-%s-%d' % (k, nmap)
                rc, out, spans, log = boot_msi(vmlinux[k], 20, tag,
                                               ballast=nmap - 1)
                if rc:
                    cells.append('boot failed (%s)' % os.path.relpath(log, TOP))
                    continue
                res = parse_msi(spans, log)[0]
            sp = msi_classes(res.get('msi_phase0', []))['bypass']
            if not sp:
                cells.append('no bypassed span')
                continue
            med = msi_stats(sp, 1)[1]
            base.setdefault(k, med)
            cells.append('%d (%+.1f %%)' % (med, 100.0 * (med - base[k]) /
                                             base[k]))
        L.append('| %d | %s |' % (nmap, ' | '.join(cells)))
    return '\n'.join(L) + '\n\n'


# A host-owned MSI (no VM): from the 0x500 vector's common code, where the
# bypass rows start too (POWER8 takes hypervisor interrupts with
# relocation off), to its driver's handler
HOST_START = MSI_START
HOST_STOP = 'vfio_msihandler'


def boot_host_irq(vmlinux, iters, tag):
    """/vxt/pathlen_host_irq under the meter: (rc, insns of the spans
    that reached the handler on the interrupt's CPU, log)"""
    spans_file = os.path.join(PLDIR, '%s.spans' % tag)
    log = os.path.join(PLDIR, '%s.log' % tag)
    found = nm_syms(vmlinux, [(HOST_START, 'start'), (HOST_STOP, 'stop'),
                              ('timer_interrupt', 'timer'),
                              ('__schedule', 'sched')])
    if 'start' not in found or 'stop' not in found:
        raise SystemExit('pathlen: no %s or %s in %s' %
                         (HOST_START, HOST_STOP, vmlinux))
    args = ['file=' + PLUGIN, 'out=' + spans_file,
            'start_pc=0x%x' % found['start'][0][0],
            'stop_pc=0x%x' % found['stop'][0][0]]
    for short in ('timer', 'sched'):
        args += ['sym=%s:0x%x:0x%x' % (short, lo, hi)
                 for lo, hi in found.get(short, [])]
    cmd = ['python3', 'scripts/vmrun.py', '--kernel', vmlinux,
           '--initrd', os.path.join(OUT, 'initramfs.cpio.gz'),
           '--smp', '2', '--timeout', '600', '--min-kunit', '0',
           '--pci', '--device', MSI_DEVICE,
           '--append', 'vxics.tests=pathlen_host_irq vxics.pci kunit.enable=0 '
           'loglevel=5 pathlen.iters=%d' % iters,
           '--plugin', ','.join(args), '--log', log]
    r = subprocess.run(cmd, cwd=TOP, stdout=subprocess.PIPE, text=True)
    insns = []
    if os.path.exists(spans_file):
        for line in open(spans_file):
            m = SPAN.match(line.strip())
            if m and m.group(1) == '1' and \
                    not set(m.group(5).split(',')) & {'timer', 'sched'}:
                insns.append(int(m.group(4)))
    return r.returncode, insns, log


def host_irq_msi(kernels, vmlinux, first):
    """The host-owned interrupt's rows, against each kernel's bypass"""
    L = ['## A host-owned interrupt\n',
         'The same e1000e vector with no VM: vfio-pci\'s handler signals '
         'an eventfd that is no irqfd; the interrupt is taken on CPU 1 '
         'from a thread spinning in userspace (`pathlen_host_irq`).  '
         'Arrival (`%s`, the 0x500 vector\'s common code, as above) → the driver\'s '
         'handler (`%s`), spans with a timer tick or a schedule left out.  '
         'The issue\'s bound: the bypass to the guest\'s handler within '
         '1.5x of this.\n' % (HOST_START, HOST_STOP),
         '| kernel | spans | arrival → handler min / median / max | '
         'bypass → guest 0x500 (median) | bypass / host path |',
         '|---|---|---|---|---|']
    for k in kernels:
        rc, insns, log = boot_host_irq(vmlinux[k], 20, 'host-irq-%s' % k)
        if rc or not insns:
            L.append('| %s | boot failed (%s) | | | |' %
                     (k, os.path.relpath(log, TOP)))
            continue
        lo, med, hi = stats([(i, None) for i in insns])
        sp = msi_classes(first[(k, 'both' if k == 'ours' else 'on')]
                         .get('msi_phase0', []))['bypass']
        byp = msi_stats(sp, 1)[1] if sp else None
        L.append('| %s | %d | %d / **%d** / %d | %s | %s |' % (
            k, len(insns), lo, med, hi, byp or '–',
            '**%.2f**' % (byp / med) if byp else '–'))
    return '\n'.join(L) + '\n\n'


def write_report(path, md):
    """Write @md to @path, keeping the hand-written notes below NOTES"""
    notes = NOTES + '\n'
    if os.path.exists(path):
        old = open(path).read()
        if NOTES in old:
            notes = old[old.index(NOTES):]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(md + notes)
    print(md)
    print('pathlen: report written to %s' % os.path.relpath(path, TOP))


def msi_main(a, vmlinux, iters, runs):
    """The passthrough rows: ours (both phases in one boot) and, unless
    --ours-only, upstream with only our vfio-pci fix (one boot per phase:
    its switch is read at boot)"""
    kernels = ['ours'] + ([] if a.ours_only or a.check else ['upstream'])
    boots = {'ours': [('both', '')],
             'upstream': [('on', ''), ('off', 'kvm_hv.kvm_irq_bypass=0')]}
    first, every, banners = {}, {}, {}
    for k in kernels:
        if k == 'upstream' and 'upstream' not in vmlinux:
            vmlinux['upstream'] = build_one('stockvfio')
        for r in range(runs):
            for mode, append in boots[k]:
                tag = 'msi-%s-%s-%d' % (k, mode, r + 1)
                rc, out, spans, log = boot_msi(vmlinux[k], iters, tag,
                                               append=append)
                if rc:
                    print(out)
                    print('pathlen: boot %s failed (log %s)' % (tag, log))
                    return 1
                res, banner, total = parse_msi(spans, log)
                banners[k] = banner if banner != '?' else \
                    vmlinux_banner(vmlinux[k])
                print('pathlen: %s: %s' % (tag, total))
                first.setdefault((k, mode), res)
                every.setdefault((k, mode), []).append(res)
    rows = [('ours, bypass on', ('ours', 'on'),
             first[('ours', 'both')].get('msi_phase0', []), 'bypass'),
            ('ours, bypass off (`vxics.bypass=0`)', ('ours', 'off'),
             first[('ours', 'both')].get('msi_phase1', []), 'host')]
    if 'upstream' in kernels:
        rows += [('upstream, bypass on', ('upstream', 'on'),
                  first[('upstream', 'on')].get('msi_phase0', []), 'bypass'),
                 ('upstream, bypass off (`kvm_hv.kvm_irq_bypass=0`)',
                  ('upstream', 'off'),
                  first[('upstream', 'off')].get('msi_phase0', []), 'host')]
    md = report_msi(rows, banners, iters, runs,
                    'make pathlen' if len(sys.argv) == 1 else
                    ' '.join(['bench/pathlen/run.py'] + sys.argv[1:]))
    md += scale_msi(kernels, vmlinux, first)
    if not a.check:
        md += host_irq_msi(kernels, vmlinux, first)
    # Run to run: each row's median in every boot
    boot_of = {('ours', 'on'): ('ours', 'both', 'msi_phase0'),
               ('ours', 'off'): ('ours', 'both', 'msi_phase1'),
               ('upstream', 'on'): ('upstream', 'on', 'msi_phase0'),
               ('upstream', 'off'): ('upstream', 'off', 'msi_phase0')}
    lines = []
    for label, key, _, cls in rows:
        k, mode, site = boot_of[key]
        meds = []
        for res in every[(k, mode)]:
            sp = msi_classes(res.get(site, []))[cls]
            meds.append('%d/%d' % (msi_stats(sp, 1)[1], msi_stats(sp, 0)[1])
                        if sp else '–')
        lines.append('- %s: %s' % (label, ', '.join(meds)))
    md += ('## Run to run\n\nMedians (to the guest\'s 0x500 / round trip) '
           'of each boot:\n\n' + '\n'.join(lines) + '\n\n')
    write_report(a.msi_report, md)
    return 0


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
    ap.add_argument('--msi-only', action='store_true',
                    help='only the passthrough rows (pathlen-bypass.md)')
    ap.add_argument('--msi-report', default=os.path.join(
        TOP, 'bench', 'results', 'pathlen-bypass.md'))
    a = ap.parse_args()
    iters = a.iters or (5 if a.check else 200)
    runs = a.runs or (1 if a.check else 2)
    kernels = (['ours'] if a.check or a.ours_only or a.msi_only
               else ['ours', 'stock'])
    os.makedirs(PLDIR, exist_ok=True)

    if a.no_build:
        vmlinux = {k: os.path.join(OUT, 'build-linux' if k == 'ours' else
                                   'build-linux-stock', 'vmlinux') for k in kernels}
        if not a.ours_only:
            vmlinux['upstream'] = os.path.join(OUT, 'build-linux-stockvfio',
                                               'vmlinux')
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
        rc3, out3, spans3, log3 = boot_msi(vmlinux['ours'], 8 * iters,
                                           'check-msi')
        res3, _, total3 = parse_msi(spans3, log3)
        ok3, fail3 = check_msi(res3, total3, 8 * iters, rc3)
        if rc3:
            print(out3)
        ok, fail = ok + ok3, fail + fail3
        # flat: the same span with 1024 live mappings
        rc4, out4, spans4, log4 = boot_msi(vmlinux['ours'], 8 * iters,
                                           'check-msi-1024', ballast=1023)
        on1 = msi_classes(res3.get('msi_phase0', []))['bypass']
        on4 = msi_classes(parse_msi(spans4, log4)[0].get('msi_phase0', []))[
            'bypass']
        a1 = msi_stats(on1, 1)[1] if on1 else 0
        a4 = msi_stats(on4, 1)[1] if on4 else 0
        flat = rc4 == 0 and a1 and a4 and abs(a4 - a1) <= a1 // 10
        print('%sok - msi: with 1024 live mappings the bypass path is flat '
              '(%d vs %d instructions)' % ('' if flat else 'not ', a4, a1))
        if rc4:
            print(out4)
        ok, fail = ok + bool(flat), fail + (not flat)
        print('%d passed, %d failed' % (ok, fail))
        return 1 if fail else 0

    if a.msi_only:
        return msi_main(a, vmlinux, iters, runs)
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
    write_report(a.report, md)
    return msi_main(a, vmlinux, a.iters or 50, runs)


if __name__ == '__main__':
    sys.exit(main())
