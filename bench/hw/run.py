#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmarks of the vxics bypass on a real POWER8 host: one JSON per run.

A run is one configuration (kernel ours or stock, bypass on or off) and one
repeat.  Three machines take part:

  host   run.py host --bypass on|off --guest-cmd "ssh root@GUEST run.py guest"
         sets (ours) or checks (stock) the bypass switch, then for each job
         snapshots the host's counters, runs the job in the guest through
         --guest-cmd, snapshots again, and writes the run's JSON:
         vxics debugfs, `vfio-bypass --json show`, the VM's KVM statistics,
         /proc/interrupts of the vfio vectors, /proc/stat, optionally
         `perf kvm stat`.
  guest  run.py guest --target /dev/nvme0n1 --peer PEER_IP [--dpdk BDF]
         runs the jobs of jobs/ (fio, sockperf, iperf3, DPDK), parses their
         output and the guest's /proc/interrupts deltas of the devices'
         vectors; prints a partial JSON the host merges (--out -).
  peer   run.py peer --bind PEER_IP
         the sockperf and iperf3 servers, on a machine on the NIC's network.

  run.py --dry-run [--out FILE]
         here, without POWER or KVM: host and guest sides in one process
         tree, fio for real on a small temporary file, everything else
         parsed from the recorded outputs in testdata/.

The format is "vxics-bench/1", documented in
Documentation/virt/kvm/vxics/benchmarks.rst.  bench/report/report.py turns
a set of these files into tables and plots.
"""
import argparse
import datetime
import glob
import json
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

SCHEMA = 'vxics-bench/1'
HERE = os.path.dirname(os.path.abspath(__file__))
JOBS = os.path.join(HERE, 'jobs')
TESTDATA = os.path.join(HERE, 'testdata')
TOP = os.path.abspath(os.path.join(HERE, '..', '..'))

# Our switches (Documentation/virt/kvm/vxics/design.rst, "Affinity") and
# upstream's, which only the stock kernel obeys on XICS hosts.
VXICS_PARAM = '/sys/module/vxics/parameters/bypass'
STOCK_PARAM = '/sys/module/kvm_hv/parameters/kvm_irq_bypass'
KVM_DEBUGFS = '/sys/kernel/debug/kvm'

# Vectors of passed-through devices: on the host, vfio-pci names them
# "vfio-msix[N](BDF)", "vfio-msi[N](BDF)", "vfio-intx(BDF)"; in the guest,
# the NVMe and NIC drivers' usual names (PCI devices' msi_irqs are added).
HOST_IRQ_MATCH = r'^vfio-(msix|msi|intx)\b'
GUEST_IRQ_MATCH = (r'^(nvme\d+q\d+|(eth|en)\S*|mlx\d?_\S+|i40e\S*|ixgbe\S*|'
                   r'\S+-TxRx-\d+)$')

# What --dry-run substitutes for the machines it does not have.
DRY_PARAMS = {'peer': '192.0.2.10', 'dpdk': '0001:00:01.0',
              'dpdk_l3fwd_power': 'l3fwd-power'}
DRY_TARGET_BYTES = 16 << 20


class ParseError(Exception):
    """A tool's output is not in the format this parser knows."""


class ToolError(Exception):
    """A tool ran and reported its own failure (kept word for word)."""


class SetupError(Exception):
    """The run cannot start: wrong switch, no VM, missing permission."""


def log(msg):
    print('run.py: ' + msg, file=sys.stderr, flush=True)


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(
        timespec='seconds')


def absent(reason):
    return {'status': 'absent', 'reason': reason}


def skipped(reason):
    return {'status': 'skipped', 'reason': reason}


def failed(error, **extra):
    res = {'status': 'failed', 'error': error}
    res.update(extra)
    return res


