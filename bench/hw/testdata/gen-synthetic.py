#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the synthetic host and guest snapshots of bench/hw/testdata.

/proc/interrupts, the vxics debugfs file (the seq_printf()s of
arch/powerpc/kvm/vxics/device.c and bypass.c), `vfio-bypass --json show
PID` (tools/vfio-bypass), KVM statistics and /proc/stat, before and after
one job.  The numbers are made up but agree with each other: 20000 NVMe
and 500 NIC interrupts, 20370 of them bypassed and 130 by the host path,
counted alike by every source.  bench/hw/test_run.py checks them.
"""
import os

T = os.path.dirname(os.path.abspath(__file__))
H = os.path.join(T, 'host')
PHASES = (('before', 0), ('after', 1))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def interrupts(cpus, rows, arch):
    """show_interrupts()' layout: numbered rows, then powerpc's own."""
    out = ' ' * 11 + ''.join('%-11s' % ('CPU%d' % c)
                             for c in cpus).rstrip() + '\n'
    for irq, counts, chip, hw, trig, name in rows:
        out += '%4d: ' % irq + ''.join('%10u ' % n for n in counts) + \
            ' %-8s %-8d %-8s %s\n' % (chip, hw, trig, name)
    for lab, counts, desc in arch:
        out += '%4s: ' % lab + ''.join('%10u ' % n for n in counts) + \
            '  ' + desc + '\n'
    return out


def arch_rows(loc, n):
    return [
        ('LOC', loc, 'Local timer interrupts for timer event device'),
        ('BCT', [0] * n, 'Broadcast timer interrupts for timer event device'),
        ('LOC', [12 + i for i in range(n)] if n == 10 else [3, 4, 2, 5],
         'Local timer interrupts for others'),
        ('SPU', [0] * n, 'Spurious interrupts'),
        ('PMI', [0] * n, 'Performance monitoring interrupts'),
        ('MCE', [0] * n, 'Machine check exceptions'),
        ('NMI', [0] * n, 'System Reset interrupts'),
        ('DBL', [0] * n, 'Doorbell interrupts'),
    ]


def one(n, cpu, count):
    row = [0] * n
    row[cpu] = count
    return row


# Host: POWER8, 10 cores, SMT off for KVM: CPUs 0, 8, ... 72 online.
HOST_CPUS = list(range(0, 80, 8))


def host_rows(d):
    ipi = [[5012, 4410, 3980, 3877, 3620, 3591, 3502, 3499, 3420, 3388],
           [5230, 4620, 4101, 3901, 3650, 3622, 3533, 3517, 3441, 3401]][d]
    nvme1 = [1200, 100021 + 19990 * d, 17 + 10 * d] + [0] * 7
    nic0 = [0, 12, 3000 + 500 * d] + [0] * 7
    msix = 'vfio-msix[%d](%s)'
    return [
        (16, ipi, 'XICS', 2, 'Edge', 'IPI'),
        (17, one(10, 0, 120), 'XICS', 4095, 'Level', 'hvc_console'),
        (20, one(10, 0, 40221 + 293 * d), 'PCI-MSI', 134217728, 'Edge',
         'enP4p1s0f0'),
        (35, [21, 10] + [0] * 8, 'PCI-MSI', 524288, 'Edge',
         msix % (0, '0000:01:00.0')),
        (36, nvme1, 'PCI-MSI', 524289, 'Edge', msix % (1, '0000:01:00.0')),
        (37, one(10, 2, 1501), 'PCI-MSI', 524290, 'Edge',
         msix % (2, '0000:01:00.0')),
        (38, one(10, 3, 1433), 'PCI-MSI', 524291, 'Edge',
         msix % (3, '0000:01:00.0')),
        (39, one(10, 4, 1390), 'PCI-MSI', 524292, 'Edge',
         msix % (4, '0000:01:00.0')),
        (45, nic0, 'PCI-MSI', 1048576, 'Edge', msix % (0, '0003:01:00.0')),
        (46, one(10, 2, 12), 'PCI-MSI', 1048577, 'Edge',
         msix % (1, '0003:01:00.0')),
    ]


# Guest: pseries, 4 vCPUs; its MSIs are XICS sources 0x1200.. and 0x1306..
def guest_rows(d):
    ipi = [2210 + 40 * d, 2301 + 38 * d, 2199 + 35 * d, 2250 + 33 * d]
    return [
        (16, ipi, 'XICS', 2, 'Edge', 'IPI'),
        (17, one(4, 0, 1042), 'XICS', 4096, 'Level', 'hvc_console'),
        (24, one(4, 0, 31), 'XICS', 4608, 'Edge', 'nvme0q0'),
        (25, one(4, 0, 101238 + 20000 * d), 'XICS', 4609, 'Edge', 'nvme0q1'),
        (26, one(4, 1, 1501), 'XICS', 4610, 'Edge', 'nvme0q2'),
        (27, one(4, 2, 1433), 'XICS', 4611, 'Edge', 'nvme0q3'),
        (28, one(4, 3, 1390), 'XICS', 4612, 'Edge', 'nvme0q4'),
        (30, one(4, 1, 3012 + 500 * d), 'XICS', 4870, 'Edge',
         'enP1p0s1-TxRx-0'),
        (31, one(4, 1, 12), 'XICS', 4871, 'Edge', 'enP1p0s1'),
    ]


def vxics(d):
    """device.c's vxics_debugfs_show() and bypass.c's vxics_bypass_show()."""
    s = 'deliveries %d coalesced %d\n' % (109659 + 20500 * d, 12)
    s += 'sources:\n'
    srcs = [(0x1000, 0, 'lsi', 1042, 0)]
    trig = [31, 101238 + 20000 * d, 1501, 1433, 1390]
    for i, srv in enumerate([0, 0, 1, 2, 3]):
        srcs.append((0x1200 + i, srv, 'msi', trig[i], 12 if i == 1 else 0))
    srcs += [(0x1306, 1, 'msi', 3012 + 500 * d, 0), (0x1307, 1, 'msi', 12, 0)]
    for irq, srv, kind, n, coal in srcs:
        s += ('  irq %#7x server %4u prio %#04x saved %#04x triggers %u '
              'coalesced %u %s\n') % (irq, srv, 5, 5, n, coal, kind)
    s += 'presentation controllers:\n'
    # rejects resends rm-hcalls rm-deferred vm-hcalls kicks notifies,
    # bypassed bypass-deferred bypass-elsewhere, fallback off unmapped source
    icps = [
        [2, 2, 250112 + 41020 * d, 310 + 35 * d, 4, 921 + 40 * d, 0,
         98030 + 19880 * d, 301 + 35 * d, 5 + 2 * d, 0, 411 + 57 * d, 0],
        [0, 0, 19211 + 1120 * d, 40, 2, 512 + 12 * d, 0,
         4441 + 490 * d, 11, 0, 0, 97 + 9 * d, 0],
        [0, 0, 8010 + 80 * d, 12, 1, 330 + 9 * d, 0,
         1371, 3, 0, 0, 45 + 4 * d, 0],
        [0, 0, 7902 + 70 * d, 9, 1, 301 + 8 * d, 0,
         1325, 2, 0, 0, 40 + 3 * d, 0],
    ]
    for srv, c in enumerate(icps):
        s += '  server %4u xisr %#08x pending %#04x cppr %#04x mfrr %#04x\n' \
            % (srv, 0, 0xff, 0xff, 0xff)
        s += ('    rejects %d resends %d rm-hcalls %d rm-deferred %d '
              'vm-hcalls %d kicks %d notifies %d\n') % tuple(c[:7])
        s += ('    bypassed %d bypass-deferred %d bypass-elsewhere %d '
              'fallback: off %d unmapped %d source %d\n') % tuple(c[7:])
    s += 'bypass: on, 7 mapped, %d by the host path, %d steers\n' % (
        3450 + 130 * d, 9 + 2 * d)
    s += ('host path by reason: off 0 masked 0 other-vm 0 wrong-core %d '
          'not-running %d\n') % (9 + 2 * d, 3441 + 128 * d)
    maps = [
        (0x80000, 35, 0x1200, 30, 1, 8),
        (0x80001, 36, 0x1201, 98000 + 19880 * d, 3238 + 120 * d, 8),
        (0x80002, 37, 0x1202, 1480, 21, 16),
        (0x80003, 38, 0x1203, 1371, 62, 24),
        (0x80004, 39, 0x1204, 1325, 65, 32),
        (0x100000, 45, 0x1306, 2950 + 490 * d, 62 + 10 * d, 16),
        (0x100001, 46, 0x1307, 11, 1, 16),
    ]
    for hw, hirq, g, byp, hp, cpu in maps:
        s += ('  hwirq %#x host irq %u guest %#x bypassed %d host-path %d '
              'last-cpu %d by pairing\n') % (hw, hirq, g, byp, hp, cpu)
    return s


def vec(v, hw, irq, g, cpu, byp, hp):
    """vfio_bypass_print_json()'s object for one vector."""
    reasons = ['off', 'masked', 'other-vm', 'wrong-core', 'not-running']
    return ('{"vector": %d, "state": "paired", "enabled": true, '
            '"bound": false, "paired": true, "mapped": true, '
            '"host_hwirq": %d, "host_irq": %d, "guest_irq": %d, '
            '"last_cpu": %d, "affinity_cpu": %d, "bypassed": %d, '
            '"host_path": {%s}}') % (
                v, hw, irq, g, cpu, cpu, byp,
                ', '.join('"%s": %d' % (r, hp.get(r, 0)) for r in reasons))


