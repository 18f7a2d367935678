"""Interop peer: a kazoo 2.8 Party or ShallowParty member, driven line by line on stdin.

usage: kazoo_party_peer.py <hosts> <path> <party|shallow> <identifier>
Joins and prints JOINED; `members` prints MEMBERS <id>,<id>,... (sorted);
`quit` leaves, prints BYE and exits.
"""
import sys

from kazoo.client import KazooClient

hosts, path, mode, ident = sys.argv[1:5]
zk = KazooClient(hosts=hosts, timeout=4.0)
zk.start()
party = zk.Party(path, ident) if mode == "party" else zk.ShallowParty(path, ident)
party.join()
print("JOINED", flush=True)
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "quit":
        break
    if cmd == "members":
        print("MEMBERS " + ",".join(sorted(party)), flush=True)
    else:
        print("UNKNOWN " + cmd, flush=True)
party.leave()
zk.stop()
zk.close()
print("BYE", flush=True)