def read(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        return f.read()


def last_line(text, default=''):
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else default


def strip_ansi(text):
    return re.sub(r'\x1b\[[0-9;]*[A-Za-z]', '', text)


def pct_key(k):
    """fio's "99.900000" and sockperf's "99.900" both become "99.9"."""
    return ('%f' % float(k)).rstrip('0').rstrip('.')


# --- parsers: text in, dict out; ParseError when the format is unknown ---

def parse_fio(text):
    """fio --output-format=json, one job (group_reporting)."""
    start = text.find('{')      # fio may print warnings before the JSON
    if start < 0:
        raise ParseError('fio: no JSON in the output')
    try:
        d = json.loads(text[start:])
        j = d['jobs'][0]
    except (ValueError, KeyError, IndexError) as e:
        raise ParseError('fio: %s' % e) from None
    opts = dict(d.get('global options', {}))
    opts.update(j.get('job options', {}))

    def direction(x):
        if not x or not x.get('total_ios'):
            return None
        clat = x['clat_ns']
        pct = {pct_key(k): v / 1000 for k, v in
               clat.get('percentile', {}).items()}
        return {
            'ios': x['total_ios'], 'iops': x['iops'], 'bw_kib_s': x['bw'],
            'runtime_s': x['runtime'] / 1000,
            'clat_us': {'min': clat['min'] / 1000, 'max': clat['max'] / 1000,
                        'mean': clat['mean'] / 1000,
                        'stddev': clat['stddev'] / 1000,
                        'p50': pct.get('50'), 'p99': pct.get('99'),
                        'p99.9': pct.get('99.9'), 'percentiles': pct},
        }
    rd, wr = direction(j.get('read')), direction(j.get('write'))
    rw = opts.get('rw', 'read')
    main = wr if ('write' in rw and 'rw' not in rw) else rd or wr
    res = {
        'fio_version': d.get('fio version'), 'jobname': j.get('jobname'),
        'rw': rw, 'bs': opts.get('bs'), 'target': opts.get('filename'),
        'iodepth': int(opts.get('iodepth', 1)),
        'numjobs': int(opts.get('numjobs', 1)),
        'error': j.get('error', 0),
        'read': rd, 'write': wr,
        'iops': sum(x['iops'] for x in (rd, wr) if x),
        'clat_us': main['clat_us'] if main else None,
        'cpu': {'usr_pct': j.get('usr_cpu'), 'sys_pct': j.get('sys_cpu'),
                'ctx': j.get('ctx')},
    }
    if opts.get('verify') and wr:
        # the reads of a write job with verify are the blocks read back
        res['verify'] = {'method': opts['verify'], 'written': wr['ios'],
                         'read_back': rd['ios'] if rd else 0}
    return res


_SP_NUM = r'([0-9]+(?:\.[0-9]+)?)'


def parse_sockperf(text):
    """sockperf ping-pong's summary (with or without --full-rtt)."""
    t = strip_ansi(text)
    m = re.search(r'\[Valid Duration\] RunTime=' + _SP_NUM +
                  r' sec; SentMessages=(\d+); ReceivedMessages=(\d+)', t)
    avg = re.search(r'====> avg-(rtt|latency)=' + _SP_NUM +
                    r' \(std-dev=' + _SP_NUM + r'\)', t)
    pct = {pct_key(k): float(v) for k, v in
           re.findall(r'---> percentile ' + _SP_NUM + r' = +' + _SP_NUM, t)}
    mx = re.search(r'---> <MAX> observation = +' + _SP_NUM, t)
    mn = re.search(r'---> <MIN> observation = +' + _SP_NUM, t)
    if not (m and avg and pct and mx and mn):
        err = [ln for ln in t.splitlines() if 'ERROR' in ln or 'error' in ln]
        if err:
            raise ToolError(err[0].strip())
        raise ParseError('sockperf: no ping-pong summary; its last line: %s'
                         % last_line(t, '(no output)'))
    drops = re.search(r'# dropped messages = (\d+); # duplicated messages = '
                      r'(\d+); # out-of-order messages = (\d+)', t)
    obs = re.search(r'Total (\d+) observations', t)
    ver = re.search(r'== version #(\S+)', t)
    runtime, received = float(m.group(1)), int(m.group(3))
    return {
        'sockperf_version': ver.group(1) if ver else None,
        'metric': 'rtt' if avg.group(1) == 'rtt' else 'one-way (rtt/2)',
        'valid_runtime_s': runtime, 'sent': int(m.group(2)),
        'received': received,
        'rate_per_s': received / runtime if runtime else None,
        'observations': int(obs.group(1)) if obs else None,
        'dropped': int(drops.group(1)) if drops else None,
        'duplicated': int(drops.group(2)) if drops else None,
        'out_of_order': int(drops.group(3)) if drops else None,
        'rtt_us': {'mean': float(avg.group(2)),
                   'stddev': float(avg.group(3)),
                   'min': float(mn.group(1)), 'max': float(mx.group(1)),
                   'p50': pct.get('50'), 'p99': pct.get('99'),
                   'p99.9': pct.get('99.9'), 'percentiles': pct},
    }


def parse_iperf3(text):
    """iperf3 --json, client side."""
    try:
        d = json.loads(text)
    except ValueError as e:
        raise ParseError('iperf3: %s' % e) from None
    if d.get('error'):
        raise ToolError(d['error'])
    try:
        ts, end = d['start']['test_start'], d['end']
        rcv, snd = end['sum_received'], end['sum_sent']
    except KeyError as e:
        raise ParseError('iperf3: no %s in the JSON' % e) from None
    cpu = end.get('cpu_utilization_percent', {})
    reverse = bool(ts.get('reverse'))
    return {
        'iperf3_version': d['start'].get('version'),
        'protocol': ts.get('protocol'), 'streams': ts.get('num_streams'),
        'direction': 'peer-to-guest' if reverse else 'guest-to-peer',
        'duration_s': ts.get('duration'), 'omit_s': ts.get('omit'),
        'received_bps': rcv['bits_per_second'],
        'sent_bps': snd['bits_per_second'],
        'gbit_s': rcv['bits_per_second'] / 1e9,
        'retransmits': snd.get('retransmits'),
        # "host" is iperf3's own end (the guest), "remote" the peer
        'cpu': {'guest_total_pct': cpu.get('host_total'),
                'guest_user_pct': cpu.get('host_user'),
                'guest_system_pct': cpu.get('host_system'),
                'peer_total_pct': cpu.get('remote_total')},
    }


def parse_dpdk(text, exit_code, parser):
    """DPDK application output: the exact error, or what the PMD did."""
    t = strip_ansi(text)
    lines = t.splitlines()
    errs = [ln.strip() for ln in lines
            if re.match(r'\s*(EAL: (FATAL|Error|Cannot|No available|'
                        r'.*[Ff]ailed)|Cause: |.*RX interrupt won\'t enable)',
                        ln)]
    res = {'exit_code': exit_code, 'output_tail': lines[-30:]}
    if parser == 'dpdk-l3fwd-power':
        res['rx_interrupt_wakeups'] = len(re.findall(
            r'is waked up from rx interrupt', t))
        res['lcores_in_interrupt_loop'] = len(re.findall(
            r'entering main interrupt loop', t))
        ran = res['lcores_in_interrupt_loop'] > 0
    else:
        rx = re.findall(r'RX-packets:\s*(\d+)', t)
        res['rx_packets'] = int(rx[-1]) if rx else None
        ran = rx != []
    if exit_code not in (0, None) or errs or not ran:
        # the first failure EAL or the app reported, and its "Cause:"
        first = [e for e in errs if not e.startswith('Cause:')][:3]
        cause = [e for e in errs if e.startswith('Cause:')][:1]
        error = '\n'.join(first + cause) or last_line(
            t, 'exit code %s, no output' % exit_code)
        raise ToolError(error)
    return res


def parse_interrupts(text):
    """/proc/interrupts: per-CPU counts by row, named by their actions."""
    lines = text.splitlines()
    if not lines or not lines[0].split() or \
       not all(c.startswith('CPU') for c in lines[0].split()):
        raise ParseError('/proc/interrupts: no CPU header')
    cpus = lines[0].split()
    rows = {}
    for line in lines[1:]:
        label, sep, rest = line.partition(':')
        label = label.strip()
        if not sep or not label:
            continue
        fields = rest.split()
        counts = []
        for f in fields[:len(cpus)]:
            if not f.isdigit():
                break
            counts.append(int(f))
        desc = fields[len(counts):]
        name = desc[-1] if desc else ''
        for i, f in enumerate(desc):
            if f in ('Edge', 'Level') and i + 1 < len(desc):
                name = ' '.join(desc[i + 1:])
                break
        key, n = label, 2
        while key in rows:          # powerpc prints "LOC" twice
            key, n = '%s#%d' % (label, n), n + 1
        rows[key] = {'name': name, 'desc': ' '.join(desc),
                     'counts': dict(zip(cpus, counts))}
    return {'cpus': cpus, 'rows': rows}


def interrupts_delta(before, after, match=None, irqs=()):
    """Deltas of the numbered rows whose name matches, or listed in irqs."""
    sel, total = {}, 0
    for key, row in after['rows'].items():
        if not key.isdigit():
            continue
        if key not in irqs and not (match and re.search(match, row['name'])):
            continue
        b = before['rows'].get(key)
        new = b is None or b['name'] != row['name']
        bc = {} if new else b['counts']
        per = {c: n - bc.get(c, 0) for c, n in row['counts'].items()
               if n - bc.get(c, 0)}
        d = sum(per.values())
        sel[key] = {'name': row['name'], 'delta': d, 'per_cpu': per}
        if new:
            sel[key]['new'] = True
        total += d
    return {'status': 'ok', 'match': match, 'irqs': sel, 'total': total}


_HEX = r'(0x[0-9a-fA-F]+)'
_VX = {
    'head': re.compile(r'^deliveries (\d+) coalesced (\d+)$'),
    'src': re.compile(r'^\s+irq\s+' + _HEX + r' server\s+(\d+) prio ' + _HEX +
                      r' saved ' + _HEX + r' triggers (\d+) coalesced (\d+) '
                      r'(msi|lsi)((?: \S+)*)$'),
    'icp': re.compile(r'^\s+server\s+(\d+) xisr ' + _HEX + r' pending ' +
                      _HEX + r' cppr ' + _HEX + r' mfrr ' + _HEX +
                      r'((?: \S+)*)$'),
    'icp1': re.compile(r'^\s+rejects (-?\d+) resends (-?\d+) rm-hcalls (\d+) '
                       r'rm-deferred (\d+) vm-hcalls (\d+) kicks (\d+) '
                       r'notifies (\d+)$'),
    'icp2': re.compile(r'^\s+bypassed (\d+) bypass-deferred (\d+) '
                       r'bypass-elsewhere (\d+) fallback: off (\d+) '
                       r'unmapped (\d+) source (\d+)$'),
    'bypass': re.compile(r'^bypass: (on|off), (\d+) mapped, (-?\d+) by the '
                         r'host path, (-?\d+) steers$'),
    'reason': re.compile(r'^host path by reason: off (-?\d+) masked (-?\d+) '
                         r'other-vm (-?\d+) wrong-core (-?\d+) '
                         r'not-running (-?\d+)$'),
    'map': re.compile(r'^\s+hwirq ' + _HEX + r' host irq (\d+) guest ' + _HEX +
                      r' bypassed (-?\d+) host-path (-?\d+) last-cpu (-?\d+) '
                      r'by((?: \S+)*)$'),
}
ICP_COUNTERS = ('rejects', 'resends', 'rm_hcalls', 'rm_deferred', 'vm_hcalls',
                'kicks', 'notifies', 'bypassed', 'bypass_deferred',
                'bypass_elsewhere')
FALLBACKS = ('off', 'unmapped', 'source')
HOST_REASONS = ('off', 'masked', 'other-vm', 'wrong-core', 'not-running')


def parse_vxics(text):
    """The VM's debugfs file "vxics" (arch/powerpc/kvm/vxics/device.c)."""
    out = {'sources': [], 'icps': [], 'bypass': None, 'mappings': []}
    for line in text.splitlines():
        if not line.strip() or line in ('sources:',
                                        'presentation controllers:'):
            continue
        m = None
        for kind, rx in _VX.items():
            m = rx.match(line)
            if m:
                break
        if not m:
            raise ParseError('vxics: unknown line %r' % line)
        g = m.groups()
        if kind == 'head':
            out['deliveries'], out['coalesced'] = int(g[0]), int(g[1])
        elif kind == 'src':
            out['sources'].append({
                'irq': int(g[0], 16), 'server': int(g[1]),
                'prio': int(g[2], 16), 'saved': int(g[3], 16),
                'triggers': int(g[4]), 'coalesced': int(g[5]), 'type': g[6],
                'flags': g[7].split()})
        elif kind == 'icp':
            out['icps'].append({
                'server': int(g[0]), 'xisr': int(g[1], 16),
                'pending': int(g[2], 16), 'cppr': int(g[3], 16),
                'mfrr': int(g[4], 16), 'flags': g[5].split()})
        elif kind in ('icp1', 'icp2'):
            if not out['icps']:
                raise ParseError('vxics: counters before any ICP')
            icp = out['icps'][-1]
            if kind == 'icp1':
                icp.update(zip(ICP_COUNTERS[:7], map(int, g)))
            else:
                icp.update(zip(ICP_COUNTERS[7:], map(int, g[:3])))
                icp['fallback'] = dict(zip(FALLBACKS, map(int, g[3:])))
        elif kind == 'bypass':
            out['bypass'] = {'on': g[0] == 'on', 'mapped': int(g[1]),
                             'host_path': int(g[2]), 'steers': int(g[3]),
                             'host_path_by_reason': None}
        elif kind == 'reason':
            if not out['bypass']:
                raise ParseError('vxics: reasons before the bypass line')
            out['bypass']['host_path_by_reason'] = dict(
                zip(HOST_REASONS, map(int, g)))
        else:
            out['mappings'].append({
                'hwirq': int(g[0], 16), 'host_irq': int(g[1]),
                'guest': int(g[2], 16), 'bypassed': int(g[3]),
                'host_path': int(g[4]), 'last_cpu': int(g[5]),
                'owners': g[6].split()})
    if 'deliveries' not in out or out['bypass'] is None:
        raise ParseError('vxics: no deliveries or bypass line')
    return out


def bypassed_pct(byp, host):
    return 100.0 * byp / (byp + host) if byp + host > 0 else None


def vxics_delta(b, a):
    def icp_sum(p, k):
        return sum(i.get(k, 0) for i in p['icps'])

    def fb_sum(p, k):
        return sum(i.get('fallback', {}).get(k, 0) for i in p['icps'])
    bb, ab = b['bypass'], a['bypass']
    rb = bb['host_path_by_reason'] or {}
    ra = ab['host_path_by_reason'] or {}
    before = {m['hwirq']: m for m in b['mappings']}
    maps, mb, mh = {}, 0, 0
    for m in a['mappings']:
        p = before.get(m['hwirq'])
        # a mapping made again starts from zero: count it from there
        reset = p is None or p['guest'] != m['guest'] or \
            m['bypassed'] < p['bypassed'] or m['host_path'] < p['host_path']
        d = {'host_irq': m['host_irq'], 'guest': '%#x' % m['guest'],
             'bypassed': m['bypassed'] - (0 if reset else p['bypassed']),
             'host_path': m['host_path'] - (0 if reset else p['host_path']),
             'last_cpu': m['last_cpu']}
        if reset:
            d['reset'] = True
        maps['%#x' % m['hwirq']] = d
        mb += d['bypassed']
        mh += d['host_path']
    return {
        'deliveries': a['deliveries'] - b['deliveries'],
        'coalesced': a['coalesced'] - b['coalesced'],
        'icps': {k: icp_sum(a, k) - icp_sum(b, k) for k in ICP_COUNTERS},
        'fallback': {k: fb_sum(a, k) - fb_sum(b, k) for k in FALLBACKS},
        'bypass_on': [bb['on'], ab['on']],
        'mapped': [bb['mapped'], ab['mapped']],
        'host_path': ab['host_path'] - bb['host_path'],
        'steers': ab['steers'] - bb['steers'],
        'host_path_by_reason': {k: ra.get(k, 0) - rb.get(k, 0)
                                for k in HOST_REASONS},
        'mappings': maps,
        'mapped_bypassed': mb, 'mapped_host_path': mh,
        'bypassed_pct': bypassed_pct(mb, mh),
    }


def parse_stock_xics(text):
    """Upstream's debugfs file "xics" (book3s_xics.c), stock kernels."""
    m = re.search(r'PIRQ mappings: (\d+) maps', text)
    gh = re.search(r'ICP Guest->Host totals: kick_vcpu=(\d+) check_resend='
                   r'(\d+) notify_eoi=(\d+)', text)
    rm = re.search(r'ICP Real Mode totals: check_resend=(\d+) resend=(\d+)',
                   text)
    if not gh or not rm:
        raise ParseError('xics: no ICP totals')
    return {
        'pirq_maps': int(m.group(1)) if m else 0,
        'pirq': [{'r_hwirq': int(r, 16), 'v_hwirq': int(v, 16)} for r, v in
                 re.findall(r'r_hwirq=([0-9a-f]+), v_hwirq=([0-9a-f]+)',
                            text)],
        'icps': len(re.findall(r'^cpu server ', text, re.M)),
        'guest_host_totals': dict(zip(('kick_vcpu', 'check_resend',
                                       'notify_eoi'), map(int, gh.groups()))),
        'real_mode_totals': dict(zip(('check_resend', 'resend'),
                                     map(int, rm.groups()))),
    }


def stock_xics_delta(b, a):
    d = {'pirq_maps': [b['pirq_maps'], a['pirq_maps']]}
    for k in ('guest_host_totals', 'real_mode_totals'):
        d[k] = {n: a[k][n] - b[k][n] for n in a[k]}
    return d


def parse_vfio_bypass(text):
    """`vfio-bypass --json show PID [--fd N]`: one device or a list."""
    try:
        d = json.loads(text)
    except ValueError as e:
        raise ParseError('vfio-bypass: %s' % e) from None
    devs = d if isinstance(d, list) else [d]
    for dev in devs:
        if 'vectors' not in dev or 'device' not in dev:
            raise ParseError('vfio-bypass: a device without vectors')
    return devs


def vfio_bypass_delta(b, a):
    prev = {(dev['device'], dev['index'], v['vector']): v
            for dev in b for v in dev['vectors']}
    vecs, tb, th = {}, 0, 0
    for dev in a:
        for v in dev['vectors']:
            p = prev.get((dev['device'], dev['index'], v['vector']))
            reset = p is None or v['bypassed'] < p['bypassed'] or \
                p['guest_irq'] != v['guest_irq']
            reasons = {r: n - (0 if reset else p['host_path'].get(r, 0))
                       for r, n in v['host_path'].items()}
            d = {'state': v['state'], 'host_irq': v['host_irq'],
                 'guest_irq': '%#x' % v['guest_irq'],
                 'bypassed': v['bypassed'] - (0 if reset else p['bypassed']),
                 'host_path': sum(reasons.values()),
                 'host_path_by_reason': reasons}
            if reset:
                d['reset'] = True
            vecs['%s/%s/%d' % (dev['device'], dev['index'], v['vector'])] = d
            tb += d['bypassed']
            th += d['host_path']
    return {'vectors': vecs, 'bypassed': tb, 'host_path': th,
            'bypassed_pct': bypassed_pct(tb, th)}


STAT_FIELDS = ('user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq',
               'steal', 'guest', 'guest_nice')


def parse_proc_stat(text):
    cpu = None
    ncpu = 0
    for line in text.splitlines():
        f = line.split()
        if f and f[0] == 'cpu':
            cpu = dict(zip(STAT_FIELDS, map(int, f[1:])))
        elif f and re.match(r'cpu\d+$', f[0]):
            ncpu += 1
    if cpu is None:
        raise ParseError('/proc/stat: no "cpu" line')
    return {'cpu': cpu, 'cpus_online': ncpu}


def proc_stat_delta(b, a):
    d = {k: a['cpu'].get(k, 0) - b['cpu'].get(k, 0) for k in STAT_FIELDS}
    # guest time is also counted in user, guest_nice in nice
    total = sum(d[k] for k in STAT_FIELDS[:8])
    if total <= 0:
        return failed('/proc/stat: no time passed')
    pct = {k: 100.0 * d[k] / total for k in STAT_FIELDS}
    idle = d['idle'] + d['iowait']
    return {'status': 'ok', 'jiffies': total, 'pct': pct,
            'busy_cpus': a['cpus_online'] * (total - idle) / total}


def parse_cpuinfo(text):
    info = {}
    for line in text.splitlines():
        k, sep, v = line.partition(':')
        k = k.strip()
        if sep and k not in info:
            info[k] = v.strip()
    return {
        'machine': info.get('machine') or info.get('model name') or
        info.get('cpu'),
        'cpu': info.get('cpu') or info.get('model name'),
        'platform': info.get('platform'), 'model': info.get('model'),
        'mmu': info.get('MMU'),
        'cpus_online': len(re.findall(r'^processor\s*:', text, re.M)),
    }


def parse_perf_kvm_stat(text):
    """`perf kvm stat report`: one row per exit reason."""
    rows = []
    for m in re.finditer(
            r'^\s*(\S+)\s+(\d+)\s+([0-9.]+)%\s+([0-9.]+)%\s+([0-9.]+)us\s+'
            r'([0-9.]+)us\s+([0-9.]+)us', text, re.M):
        g = m.groups()
        rows.append({'event': g[0], 'samples': int(g[1]),
                     'samples_pct': float(g[2]), 'time_pct': float(g[3]),
                     'min_us': float(g[4]), 'max_us': float(g[5]),
                     'avg_us': float(g[6])})
    tot = re.search(r'Total Samples:(\d+), Total events handled time:'
                    r'([0-9.]+)us', text)
    if not tot:
        raise ParseError('perf kvm stat: no "Total Samples" line')
    return {'events': rows, 'total_samples': int(tot.group(1)),
            'total_time_us': float(tot.group(2))}


def numeric_files(path):
    """KVM's debugfs statistics: every file of the directory holding one
    integer (histograms and our own files are left out)."""
    out = {}
    for name in sorted(os.listdir(path)):
        p = os.path.join(path, name)
        if not os.path.isfile(p) or name.startswith(('vxics', 'xics')):
            continue
        try:
            v = read(p).strip()
        except OSError:
            continue
        if re.fullmatch(r'-?\d+', v):
            out[name] = int(v)
    return out


def dict_delta(b, a):
    return {k: a[k] - b[k] for k in a if k in b}


# --- jobs ---

def load_jobs():
    """jobs/*.fio (fio job files) and jobs/*.json (command jobs)."""
    jobs = []
    for path in sorted(glob.glob(os.path.join(JOBS, '*.fio'))):
        args = []
        for line in read(path).splitlines():
            m = re.match(r';\s*run\.py:\s*(.*)', line)
            if m:
                args += shlex.split(m.group(1))
        jobs.append({'name': os.path.basename(path)[:-4], 'kind': 'fio',
                     'tool': 'fio', 'path': path, 'fio_args': args,
                     'writes': '--readonly' not in args, 'optional': False,
                     'needs': ['target']})
    cmds = []
    for path in sorted(glob.glob(os.path.join(JOBS, '*.json'))):
        with open(path) as f:
            spec = json.load(f)
        spec.update(name=os.path.basename(path)[:-5], kind='cmd', path=path)
        spec.setdefault('optional', False)
        spec.setdefault('needs', [])
        cmds.append(spec)
    return jobs + sorted(cmds, key=lambda j: (j['optional'], j['name']))


def select_jobs(jobs, only):
    if not only:
        return jobs
    names = [n for n in only.split(',') if n]
    known = {j['name']: j for j in jobs}
    bad = [n for n in names if n not in known]
    if bad:
        raise SetupError('unknown job %s; jobs: %s' % (
            ', '.join(bad), ', '.join(known)))
    return [known[n] for n in names]


def expand(template, params):
    try:
        return template.format_map(params)
    except KeyError as e:
        raise SetupError('job template needs %s' % e) from None


def expand_seconds(template, params):
    return sum(int(x) for x in expand(str(template), params).split('+'))


def block_size(path):
    """Bytes of a block device, from sysfs."""
    name = os.path.basename(os.path.realpath(path))
    return int(read('/sys/class/block/%s/size' % name)) * 512


def odirect_ok(path):
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECT)
    except OSError:
        return False
    os.close(fd)
    return True


