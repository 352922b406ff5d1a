#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmark report: result JSON files in, a Markdown report and PNG plots out.

  report.py [--out-dir DIR] [--baseline CONFIG] [--no-plots] INPUT...
        INPUT: "vxics-bench/1" result files (bench/hw/run.py, the emulated
        rig), "vxics-pathlen/1" files, or directories of them.  Writes
        DIR/report.md (default DIR: .) and, unless --no-plots,
        DIR/latency-cdf.png, DIR/rates.png and, with path-length input,
        DIR/pathlen.png.
  report.py --pathlen-from-md bench/results/pathlen-bypass.md [--out FILE]
        the "With more live mappings" table of `make pathlen`'s report as a
        "vxics-pathlen/1" file.

One row per configuration (ours/stock, bypass on/off; results are grouped
by config.name), each cell the mean over the repeats, ± their sample
standard deviation, and the ratio of means to the baseline configuration
(default stock-bypass-on).  The formats are in
Documentation/virt/kvm/vxics/benchmarks.rst.
"""
import argparse
import json
import math
import os
import re
import statistics
import sys

BENCH = 'vxics-bench/1'
PATHLEN = 'vxics-pathlen/1'
CONFIG_ORDER = ('ours-bypass-on', 'ours-bypass-off', 'stock-bypass-on',
                'stock-bypass-off')
DEFAULT_BASELINE = 'stock-bypass-on'


class InputError(Exception):
    pass


# --- inputs ---

def load_inputs(paths):
    """Result documents and path-length rows from files and directories."""
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in sorted(os.walk(p)):
                files += [os.path.join(root, n) for n in sorted(names)
                          if n.endswith('.json')]
        else:
            files.append(p)
    results, pathlen = [], []
    for f in files:
        try:
            with open(f) as fh:
                doc = json.load(fh)
        except (OSError, ValueError) as e:
            raise InputError('%s: %s' % (f, e)) from None
        kind = classify(doc)
        if kind is None:
            raise InputError('%s: neither %s nor %s' % (f, BENCH, PATHLEN))
        if kind == BENCH:
            for k in ('config', 'system', 'workloads'):
                if not isinstance(doc.get(k), dict):
                    raise InputError('%s: no "%s" object' % (f, k))
            if not doc['config'].get('name'):
                raise InputError('%s: config.name is missing' % f)
            doc['_file'] = f
            results.append(doc)
        else:
            pathlen += pathlen_rows(doc, f)
    return results, pathlen


def classify(doc):
    if isinstance(doc, list):
        return PATHLEN if all(isinstance(r, dict) and 'mappings' in r
                              for r in doc) else None
    if not isinstance(doc, dict):
        return None
    schema = str(doc.get('schema', ''))
    if schema == BENCH or schema == PATHLEN:
        return schema
    if schema.startswith(('vxics-bench/', 'vxics-pathlen/')):
        raise InputError('schema %s: this report reads %s and %s' %
                         (schema, BENCH, PATHLEN))
    return None


def pathlen_rows(doc, f):
    rows = doc if isinstance(doc, list) else doc.get('rows', [])
    out = []
    for r in rows:
        try:
            out.append({'mappings': int(r['mappings']),
                        'config': str(r['config']),
                        'instructions': float(r['instructions']),
                        'about': tuple(doc.get('about', []))
                        if isinstance(doc, dict) else ()})
        except (KeyError, TypeError, ValueError):
            raise InputError('%s: a row needs mappings, config and '
                             'instructions: %r' % (f, r)) from None
    return out


def pathlen_from_md(path):
    """The mappings table of bench/results/pathlen-bypass.md."""
    with open(path) as f:
        text = f.read()
    m = re.search(r'^## With more live mappings\n(.*?)(?=^## |\Z)', text,
                  re.M | re.S)
    if not m:
        raise InputError('%s: no "With more live mappings" section' % path)
    lines = [ln for ln in m.group(1).splitlines() if ln.startswith('|')]
    head = [c.strip() for c in lines[0].strip('|').split('|')]
    if head[0] != 'mappings':
        raise InputError('%s: the table does not start with "mappings"' % path)
    names = {'ours': 'ours-bypass-on', 'upstream': 'stock-bypass-on'}
    rows = []
    for ln in lines[2:]:
        cells = [c.strip() for c in ln.strip('|').split('|')]
        for col, cell in zip(head[1:], cells[1:]):
            n = re.match(r'(\d+)', cell)
            if n:               # "–": not measured (its table holds 1024)
                rows.append({'mappings': int(cells[0]),
                             'config': names.get(col, col),
                             'instructions': int(n.group(1))})
    date = re.search(r'^- date: (\S+)', text, re.M)
    # the run's own description: date, kernels, QEMU and machine
    about = re.findall(r'^- ((?:date|ours kernel|upstream kernel|QEMU): .*)$',
                       text, re.M)
    return {'schema': PATHLEN, 'source': path,
            'date': date.group(1) if date else None,
            'about': about,
            'measure': 'TCG instructions, host interrupt entry to the '
                       'guest\'s 0x500 (median)',
            'rows': rows}


# --- metrics ---

def latency(res):
    return res.get('clat_us') or res.get('rtt_us')


def _get(d, *path):
    for p in path:
        if not isinstance(d, dict) or d.get(p) is None:
            return None
        d = d[p]
    return d


def _bypassed_pct(w):
    """ours: vxics's own count; else what KVM's statistics say (both)"""
    for src in ('vxics', 'vfio_bypass', 'kvm'):
        if _get(w, 'counters', 'host', src, 'status') == 'ok':
            v = _get(w, 'counters', 'host', src, 'delta', 'bypassed_pct')
            if v is not None:
                return v
    return None


def _irq_rate(w):
    total = _get(w, 'counters', 'host', 'interrupts', 'total')
    secs = _get(w, 'counters', 'host', 'elapsed_s')
    return total / secs if total is not None and secs else None


def _cpu_sum(res):
    u, s = _get(res, 'cpu', 'usr_pct'), _get(res, 'cpu', 'sys_pct')
    return u + s if u is not None and s is not None else None


# (key, header, unit, better, getter of one workload) in column order;
# a column appears for a workload when one of its results has the value.
METRICS = [
    ('p50', 'p50', 'µs', 'lower', lambda w: _get(latency(w['result']) or {},
                                                 'p50')),
    ('p99', 'p99', 'µs', 'lower', lambda w: _get(latency(w['result']) or {},
                                                 'p99')),
    ('p99.9', 'p99.9', 'µs', 'lower',
     lambda w: _get(latency(w['result']) or {}, 'p99.9')),
    ('max', 'max', 'µs', 'lower', lambda w: _get(latency(w['result']) or {},
                                                 'max')),
    ('kiops', 'kIOPS', '', 'higher',
     lambda w: w['result']['iops'] / 1000 if 'iops' in w['result'] else None),
    ('rate', 'RR rate', '/s', 'higher', lambda w: w['result'].get(
        'rate_per_s')),
    ('gbit', 'Gbit/s', '', 'higher', lambda w: w['result'].get('gbit_s')),
    ('cpu', 'guest CPU', '%', 'lower',
     lambda w: _cpu_sum(w['result']) if 'iops' in w['result'] else
     _get(w['result'], 'cpu', 'guest_total_pct')),
    ('wakeups', 'Rx wake-ups', '', 'higher',
     lambda w: w['result'].get('rx_interrupt_wakeups')),
    ('bypassed', 'bypassed', '%', 'higher', _bypassed_pct),
    ('irq_rate', 'host vfio irq/s', '', None, _irq_rate),
    ('exits', 'exits/irq', '', 'lower',
     lambda w: _get(w, 'counters', 'host', 'kvm', 'delta', 'exits_per_irq')),
    ('host_busy', 'host CPUs busy', '', 'lower',
     lambda w: _get(w, 'counters', 'host', 'cpu', 'busy_cpus')),
]
METRIC = {m[0]: m for m in METRICS}

# The summary table: one column per (workload, metric) that has data.
SUMMARY = [
    ('fio-randread-qd1', 'p99', 'fio QD1 p99 µs'),
    ('fio-randread-qd1', 'p99.9', 'fio QD1 p99.9 µs'),
    ('fio-randread-qd16', 'kiops', 'fio QD16 kIOPS'),
    ('sockperf-udp-pp', 'p99', 'sockperf RTT p99 µs'),
    ('sockperf-udp-pp', 'rate', 'sockperf RR/s'),
    ('iperf3-tcp-rx', 'gbit', 'iperf3 rx Gbit/s'),
    ('arp-rr', 'p99', 'ARP RTT p99 µs'),
    ('arp-rr', 'rate', 'ARP RR/s'),
    ('fio-randread-qd1', 'bypassed', 'bypassed % (fio QD1)'),
    ('fio-randread-qd1', 'exits', 'exits/irq (fio QD1)'),
]


class Stat:
    def __init__(self, values):
        self.values = values
        self.n = len(values)
        self.mean = statistics.fmean(values)
        self.sd = statistics.stdev(values) if self.n > 1 else None


def order_configs(names):
    known = [c for c in CONFIG_ORDER if c in names]
    return known + sorted(n for n in names if n not in CONFIG_ORDER)


def collect(results):
    """{config: {workload: {metric: Stat}}}, repeats and failures."""
    raw, runs, fails = {}, {}, {}
    for doc in results:
        cfg = doc['config']['name']
        runs[cfg] = runs.get(cfg, 0) + 1
        for wname, w in doc['workloads'].items():
            if w.get('status') != 'ok' or not isinstance(w.get('result'),
                                                         dict):
                if w.get('status') == 'failed':
                    key = wname + (' (optional)' if w.get('optional') else '')
                    fails.setdefault(cfg, {}).setdefault(key, []).append(
                        (w.get('error') or '').splitlines()[0:1])
                continue
            for key, _, _, _, getter in METRICS:
                try:
                    v = getter(w)
                except (KeyError, TypeError, ZeroDivisionError):
                    v = None
                if isinstance(v, (int, float)) and math.isfinite(v):
                    raw.setdefault(cfg, {}).setdefault(wname, {}).setdefault(
                        key, []).append(float(v))
    stats = {c: {w: {k: Stat(v) for k, v in ms.items()}
                 for w, ms in ws.items()} for c, ws in raw.items()}
    return stats, runs, fails


def fmt(x, like=None):
    """Four significant digits at most, no exponent; like: the mean whose
    decimals a spread uses."""
    ref = abs(like if like is not None else x)
    if ref >= 1000:
        d = 0
    elif ref >= 100:
        d = 1
    elif ref >= 10:
        d = 2
    else:
        d = 3
    return '%.*f' % (d, x)


def cell(st, base):
    if st is None:
        return '–'
    s = fmt(st.mean)
    s += ' ± ' + fmt(st.sd, st.mean) if st.sd is not None else ' ± –'
    if base is not None and base.mean:
        s += ' (×%.2f)' % (st.mean / base.mean)
    return s


def arrow(better):
    return {'lower': ' ↓', 'higher': ' ↑'}.get(better, '')


# --- Markdown ---

def describe(results, getter):
    """One value, or each configuration's when they differ."""
    by = {}
    for doc in results:
        v = getter(doc)
        if v is not None:
            by.setdefault(str(v), set()).add(doc['config']['name'])
    if len(by) <= 1:
        return next(iter(by), 'unknown')
    return '; '.join('%s: %s' % (', '.join(order_configs(cs)), v)
                     for v, cs in sorted(by.items()))


