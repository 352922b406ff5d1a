#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The bench's real workloads on the emulated POWER8 host.

Debian's unmodified ppc64el QEMU 7.2 runs a pseries Linux guest under
KVM-HV inside the emulated host (`-M powernv8`, TCG), with the host's
e1000e and NVMe passed through with vfio-pci, as `make vmtest-qemu` does.
The guest runs the workloads of guest_init.c's vxt.bench=S (fio 4 KiB
random reads at queue depth 1 and at 16 x 2 jobs on the NVMe, ARP round
trips, sockperf UDP ping-pong and iperf3 TCP to the guest over the
e1000e, then DPDK's l3fwd-power on it), the host test (qemu_guest.c,
vxics.qemu-bench)
takes its counters around each, and this script turns the console into
one "vxics-bench/1" file per configuration and run:

  ours-bypass-on    our kernel (out/build-linux)
  ours-bypass-off   ... booted with vxics.bypass=0
  stock-bypass-on   upstream 6.1 + only our vfio-pci fix
                    (out/build-linux-stockvfio: its XICS and its bypass)
  stock-bypass-off  ... booted with kvm_hv.kvm_irq_bypass=0

Times under TCG are the emulation's: compare configurations by their
ratios within one run of this script, not with hardware.  Counters and
instruction counts are exact.