def run_fio(job, args, notes):
    target = args.target
    if not target:
        return skipped('no --target (a block device, or a file)')
    try:
        st = os.stat(target)
    except OSError as e:
        return failed('%s: %s' % (target, e.strerror))
    is_blk = stat.S_ISBLK(st.st_mode)
    if job['writes'] and not (args.allow_write or args.dry_run):
        return skipped('writes to %s: run with --allow-write' % target)
    size = args.size or (block_size(target) if is_blk else st.st_size)
    if size < (1 << 20):
        return failed('%s: %d bytes, fio needs at least 1 MiB' %
                      (target, size))
    direct = odirect_ok(target)
    if not direct:
        notes.append('%s: O_DIRECT refused, fio ran buffered' % target)
    env = dict(os.environ, BENCH_TARGET=target, BENCH_SIZE=str(size),
               BENCH_DIRECT='1' if direct else '0',
               BENCH_RUNTIME=str(args.runtime), BENCH_RAMP=str(args.ramp),
               BENCH_NUMJOBS=str(args.numjobs),
               BENCH_VERIFY_SIZE=str(min(size, args.verify_size)))
    with tempfile.NamedTemporaryFile(prefix='fio-', suffix='.json') as out:
        argv = [args.fio, '--output-format=json', '--output=' + out.name] + \
            job['fio_args'] + [job['path']]
        res = {'tool': 'fio', 'command': argv}
        try:
            p = subprocess.run(argv, env=env, capture_output=True, text=True,
                               timeout=args.runtime + args.ramp + 300)
        except FileNotFoundError:
            res.update(failed('%s: command not found' % args.fio))
            return res
        except subprocess.TimeoutExpired:
            res.update(failed('fio: timed out'))
            return res
        text = read(out.name)
    res['exit_code'] = p.returncode
    if not text.strip():
        res.update(failed(last_line(p.stderr, 'fio exited %d' % p.returncode)))
        return res
    try:
        res['result'] = parse_fio(text)
    except ParseError as e:
        res.update(failed(str(e)))
        return res
    if p.returncode or res['result']['error']:
        res.update(failed(last_line(p.stderr) or 'fio error %d' %
                          res['result']['error']))
    else:
        res['status'] = 'ok'
    return res


