#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes bench/report/testdata: synthetic "vxics-bench/1" results.

Four configurations x 3 repeats (results/), the third stock-bypass-off run's
sockperf failed, DPDK failed everywhere (optional), and a minimal document
of the emulated rig.  Not measurements: the values are chosen so that the
cells test_report.py expects can be worked out by hand.
"""
import json
import os

T = os.path.dirname(os.path.abspath(__file__))
FIO_PCTS = ['1', '5', '10', '20', '30', '40', '50', '60', '70', '80', '90',
            '95', '99', '99.5', '99.9', '99.95', '99.99']
NOTE = 'synthetic data for bench/report/test_report.py; not a measurement'
QEMU = 'QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)'

# Per configuration, the three repeats' values.  None: no vxics counters.
C = {
    'ours-bypass-on': {
        'p50': [30.0, 30.5, 31.0], 'p99': [40, 41, 42], 'p999': [80, 90, 100],
        'max': [900, 950, 1000], 'qd1_iops': [30000, 30200, 30400],
        'qd16_iops': [400000, 410000, 420000], 'qd16_cpu': [50, 52, 54],
        'sp50': [15, 15.5, 16], 'sp99': [20, 21, 22], 'sp999': [30, 31, 32],
        'rate': [60000, 61000, 62000], 'gbit': [9.2, 9.3, 9.4],
        'bypassed': [99.0, 99.2, 99.4], 'busy': [1.0, 1.1, 1.2],
        'kernel': '6.1.192-vxics'},
    'ours-bypass-off': {
        'p50': [40, 41, 42], 'p99': [60, 62, 64], 'p999': [120, 125, 130],
        'max': [1500, 1600, 1700], 'qd1_iops': [23000, 23500, 24000],
        'qd16_iops': [330000, 335000, 340000], 'qd16_cpu': [60, 61, 62],
        'sp50': [19, 20, 21], 'sp99': [28, 29, 30], 'sp999': [45, 46, 47],
        'rate': [48000, 49000, 50000], 'gbit': [8.8, 8.9, 9.0],
        'bypassed': [0.0, 0.0, 0.0], 'busy': [1.6, 1.7, 1.8],
        'kernel': '6.1.192-vxics'},
    'stock-bypass-on': {
        'p50': [32, 32, 32], 'p99': [49, 50, 51], 'p999': [95, 100, 105],
        'max': [1000, 1100, 1200], 'qd1_iops': [29000, 29000, 29000],
        'qd16_iops': [390000, 390000, 390000], 'qd16_cpu': [52, 53, 54],
        'sp50': [15.5, 16, 16.5], 'sp99': [22, 23, 24], 'sp999': [33, 34, 35],
        'rate': [58000, 59000, 60000], 'gbit': [9.1, 9.2, 9.3],
        'bypassed': None, 'busy': [1.1, 1.2, 1.3],
        'kernel': '6.1.192-stockvfio'},
    'stock-bypass-off': {
        'p50': [38, 39, 40], 'p99': [58, 60, 62], 'p999': [118, 120, 122],
        'max': [1400, 1500, 1600], 'qd1_iops': [24000, 24500, 25000],
        'qd16_iops': [335000, 340000, 345000], 'qd16_cpu': [59, 60, 61],
        'sp50': [18.5, 19, 19.5], 'sp99': [27, 28, 29], 'sp999': [44, 45, 46],
        'rate': [49000, 50000, 51000], 'gbit': [8.9, 9.0, 9.1],
        'bypassed': None, 'busy': [1.5, 1.6, 1.7],
        'kernel': '6.1.192-stockvfio'},
}


def fio_pct(p50, p99, p999, mx):
    """A monotonic curve through p50, p99 and p99.9."""
    out = {}
    for k in FIO_PCTS:
        q = float(k)
        if q <= 50:
            v = p50 * (0.7 + 0.3 * q / 50)
        elif q <= 99:
            v = p50 + (p99 - p50) * ((q - 50) / 49) ** 3
        elif q <= 99.9:
            v = p99 + (p999 - p99) * (q - 99) / 0.9
        else:
            v = p999 + (mx - p999) * (q - 99.9) / 0.1 * 0.8
        out[k] = round(v, 3)
    return out


def sp_pct(p50, p99, p999, mx):
    f = {'25': p50 * 0.96, '50': p50, '75': p50 * 1.03, '90': p50 * 1.08,
         '99': p99, '99.9': p999, '99.99': (p999 + mx) / 2, '99.999': mx}
    return {k: round(v, 3) for k, v in f.items()}


def host(c, i, r):
    h = {'elapsed_s': 40.0, 'cpu': {'status': 'ok', 'busy_cpus': c['busy'][i]},
         'interrupts': {'status': 'ok', 'total': 400000 + 10000 * r}}
    if c['bypassed'] is None:
        h['vxics'] = {'status': 'absent',
                      'reason': 'stock kernel: no vxics debugfs file'}
        h['vfio_bypass'] = {'status': 'absent',
                            'reason': 'vfio-bypass exited 1'}
    else:
        h['vxics'] = {'status': 'ok',
                      'delta': {'bypassed_pct': c['bypassed'][i]}}
    return h


def doc(cfg, r):
    c, i = C[cfg], r - 1
    lat = {'p50': c['p50'][i], 'p99': c['p99'][i], 'p99.9': c['p999'][i],
           'max': c['max'][i], 'min': c['p50'][i] * 0.6,
           'mean': c['p50'][i] * 1.05, 'stddev': c['p50'][i] * 0.2,
           'percentiles': fio_pct(c['p50'][i], c['p99'][i], c['p999'][i],
                                  c['max'][i])}
    sp = {'p50': c['sp50'][i], 'p99': c['sp99'][i], 'p99.9': c['sp999'][i],
          'max': c['sp999'][i] * 10, 'min': c['sp50'][i] * 0.8,
          'mean': c['sp50'][i] * 1.02, 'stddev': 2.0,
          'percentiles': sp_pct(c['sp50'][i], c['sp99'][i], c['sp999'][i],
                                c['sp999'][i] * 10)}
    cpu = c['qd16_cpu'][i]
    w = {
        'fio-randread-qd1': {'status': 'ok', 'tool': 'fio', 'result': {
            'iodepth': 1, 'numjobs': 1, 'iops': c['qd1_iops'][i],
            'clat_us': lat,
            'cpu': {'usr_pct': 2.0, 'sys_pct': 18.0, 'ctx': 900000}}},
        'fio-randread-qd16': {'status': 'ok', 'tool': 'fio', 'result': {
            'iodepth': 16, 'numjobs': 4, 'iops': c['qd16_iops'][i],
            'clat_us': None,
            'cpu': {'usr_pct': cpu * 0.2, 'sys_pct': cpu * 0.8,
                    'ctx': 1000}}},
        'sockperf-udp-pp': {'status': 'ok', 'tool': 'sockperf', 'result': {
            'metric': 'rtt', 'rate_per_s': c['rate'][i], 'rtt_us': sp}},
        'iperf3-tcp-rx': {'status': 'ok', 'tool': 'iperf3', 'result': {
            'direction': 'peer-to-guest', 'gbit_s': c['gbit'][i],
            'received_bps': c['gbit'][i] * 1e9, 'retransmits': 0,
            'cpu': {'guest_total_pct': 35.0 + r, 'peer_total_pct': 20.0}}},
    }
    for v in w.values():
        v['counters'] = {'host': host(c, i, r)}
    w['dpdk-l3fwd-power'] = {
        'status': 'failed', 'optional': True, 'tool': 'dpdk',
        'error': 'EAL: FATAL: Cannot get hugepage information.\n'
                 'Cause: Invalid EAL parameters'}
    if cfg == 'stock-bypass-off' and r == 3:
        w['sockperf-udp-pp'] = {
            'status': 'failed', 'tool': 'sockperf',
            'error': 'sockperf: ERROR: Connection refused (errno=111)'}
    day = 2 if cfg.startswith('stock') else 1
    return {
        'schema': 'vxics-bench/1', 'rig': 'hw',
        'date': '2026-12-%02dT10:%02d:00+00:00' % (day, 10 * r),
        'config': {'name': cfg, 'kernel': cfg.split('-')[0],
                   'bypass': cfg.endswith('-on'),
                   'switch': {'method': 'vm'}, 'repeat': r, 'label': None},
        'system': {
            'host': {'kernel': c['kernel'], 'machine': 'PowerNV 8247-21L',
                     'cpu': 'POWER8E (raw), altivec supported',
                     'cpus_online': 10, 'qemu': QEMU},
            'guest': {'kernel': '6.1.0-28-powerpc64le',
                      'machine': 'CHRP IBM pSeries (emulated by qemu)'}},
        'workloads': w,
        'notes': [NOTE],
    }


def emulated():
    """What the emulated rig needs at least: one workload, one run."""
    rtt = {'p50': 600.0, 'p99': 900.0, 'p99.9': 1200.0, 'max': 1500.0,
           'percentiles': {'50': 600.0, '90': 700.0, '99': 900.0,
                           '99.9': 1200.0}}
    return {
        'schema': 'vxics-bench/1', 'rig': 'emulated',
        'date': '2026-12-03T09:00:00+00:00',
        'config': {'name': 'ours-bypass-on', 'kernel': 'ours',
                   'bypass': True},
        'system': {'host': {'kernel': '6.1.192',
                            'machine': 'PowerNV POWER8 (emulated by qemu)',
                            'qemu': QEMU},
                   'guest': {'kernel': '6.1.192'}},
        'workloads': {'msi-pingpong': {'status': 'ok', 'result': {
            'rate_per_s': 1500.0, 'rtt_us': rtt}}},
        'notes': [NOTE],
    }


def dump(path, d):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(d, f, indent=1)
        f.write('\n')


def main():
    for cfg in C:
        for r in (1, 2, 3):
            dump(os.path.join(T, 'results', '%s-r%d.json' % (cfg, r)),
                 doc(cfg, r))
    dump(os.path.join(T, 'emulated-minimal.json'), emulated())


if __name__ == '__main__':
    main()
