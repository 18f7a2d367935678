import { NoNodeError, joinPath, parentOf, basename, type Stat, type ZooKeeperClient } from '@zookit/client';
import { sortContenders } from '@zookit/recipes';

/** One line of `locks`: a contender or a lease. */
export interface LockRow {
  position: number;
  state: 'HOLDS' | 'waits';
  kind: string;
  seq: number | null;
  token: bigint;
  session: bigint;
  identifier: string;
  naming: string;
  node: string;
}

/** A semaphore's leases and waiters, and its size when the layout records it. */
export interface SemaphoreView {
  layout: 'Curator InterProcessSemaphoreV2' | 'kazoo Semaphore';
  maxLeases: number | undefined;
  rows: LockRow[];
}

async function read(zk: ZooKeeperClient, path: string): Promise<{ data: Buffer; stat: Stat } | undefined> {
  try {
    return await zk.get(path);
  } catch (err) {
    if (err instanceof NoNodeError) return undefined;
    throw err;
  }
}

async function children(zk: ZooKeeperClient, path: string): Promise<string[]> {
  try {
    return await zk.getChildren(path);
  } catch (err) {
    if (err instanceof NoNodeError) return [];
    throw err;
  }
}

/** The contenders of a lock path in queue order, read (the recipes' naming rules). */
async function queue(zk: ZooKeeperClient, path: string): Promise<Array<{ name: string; seq: number; data: Buffer; stat: Stat }>> {
  const ordered = sortContenders(await children(zk, path));
  const nodes = await Promise.all(ordered.map((c) => read(zk, joinPath(path, c.name))));
  return ordered.flatMap((c, i) => (nodes[i] ? [{ name: c.name, seq: c.seq, ...nodes[i] }] : []));
}

const row = (position: number, state: LockRow['state'], node: { name: string; seq: number | null; data: Buffer; stat: Stat }, naming: string): LockRow => ({
  position, state, kind: 'lease', seq: node.seq, token: node.stat.czxid, session: node.stat.ephemeralOwner,
  identifier: node.data.toString('utf8'), naming, node: node.name,
});

const LEASE = /-lease-(\d{10})$/;

/**
 * Curator's InterProcessSemaphoreV2: `<path>/leases/_c_<uuid>-lease-<seq>` and a mutex at
 * `<path>/locks`. Whoever holds the mutex is still acquiring: its lease node (the newest of
 * its session) waits for a free lease; every other lease is held. `leases` overrides that.
 */
async function curatorSemaphore(zk: ZooKeeperClient, path: string, leases: number | undefined): Promise<SemaphoreView> {
  const names = (await children(zk, joinPath(path, 'leases'))).filter((n) => LEASE.test(n));
  names.sort((a, b) => Number(LEASE.exec(a)![1]) - Number(LEASE.exec(b)![1]));
  const nodes = await Promise.all(names.map((n) => read(zk, joinPath(joinPath(path, 'leases'), n))));
  const list = names.flatMap((name, i) => (nodes[i] ? [{ name, seq: Number(LEASE.exec(name)![1]), ...nodes[i] }] : []));
  const acquiring = (await queue(zk, joinPath(path, 'locks')))[0]?.stat.ephemeralOwner;
  const waiting = leases === undefined ? list.findLast((l) => l.stat.ephemeralOwner === acquiring) : undefined;
  const rows = list.map((l, i) => row(i, (leases === undefined ? l !== waiting : i < leases) ? 'HOLDS' : 'waits', l, 'curator'));
  return { layout: 'Curator InterProcessSemaphoreV2', maxLeases: leases, rows };
}

/**
 * kazoo's Semaphore: `<path>` holds the lease count as its data and one child per held lease
 * (32 hex digits, the holder's identifier as data); acquirers queue on the lock `<path>-__lock__`.
 */
async function kazooSemaphore(zk: ZooKeeperClient, path: string, max: number, leaseNames: string[]): Promise<SemaphoreView> {
  const nodes = await Promise.all(leaseNames.map((n) => read(zk, joinPath(path, n))));
  const held = leaseNames.flatMap((name, i) => (nodes[i] ? [{ name, seq: null, ...nodes[i] }] : []));
  held.sort((a, b) => (a.stat.czxid < b.stat.czxid ? -1 : 1));
  const lockPath = path === '/' ? '' : joinPath(parentOf(path), `${basename(path)}-__lock__`);
  const waiters = lockPath ? await queue(zk, lockPath) : [];
  // kazoo 2.8 hands the lock its identifier as bytes, which the lock writes as Python's
  // repr (`b'worker-3'`): show the identifier itself.
  const unwrap = (r: LockRow): LockRow => ({ ...r, identifier: /^b'(.*)'$/.exec(r.identifier)?.[1] ?? r.identifier });
  const rows = [...held.map((h, i) => row(i, 'HOLDS', h, 'kazoo')), ...waiters.map((w, i) => unwrap(row(held.length + i, 'waits', w, 'kazoo')))];
  return { layout: 'kazoo Semaphore', maxLeases: max, rows };
}

/** The semaphore at `path` when it has a Curator or kazoo semaphore's layout, else undefined. */
export async function semaphoreAt(zk: ZooKeeperClient, path: string, leases: number | undefined): Promise<SemaphoreView | undefined> {
  const [node, kids] = await Promise.all([read(zk, path), children(zk, path)]);
  if (!node) return undefined;
  if (kids.includes('leases')) return curatorSemaphore(zk, path, leases);
  const hexNames = kids.filter((k) => /^[0-9a-f]{32}$/.test(k));
  const max = /^\d+$/.test(node.data.toString('utf8')) ? Number(node.data.toString('utf8')) : undefined;
  if (max !== undefined && hexNames.length > 0 && hexNames.length === kids.length) return kazooSemaphore(zk, path, max, hexNames);
  return undefined;
}