def run_command(argv, timeout, stop_after):
    """Run a job's command; stop it with SIGINT after stop_after seconds.
    Returns (stdout, stderr, exit code, stopped)."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    stopped = False
    try:
        if stop_after:
            try:
                out, err = p.communicate(timeout=stop_after)
            except subprocess.TimeoutExpired:
                p.send_signal(signal.SIGINT)
                stopped = True
                out, err = p.communicate(timeout=max(timeout - stop_after, 5))
        else:
            out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        raise ToolError('%s: timed out after %d s' % (argv[0], timeout))
    return out, err, p.returncode, stopped


def run_cmd_job(job, args, params):
    missing = [n for n in job['needs'] if not params.get(n)]
    if missing:
        return skipped('needs --%s' % missing[0].replace('_', '-'))
    argv = [expand(a, params) for a in job['argv']]
    res = {'tool': job['tool'], 'command': argv}
    timeout = expand_seconds(job.get('timeout_s', 600), params)
    stop_after = expand_seconds(job.get('stop_after_s', 0), params)
    try:
        if args.dry_run:
            rec = os.path.join(TESTDATA, job['dry_run_output'])
            out, err = read(rec), ''
            rc_file = os.path.splitext(rec)[0] + '.rc'
            rc = int(read(rc_file)) if os.path.exists(rc_file) else 0
            res['recorded'] = os.path.relpath(rec, TOP)
        else:
            if not shutil.which(argv[0]):
                res.update(failed('%s: command not found' % argv[0]))
                return res
            out, err, rc, stopped = run_command(argv, timeout, stop_after)
            if stop_after and not stopped:
                res['exited_early'] = True
        res['exit_code'] = rc
        parser = job['parser']
        if parser == 'sockperf':
            res['result'] = parse_sockperf(out + err)
        elif parser == 'iperf3':
            res['result'] = parse_iperf3(out)
        elif parser.startswith('dpdk'):
            res['result'] = parse_dpdk(out + err, rc, parser)
        else:
            raise SetupError('%s: unknown parser %s' % (job['path'], parser))
        res['status'] = 'ok'
    except (ParseError, ToolError) as e:
        res.update(failed(str(e)))
    return res


# --- the guest side ---

def pci_msi_irqs(dev_path):
    """Linux irq numbers of the PCI device at or above a sysfs path."""
    p = os.path.realpath(dev_path)
    while p and p != '/':
        d = os.path.join(p, 'msi_irqs')
        if os.path.isdir(d):
            return set(os.listdir(d))
        p = os.path.dirname(p)
    return set()


def guest_vectors(args):
    """irq numbers of the target's and the NIC's PCI devices, if found."""
    irqs = set()
    for bdf in args.pci or []:
        irqs |= pci_msi_irqs('/sys/bus/pci/devices/' + bdf)
    if args.target and not args.dry_run:
        name = os.path.basename(os.path.realpath(args.target))
        irqs |= pci_msi_irqs('/sys/class/block/%s/device' % name)
    if args.peer and not args.dry_run:
        try:
            r = subprocess.run(['ip', '-o', 'route', 'get', args.peer],
                               capture_output=True, text=True, timeout=10)
            m = re.search(r'\bdev (\S+)', r.stdout)
            if m:
                irqs |= pci_msi_irqs('/sys/class/net/%s/device' % m.group(1))
        except (OSError, subprocess.TimeoutExpired):
            pass
    return irqs


def system_info(cpuinfo, release, cpus=None):
    info = parse_cpuinfo(cpuinfo)
    info['kernel'] = release
    if cpus:
        info['cpus_online'] = cpus
    return info


def new_doc(rig):
    return {'schema': SCHEMA, 'rig': rig, 'date': now_utc(), 'config': {},
            'system': {'host': None, 'guest': None}, 'workloads': {},
            'notes': []}


def make_target(directory):
    path = os.path.join(directory, 'target.dat')
    with open(path, 'wb') as f:
        for _ in range(DRY_TARGET_BYTES >> 20):
            f.write(os.urandom(1 << 20))
    return path


def cmd_guest(args):
    doc = new_doc('dry-run' if args.dry_run else 'hw')
    doc['system']['guest'] = system_info(read('/proc/cpuinfo'),
                                         os.uname().release,
                                         os.cpu_count())
    tmpdir = None
    if args.dry_run:
        doc['notes'].append('dry run: fio ran on a temporary file here; '
                            'the other outputs are recorded samples from '
                            'bench/hw/testdata, not measurements')
        if not args.target:
            tmpdir = tempfile.mkdtemp(prefix='vxics-bench-')
            args.target = make_target(tmpdir)
        for k, v in DRY_PARAMS.items():
            if not getattr(args, k):
                setattr(args, k, v)
    params = {'peer': args.peer, 'dpdk': args.dpdk, 'runtime': args.runtime,
              'ramp': args.ramp, 'sockperf_port': args.sockperf_port,
              'iperf3_port': args.iperf3_port,
              'dpdk_l3fwd_power': args.dpdk_l3fwd_power,
              'dpdk_lcores': args.dpdk_lcores,
              'dpdk_rx_lcore': re.split('[,-]', args.dpdk_lcores)[-1],
              'target': args.target}
    irqs = guest_vectors(args)
    try:
        for job in select_jobs(load_jobs(), args.only):
            log('guest: %s' % job['name'])
            before = guest_interrupts(args, 'before')
            t0 = time.monotonic()
            if job['kind'] == 'fio':
                res = run_fio(job, args, doc['notes'])
            else:
                res = run_cmd_job(job, args, params)
            res['duration_s'] = round(time.monotonic() - t0, 3)
            res['optional'] = job['optional']
            after = guest_interrupts(args, 'after')
            try:
                irq = interrupts_delta(parse_interrupts(before),
                                       parse_interrupts(after),
                                       args.irq_match, irqs)
                if args.dry_run:
                    irq['recorded'] = 'bench/hw/testdata/guest/interrupts-*'
            except ParseError as e:
                irq = failed(str(e))
            res['counters'] = {'guest': {'interrupts': irq}}
            doc['workloads'][job['name']] = res
    finally:
        if tmpdir:
            shutil.rmtree(tmpdir)
    write_doc(doc, args.out)
    return 0


def guest_interrupts(args, phase):
    if args.dry_run:
        return read(os.path.join(TESTDATA, 'guest', 'interrupts-' + phase))
    return read('/proc/interrupts')


# --- the host side ---

class Host:
    """The host's counters and switches, live."""

    def __init__(self, args):
        self.args = args
        self.restore_list = []
        self.pid = args.qemu_pid or self.find_qemu()
        self.vm_dir = self.find_vm_dir()
        self.flavour = 'ours' if os.path.exists(VXICS_PARAM) else 'stock'

    @staticmethod
    def find_qemu():
        pids = []
        for comm in glob.glob('/proc/[0-9]*/comm'):
            try:
                if read(comm).strip().startswith('qemu-system-pp'):
                    pids.append(int(comm.split('/')[2]))
            except OSError:
                continue
        if len(pids) != 1:
            raise SetupError('%d qemu-system-ppc64 processes (%s): give '
                             '--qemu-pid' % (len(pids), pids))
        return pids[0]

    def find_vm_dir(self):
        dirs = sorted(glob.glob('%s/%d-*' % (KVM_DEBUGFS, self.pid)))
        for d in dirs:
            if os.path.exists(os.path.join(d, 'vxics')) or \
               os.path.exists(os.path.join(d, 'xics')):
                return d
        if not os.path.isdir(KVM_DEBUGFS):
            raise SetupError('%s: not there (mount -t debugfs none '
                             '/sys/kernel/debug)' % KVM_DEBUGFS)
        raise SetupError('no VM of process %d with an in-kernel XICS in %s '
                         '(QEMU -M pseries,kernel-irqchip=on?)' %
                         (self.pid, KVM_DEBUGFS))

    def path(self, phase, name):
        return os.path.join(self.vm_dir, name)

    def system(self):
        info = system_info(read('/proc/cpuinfo'), os.uname().release,
                           os.cpu_count())
        try:
            exe = os.readlink('/proc/%d/exe' % self.pid)
            p = subprocess.run([exe.replace(' (deleted)', ''), '--version'],
                               capture_output=True, text=True, timeout=30)
            info['qemu'] = p.stdout.splitlines()[0] if p.stdout else None
        except (OSError, subprocess.TimeoutExpired, IndexError):
            info['qemu'] = None
        try:
            info['qemu_cmdline'] = read('/proc/%d/cmdline' %
                                        self.pid).split('\0')[:-1]
        except OSError:
            info['qemu_cmdline'] = None
        return info

    def write(self, path, value):
        old = read(path).strip()
        self.restore_list.append((path, old))
        with open(path, 'w') as f:
            f.write(value)

    def restore(self):
        for path, old in reversed(self.restore_list):
            try:
                with open(path, 'w') as f:
                    f.write('1' if old in ('Y', '1') else '0')
            except OSError as e:
                log('could not restore %s to %s: %s' % (path, old, e))
        self.restore_list = []

    def set_bypass(self, on, method):
        """Ours: set the per-VM or global switch.  Stock: check its
        parameter, which is only read when a mapping is made (and skips the
        unmapping while 0), so it must be set before the guest starts."""
        if self.flavour == 'stock':
            val = read(STOCK_PARAM).strip() not in ('0', 'N')
            if val != on:
                raise SetupError(
                    'stock kernel: %s is %s; with no guest running, write '
                    '%d there (or modprobe kvm_hv kvm_irq_bypass=%d), then '
                    'start the guest' % (STOCK_PARAM,
                                         read(STOCK_PARAM).strip(), on, on))
            return {'method': 'kvm_irq_bypass', 'kvm_irq_bypass': val}
        vm_file = os.path.join(self.vm_dir, 'vxics_bypass')
        glob_on = read(VXICS_PARAM).strip() in ('Y', '1')
        if method == 'global':
            self.write(VXICS_PARAM, '1' if on else '0')
            if on:
                self.write(vm_file, '1')
        else:
            if on and not glob_on:
                raise SetupError('%s is N: the per-VM switch cannot turn the '
                                 'bypass on (echo 1 > %s, or --switch '
                                 'global)' % (VXICS_PARAM, VXICS_PARAM))
            self.write(vm_file, '1' if on else '0')
        return {'method': method,
                'global': read(VXICS_PARAM).strip() in ('Y', '1'),
                'vm': read(vm_file).strip() == '1'}

    def vfio_bypass(self, phase):
        tool = self.args.vfio_bypass or shutil.which('vfio-bypass') or \
            os.path.join(TOP, 'out', 'vfio-bypass', 'vfio-bypass')
        if not os.path.exists(tool):
            return None, 'vfio-bypass: not found (make -C tools/vfio-bypass)'
        p = subprocess.run([tool, '--json', 'show', str(self.pid)],
                           capture_output=True, text=True, timeout=30)
        if p.returncode:
            return None, last_line(p.stderr, 'vfio-bypass exited %d' %
                                   p.returncode)
        return p.stdout, None

    def interrupts(self, phase):
        return read('/proc/interrupts')

    def proc_stat(self, phase):
        return read('/proc/stat')

    def kvm_stats(self, phase):
        return numeric_files(self.vm_dir)

    def perf_start(self):
        if not shutil.which('perf'):
            return absent('perf: not found (package linux-perf)')
        fd, out = tempfile.mkstemp(prefix='perf-kvm-', suffix='.data')
        os.close(fd)
        # stderr to a file: a pipe nobody reads could fill up and stall it
        log = tempfile.TemporaryFile(mode='w+')
        p = subprocess.Popen(['perf', 'kvm', '-o', out, 'stat', 'record',
                              '-a'], stdout=subprocess.DEVNULL, stderr=log)
        time.sleep(1)
        if p.poll() is not None:
            os.unlink(out)
            log.seek(0)
            return failed('perf kvm stat record: ' +
                          last_line(log.read(), 'exited %d' % p.returncode))
        return {'proc': p, 'out': out, 'log': log}

    def perf_stop(self, rec):
        if 'proc' not in rec:
            return rec
        p, out = rec['proc'], rec['out']
        rec['log'].close()
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=60)
            r = subprocess.run(['perf', 'kvm', '-i', out, 'stat', 'report'],
                               capture_output=True, text=True, timeout=300)
            # perf prints the table with pr_info(): on stderr
            res = parse_perf_kvm_stat(r.stdout + r.stderr)
            res['status'] = 'ok'
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            res = failed('perf kvm stat: timed out')
        except ParseError as e:
            res = failed('%s: %s' % (e, last_line(r.stderr)))
        finally:
            os.unlink(out)
        return res


