"""A kazoo 2.8 SetPartitioner member for the cli's partitioner inspector. Usage:
partition_peer.py HOSTS PATH ITEMS(comma) IDENTIFIER; prints "ACQUIRED <items>" each time it
holds a set, leaves the party and exits when stdin closes."""
import sys
import threading

from kazoo.client import KazooClient

hosts, path, items, ident = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4]
zk = KazooClient(hosts=hosts, timeout=4.0)
zk.start(timeout=20)
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()

qp = zk.SetPartitioner(path, set(items), identifier=ident, time_boundary=0.3)
while not stop.is_set():
    if qp.failed:
        print("FAILED", flush=True)
        break
    if qp.release:
        qp.release_set()
    elif qp.acquired:
        print("ACQUIRED " + ",".join(sorted(qp)), flush=True)
        while qp.acquired and not qp.release and not stop.is_set():
            stop.wait(0.05)
    elif qp.allocating:
        qp.wait_for_acquire()
qp.finish()
zk.stop()
