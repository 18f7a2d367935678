"""kazoo 2.8 figures for measure.mjs: uncontended cycles/s, contended handoffs/s (8 clients), election failover ms."""
import json
import statistics
import sys
import threading
import time

from kazoo.client import KazooClient

hosts, base = sys.argv[1], sys.argv[2]
N, SECONDS = int(sys.argv[3]), float(sys.argv[4])


def client():
    zk = KazooClient(hosts=hosts, timeout=10.0)
    zk.start()
    return zk


zk = client()
lock = zk.Lock(base + "/uncontended", "k")
lock.acquire(); lock.release()
t0 = time.perf_counter()
for _ in range(N):
    lock.acquire()
    lock.release()
uncontended = N / (time.perf_counter() - t0)

clients = [client() for _ in range(8)]
count = [0]
stop = threading.Event()
mutex = threading.Lock()


def worker(c, i):
    l = c.Lock(base + "/contended", str(i))
    while not stop.is_set():
        l.acquire()
        with mutex:
            count[0] += 1
        l.release()


threads = [threading.Thread(target=worker, args=(c, i)) for i, c in enumerate(clients)]
t0 = time.perf_counter()
for t in threads: t.start()
time.sleep(SECONDS)
stop.set()
for t in threads: t.join()
contended = count[0] / (time.perf_counter() - t0)
for c in clients: c.stop(); c.close()

failovers = []
for r in range(5):
    cs = [client() for _ in range(3)]
    started = []
    ev = threading.Event()
    path = f"{base}/election-{r}"

    def run(c, i):
        def lead():
            started.append((i, time.perf_counter()))
            ev.set()
            threading.Event().wait(3600) if False else None
            while c.connected:
                time.sleep(0.01)
        try:
            c.Election(path, str(i)).run(lead)
        except Exception:
            pass

    ths = [threading.Thread(target=run, args=(c, i), daemon=True) for i, c in enumerate(cs)]
    for t in ths: t.start()
    ev.wait(10)
    while len(cs[0].get_children(path) if cs[0].connected else []) < 3 and cs[0].connected:
        time.sleep(0.005)
    leader = started[0][0]
    ev.clear()
    t_close = time.perf_counter()
    cs[leader].stop()
    ev.wait(10)
    failovers.append((started[1][1] - t_close) * 1000)
    for c in cs:
        try: c.stop(); c.close()
        except Exception: pass

print(json.dumps({"uncontended": uncontended, "contended": contended, "failover_ms": statistics.median(failovers)}))
zk.stop(); zk.close()
