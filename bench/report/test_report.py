#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of report.py over testdata/ and the hardware kit's dry run.

The table cells are checked twice: against numbers worked out by hand from
the synthetic inputs (testdata/results: 4 configurations x 3 repeats), and
against means and deviations computed here from the same JSON files.  The
plots must exist and be PNG images.  Ends with "N passed, M failed".
"""
import json
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import report  # noqa: E402

TD = os.path.join(HERE, 'testdata')
RUN = os.path.join(HERE, '..', 'hw', 'run.py')
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


def tables(md):
    """{section: {first cell: {header: cell}}} of every Markdown table."""
    out, section, hdr = {}, None, None
    for line in md.splitlines():
        if line.startswith('## '):
            section, hdr = line[3:], None
        elif line.startswith('|'):
            cells = [c.strip() for c in line.strip('|').split('|')]
            if hdr is None:
                hdr = cells
            elif not set(line) <= set('|-'):
                out.setdefault(section, {})[cells[0]] = dict(zip(hdr, cells))
        else:
            hdr = None
    return out


def parse_cell(c):
    m = re.fullmatch(r'(\S+) ± (\S+)(?: \(×(\S+)\))?', c or '')
    if not m:
        return None
    sd = None if m.group(2) == '–' else float(m.group(2))
    return float(m.group(1)), sd, m.group(3) and float(m.group(3))


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    if head[:8] != b'\x89PNG\r\n\x1a\n' or head[12:16] != b'IHDR':
        return None
    return struct.unpack('>II', head[16:24])


def values(files, config, workload, getter):
    out = []
    for f in files:
        with open(f) as fh:
            d = json.load(fh)
        w = d['workloads'].get(workload, {})
        if d['config']['name'] == config and w.get('status') == 'ok':
            out.append(getter(w['result']))
    return out


def test_synthetic(tmp):
    res = os.path.join(TD, 'results')
    files = sorted(os.path.join(res, f) for f in os.listdir(res))
    paths = report.report([res, os.path.join(TD, 'pathlen.json')], tmp)
    names = sorted(os.path.basename(p) for p in paths)
    check(names == ['latency-cdf.png', 'pathlen.png', 'rates.png',
                    'report.md'], 'report.md and three plots written')
    for p in paths[1:]:
        size = png_size(p)
        check(size is not None and size[0] >= 400 and size[1] >= 300 and
              os.path.getsize(p) > 5000,
              '%s is a PNG image (%s)' % (os.path.basename(p), size))
    with open(os.path.join(tmp, 'report.md')) as f:
        md = f.read()
    t = tables(md)
    s = t.get('Summary', {})
    check(list(s) == ['ours-bypass-on', 'ours-bypass-off', 'stock-bypass-on',
                      'stock-bypass-off'],
          'summary: one row per configuration, ours first, on before off')
    # worked out by hand from the values in testdata/gen-synthetic.py
    expect = {
        ('ours-bypass-on', 'fio QD1 p99 µs ↓'): '41.00 ± 1.00 (×0.82)',
        ('ours-bypass-off', 'fio QD1 p99 µs ↓'): '62.00 ± 2.00 (×1.24)',
        ('stock-bypass-on', 'fio QD1 p99 µs ↓'): '50.00 ± 1.00 (×1.00)',
        ('stock-bypass-off', 'fio QD1 p99 µs ↓'): '60.00 ± 2.00 (×1.20)',
        ('ours-bypass-on', 'fio QD1 p99.9 µs ↓'): '90.00 ± 10.00 (×0.90)',
        ('ours-bypass-on', 'fio QD16 kIOPS ↑'): '410.0 ± 10.0 (×1.05)',
        ('stock-bypass-on', 'fio QD16 kIOPS ↑'): '390.0 ± 0.0 (×1.00)',
        ('stock-bypass-off', 'sockperf RR/s ↑'): '49500 ± 707 (×0.84)',
        ('ours-bypass-on', 'iperf3 rx Gbit/s ↑'): '9.300 ± 0.100 (×1.01)',
        ('ours-bypass-on', 'bypassed % (fio QD1) ↑'): '99.20 ± 0.20',
        ('stock-bypass-on', 'bypassed % (fio QD1) ↑'): '–',
    }
    for (cfg, col), want in expect.items():
        got = s.get(cfg, {}).get(col)
        check(got == want, 'summary %s, %s: %s (got %s)' % (cfg, col, want,
                                                            got))
    # and computed here from the JSON files, for every configuration
    cols = (('fio QD1 p99 µs ↓', 'fio-randread-qd1',
             lambda r: r['clat_us']['p99']),
            ('fio QD16 kIOPS ↑', 'fio-randread-qd16',
             lambda r: r['iops'] / 1000),
            ('sockperf RTT p99 µs ↓', 'sockperf-udp-pp',
             lambda r: r['rtt_us']['p99']),
            ('sockperf RR/s ↑', 'sockperf-udp-pp',
             lambda r: r['rate_per_s']))
    for col, wl, get in cols:
        base = statistics.fmean(values(files, 'stock-bypass-on', wl, get))
        ok = True
        for cfg in s:
            v = values(files, cfg, wl, get)
            c = parse_cell(s[cfg].get(col))
            mean, sd = statistics.fmean(v), statistics.stdev(v)
            ok &= c is not None and abs(c[0] - mean) <= 0.0051 * abs(mean) \
                and abs(c[1] - sd) <= 0.01 * abs(mean) + 0.001 and \
                abs(c[2] - mean / base) <= 0.005
        check(ok, 'summary %s: mean, deviation and ratio of the JSON values'
              % col)
    q1 = t.get('fio-randread-qd1', {})
    check(q1.get('ours-bypass-on', {}).get('p50 µs ↓') ==
          '30.50 ± 0.50 (×0.95)' and
          q1.get('ours-bypass-on', {}).get('host CPUs busy ↓') ==
          '1.100 ± 0.100 (×0.92)',
          'fio-randread-qd1: p50 and host CPUs busy cells')
    sp = t.get('sockperf-udp-pp', {})
    check(sp.get('stock-bypass-off', {}).get('runs ok') == '2/3' and
          sp.get('stock-bypass-off', {}).get('p99 µs ↓') ==
          '27.50 ± 0.71 (×1.20)',
          'sockperf: a failed run is left out (2/3), mean of the other two')
    pl = t.get('Path length vs mappings', {})
    check(pl.get('1024') == {'mappings': '1024', 'ours-bypass-on': '1838',
                             'stock-bypass-on': '7411'} and
          pl.get('4081', {}).get('stock-bypass-on') == '–',
          'path length table: 1024 mappings 1838 vs 7411, 4081 not for stock')
    check('- machine: PowerNV 8247-21L (POWER8E (raw), altivec supported), '
          '10 CPUs online' in md and
          '- date (UTC): 2026-12-01 to 2026-12-02' in md and
          '6.1.192-vxics' in md and '6.1.192-stockvfio' in md and
          '- QEMU: QEMU emulator version 7.2.22' in md,
          'header: machine, dates, both kernels, QEMU')
    check('- note: synthetic data for bench/report/test_report.py; not a '
          'measurement' in md, 'header: the inputs\' notes')
    check('- stock-bypass-off, sockperf-udp-pp: 1 failed (sockperf: ERROR: '
          'Connection refused (errno=111))' in md and
          'dpdk-l3fwd-power (optional): 3 failed' in md,
          'failed runs listed with their error')
    check('fewer than 3 repeats' not in md, 'no repeat warning with 3 each')
    return md


def test_options(tmp):
    res = os.path.join(TD, 'results')
    report.report([res], tmp, baseline='ours-bypass-off', plots=False)
    with open(os.path.join(tmp, 'report.md')) as f:
        s = tables(f.read()).get('Summary', {})
    check(s.get('ours-bypass-on', {}).get('fio QD1 p99 µs ↓') ==
          '41.00 ± 1.00 (×0.66)' and
          s.get('ours-bypass-off', {}).get('fio QD1 p99 µs ↓') ==
          '62.00 ± 2.00 (×1.00)', '--baseline ours-bypass-off: 41/62')
    check(not [f for f in os.listdir(tmp) if f.endswith('.png')],
          '--no-plots: no PNG')
    two = os.path.join(tmp, 'two')
    os.mkdir(two)
    for r in (1, 2):
        shutil.copy(os.path.join(res, 'ours-bypass-on-r%d.json' % r), two)
    report.report([two], tmp, plots=False)
    with open(os.path.join(tmp, 'report.md')) as f:
        md = f.read()
    check('**fewer than 3 repeats**: ours-bypass-on' in md and
          '- baseline of the ratios: `ours-bypass-on`' in md,
          'two repeats: warned; baseline falls back to the only config')
    # one input value changed: the table follows it
    mut = os.path.join(tmp, 'mut')
    shutil.copytree(res, mut)
    f = os.path.join(mut, 'ours-bypass-on-r1.json')
    with open(f) as fh:
        d = json.load(fh)
    d['workloads']['fio-randread-qd1']['result']['clat_us']['p99'] = 43
    with open(f, 'w') as fh:
        json.dump(d, fh)
    report.report([mut], tmp, plots=False)
    with open(os.path.join(tmp, 'report.md')) as fh:
        s = tables(fh.read()).get('Summary', {})
    check(s.get('ours-bypass-on', {}).get('fio QD1 p99 µs ↓') ==
          '42.00 ± 1.00 (×0.84)', 'one p99 40 -> 43: the cell becomes '
          '42.00 ± 1.00 (×0.84)')


def cli(args):
    return subprocess.run([sys.executable, os.path.join(HERE, 'report.py')] +
                          args, capture_output=True, text=True, timeout=120)


def test_inputs(tmp):
    emu = os.path.join(tmp, 'emu')
    paths = report.report([os.path.join(TD, 'emulated-minimal.json')], emu)
    with open(paths[0]) as f:
        md = f.read()
    row = tables(md).get('msi-pingpong', {}).get('ours-bypass-on', {})
    check(row.get('p99 µs ↓') == '900.0 ± – (×1.00)' and
          row.get('RR rate /s ↑') == '1500 ± – (×1.00)' and
          '- rig: emulated' in md and '**fewer than 3 repeats**' in md,
          'a minimal emulated-rig document: its own workload, one run')
    check(os.path.exists(os.path.join(emu, 'latency-cdf.png')),
          'emulated: latency CDF from its RTT percentiles')
    bare = os.path.join(tmp, 'bare.json')
    with open(bare, 'w') as f:
        json.dump([{'mappings': 1, 'config': 'ours-bypass-on',
                    'instructions': 1838},
                   {'mappings': 64, 'config': 'ours-bypass-on',
                    'instructions': 1838}], f)
    p = cli(['--no-plots', '--out-dir', os.path.join(tmp, 'bare'), bare])
    check(p.returncode == 0, 'pathlen as a bare JSON list')
    with open(bare, 'w') as f:
        json.dump([{'mappings': 1, 'config': 'x'}], f)
    p = cli(['--no-plots', '--out-dir', tmp, bare])
    check(p.returncode == 2 and 'instructions' in p.stderr,
          'a pathlen row without instructions: exit 2, says which')
    v2 = os.path.join(tmp, 'v2.json')
    with open(v2, 'w') as f:
        json.dump({'schema': 'vxics-bench/2', 'config': {}}, f)
    p = cli(['--no-plots', '--out-dir', tmp, v2])
    check(p.returncode == 2 and 'vxics-bench/2' in p.stderr,
          'an unknown schema version: exit 2')
    p = cli(['--no-plots', '--out-dir', tmp, '--baseline', 'nope',
             os.path.join(TD, 'results')])
    check(p.returncode == 2 and 'baseline nope' in p.stderr,
          'an unknown baseline: exit 2')
    md_in = os.path.join(tmp, 'pl.md')
    with open(md_in, 'w') as f:
        f.write('# x\n\n- date: 2026-01-02\n\n## With more live mappings\n\n'
                '| mappings | ours | upstream |\n|---|---|---|\n'
                '| 1 | 100 (+0.0 %) | 90 (+0.0 %) |\n'
                '| 8 | 100 (+0.0 %) | – (n/a) |\n\n## Run to run\n\n'
                '| a | b |\n|---|---|\n| 7 | 8 |\n')
    pl = report.pathlen_from_md(md_in)
    check(pl['schema'] == 'vxics-pathlen/1' and pl['date'] == '2026-01-02'
          and pl['rows'] == [
              {'mappings': 1, 'config': 'ours-bypass-on', 'instructions': 100},
              {'mappings': 1, 'config': 'stock-bypass-on', 'instructions': 90},
              {'mappings': 8, 'config': 'ours-bypass-on',
               'instructions': 100}],
          '--pathlen-from-md: the mappings table, "–" left out')
    real = os.path.join(HERE, '..', 'results', 'pathlen-bypass.md')
    if os.path.exists(real):
        rows = report.pathlen_from_md(real)['rows']
        check({r['config'] for r in rows} == {'ours-bypass-on',
                                              'stock-bypass-on'},
              'bench/results/pathlen-bypass.md converts (%d rows)' %
              len(rows))


def test_hw_dry_run(tmp):
    """The hardware kit's own output goes through unchanged."""
    out = os.path.join(tmp, 'hw.json')
    p = subprocess.run([sys.executable, RUN, '--dry-run', '--out', out],
                       capture_output=True, text=True, timeout=120)
    if not check(p.returncode == 0, 'bench/hw/run.py --dry-run for input'):
        sys.stdout.write(p.stderr)
        return
    with open(out) as f:
        d = json.load(f)
    paths = report.report([out], os.path.join(tmp, 'hw'))
    with open(paths[0]) as f:
        t = tables(f.read())
    p99 = d['workloads']['fio-randread-qd1']['result']['clat_us']['p99']
    row = t.get('fio-randread-qd1', {}).get('ours-bypass-on', {})
    check(row.get('p99 µs ↓') == '%s ± – (×1.00)' % report.fmt(p99),
          'hw dry run: fio QD1 p99 cell is the JSON\'s %.3f' % p99)
    check(t.get('sockperf-udp-pp', {}).get('ours-bypass-on', {}).get(
        'p99 µs ↓') == '69.28 ± – (×1.00)' and
          t.get('sockperf-udp-pp', {}).get('ours-bypass-on', {}).get(
              'bypassed % ↑') == '99.37 ± – (×1.00)',
          'hw dry run: sockperf p99 69.28 µs, 99.37 % bypassed')
    check(len(paths) == 3, 'hw dry run: CDF and rates plots (no pathlen)')


def main():
    tmp = tempfile.mkdtemp(prefix='vxics-report-')
    try:
        test_synthetic(os.path.join(tmp, 'a'))
        test_options(os.path.join(tmp, 'b'))
        os.mkdir(os.path.join(tmp, 'c'))
        test_inputs(os.path.join(tmp, 'c'))
        os.mkdir(os.path.join(tmp, 'd'))
        test_hw_dry_run(os.path.join(tmp, 'd'))
    except report.InputError as e:
        check(False, 'report.py: %s' % e)
    finally:
        shutil.rmtree(tmp)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