class RecordedHost(Host):
    """The same, from bench/hw/testdata/host (--dry-run)."""

    def __init__(self, args):
        self.args = args
        self.restore_list = []
        self.root = os.path.join(TESTDATA, 'host')
        self.pid = 4242
        self.vm_dir = None
        self.flavour = 'ours'

    def path(self, phase, name):
        return os.path.join(self.root, phase, name)

    def system(self):
        info = system_info(read(os.path.join(self.root, 'cpuinfo')),
                           read(os.path.join(self.root, 'uname-r')).strip())
        info['qemu'] = read(os.path.join(self.root,
                                         'qemu-version')).splitlines()[0]
        info['qemu_cmdline'] = read(os.path.join(
            self.root, 'qemu-cmdline')).splitlines()
        info['recorded'] = 'bench/hw/testdata/host'
        return info

    def set_bypass(self, on, method):
        rec = {'global': read(self.path('before', 'bypass')).strip() == 'Y',
               'vm': read(self.path('before', 'vxics_bypass')).strip() == '1'}
        if (rec['global'] and rec['vm']) != on:
            raise SetupError('the recorded host has the bypass %s' %
                             ('on' if not on else 'off'))
        return dict(rec, method='recorded')

    def vfio_bypass(self, phase):
        return read(self.path(phase, 'vfio-bypass.json')), None

    def interrupts(self, phase):
        return read(self.path(phase, 'interrupts'))

    def proc_stat(self, phase):
        return read(self.path(phase, 'stat'))

    def kvm_stats(self, phase):
        return numeric_files(self.path(phase, 'kvm'))

    def perf_start(self):
        return {'recorded': os.path.join(self.root, 'perf-kvm-stat.txt')}

    def perf_stop(self, rec):
        res = parse_perf_kvm_stat(read(rec['recorded']))
        res.update(status='ok', recorded=os.path.relpath(rec['recorded'], TOP))
        return res