The network workloads' peer is this machine: the e1000e is on the outer
QEMU's user network, where the guest reaches this machine's loopback as
10.0.2.2, and this script runs Debian's sockperf and iperf3 servers there
(ports 15111 and 15201, guest_init.c's BENCH_*_PORT) while it boots.  The
emulated host has no network stack of its own (its kernel is built
without CONFIG_NET), and a peer there would take emulated CPU time from
the vCPUs being measured.

  run.py [--configs A,B] [--secs S] [--runs R] [--out DIR]
  run.py --check     ours-bypass-on only, 1 s per workload, one run, into
                     out/bench-check; checks the files and the report and
                     ends with "N passed, M failed" (make check)
"""
import argparse
import contextlib
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, '..', '..'))
OUT = os.environ.get('OUT', os.path.join(TOP, 'out'))
sys.path.insert(0, os.path.join(TOP, 'bench', 'hw'))
import run as hw  # noqa: E402  (bench/hw/run.py: parse_fio, the schema)

CONFIGS = {
    'ours-bypass-on': ('ours', 'build-linux', True, ''),
    'ours-bypass-off': ('ours', 'build-linux', False, 'vxics.bypass=0'),
    'stock-bypass-on': ('stock', 'build-linux-stockvfio', True, ''),
    'stock-bypass-off': ('stock', 'build-linux-stockvfio', False,
                         'kvm_hv.kvm_irq_bypass=0'),
}
NVME_IMG = os.path.join(OUT, 'nvme-qemu.img')
# DPDK's workload: UDP to the guest's port 9 through the user network's
# forwarding (DEVICES), so that its Rx queue has something to wake up for
DPDK_FWD = ('127.0.0.1', 15300)
DEVICES = [
    '--pci', '--device', 'e1000e,netdev=n0,bus=pcie.0,addr=0.0,romfile=',
    '--qemu-arg=-netdev',
    '--qemu-arg=user,id=n0,hostfwd=udp:%s:%d-10.0.2.15:9' % DPDK_FWD,
    '--device', 'nvme,bus=pcie.1,addr=0.0,serial=vxq,drive=nv0',
    '--qemu-arg=-drive',
    '--qemu-arg=file=%s,if=none,id=nv0,format=raw' % NVME_IMG,
]
BANNER = re.compile(r'(Linux version \S+ \(.*?\)) #')
PEERS = [['sockperf', 'server', '-i', '127.0.0.1', '-p', '15111'],
         ['iperf3', '-s', '-B', '127.0.0.1', '-p', '15201']]
PEER = ('this machine (sockperf and iperf3 servers on its loopback), '
        'through the outer QEMU\'s user network (slirp)')
DPDK_PPS = 100
# why it does not run in this guest (benchmarks.rst)
DPDK_KNOWN = ('Set IOMMU type 7 (sPAPR) failed, error 1 '
              '(Operation not permitted)')
# console lines: a workload begins (DPDK's or another), or one ends, or a
# boot of the guest or of the host test ends (a timeout ends it without
# the workload's own end)
BEGIN = re.compile(r'qemu_guest: \[bench\] begin \d+ (\S+)')
ENDED = re.compile(r'qemu_guest: (\[bench\] (host|end \d+) |'
                   r'(not )?ok \d+ - bench |\[bench\] config )')


def dpdk_sender(log, stop, to=DPDK_FWD):
    """While the console @log says a DPDK workload runs, DPDK_PPS datagrams
    a second to the guest (@to), until @stop is set"""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    active, f, part = False, None, ''
    try:
        while not stop.is_set():
            if f is None:
                try:
                    f = open(log, errors='replace')
                except OSError:
                    stop.wait(0.5)
                    continue
            lines = (part + f.read()).split('\n')
            part = lines.pop()      # the line still being written
            for line in lines:
                m = BEGIN.search(line)
                if m:
                    active = m.group(1).startswith('dpdk-')
                elif ENDED.search(line):
                    active = False
            if active:
                try:
                    sock.sendto(b'vxics-bench-dpdk', to)
                except OSError as e:
                    print('bench: DPDK\'s datagram not sent: %s' % e,
                          flush=True)
            stop.wait(1.0 / DPDK_PPS)
    finally:
        sock.close()
        if f:
            f.close()


@contextlib.contextmanager
def peer(log):
    """The sockperf and iperf3 servers the guest's network workloads use,
    and the sender of DPDK's packets, watching the console @log"""
    procs = []
    stop = threading.Event()
    with contextlib.suppress(FileNotFoundError):
        os.unlink(log)      # the sender reads the new boot's console only
    sender = threading.Thread(target=dpdk_sender, args=(log, stop),
                              daemon=True)
    try:
        for cmd in PEERS:
            try:
                procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.PIPE))
            except OSError as e:
                raise SystemExit('bench: cannot run %s (scripts/deps.sh '
                                 'installs it): %s' % (cmd[0], e)) from None
        time.sleep(0.5)
        for cmd, p in zip(PEERS, procs):
            if p.poll() is not None:
                raise SystemExit('bench: %s exited at once: %s' % (
                    ' '.join(cmd), p.stderr.read().decode(errors='replace')))
        sender.start()
        yield
    finally:
        stop.set()
        if sender.is_alive():
            sender.join()
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def boot(name, secs, runs, log):
    """One boot of the emulated host for configuration @name; its exit code"""
    kernel, build, _, extra = CONFIGS[name]
    # the in-VM test's, s: qemu_guest.c's BENCH_TIMEOUT for each boot
    bound = runs * (150 + 12 * secs + 60) + 30
    with open(NVME_IMG, 'wb') as f:
        f.truncate(16 << 20)
    cmd = ['python3', os.path.join(TOP, 'scripts', 'vmrun.py'),
           '--kernel', os.path.join(OUT, build, 'vmlinux'),
           '--initrd', os.path.join(OUT, 'initramfs-qemu.cpio'),
           '--smp', '4', '--min-kunit', '0'] + DEVICES + [
           '--append', 'kunit.enable=0 vxics.tests=qemu_guest vxics.pci '
           'vxics.qemu-bench=%d vxics.qemu-bench-runs=%d vxics.timeout=%d %s'
           % (secs, runs, bound, extra),
           '--timeout', str(300 + bound), '--log', log]
    print('bench: %s, %d run(s) of %d s per workload' % (name, runs, secs),
          flush=True)
    return subprocess.run(cmd, cwd=TOP).returncode


def guest_kernel():
    try:
        with open(os.path.join(OUT, 'build-linux.guest', 'vmlinux'),
                  'rb') as f:
            m = re.search(rb'Linux version [^\n\0]*', f.read())
        return m.group(0).decode(errors='replace').split(' #')[0] if m \
            else None
    except OSError:
        return None


def qemu_version():
    try:
        return subprocess.run(['qemu-system-ppc64', '--version'],
                              stdout=subprocess.PIPE, text=True,
                              check=True).stdout.splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return None


