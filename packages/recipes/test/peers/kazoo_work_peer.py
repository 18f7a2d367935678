"""Interop peer for the work-distribution recipes: kazoo 2.8 driven by lines on stdin.

  lease <path> <seconds> <identifier>   NonBlockingLease: LEASE true|false
  partition <path> <items,comma> <id>   SetPartitioner (time_boundary 0.5): prints
                                        ACQUIRED <items,comma> each time it holds a set,
                                        RELEASE when it gives one up
  quit

usage: kazoo_work_peer.py <hosts>
"""
import datetime
import sys
import threading

from kazoo.client import KazooClient

zk = KazooClient(hosts=sys.argv[1], timeout=4.0)
zk.start()
print("STARTED", flush=True)
stop = threading.Event()


def partition(path, items, ident):
    qp = zk.SetPartitioner(path, set(items), identifier=ident, time_boundary=0.5)
    while not stop.is_set():
        if qp.failed:
            print("FAILED", flush=True)
            return
        if qp.release:
            print("RELEASE", flush=True)
            qp.release_set()
        elif qp.acquired:
            print("ACQUIRED " + ",".join(sorted(qp)), flush=True)
            qp.wait_for_acquire()
            while qp.acquired and not stop.is_set():
                stop.wait(0.05)
        elif qp.allocating:
            qp.wait_for_acquire()
    qp.finish()


for line in sys.stdin:
    words = line.split()
    if not words or words[0] == "quit":
        break
    if words[0] == "lease":
        lease = zk.NonBlockingLease(words[1], datetime.timedelta(seconds=float(words[2])), identifier=words[3])
        print("LEASE " + ("true" if lease else "false"), flush=True)
    elif words[0] == "partition":
        threading.Thread(target=partition, args=(words[1], words[2].split(","), words[3]), daemon=True).start()
stop.set()
zk.stop()
