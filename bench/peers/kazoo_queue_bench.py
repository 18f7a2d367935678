"""The `queue` workload for kazoo (called by kazoo_bench.py): a producer puts `count` entries one
after the other (LockingQueue.put is synchronous) into a LockingQueue while `consumers` threads, each with its own KazooClient and
LockingQueue, get + consume them; measured from the first put until every entry was handled and
the queue is empty. Same shape as queue-bench.mjs."""
import threading
import time


def _round(producer, clients, path, count):
    seen = {}
    lock = threading.Lock()
    stop = threading.Event()

    def consume(zk):
        q = zk.LockingQueue(path)
        while not stop.is_set():
            data = q.get(timeout=0.2)
            if data is None:
                continue
            with lock:
                seen[data] = seen.get(data, 0) + 1
            q.consume()

    out = producer.LockingQueue(path)
    out.put(b'warm-the-path')
    threads = [threading.Thread(target=consume, args=(zk,), daemon=True) for zk in clients]
    for t in threads:
        t.start()
    deadline = time.perf_counter() + 30
    while b'warm-the-path' not in seen and time.perf_counter() < deadline:
        time.sleep(0.001)
    with lock:
        seen.clear()
    t0 = time.perf_counter()
    for i in range(count):
        out.put(('item-%d' % i).encode())
    tp = time.perf_counter()
    deadline = time.perf_counter() + 150
    while (len(seen) < count or producer.get_children(path + '/entries')) and time.perf_counter() < deadline:
        time.sleep(0.002)
    t1 = time.perf_counter()
    stop.set()
    for t in threads:
        t.join(5)
    dups = sum(n - 1 for n in seen.values())
    return {'items_s': count / (t1 - t0), 'produce_s': count / (tp - t0), 'lost': count - len(seen), 'duplicates': dups}


def run_queue(P, open_client, close):
    producer = open_client()
    clients = [open_client() for _ in range(int(P['consumers']))]
    _round(producer, clients, '%s/qw-%s' % (P['base'], P['run']), int(float(P['warmup'])))
    r = _round(producer, clients, '%s/q-%s' % (P['base'], P['run']), int(float(P['count'])))
    for zk in [producer] + clients:
        close(zk)
    return r