def snapshot(host, phase):
    s = {'time': time.monotonic()}
    for name in ('vxics', 'xics'):
        p = host.path(phase, name)
        if os.path.exists(p):
            s[name] = read(p)
    s['interrupts'] = host.interrupts(phase)
    s['stat'] = host.proc_stat(phase)
    s['kvm_stats'] = host.kvm_stats(phase)
    s['vfio_bypass'] = host.vfio_bypass(phase)
    return s


def host_counters(b, a, match):
    """The host's part of one job's counters, from two snapshots."""
    out = {'elapsed_s': round(a['time'] - b['time'], 3)}
    try:
        if 'vxics' in b and 'vxics' in a:
            pb, pa = parse_vxics(b['vxics']), parse_vxics(a['vxics'])
            out['vxics'] = {'status': 'ok', 'before': pb, 'after': pa,
                            'delta': vxics_delta(pb, pa)}
        elif 'xics' in b and 'xics' in a:
            pb, pa = parse_stock_xics(b['xics']), parse_stock_xics(a['xics'])
            out['xics'] = {'status': 'ok', 'before': pb, 'after': pa,
                           'delta': stock_xics_delta(pb, pa)}
            out['vxics'] = absent('stock kernel: no vxics debugfs file')
        else:
            out['vxics'] = absent('no vxics or xics debugfs file')
    except ParseError as e:
        out['vxics'] = failed(str(e), before_raw=b.get('vxics'),
                              after_raw=a.get('vxics'))
    (tb, eb), (ta, ea) = b['vfio_bypass'], a['vfio_bypass']
    if eb or ea:
        out['vfio_bypass'] = absent(eb or ea)
    else:
        try:
            vb, va = parse_vfio_bypass(tb), parse_vfio_bypass(ta)
            out['vfio_bypass'] = {'status': 'ok', 'before': vb, 'after': va,
                                  'delta': vfio_bypass_delta(vb, va)}
        except ParseError as e:
            out['vfio_bypass'] = failed(str(e))
    if b['kvm_stats']:
        out['kvm_stats'] = {'status': 'ok', 'before': b['kvm_stats'],
                            'after': a['kvm_stats'],
                            'delta': dict_delta(b['kvm_stats'],
                                                a['kvm_stats'])}
    else:
        out['kvm_stats'] = absent('no KVM statistics in the VM\'s debugfs')
    try:
        out['interrupts'] = interrupts_delta(parse_interrupts(b['interrupts']),
                                             parse_interrupts(a['interrupts']),
                                             match)
    except ParseError as e:
        out['interrupts'] = failed(str(e))
    try:
        out['cpu'] = proc_stat_delta(parse_proc_stat(b['stat']),
                                     parse_proc_stat(a['stat']))
    except ParseError as e:
        out['cpu'] = failed(str(e))
    return out