def workload(name, text, host):
    """A workload of the schema from its report @text and @host counters"""
    w = {'status': 'ok', 'optional': False, 'counters': {'host': {}}}
    try:
        if name.startswith('fio-'):
            w['tool'] = 'fio'
            w['result'] = hw.parse_fio(text)
            if w['result'].get('error'):
                w['status'] = 'failed'
                w['error'] = 'fio error %d' % w['result']['error']
        elif name.startswith('sockperf-'):
            w['tool'] = 'sockperf'
            w['result'] = hw.parse_sockperf(text)
            w['peer'] = PEER
        elif name.startswith('dpdk-'):
            # optional: whether DPDK runs in this guest is the result
            w['tool'] = 'dpdk'
            w['optional'] = True
            w['peer'] = ('this machine: %d UDP datagrams/s through the '
                         'user network\'s forwarding' % DPDK_PPS)
            lines = text.splitlines()
            m = re.match(r'\[exit (-?\d+)\]$', lines[-1]) if lines else None
            rc = int(m.group(1)) if m else None
            if m:
                lines.pop()
            try:
                w['result'] = hw.parse_dpdk('\n'.join(lines), rc, name)
            except hw.ToolError as e:
                # kept whole: its output says why, and the host's counters
                # still count.  On POWER only the sPAPR IOMMU type can
                # apply (Type 1 and No-IOMMU are refused everywhere): its
                # line first
                err = sorted(str(e).splitlines(),
                             key=lambda x: 'sPAPR' not in x)
                w.update(status='failed', error='\n'.join(err),
                         result={'exit_code': rc, 'output_tail': lines[-30:]})
        elif name.startswith('iperf3-'):
            w['tool'] = 'iperf3'
            w['result'] = hw.parse_iperf3(text)
            w['peer'] = PEER
        else:
            w['tool'] = 'guest_init (ARP who-has, one at a time)'
            w['result'] = json.loads(text)
            if w['result'].get('lost'):
                w['notes'] = ['%d of %d ARP requests unanswered within 1 s'
                              % (w['result']['lost'],
                                 w['result']['rounds'])]
    except (hw.ParseError, hw.ToolError, ValueError) as e:
        return {'status': 'failed', 'error': str(e), 'result': {},
                'optional': w['optional'], 'tool': w.get('tool')}
    if host:
        kvm = host.get('kvm', {})
        irqs = sum(host.get('host_irqs', {}).values())
        if kvm.get('pthru_all') is None or kvm.get('pthru_host') is None:
            host['kvm'] = kvm = {'status': 'absent'}
        bypassed = (kvm['pthru_all'] - kvm['pthru_host']) \
            if 'status' not in kvm else None
        c = w['counters']['host']
        if bypassed is None:
            c['kvm'] = kvm
        else:
            kvm['bypassed'] = bypassed
            kvm['bypassed_pct'] = 100.0 * bypassed / irqs if irqs else None
            kvm['exits_per_irq'] = kvm['sum_exits'] / irqs \
                if irqs and kvm.get('sum_exits') is not None else None
            c['kvm'] = {'status': 'ok', 'delta': kvm}
        c['interrupts'] = {'total': irqs, 'by_device': host['host_irqs']}
        if host.get('cpu'):
            # the emulated host's CPUs (all of them) over the workload
            st = [{'cpu': dict(zip(hw.STAT_FIELDS, host['cpu'][k])),
                   'cpus_online': host['cpu']['cpus']}
                  for k in ('before', 'after')]
            c['cpu'] = hw.proc_stat_delta(st[0], st[1])
        if 'vxics' in host:
            v = dict(host['vxics'])
            v['bypassed_pct'] = 100.0 * v['bypassed'] / irqs if irqs \
                else None
            c['vxics'] = {'status': 'ok', 'delta': v}
    return w


def parse(name, log, secs):
    """The "vxics-bench/1" documents of one boot's console @log"""
    kernel, _, bypass, extra = CONFIGS[name]
    with open(log, errors='replace') as f:
        text = f.read()
    banner = BANNER.search(text)
    runs, cur, host, tap = {}, None, {}, {}
    for line in text.splitlines():
        i = line.find('qemu_guest: ')
        if i < 0:
            continue
        line = line[i + len('qemu_guest: '):]
        m = re.match(r'(not ok|ok) \d+ - bench (\d+) ', line)
        if m:
            tap[int(m.group(2))] = m.group(1) == 'ok'
            continue
        if not line.startswith('[bench] '):
            continue
        line = line[len('[bench] '):]
        m = re.match(r'begin (\d+) (\S+)$', line)
        if m:
            cur = (int(m.group(1)), m.group(2))
            runs.setdefault(cur[0], {})[cur[1]] = []
        elif line.startswith('| ') and cur:
            runs[cur[0]][cur[1]].append(line[2:])
        elif line.startswith('host ') and cur:
            host[cur] = json.loads(line.split(' ', 2)[2])
        elif line.startswith('end '):
            cur = None
    docs = []
    for r in sorted(runs):
        doc = hw.new_doc('emulated')
        doc['config'] = {'name': name, 'kernel': kernel, 'bypass': bypass,
                         'switch': extra or 'default', 'repeat': r,
                         'label': name}
        doc['system'] = {
            'host': {'kernel': banner.group(1) if banner else None,
                     'machine': 'PowerNV POWER8, emulated (qemu-system-ppc64 '
                                '-M powernv8 -cpu power8 -smp 4, TCG)',
                     'qemu': 'Debian 12 ppc64el qemu-system-ppc64 7.2 (in '
                             'the emulated host); emulator: %s' %
                             qemu_version()},
            'guest': {'kernel': guest_kernel(), 'machine': 'pseries, '
                      '2 vCPUs, 256 MiB, kernel-irqchip=on'}}
        for wl, lines in runs[r].items():
            doc['workloads'][wl] = workload(wl, '\n'.join(lines),
                                            host.get((r, wl)))
        doc['notes'] = ['TCG: times are the emulation\'s; compare '
                        'configurations by ratio within one run',
                        'guest boot %s' % ('passed' if tap.get(r)
                                           else 'FAILED')]
        if not tap.get(r):
            for w in doc['workloads'].values():
                w['status'] = 'failed'
                w.setdefault('error', 'the guest boot failed')
        docs.append(doc)
    return docs


