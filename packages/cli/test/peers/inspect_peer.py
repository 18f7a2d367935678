"""Builds kazoo layouts for the cli's inspectors: a held and a waiting Lock, a Semaphore of
two leases held with a third acquirer waiting, a Queue with two priorities and a LockingQueue with one entry taken. Usage: inspect_peer.py HOSTS BASE;
prints "ready", exits when stdin closes."""
import sys
import threading
import time

from kazoo.client import KazooClient

hosts, base = sys.argv[1], sys.argv[2]
zk = KazooClient(hosts=hosts, timeout=10)
zk.start(timeout=20)

holder = zk.Lock(base + "/klock", "k-holder")
holder.acquire()
waiter = zk.Lock(base + "/klock", "k-waiter")
threading.Thread(target=waiter.acquire, daemon=True).start()
while len(zk.get_children(base + "/klock")) < 2:
    time.sleep(0.02)

leases = [zk.Semaphore(base + "/ksem", "k-s%d" % i, max_leases=2) for i in (1, 2, 3)]
leases[0].acquire()
leases[1].acquire()
threading.Thread(target=leases[2].acquire, daemon=True).start()
while not zk.exists(base + "/ksem-__lock__") or len(zk.get_children(base + "/ksem-__lock__")) < 1:
    time.sleep(0.02)

queue = zk.Queue(base + "/kqueue")
queue.put(b"normal", priority=100)
queue.put(b"urgent", priority=5)

locking = zk.LockingQueue(base + "/klq")
locking.put(b"first")
locking.put(b"second")
assert locking.get(timeout=10) == b"first"

print("ready", flush=True)
sys.stdin.read()
zk.stop()
