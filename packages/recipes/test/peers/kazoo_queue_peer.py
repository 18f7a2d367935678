"""Interop peer: kazoo 2.8's LockingQueue.

produce: puts <count> entries b"kazoo-<i>" with priority i % 3 (0..2), prints PRODUCED.
consume: gets, prints "ITEM <data>", consumes; <count> times, then prints DONE.

usage: kazoo_queue_peer.py <hosts> <path> <produce|consume> <count>
"""
import sys

from kazoo.client import KazooClient

hosts, path, mode, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
zk = KazooClient(hosts=hosts, timeout=4.0)
zk.start()
queue = zk.LockingQueue(path)
print("STARTED", flush=True)
if mode == "produce":
    for i in range(count):
        queue.put(("kazoo-%d" % i).encode(), priority=i % 3)
    print("PRODUCED", flush=True)
else:
    for _ in range(count):
        data = queue.get(timeout=30)
        if data is None:
            print("TIMEOUT", flush=True)
            break
        print("ITEM " + data.decode(), flush=True)
        queue.consume()
    print("DONE", flush=True)
zk.stop()
zk.close()
