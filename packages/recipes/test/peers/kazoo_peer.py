"""Interop peer: a kazoo 2.8 recipe on a path. Prints ACQUIRED when it holds the lock (or
leads), then waits for a line on stdin, releases, prints RELEASED and exits.

usage: kazoo_peer.py <hosts> <path> <lock|lock-extra|election> <identifier> [timing-mode args]
"""
import sys
import threading

from kazoo.client import KazooClient

hosts, path, mode, ident = sys.argv[1:5]
zk = KazooClient(hosts=hosts, timeout=4.0)
zk.start()
print("STARTED", flush=True)
if mode in ("lock", "lock-extra"):
    extra = ["-lock-"] if mode == "lock-extra" else []
    lock = zk.Lock(path, ident, extra_lock_patterns=extra)
    lock.acquire()
    print("ACQUIRED", flush=True)
    sys.stdin.readline()
    lock.release()
elif mode == "election":
    election = zk.Election(path, ident)
    done = threading.Event()

    def lead():
        print("ACQUIRED", flush=True)
        sys.stdin.readline()

    election.run(lead)
print("RELEASED", flush=True)
zk.stop()
zk.close()
