"""Benchmark child for kazoo (Debian python3-kazoo): /usr/bin/python3 kazoo_bench.py <workload> key=value...

Prints `RESULT {json}`. Throughput loops use kazoo's *_async API with a window of outstanding requests;
serial loops use the synchronous calls. The `watches` workload prints `CUT` and waits for `OK` on stdin.
"""
import gc
import json
import logging
import statistics
import sys
import threading
import time
import tracemalloc

from kazoo.client import KazooClient
from kazoo.exceptions import NodeExistsError

logging.basicConfig(level=logging.CRITICAL)

workload = sys.argv[1]
P = dict(a.split('=', 1) for a in sys.argv[2:])


def num(k):
    return int(float(P[k]))


def rss_bytes():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    return 0


def open_client(hosts=None):
    zk = KazooClient(hosts=hosts or P['hosts'], timeout=float(P.get('sessionTimeout', 10000)) / 1000)
    zk.start(timeout=30)
    return zk


def close(zk):
    zk.stop()
    zk.close()


def pct(sorted_xs, p):
    return sorted_xs[min(len(sorted_xs) - 1, int(p / 100 * len(sorted_xs)))]


def pipelined(n, window, issue):
    """n requests, at most `window` outstanding; issue(i) returns kazoo's IAsyncResult."""
    sem = threading.Semaphore(window)
    done = threading.Event()
    state = {'left': n, 'error': None}
    lock = threading.Lock()

    def finished(res):
        if res.exception is not None and state['error'] is None:
            state['error'] = res.exception
        sem.release()
        with lock:
            state['left'] -= 1
            if state['left'] == 0:
                done.set()

    if n == 0:
        return
    for i in range(n):
        sem.acquire()
        if state['error'] is not None:
            break
        issue(i).rawlink(finished)
    done.wait(120)
    if state['error'] is not None:
        raise state['error']


def ensure(zk, path):
    try:
        zk.create(path, b'')
    except NodeExistsError:
        pass


def w_connect():
    times = []
    for _ in range(num('count')):
        t0 = time.perf_counter()
        zk = open_client()
        times.append((time.perf_counter() - t0) * 1000)
        close(zk)
    rest = times[1:] or times
    return {'first_ms': times[0], 'connect_ms': statistics.median(rest)}


def serial(big):
    zk = open_client()
    path = P['path']
    data, _ = zk.get(path)
    if big and len(data) != num('size'):
        raise RuntimeError('1 MB read returned %d bytes' % len(data))
    for _ in range(num('warmup')):
        zk.get(path)
    n = num('count')
    lat = []
    c0 = time.process_time()
    t0 = time.perf_counter()
    for _ in range(n):
        s = time.perf_counter()
        zk.get(path)
        lat.append((time.perf_counter() - s) * 1000)
    wall = time.perf_counter() - t0
    cpu = (time.process_time() - c0) * 1e6
    lat.sort()
    close(zk)
    return {'ops_s': n / wall, 'p50_ms': pct(lat, 50), 'p99_ms': pct(lat, 99), 'cpu_us_op': cpu / n}


def throughput(what):
    zk = open_client()
    w = num('window')
    data = b'x' * num('size') if 'size' in P else b''
    parent = '%s/c-%s' % (P['base'], P['run'])
    target = '%s/s-%s' % (P['base'], P['run'])
    if what == 'get':
        path = P['path']
        op = lambda i: zk.get_async(path)
    elif what == 'create':
        ensure(zk, parent)
        prefix = parent + '/n-'
        op = lambda i: zk.create_async(prefix, data, sequence=True)
    else:
        ensure(zk, target)
        op = lambda i: zk.set_async(target, data)
    pipelined(num('warmup'), w, op)
    n = num('count')
    c0 = time.process_time()
    t0 = time.perf_counter()
    pipelined(n, w, op)
    wall = time.perf_counter() - t0
    cpu = (time.process_time() - c0) * 1e6
    if what == 'create':
        kids = zk.get_children(parent)
        pipelined(len(kids), w, lambda i: zk.delete_async('%s/%s' % (parent, kids[i])))
        zk.delete(parent)
    elif what == 'set':
        zk.delete(target)
    close(zk)
    return {'ops_s': n / wall, 'cpu_us_op': cpu / n}


def w_lock():
    zk = open_client()
    lock = zk.Lock('%s/lock-%s' % (P['base'], P['run']), 'bench')
    for _ in range(num('warmup')):
        lock.acquire()
        lock.release()
    n = num('count')
    c0 = time.process_time()
    t0 = time.perf_counter()
    for _ in range(n):
        lock.acquire()
        lock.release()
    wall = time.perf_counter() - t0
    cpu = (time.process_time() - c0) * 1e6
    close(zk)
    return {'cycles_s': n / wall, 'cpu_us_op': cpu / n}