def machine(doc):
    h = doc['system'].get('host') or {}
    if not h.get('machine'):
        return None
    s = h['machine']
    if h.get('cpu') and h['cpu'] not in s:
        s += ' (%s)' % h['cpu']
    if h.get('cpus_online'):
        s += ', %d CPUs online' % h['cpus_online']
    return s


def markdown(results, pathlen, baseline, plots):
    stats, runs, fails = collect(results)
    configs = order_configs(set(runs))
    dates = sorted(d['date'][:10] for d in results if d.get('date'))
    out = ['# vxics benchmarks', '']
    if not results:
        # path lengths only: their run says what it ran on
        about = []
        for r in pathlen:
            about += [a for a in r.get('about', ()) if a not in about]
        out += ['- ' + a for a in about] or ['- (no description)']
        out += ['', 'Path lengths are TCG instruction counts on the '
                'emulated POWER8 host, not times.', '']
        return _pathlen_md(out, pathlen, plots)
    out.append('- machine: ' + describe(results, machine))
    out.append('- date (UTC): ' + (dates[0] if dates and dates[0] ==
                                    dates[-1] else
                                    '%s to %s' % (dates[0], dates[-1])
                                    if dates else 'unknown'))
    out.append('- host kernel: ' + describe(
        results, lambda d: _get(d, 'system', 'host', 'kernel')))
    out.append('- QEMU: ' + describe(
        results, lambda d: _get(d, 'system', 'host', 'qemu')))
    out.append('- guest kernel: ' + describe(
        results, lambda d: _get(d, 'system', 'guest', 'kernel')))
    out.append('- rig: ' + describe(results, lambda d: d.get('rig')))
    out.append('- runs: ' + ', '.join('%s %d' % (c, runs[c])
                                       for c in configs))
    out.append('- baseline of the ratios: `%s`' % baseline)
    few = [c for c in configs if runs[c] < 3]
    if few:
        out.append('- **fewer than 3 repeats**: ' + ', '.join(few))
    notes = []
    for d in results:
        notes += [n for n in d.get('notes', []) if n not in notes]
    for n in notes:
        out.append('- note: ' + n)
    out += ['', 'Cells: mean ± sample standard deviation over the runs, '
            '(× the mean\'s ratio to `%s`); ↓ lower is better, ↑ higher.'
            % baseline, '']

    cols = [(w, k, h) for w, k, h in SUMMARY
            if any(_get(stats, c, w, k) for c in configs)]
    if cols:
        out += ['## Summary', '']
        out += table(['configuration', 'runs'] +
                     ['%s%s' % (h, arrow(METRIC[k][3])) for _, k, h in cols],
                     [[c, str(runs[c])] +
                      [cell(_get(stats, c, w, k), _get(stats, baseline, w, k))
                       for w, k, _ in cols] for c in configs])
    workloads = []
    for c in configs:
        workloads += [w for w in stats.get(c, {}) if w not in workloads]
    for w in workloads:
        keys = [m[0] for m in METRICS
                if any(_get(stats, c, w, m[0]) for c in configs)]
        out += ['## %s' % w, '']
        hdr = ['configuration', 'runs ok']
        for k in keys:
            _, h, unit, better, _ = METRIC[k]
            hdr.append('%s%s%s' % (h, ' ' + unit if unit else '',
                                   arrow(better)))
        rows = []
        for c in configs:
            n_ok = max((s.n for s in stats.get(c, {}).get(w, {}).values()),
                       default=0)
            rows.append([c, '%d/%d' % (n_ok, runs[c])] +
                        [cell(_get(stats, c, w, k),
                              _get(stats, baseline, w, k)) for k in keys])
        out += table(hdr, rows)
    if fails:
        out += ['## Failed runs', '']
        for c in order_configs(set(fails)):
            for w, errs in sorted(fails[c].items()):
                first = next((e[0] for e in errs if e), 'no error text')
                out.append('- %s, %s: %d failed (%s)' % (c, w, len(errs),
                                                          first))
        out.append('')
    return _pathlen_md(out, pathlen, plots)