def write(docs, outdir):
    os.makedirs(outdir, exist_ok=True)
    paths = []
    for d in docs:
        p = os.path.join(outdir, '%s-%d.json' % (d['config']['name'],
                                                 d['config']['repeat']))
        with open(p, 'w') as f:
            json.dump(d, f, indent=1, sort_keys=True)
            f.write('\n')
        paths.append(p)
    return paths


def report(inputs, outdir):
    return subprocess.run(['/usr/bin/python3',
                           os.path.join(TOP, 'bench', 'report', 'report.py'),
                           '--out-dir', outdir] + inputs).returncode


def sender_check():
    """dpdk_sender() on a console that we write a line at a time: for each
    phase (before the first line, then after each), whether no datagram
    came"""
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(('127.0.0.1', 0))
    q = '[vxt] qemu_guest: '
    lines = [q + '[bench] begin 1 dpdk-l3fwd-power\n',
             q + '[bench] end 1 dpdk-l3fwd-power\n',
             q + '[bench] begin 2 dpdk-l3fwd-',      # a line in two writes
             'power\n',
             q + 'not ok 3 - bench 2 (our kernel): 5 of 6 workloads\n',
             q + '[bench] begin 3 arp-rr\n',
             q + '[bench] begin 3 dpdk-l3fwd-power\n',
             q + '[bench] host dpdk-l3fwd-power {}\n']
    quiet = []
    stop = threading.Event()
    with tempfile.NamedTemporaryFile('w', buffering=1) as log:
        t = threading.Thread(target=dpdk_sender,
                             args=(log.name, stop, rx.getsockname()))
        t.start()
        try:
            for line in [None] + lines:
                if line:
                    log.write(line)
                time.sleep(0.2)
                rx.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    while rx.recv(64):
                        pass        # what came before this phase
                rx.settimeout(0.3)
                try:
                    rx.recv(64)
                    quiet.append(False)
                except socket.timeout:
                    quiet.append(True)
        finally:
            stop.set()
            t.join()
            rx.close()
    return quiet


