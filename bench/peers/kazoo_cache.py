"""Benchmark child for the `cache` workload with kazoo's TreeCache (see cache-worker.mjs for the steps).

usage: kazoo_cache.py cache key=value...   prints RESULT <json>; OUTAGE/HEAL lines ask the parent for the outage.
"""
import gc
import json
import logging
import sys
import threading
import time
import tracemalloc

from kazoo.client import KazooClient, KazooState
from kazoo.recipe.cache import TreeCache, TreeEvent

logging.basicConfig(level=logging.CRITICAL)
P = dict(a.split('=', 1) for a in sys.argv[2:])


def ask(line):
    sys.stdout.write(line + '\n')
    sys.stdout.flush()
    sys.stdin.readline()


def main():
    zk = KazooClient(hosts=P['hosts'], timeout=30.0)
    direct = KazooClient(hosts=P['direct'], timeout=30.0)
    zk.start()
    direct.start()
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    cache = TreeCache(zk, P['path'])
    initialized = threading.Event()
    counts = {'events': 0}

    def listener(event):
        if event.event_type == TreeEvent.INITIALIZED:
            initialized.set()
        elif event.event_type in (TreeEvent.NODE_ADDED, TreeEvent.NODE_UPDATED, TreeEvent.NODE_REMOVED):
            counts['events'] += 1

    cache.listen(listener)
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    cache.start()
    initialized.wait(600)
    load_ms = (time.perf_counter() - t0) * 1000
    cpu_ms = (time.process_time() - cpu0) * 1000
    nodes = count(cache, P['path'])
    gc.collect()
    heap = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    # outage
    ask('OUTAGE')
    o0 = time.perf_counter()
    expected = {}
    for i in range(10):
        p = '%s/a0/b0/c%d' % (P['path'], i)
        if i < 5:
            data, _ = direct.get(p)
            direct.delete(p)
            direct.create(p, data)
        else:
            direct.set(p, bytes([48 + int(time.time()) % 10]) * 100)
        expected[p] = direct.exists(p)
    time.sleep(max(0.0, int(P['outage']) / 1000 - (time.perf_counter() - o0)))
    counts['events'] = 0
    reconnected = {}

    def state(s):
        if s == KazooState.CONNECTED and 'at' not in reconnected:
            reconnected['at'] = time.perf_counter()

    zk.add_listener(state)
    ask('HEAL')
    healed = time.perf_counter()

    def visible():
        for p, s in expected.items():
            n = cache.get_data(p)
            if n is None or n.stat.czxid != s.czxid or n.stat.mzxid != s.mzxid:
                return False
        return True

    deadline = time.perf_counter() + 60
    while not visible() and time.perf_counter() < deadline:
        time.sleep(0.001)
    visible_at = time.perf_counter()
    time.sleep(0.5)
    cache.close()
    zk.stop()
    direct.stop()
    return {
        'nodes': nodes, 'load_ms': load_ms, 'load_cpu_ms': cpu_ms, 'heap_b_node': heap / nodes,
        'rebuild_ms': (visible_at - reconnected.get('at', healed)) * 1000, 'heal_to_visible_ms': (visible_at - healed) * 1000,
        'events': counts['events'], 'verified': visible(),
    }


def count(cache, path):
    n = 1
    for c in cache.get_children(path) or ():
        n += count(cache, path + '/' + c)
    return n


try:
    print('RESULT ' + json.dumps(main()), flush=True)
except Exception as e:  # pragma: no cover
    print('RESULT ' + json.dumps({'error': repr(e)[:500]}), flush=True)
    sys.exit(1)