def w_contended():
    k = num('sessions')
    path = '%s/clock-%s' % (P['base'], P['run'])
    clients = [open_client() for _ in range(k)]
    st = {'holder': -1, 'violations': 0, 'handoffs': 0, 'stop': False, 'error': None}
    duration = float(P['seconds'])
    t0 = time.perf_counter()

    def worker(i, zk):
        lock = zk.Lock(path, 'w%d' % i)
        try:
            while not st['stop']:
                lock.acquire()
                if st['holder'] != -1:
                    st['violations'] += 1
                st['holder'] = i
                st['handoffs'] += 1
                if time.perf_counter() - t0 >= duration:
                    st['stop'] = True
                st['holder'] = -1
                lock.release()
        except Exception as e:  # noqa: BLE001
            st['error'] = e
            st['stop'] = True

    threads = [threading.Thread(target=worker, args=(i, zk)) for i, zk in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    for zk in clients:
        close(zk)
    if st['error'] is not None:
        raise st['error']
    return {'handoffs_s': st['handoffs'] / wall, 'violations': st['violations']}


def w_election():
    times = []
    for r in range(num('count')):
        path = '%s/elect-%s-%d' % (P['base'], P['run'], r)
        za, zb = open_client(), open_client()
        a_leads, b_leads, b_release = threading.Event(), threading.Event(), threading.Event()
        stamp = {}

        def lead_a():
            a_leads.set()
            threading.Event().wait(3600)

        def lead_b():
            stamp['t1'] = time.perf_counter()
            b_leads.set()
            b_release.wait(60)

        ea, eb = za.Election(path, 'a'), zb.Election(path, 'b')
        threading.Thread(target=lambda: _quiet(ea.run, lead_a), daemon=True).start()
        a_leads.wait(30)
        tb = threading.Thread(target=lambda: _quiet(eb.run, lead_b), daemon=True)
        tb.start()
        time.sleep(0.2)
        t0 = time.perf_counter()
        za.stop()  # closes a's session
        if not b_leads.wait(30):
            raise RuntimeError('no new leader')
        times.append((stamp['t1'] - t0) * 1000)
        b_release.set()
        tb.join(5)
        close(zb)
        za.close()
    return {'failover_ms': statistics.median(times), 'max_ms': max(times)}


def _quiet(fn, *args):
    try:
        fn(*args)
    except Exception:  # noqa: BLE001
        pass


def w_sessions():
    n = num('count')
    gc.collect()
    rss0 = rss_bytes()
    t0 = time.perf_counter()
    clients = [KazooClient(hosts=P['hosts'], timeout=10) for _ in range(n)]
    events = [zk.start_async() for zk in clients]
    for ev in events:
        ev.wait(120)
    wall = (time.perf_counter() - t0) * 1000
    if not all(zk.connected for zk in clients):
        raise RuntimeError('not all sessions connected')
    for zk in clients:
        zk.exists('/')
    gc.collect()
    rss1 = rss_bytes()
    for zk in clients:
        zk.stop()
    return {'connect_all_ms': wall, 'rss_mb': rss1 / 1048576, 'kb_per_session': (rss1 - rss0) / 1024 / n}


def w_watches():
    n = num('count')
    zk = open_client()
    base = P['path']
    fired = threading.Event()

    def watcher(event):
        fired.set()

    for i in range(50):
        zk.exists('%s/n%d' % (base, i))
    gc.collect()
    rss0 = rss_bytes()
    tracemalloc.start()
    t0 = time.perf_counter()
    pipelined(n, num('window'), lambda i: zk.exists_async('%s/n%d' % (base, i), watch=watcher))
    set_ms = (time.perf_counter() - t0) * 1000
    gc.collect()
    heap, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.collect()
    rss1 = rss_bytes()
    sys.stdout.write('CUT\n')
    sys.stdout.flush()
    sys.stdin.readline()
    c0 = time.perf_counter()
    while True:
        try:
            zk.exists('/')
            break
        except Exception:  # noqa: BLE001
            time.sleep(0.001)
    rereg_ms = (time.perf_counter() - c0) * 1000
    zk.set('%s/n%d' % (base, n - 1), ('v%f' % time.time()).encode())
    fired.wait(5)
    close(zk)
    return {'heap_b_watch': heap / n, 'rss_b_watch': (rss1 - rss0) / n, 'rss_mb': rss1 / 1048576,
            'set_ms': set_ms, 'rereg_ms': rereg_ms, 'verified': fired.is_set()}

def w_queue():
    from kazoo_queue_bench import run_queue
    return run_queue(P, open_client, close)


WORKLOADS = {
    'connect': w_connect,
    'sget': lambda: serial(False),
    'big': lambda: serial(True),
    'pget': lambda: throughput('get'),
    'pcreate': lambda: throughput('create'),
    'pset': lambda: throughput('set'),
    'lock': w_lock,
    'contended': w_contended,
    'election': w_election,
    'sessions': w_sessions,
    'watches': w_watches,
    'queue': w_queue,
}

if __name__ == '__main__':
    import os
    code = 0
    try:
        fn = WORKLOADS.get(workload)
        out = fn() if fn else {'na': 'no %s workload' % workload}
    except Exception as e:  # noqa: BLE001
        import traceback
        traceback.print_exc()
        out = {'error': repr(e)[:200]}
        code = 1
    sys.stdout.write('RESULT %s\n' % json.dumps(out))
    sys.stdout.flush()
    os._exit(code)