def _pathlen_md(out, pathlen, plots):
    """The path-length table and the plots, after @out"""
    if pathlen:
        pcfg = order_configs({r['config'] for r in pathlen})
        maps = sorted({r['mappings'] for r in pathlen})
        val = {(r['config'], r['mappings']): r['instructions']
               for r in pathlen}
        out += ['## Path length vs mappings', '',
                'Instructions per passed-through interrupt (pathlen input).',
                '']
        out += table(['mappings'] + pcfg,
                     [[str(m)] + ['%d' % val[(c, m)] if (c, m) in val
                                  else '–' for c in pcfg] for m in maps])
    if plots:
        out += ['## Plots', '']
        out += ['![%s](%s)' % (t, p) for t, p in plots]
        out.append('')
    return '\n'.join(out)


def table(header, rows):
    lines = ['| ' + ' | '.join(header) + ' |',
             '|' + '|'.join(['---'] * len(header)) + '|']
    lines += ['| ' + ' | '.join(r) + ' |' for r in rows]
    return lines + ['']


# --- plots ---

def pyplot():
    try:
        import matplotlib
    except ImportError:
        raise InputError('matplotlib is needed for the plots (Debian: '
                         'apt-get install python3-matplotlib); --no-plots '
                         'skips them') from None
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def mean_percentiles(results, config, workload):
    """The percentiles every ok run of the configuration has, averaged."""
    runs = []
    for d in results:
        w = d['workloads'].get(workload, {})
        if d['config']['name'] == config and w.get('status') == 'ok':
            lat = latency(w.get('result') or {}) or {}
            if lat.get('percentiles'):
                runs.append(lat['percentiles'])
    if not runs:
        return []
    keys = set(runs[0]).intersection(*runs[1:])
    pts = sorted((float(k), statistics.fmean(r[k] for r in runs))
                 for k in keys if 0 < float(k) < 100)
    return pts