def vfio_bypass(d):
    """`vfio-bypass --json show PID`: an array, one object per device fd."""
    nvme = [vec(0, 0x80000, 35, 0x1200, 8, 30, {'not-running': 1}),
            vec(1, 0x80001, 36, 0x1201, 8, 98000 + 19880 * d,
                {'wrong-core': 5 + 2 * d, 'not-running': 3233 + 118 * d}),
            vec(2, 0x80002, 37, 0x1202, 16, 1480, {'not-running': 21}),
            vec(3, 0x80003, 38, 0x1203, 24, 1371,
                {'wrong-core': 2, 'not-running': 60}),
            vec(4, 0x80004, 39, 0x1204, 32, 1325,
                {'wrong-core': 2, 'not-running': 63})]
    nic = [vec(0, 0x100000, 45, 0x1306, 16, 2950 + 490 * d,
               {'not-running': 62 + 10 * d}),
           vec(1, 0x100001, 46, 0x1307, 16, 11, {'not-running': 1})]
    dev = ('{"pid": 4242, "fd": %d, "device": "%s", "index": "msix", '
           '"vectors": [%s]}')
    return '[%s, %s]\n' % (dev % (31, '0000:01:00.0', ', '.join(nvme)),
                           dev % (34, '0003:01:00.0', ', '.join(nic)))


