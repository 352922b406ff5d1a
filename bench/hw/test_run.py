#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of the hardware kit, here on any machine with fio.

Runs `run.py --dry-run` (fio for real on a temporary file, the rest from
the recorded outputs in testdata/), then checks the JSON it wrote: the
required fields, and every value that comes from a recorded file against
the number in that file.  Then the parsers and the switch logic one by
one, on the recordings and on broken input.  Ends with "N passed, M failed".
"""
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import run  # noqa: E402

TD = os.path.join(HERE, 'testdata')
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print('ok - ' + what)
    else:
        failed += 1
        print('FAIL - ' + what)
    return cond


def close(a, b, rel=1e-9):
    return a is not None and b is not None and abs(a - b) <= rel * max(
        abs(a), abs(b), 1e-12)


def get(doc, *path):
    for p in path:
        if not isinstance(doc, dict) or p not in doc:
            return None
        doc = doc[p]
    return doc


def recorded_checks(doc):
    """(condition, description) for every value the dry run took from
    testdata/; each expected number is the one in the recorded file."""
    w = doc.get('workloads', {})
    sp = get(w, 'sockperf-udp-pp', 'result')
    tx = get(w, 'iperf3-tcp-tx', 'result')
    rx = get(w, 'iperf3-tcp-rx', 'result')
    with open(os.path.join(TD, 'iperf3-tcp-rx.json')) as f:
        rx_file = json.load(f)['end']['sum_received']['bits_per_second']
    h = get(w, 'fio-randread-qd1', 'counters', 'host')
    g = get(w, 'fio-randread-qd1', 'counters', 'guest', 'interrupts')
    vx = get(h, 'vxics', 'delta')
    vb = get(h, 'vfio_bypass', 'delta')
    kv = get(h, 'kvm_stats', 'delta')
    hi = get(h, 'interrupts')
    l3 = get(w, 'dpdk-l3fwd-power')
    tp = get(w, 'dpdk-testpmd')
    return [
        (get(sp, 'rtt_us', 'p99') == 69.283,
         'sockperf: p99 RTT is the recorded 69.283 us'),
        (get(sp, 'rtt_us', 'p50') == 51.706 and
         get(sp, 'rtt_us', 'p99.9') == 129.132,
         'sockperf: p50 51.706 and p99.9 129.132 us, as recorded'),
        (get(sp, 'rtt_us', 'max') == 1585.89 and
         get(sp, 'rtt_us', 'min') == 9.363 and
         get(sp, 'rtt_us', 'mean') == 49.852,
         'sockperf: max, min and mean RTT as recorded (ANSI codes stripped)'),
        (close(get(sp, 'rate_per_s'), 31087 / 1.55) and
         get(sp, 'metric') == 'rtt',
         'sockperf: rate = 31087 replies / 1.550 s, metric RTT (--full-rtt)'),
        (close(get(rx, 'received_bps'), rx_file) and
         close(get(rx, 'received_bps'), 34202002351.04114),
         'iperf3 -R: received bits/s equal the recorded JSON\'s'),
        (get(rx, 'direction') == 'peer-to-guest' and
         get(rx, 'retransmits') == 40 and
         close(get(rx, 'cpu', 'guest_total_pct'), 44.21351446917155),
         'iperf3 -R: direction, retransmits 40, guest CPU 44.2 %'),
        (close(get(tx, 'gbit_s'), 37.2813167449072) and
         get(tx, 'direction') == 'guest-to-peer',
         'iperf3: 37.28 Gbit/s guest to peer, as recorded'),
        (get(l3, 'status') == 'failed' and get(l3, 'optional') is True and
         'EAL: FATAL: Cannot get hugepage information.' in
         (get(l3, 'error') or '') and
         'Cause: Invalid EAL parameters' in (get(l3, 'error') or '') and
         get(l3, 'exit_code') == 1,
         'l3fwd-power: the recorded EAL failure, word for word, exit code 1'),
        (get(tp, 'status') == 'failed' and
         'Cause: Cannot init EAL: Permission denied' in
         (get(tp, 'error') or ''),
         'testpmd: its own recorded cause'),
        (get(hi, 'total') == 20500 and
         get(hi, 'irqs', '36', 'per_cpu') == {'CPU8': 19990, 'CPU16': 10} and
         get(hi, 'irqs', '45', 'delta') == 500 and
         '20' not in get(hi, 'irqs'),
         'host /proc/interrupts: vfio vectors only, 20000 + 500 (by CPU)'),
        (get(g, 'total') == 20500 and
         get(g, 'irqs', '25', 'per_cpu') == {'CPU0': 20000} and
         '16' not in get(g, 'irqs'),
         'guest /proc/interrupts: nvme0q1 +20000 on CPU0, NIC +500, no IPI'),
        (get(vx, 'mapped_bypassed') == 20370 and
         get(vx, 'mapped_host_path') == 130 and
         close(get(vx, 'bypassed_pct'), 100 * 20370 / 20500),
         'vxics: 20370 bypassed, 130 by the host path (99.37 %)'),
        (get(vx, 'host_path_by_reason') == {
            'off': 0, 'masked': 0, 'other-vm': 0, 'wrong-core': 2,
            'not-running': 128} and get(vx, 'steers') == 2,
         'vxics: host path by reason, steers'),
        (get(vx, 'icps', 'bypassed') == 20370 and
         get(vx, 'icps', 'rm_hcalls') == 42290 and
         get(vx, 'fallback', 'unmapped') == 73,
         'vxics: ICP counters summed over the vCPUs'),
        (get(vx, 'mappings', '0x80001') == {
            'host_irq': 36, 'guest': '0x1201', 'bypassed': 19880,
            'host_path': 120, 'last_cpu': 8},
         'vxics: mapping 0x80001 -> 0x1201: 19880 bypassed, 120 host path'),
        (get(vb, 'bypassed') == 20370 and get(vb, 'host_path') == 130 and
         get(vb, 'vectors', '0000:01:00.0/msix/1', 'host_path_by_reason',
             'wrong-core') == 2,
         'vfio-bypass --json: per-vector deltas'),
        (get(kv, 'pthru_all') == 20500 and get(kv, 'pthru_host') == 130 and
         get(kv, 'sum_exits') == 61234,
         'KVM statistics: pthru_all, pthru_host, sum_exits deltas'),
        (get(h, 'cpu', 'jiffies') == 30000 and
         close(get(h, 'cpu', 'busy_cpus'), 1.2),
         'host /proc/stat: 1.2 CPUs busy over 30000 jiffies'),
        (get(h, 'perf_kvm_stat', 'total_samples') == 6631 and
         [e['samples'] for e in get(h, 'perf_kvm_stat', 'events') or []
          if e['event'] == 'EXTERNAL'] == [388],
         'perf kvm stat: 6631 samples, EXTERNAL 388'),
        (get(doc, 'system', 'host', 'machine') == 'PowerNV 8247-21L' and
         get(doc, 'system', 'host', 'kernel') == '6.1.192-vxics' and
         get(doc, 'system', 'host', 'cpus_online') == 10 and
         (get(doc, 'system', 'host', 'qemu') or '').startswith(
             'QEMU emulator version 7.2.22'),
         'host: machine, kernel, CPUs and QEMU from the recorded files'),
    ]


def test_dry_run():
    before = set(glob.glob(os.path.join(tempfile.gettempdir(),
                                        'vxics-bench-*')))
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, 'dry.json')
        t0 = time.monotonic()
        p = subprocess.run([sys.executable, os.path.join(HERE, 'run.py'),
                            '--dry-run', '--out', out], cwd=d,
                           capture_output=True, text=True, timeout=120)
        dt = time.monotonic() - t0
        if not check(p.returncode == 0 and os.path.exists(out),
                     'run.py --dry-run exits 0 and writes its JSON (%.1f s)'
                     % dt):
            sys.stdout.write(p.stderr)
            return None
        check(os.listdir(d) == ['dry.json'],
              'nothing else left in the working directory (fio state files)')
        with open(out) as f:
            doc = json.load(f)
    check(set(glob.glob(os.path.join(tempfile.gettempdir(),
                                     'vxics-bench-*'))) <= before,
          'the temporary fio target is removed')
    check(doc.get('schema') == 'vxics-bench/1' and
          doc.get('rig') == 'dry-run', 'schema vxics-bench/1, rig dry-run')
    check(all(k in doc for k in ('date', 'config', 'system', 'workloads',
                                 'notes')),
          'top-level fields: date, config, system, workloads, notes')
    cfg = doc.get('config', {})
    check(cfg.get('name') == 'ours-bypass-on' and cfg.get('bypass') is True
          and cfg.get('kernel') == 'ours' and cfg.get('repeat') == 1,
          'config: ours-bypass-on, repeat 1')
    check(get(doc, 'system', 'guest', 'kernel') == os.uname().release,
          'guest kernel is this machine\'s uname -r')
    names = list(doc.get('workloads', {}))
    check(names == ['fio-randread-qd1', 'fio-randread-qd16',
                    'fio-randwrite-verify', 'iperf3-tcp-rx', 'iperf3-tcp-tx',
                    'sockperf-udp-pp', 'dpdk-l3fwd-power', 'dpdk-testpmd'],
          'every job ran, optional ones last')
    for name, w in doc.get('workloads', {}).items():
        check(w.get('status') in ('ok', 'failed') and 'command' in w and
              'duration_s' in w and 'host' in w.get('counters', {}) and
              'guest' in w.get('counters', {}),
              '%s: status, command, duration, host and guest counters' % name)

    q1 = get(doc, 'workloads', 'fio-randread-qd1')
    r = get(q1, 'result') or {}
    c = r.get('clat_us') or {}
    check(get(q1, 'status') == 'ok' and r.get('iodepth') == 1 and
          r.get('numjobs') == 1 and r.get('iops', 0) > 0,
          'fio QD1: ran for real, iodepth 1, IOPS > 0')
    check(0 < c.get('p50', 0) <= c.get('p99', 0) <= c.get('p99.9', 0) <=
          c.get('max', 0), 'fio QD1: 0 < p50 <= p99 <= p99.9 <= max')
    check(c.get('p99') == c.get('percentiles', {}).get('99'),
          'fio QD1: p99 is the "99" percentile')
    check('--readonly' in get(q1, 'command'),
          'fio QD1: run with --readonly')
    check(0.5 <= get(q1, 'duration_s') < 10,
          'fio QD1: about one second (%.2f s)' % get(q1, 'duration_s'))
    q16 = get(doc, 'workloads', 'fio-randread-qd16', 'result') or {}
    check(q16.get('iodepth') == 16 and q16.get('numjobs') == min(
        2, os.cpu_count()) and (q16.get('cpu', {}).get('sys_pct') or 0) +
          (q16.get('cpu', {}).get('usr_pct') or 0) > 0,
          'fio QD16: iodepth 16, numjobs, CPU usage recorded')
    v = get(doc, 'workloads', 'fio-randwrite-verify', 'result') or {}
    check(v.get('error') == 0 and get(v, 'verify', 'written') ==
          get(v, 'verify', 'read_back') == 1024,
          'fio verify: 1024 blocks written, all read back and checked')
    for ok, what in recorded_checks(doc):
        check(ok, what)
    return doc


def test_mutant(doc):
    """The recorded-value checks must catch a wrong number."""
    if doc is None:
        return
    m = copy.deepcopy(doc)
    m['workloads']['sockperf-udp-pp']['result']['rtt_us']['p99'] = 69.284
    bad = [what for ok, what in recorded_checks(m) if not ok]
    check(bad == ['sockperf: p99 RTT is the recorded 69.283 us'],
          'a p99 off by 0.001 us fails exactly its check')
    m = copy.deepcopy(doc)
    m['workloads']['fio-randread-qd1']['counters']['host']['interrupts'][
        'irqs']['36']['per_cpu']['CPU8'] += 1
    check(any(not ok for ok, _ in recorded_checks(m)),
          'one host interrupt more fails a check')


def test_parsers():
    with open(os.path.join(TD, 'fio-randread-qd1.json')) as f:
        text = f.read()
    r = run.parse_fio('fio: a warning first\n' + text)
    check(r['clat_us']['p99'] == 54.528 and r['clat_us']['p99.9'] == 132.096
          and close(r['iops'], 17805.194805),
          'parse_fio: recorded p99 54528 ns, p99.9 132096 ns, IOPS')
    for bad in ('', 'fio: no such file\n', '{"jobs": []}'):
        try:
            run.parse_fio(bad)
            check(False, 'parse_fio rejects %r' % bad)
        except run.ParseError:
            check(True, 'parse_fio rejects %r' % bad)
    try:
        with open(os.path.join(TD, 'iperf3-refused.json')) as f:
            run.parse_iperf3(f.read())
        check(False, 'iperf3 error is reported')
    except run.ToolError as e:
        check(str(e) == 'unable to connect to server: Connection refused',
              'iperf3: its own error, word for word')
    try:
        run.parse_sockperf('sockperf: ERROR: Connection refused (errno=111)\n')
        check(False, 'sockperf error is reported')
    except run.ToolError as e:
        check('Connection refused' in str(e), 'sockperf: its error line')
    with open(os.path.join(TD, 'sockperf-udp-pp.txt')) as f:
        sp = f.read()
    try:
        run.parse_sockperf(sp.replace('percentile', 'pctl'))
        check(False, 'sockperf without percentiles is refused')
    except run.ParseError:
        check(True, 'sockperf without percentiles is refused')
    with open(os.path.join(TD, 'host', 'before', 'vxics')) as f:
        vx = f.read()
    try:
        run.parse_vxics(vx.replace('bypass-elsewhere', 'bypass-other'))
        check(False, 'a changed vxics debugfs line is refused')
    except run.ParseError as e:
        check('unknown line' in str(e),
              'a changed vxics debugfs line is refused')
    b = run.parse_vxics(vx)
    a = copy.deepcopy(b)
    a['mappings'][1]['bypassed'] = 7     # mapped again: counts restart
    d = run.vxics_delta(b, a)['mappings']['0x80001']
    check(d.get('reset') is True and d['bypassed'] == 7,
          'vxics: a mapping made again is counted from zero')
    one = run.parse_vfio_bypass(
        '{"pid": 31, "fd": 6, "device": "0000:01:00.0", "index": "msix", '
        '"vectors": [{"vector": 0, "state": "bound", "enabled": true, '
        '"bound": true, "paired": false, "mapped": true, "host_hwirq": '
        '524288, "host_irq": 35, "guest_irq": 4096, "last_cpu": 1, '
        '"affinity_cpu": 1, "bypassed": 32, "host_path": {"off": 0, '
        '"masked": 0, "other-vm": 0, "wrong-core": 0, "not-running": 0}}]}')
    check(len(one) == 1 and one[0]['vectors'][0]['bypassed'] == 32,
          'vfio-bypass show --fd (one object, vfio-bypass.rst\'s example)')
    with open(os.path.join(TD, 'host', 'stock-xics')) as f:
        st = run.parse_stock_xics(f.read())
    check(st['pirq_maps'] == 2 and st['icps'] == 2 and
          st['guest_host_totals']['kick_vcpu'] == 412 and
          st['pirq'][0] == {'r_hwirq': 0x80001, 'v_hwirq': 0x1201},
          'stock xics debugfs: 2 PIRQ maps, 2 ICPs, totals')
    pk = run.parse_perf_kvm_stat(
        '\nAnalyze events for all VMs, all VCPUs:\n\n' + ' ' * 13 +
        'VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time' +
        ' ' * 9 + 'Avg time \n\n\nTotal Samples:0, Total events handled '
        'time:0.00us.\n')
    check(pk == {'events': [], 'total_samples': 0, 'total_time_us': 0.0},
          'perf kvm stat report with no samples (as perf 6.1 prints it)')
    try:
        run.parse_interrupts('garbage\n')
        check(False, '/proc/interrupts without a header is refused')
    except run.ParseError:
        check(True, '/proc/interrupts without a header is refused')
    with open(os.path.join(TD, 'host', 'before', 'interrupts')) as f:
        pi = run.parse_interrupts(f.read())
    check('LOC' in pi['rows'] and 'LOC#2' in pi['rows'] and
          pi['rows']['36']['name'] == 'vfio-msix[1](0000:01:00.0)' and
          pi['cpus'][1] == 'CPU8',
          '/proc/interrupts: sparse CPU numbers, names, powerpc\'s two LOC')


def test_switches():
    """Host.set_bypass() against a fake sysfs and debugfs."""
    with tempfile.TemporaryDirectory() as d:
        param = os.path.join(d, 'bypass')
        stock = os.path.join(d, 'kvm_irq_bypass')
        vm = os.path.join(d, 'vm')
        os.mkdir(vm)
        for path, val in ((param, 'Y\n'), (stock, '1\n'),
                          (os.path.join(vm, 'vxics_bypass'), '1\n')):
            with open(path, 'w') as f:
                f.write(val)
        saved = run.VXICS_PARAM, run.STOCK_PARAM
        run.VXICS_PARAM, run.STOCK_PARAM = param, stock
        try:
            h = object.__new__(run.Host)
            h.restore_list, h.vm_dir, h.flavour = [], vm, 'ours'
            sw = h.set_bypass(False, 'vm')
            check(sw == {'method': 'vm', 'global': True, 'vm': False},
                  'ours, off: the VM\'s vxics_bypass is 0, vxics.bypass Y')
            h.restore()
            check(run.read(os.path.join(vm, 'vxics_bypass')).strip() == '1',
                  'the switch is restored after the run')
            sw = h.set_bypass(False, 'global')
            check(sw['global'] is False and
                  run.read(param).strip() == '0', 'ours, off, --switch global')
            try:
                h.set_bypass(True, 'vm')
                check(False, 'per-VM on under a global off is refused')
            except run.SetupError:
                check(True, 'per-VM on under a global off is refused')
            h.restore()
            check(run.read(param).strip() == '1', 'vxics.bypass restored')
            h.flavour = 'stock'
            check(h.set_bypass(True, 'vm')['kvm_irq_bypass'] is True,
                  'stock, on: kvm_irq_bypass 1 is accepted')
            try:
                h.set_bypass(False, 'vm')
                check(False, 'stock: a parameter not matching is refused')
            except run.SetupError as e:
                check('with no guest running' in str(e) and
                      'then start the guest' in str(e),
                      'stock: refused, told to set it before the guest '
                      'starts')
        finally:
            run.VXICS_PARAM, run.STOCK_PARAM = saved


def test_cli():
    p = subprocess.run([sys.executable, os.path.join(HERE, 'run.py'), 'host',
                        '--bypass', 'off'], capture_output=True, text=True)
    check(p.returncode == 2 and '--guest-cmd' in p.stderr,
          'host without --guest-cmd: exit 2, says why')
    p = subprocess.run([sys.executable, os.path.join(HERE, 'run.py'), 'guest',
                        '--dry-run', '--only', 'nope'],
                       capture_output=True, text=True)
    check(p.returncode == 2 and 'unknown job nope' in p.stderr,
          'an unknown job name: exit 2, lists the jobs')
    p = subprocess.run([sys.executable, os.path.join(HERE, 'run.py'), 'guest',
                        '--only', 'fio-randread-qd1,sockperf-udp-pp',
                        '--out', '-'], capture_output=True, text=True)
    try:
        w = json.loads(p.stdout)['workloads']
        ok = w['fio-randread-qd1']['status'] == 'skipped' and \
            w['sockperf-udp-pp']['reason'] == 'needs --peer'
    except (ValueError, KeyError):
        ok = False
    check(ok, 'guest without --target or --peer: those jobs are skipped')


def main():
    t0 = time.monotonic()
    doc = test_dry_run()
    test_mutant(doc)
    test_parsers()
    test_switches()
    test_cli()
    print('bench/hw: %.1f s' % (time.monotonic() - t0))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