def plot_latency(plt, results, configs, path):
    wls = []
    for d in results:
        for name, w in d['workloads'].items():
            if w.get('status') == 'ok' and name not in wls and \
               (latency(w.get('result') or {}) or {}).get('percentiles'):
                wls.append(name)
    if not wls:
        return False
    # the latency jobs first; the verify job's latencies mean little
    first = ('fio-randread-qd1', 'sockperf-udp-pp', 'fio-randread-qd16')
    wls = sorted((w for w in wls if 'verify' not in w),
                 key=lambda w: first.index(w) if w in first else 9)[:4]
    fig, axes = plt.subplots(1, len(wls), figsize=(6 * len(wls), 4.5),
                             squeeze=False)
    for ax, wl in zip(axes[0], wls):
        what = 'completion latency'
        for c in configs:
            pts = mean_percentiles(results, c, wl)
            if pts:
                ax.plot([v for _, v in pts], [p / 100 for p, _ in pts],
                        marker='.', label=c)
        for d in results:
            if (d['workloads'].get(wl, {}).get('result') or {}).get('rtt_us'):
                what = 'round-trip time'
        # a logit axis spreads both the median and the tail out
        ax.set_xscale('log')
        ax.set_yscale('logit')
        ticks = [0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999]
        ax.set_yticks(ticks)
        ax.set_yticklabels(['%g' % (100 * t) for t in ticks])
        ax.minorticks_off()
        ax.set_xlabel('%s (µs), log scale' % what)
        ax.set_ylabel('percentile')
        ax.set_title('%s: %s CDF' % (wl, what), fontsize='medium')
        ax.grid(True, which='both', alpha=0.3)
        ax.legend(fontsize='small')
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def plot_rates(plt, stats, configs, path):
    panels = [(w, k, h) for w, k, h in (
        ('fio-randread-qd16', 'kiops', 'fio QD16 kIOPS'),
        ('fio-randread-qd1', 'kiops', 'fio QD1 kIOPS'),
        ('sockperf-udp-pp', 'rate', 'sockperf request/response per s'),
        ('arp-rr', 'rate', 'ARP round trips per s'),
        ('iperf3-tcp-rx', 'gbit', 'iperf3 peer → guest Gbit/s'))
        if any(_get(stats, c, w, k) for c in configs)]
    if not panels:
        return False
    fig, axes = plt.subplots(1, len(panels), figsize=(4.5 * len(panels), 4.5),
                             squeeze=False)
    for ax, (w, k, h) in zip(axes[0], panels):
        st = [_get(stats, c, w, k) for c in configs]
        x = range(len(configs))
        ax.bar(x, [s.mean if s else 0 for s in st],
               yerr=[(s.sd or 0) if s else 0 for s in st], capsize=4,
               color=['C%d' % i for i in x])
        ax.set_xticks(list(x))
        ax.set_xticklabels(configs, rotation=30, ha='right', fontsize='small')
        ax.set_title(h, fontsize='medium')
        ax.grid(True, axis='y', alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def plot_pathlen(plt, pathlen, path):
    if not pathlen:
        return False
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for c in order_configs({r['config'] for r in pathlen}):
        pts = sorted((r['mappings'], r['instructions']) for r in pathlen
                     if r['config'] == c)
        ax.plot([m for m, _ in pts], [i for _, i in pts], marker='o', label=c)
    ax.set_xscale('log', base=2)
    maps = sorted({r['mappings'] for r in pathlen})
    ax.set_xticks(maps)
    ax.set_xticklabels([str(m) for m in maps])
    ax.minorticks_off()
    ax.set_xlabel('live mappings in the VM (log scale)')
    ax.set_ylabel('instructions per interrupt')
    ax.set_ylim(bottom=0)
    ax.grid(True, which='both', alpha=0.3)
    ax.legend(fontsize='small')
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def report(inputs, out_dir, baseline=None, plots=True):
    """Writes report.md and the plots; returns the paths written."""
    results, pathlen = load_inputs(inputs)
    if not results and not pathlen:
        raise InputError('no input')
    configs = order_configs({d['config']['name'] for d in results})
    if baseline is None:
        baseline = DEFAULT_BASELINE if DEFAULT_BASELINE in configs else \
            (configs[0] if configs else DEFAULT_BASELINE)
    elif results and baseline not in configs:
        raise InputError('baseline %s: no such configuration (%s)' %
                         (baseline, ', '.join(configs)))
    os.makedirs(out_dir, exist_ok=True)
    written, shown = [], []
    if plots:
        plt = pyplot()
        stats = collect(results)[0]
        for name, title, fn in (
                ('latency-cdf.png', 'latency CDF',
                 lambda p: plot_latency(plt, results, configs, p)),
                ('rates.png', 'IOPS and rates',
                 lambda p: plot_rates(plt, stats, configs, p)),
                ('pathlen.png', 'path length vs mappings',
                 lambda p: plot_pathlen(plt, pathlen, p))):
            path = os.path.join(out_dir, name)
            if fn(path):
                written.append(path)
                shown.append((title, name))
    md = os.path.join(out_dir, 'report.md')
    with open(md, 'w') as f:
        f.write(markdown(results, pathlen, baseline, shown))
    return [md] + written


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.split('\n')[2:]))
    ap.add_argument('inputs', nargs='*', metavar='INPUT')
    ap.add_argument('--out-dir', default='.')
    ap.add_argument('--baseline', help='configuration the ratios are to '
                    '(default %s, or the first)' % DEFAULT_BASELINE)
    ap.add_argument('--no-plots', action='store_true')
    ap.add_argument('--pathlen-from-md', metavar='MD')
    ap.add_argument('--out', help='with --pathlen-from-md: output file')
    args = ap.parse_args()
    try:
        if args.pathlen_from_md:
            text = json.dumps(pathlen_from_md(args.pathlen_from_md),
                              indent=1) + '\n'
            if args.out:
                with open(args.out, 'w') as f:
                    f.write(text)
            else:
                sys.stdout.write(text)
            return 0
        if not args.inputs:
            ap.error('no INPUT')
        for p in report(args.inputs, args.out_dir, args.baseline,
                        not args.no_plots):
            print(p)
        return 0
    except InputError as e:
        print('report.py: %s' % e, file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