def proc_stat(d):
    """/proc/stat's first lines, 30 s apart on 10 CPUs (USER_HZ 100)."""
    # user nice system idle iowait irq softirq steal guest guest_nice
    tot = [812003, 120, 90321, 8123410, 2011, 3012, 4410, 0, 700120, 0]
    dl = [3100, 0, 450, 26400, 0, 20, 30, 0, 2900, 0]
    v = [a + b * d for a, b in zip(tot, dl)]
    s = 'cpu  ' + ' '.join(map(str, v)) + '\n'
    for c in HOST_CPUS:
        s += 'cpu%d ' % c + ' '.join(str(x // 10) for x in v) + '\n'
    return s + ('intr 9123456 0 0\nctxt 51234567\nbtime 1796000000\n'
                'processes 12345\nprocs_running 2\nprocs_blocked 0\n')


def main():
    for phase, d in PHASES:
        loc = [91234 + d * 30000 + i for i in range(10)]
        write(os.path.join(H, phase, 'interrupts'),
              interrupts(HOST_CPUS, host_rows(d), arch_rows(loc, 10)))
        loc = [30121 + d * 3000, 29876 + d * 3000, 29990 + d * 3000,
               30002 + d * 3000]
        write(os.path.join(T, 'guest', 'interrupts-' + phase),
              interrupts(range(4), guest_rows(d), arch_rows(loc, 4)))
        write(os.path.join(H, phase, 'vxics'), vxics(d))
        write(os.path.join(H, phase, 'vxics_bypass'), '1\n')
        write(os.path.join(H, phase, 'bypass'), 'Y\n')
        stats = {'sum_exits': 812331 + 61234 * d,
                 'ext_intr_exits': 4410 + 388 * d,
                 'dec_exits': 30120 + 3000 * d,
                 'halt_successful_wait': 70211 + 20412 * d,
                 'pthru_all': 108617 + 20500 * d,
                 'pthru_host': 3450 + 130 * d,
                 'pthru_bad_aff': 9 + 2 * d}
        for k, v in stats.items():
            write(os.path.join(H, phase, 'kvm', k), '%d\n' % v)
        write(os.path.join(H, phase, 'vfio-bypass.json'), vfio_bypass(d))
        write(os.path.join(H, phase, 'stat'), proc_stat(d))


if __name__ == '__main__':
    main()