def check():
    """make check: a short run, its files and its report checked"""
    outdir = os.path.join(OUT, 'bench-check')
    log = os.path.join(OUT, 'bench-check.log')
    passed = failed = 0

    def ok(cond, msg):
        nonlocal passed, failed
        print('%s - %s' % ('ok' if cond else 'not ok', msg))
        passed += bool(cond)
        failed += not cond

    got = sender_check()
    ok(got == [True, False, True, True, False, True, True, False, True],
       'the DPDK sender sends only while the console says DPDK runs '
       '(quiet in each phase: %s)' % got)
    with peer(log):
        rc = boot('ours-bypass-on', 1, 1, log)
    ok(rc == 0, 'the emulated host ran the guest\'s workloads (log %s)' % log)
    docs = parse('ours-bypass-on', log, 1)
    ok(len(docs) == 1, 'one result document (%d)' % len(docs))
    for d in docs:
        ws = d['workloads']
        ok(set(ws) == {'fio-randread-qd1', 'fio-randread-qd16', 'arp-rr',
                       'sockperf-udp-pp', 'iperf3-tcp-rx',
                       'dpdk-l3fwd-power'} and
           all(w['status'] == 'ok' for w in ws.values() if not w['optional']),
           'six workloads, all but the optional one ok (%s)' % ', '.join(
               '%s %s' % (k, w['status']) for k, w in sorted(ws.items())))
        # DPDK: in interrupt mode and woken by the sender's datagrams, or
        # refused for the one reason benchmarks.rst gives (6.1's pseries
        # guest has no sPAPR TCE v2 container): any other failure is ours
        dp = ws.get('dpdk-l3fwd-power', {})
        wake = _get(dp, 'result', 'rx_interrupt_wakeups')
        err = dp.get('error') or ''
        why = err.splitlines()[:1] or ['no error recorded']  # sPAPR's first
        ok(dp.get('optional') and
           (dp.get('status') == 'ok' and wake or
            dp.get('status') == 'failed' and DPDK_KNOWN in err),
           'DPDK l3fwd-power: %s' % (
               '%s Rx interrupt wake-ups' % wake if dp.get('status') == 'ok'
               else why[0]))
        sp = _get(ws, 'sockperf-udp-pp', 'result', 'received')
        ip = _get(ws, 'iperf3-tcp-rx', 'result', 'received_bps')
        nic = _get(ws, 'sockperf-udp-pp', 'counters', 'host', 'interrupts',
                   'by_device', 'nic')
        ok(sp and ip and nic,
           'network: %s sockperf replies (%s NIC interrupts on the host), '
           'iperf3 %s bit/s to the guest' % (sp, nic, ip))
        busy = _get(ws, 'fio-randread-qd16', 'counters', 'host', 'cpu',
                    'busy_cpus')
        gcpu = _get(ws, 'fio-randread-qd16', 'result', 'cpu', 'usr_pct')
        ok(busy is not None and 0 < busy <= 4 and gcpu is not None,
           'fio QD16: host CPUs busy %s of 4, guest usr %s %%' % (busy, gcpu))
        qd1 = ws.get('fio-randread-qd1', {})
        ios = _get(qd1, 'result', 'read', 'ios')
        irqs = _get(qd1, 'counters', 'host', 'interrupts', 'total')
        byp = _get(qd1, 'counters', 'host', 'vxics', 'delta', 'bypassed')
        via_host = _get(qd1, 'counters', 'host', 'kvm', 'delta',
                        'pthru_host')
        # every interrupt the host counted went one way or the other (the
        # counters are read as the console lines come: 2 may be in flight)
        ok(ios and irqs and irqs >= ios and byp and
           via_host is not None and abs(byp + via_host - irqs) <= 2,
           'fio QD1: %s reads, %s host interrupts = %s bypassed + %s by '
           'the host path' % (ios, irqs, byp, via_host))
    paths = write(docs, outdir)
    ok(report(paths, outdir) == 0 and
       os.path.exists(os.path.join(outdir, 'report.md')),
       'report.py turned them into %s' % os.path.join(outdir, 'report.md'))
    print('%d passed, %d failed' % (passed, failed))
    return 0 if not failed else 1


def _get(d, *path):
    for p in path:
        if not isinstance(d, dict) or d.get(p) is None:
            return None
        d = d[p]
    return d


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--configs', default=','.join(CONFIGS))
    ap.add_argument('--secs', type=int, default=3)
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--out', default=os.path.join(TOP, 'bench', 'results',
                                                  'emulated'))
    ap.add_argument('--check', action='store_true')
    a = ap.parse_args()
    if a.check:
        return check()
    bad = 0
    for name in a.configs.split(','):
        for old in glob.glob(os.path.join(a.out, '%s-*.json' % name)):
            os.unlink(old)      # a run with fewer repeats leaves none behind
        if name not in CONFIGS:
            raise SystemExit('bench: no configuration %s (%s)' %
                             (name, ', '.join(CONFIGS)))
        log = os.path.join(OUT, 'bench-%s.log' % name)
        with peer(log):
            rc = boot(name, a.secs, a.runs, log)
        if rc and os.path.exists(log):
            # kept apart: the next run of this configuration overwrites @log
            keep = os.path.join(OUT, 'bench-%s-failed-%s.log' % (
                name, time.strftime('%Y%m%d-%H%M%S')))
            shutil.copyfile(log, keep)
            print('bench: %s failed (exit %d); its console: %s' %
                  (name, rc, keep), flush=True)
        bad += rc != 0
        paths = write(parse(name, log, a.secs), a.out)
        print('bench: %s: %s' % (name, ', '.join(paths)), flush=True)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