def run_guest(args, job, target):
    if args.dry_run:
        argv = [sys.executable, os.path.abspath(__file__), 'guest',
                '--dry-run', '--target', target]
    else:
        argv = shlex.split(args.guest_cmd)
    argv += ['--only', job, '--out', '-']
    try:
        p = subprocess.run(argv, capture_output=True, text=True,
                           timeout=args.guest_timeout)
    except subprocess.TimeoutExpired:
        return None, 'guest command timed out after %d s' % args.guest_timeout
    except OSError as e:
        return None, 'guest command: %s' % e
    sys.stderr.write(p.stderr)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        return None, 'guest command exited %d: %s' % (
            p.returncode, last_line(p.stderr, 'no JSON'))
    if doc.get('schema') != SCHEMA:
        return None, 'guest: schema %r, not %s' % (doc.get('schema'), SCHEMA)
    return doc, None


def cmd_host(args):
    if not args.dry_run and not args.guest_cmd:
        raise SetupError('host: --guest-cmd is needed')
    host = RecordedHost(args) if args.dry_run else Host(args)
    on = args.bypass == 'on'
    doc = new_doc('dry-run' if args.dry_run else 'hw')
    doc['system']['host'] = host.system()
    tmpdir = tempfile.mkdtemp(prefix='vxics-bench-') if args.dry_run else None
    failures = 0
    try:
        target = make_target(tmpdir) if tmpdir else None
        switch = host.set_bypass(on, args.switch)
        doc['config'] = {
            'name': args.config or '%s-bypass-%s' % (host.flavour,
                                                     args.bypass),
            'kernel': host.flavour, 'bypass': on, 'switch': switch,
            'repeat': args.repeat, 'label': args.label,
        }
        for job in select_jobs(load_jobs(), args.only):
            name = job['name']
            log('host: %s (%s)' % (name, doc['config']['name']))
            before = snapshot(host, 'before')
            perf = host.perf_start() if args.perf_kvm else \
                absent('not asked for (--perf-kvm)')
            g, err = run_guest(args, name, target)
            perf = host.perf_stop(perf)
            after = snapshot(host, 'after')
            if err:
                res = failed(err, optional=job['optional'])
            else:
                res = g['workloads'].get(name) or failed('guest: no result')
                doc['system']['guest'] = doc['system']['guest'] or \
                    g['system']['guest']
                doc['notes'] += [n for n in g['notes']
                                 if n not in doc['notes']]
            res.setdefault('counters', {})['host'] = host_counters(
                before, after, args.irq_match)
            res['counters']['host']['perf_kvm_stat'] = perf
            vx = res['counters']['host'].get('vxics', {})
            if on and vx.get('status') == 'ok' and \
               not vx['after']['mappings']:
                doc['notes'].append('%s: the bypass is on but the VM has no '
                                    'mapping' % name)
            if res['status'] == 'failed' and not job['optional']:
                failures += 1
            doc['workloads'][name] = res
    finally:
        host.restore()
        if tmpdir:
            shutil.rmtree(tmpdir)
    out = args.out or '%s-r%d-%s.json' % (
        doc['config']['name'], args.repeat,
        datetime.datetime.now(datetime.timezone.utc).strftime(
            '%Y%m%dT%H%M%SZ'))
    write_doc(doc, out)
    if out != '-':
        log('wrote %s' % out)
    for name, w in doc['workloads'].items():
        why = w.get('error') or w.get('reason') or ''
        log('%-22s %s%s%s' % (name, w['status'],
                              ' (optional)' if w.get('optional') else '',
                              ': ' + why.replace('\n', ' | ') if why else ''))
    return 1 if failures else 0


def write_doc(doc, out):
    text = json.dumps(doc, indent=1, sort_keys=False) + '\n'
    if out in (None, '-'):
        sys.stdout.write(text)
    else:
        with open(out + '.tmp', 'w') as f:
            f.write(text)
        os.replace(out + '.tmp', out)


# --- the peer ---

def cmd_peer(args):
    procs = []
    # SIGTERM (and SIGINT, even when started in the background) stop both
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sys.exit(0))
    try:
        for argv in (['sockperf', 'server', '-i', args.bind, '-p',
                      str(args.sockperf_port)],
                     ['iperf3', '-s', '-B', args.bind, '-p',
                      str(args.iperf3_port)]):
            log('peer: ' + ' '.join(argv))
            procs.append(subprocess.Popen(argv))
        while all(p.poll() is None for p in procs):
            time.sleep(1)
        log('peer: a server exited')
        return 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait()


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.split('\n')[2:]))
    ap.add_argument('--dry-run', action='store_true',
                    help='here, without POWER or KVM (see above)')
    ap.add_argument('--out', help='output file, - for stdout')
    sub = ap.add_subparsers(dest='cmd')

    def common(p):
        p.add_argument('--dry-run', action='store_true')
        p.add_argument('--out', help='output file, - for stdout')
        p.add_argument('--only', help='comma-separated job names')

    g = sub.add_parser('guest', help='run the jobs (in the guest)')
    common(g)
    g.add_argument('--runtime', type=int, default=30,
                   help='seconds per job (default 30)')
    g.add_argument('--ramp', type=int, default=5,
                   help='seconds of warm-up not counted (default 5)')
    g.add_argument('--numjobs', type=int, default=os.cpu_count(),
                   help='fio workers at QD16 (default: online CPUs)')
    g.add_argument('--target', help='block device (or file) for fio')
    g.add_argument('--size', type=int, help='bytes of the target to use')
    g.add_argument('--verify-size', type=int, default=256 << 20,
                   help='bytes fio-randwrite-verify writes (default 256 MiB)')
    g.add_argument('--allow-write', action='store_true',
                   help='let write jobs destroy data on --target')
    g.add_argument('--peer', help='IP of the sockperf/iperf3 peer')
    g.add_argument('--sockperf-port', type=int, default=11111)
    g.add_argument('--iperf3-port', type=int, default=5201)
    g.add_argument('--dpdk', metavar='BDF',
                   help='the NIC (bound to vfio-pci in the guest) for DPDK')
    g.add_argument('--dpdk-l3fwd-power', default='l3fwd-power',
                   help='the l3fwd-power binary')
    g.add_argument('--dpdk-lcores', default='0-1')
    g.add_argument('--pci', action='append', metavar='BDF',
                   help='count this device\'s vectors too')
    g.add_argument('--irq-match', default=GUEST_IRQ_MATCH,
                   help='regex of /proc/interrupts names to count')
    g.add_argument('--fio', default='fio')

    h = sub.add_parser('host', help='switch, snapshot, run the guest side')
    common(h)
    h.add_argument('--bypass', choices=('on', 'off'), default='on')
    h.add_argument('--switch', choices=('vm', 'global'), default='vm',
                   help='ours: the VM\'s debugfs vxics_bypass (default) or '
                   'the vxics.bypass parameter')
    h.add_argument('--guest-cmd',
                   help='command running "run.py guest ..." in the guest')
    h.add_argument('--guest-timeout', type=int, default=1800)
    h.add_argument('--config', help='configuration name (default '
                   'KERNEL-bypass-on|off, KERNEL ours or stock)')
    h.add_argument('--repeat', type=int, default=1, help='repeat number')
    h.add_argument('--label', help='free text kept in the JSON')
    h.add_argument('--qemu-pid', type=int)
    h.add_argument('--vfio-bypass', help='the vfio-bypass tool')
    h.add_argument('--perf-kvm', action='store_true',
                   help='record `perf kvm stat` during each job')
    h.add_argument('--irq-match', default=HOST_IRQ_MATCH)

    p = sub.add_parser('peer', help='the sockperf and iperf3 servers')
    p.add_argument('--bind', required=True)
    p.add_argument('--sockperf-port', type=int, default=11111)
    p.add_argument('--iperf3-port', type=int, default=5201)

    args = ap.parse_args()
    try:
        if args.cmd == 'guest':
            if args.dry_run:
                args.runtime, args.ramp = min(args.runtime, 1), 0
                args.numjobs = min(args.numjobs, 2)
                args.verify_size = 4 << 20
            return cmd_guest(args)
        if args.cmd == 'peer':
            return cmd_peer(args)
        if args.cmd is None:
            if not args.dry_run:
                ap.print_help()
                return 2
            args = h.parse_args(['--dry-run', '--out', args.out or '-'])
        if args.dry_run:
            args.perf_kvm = True        # parsed from its recording
        return cmd_host(args)
    except (SetupError, OSError) as e:
        log('error: %s' % e)
        return 2


if __name__ == '__main__':
    sys.exit(main())
