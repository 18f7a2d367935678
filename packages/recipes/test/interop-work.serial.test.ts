// Interop of the work-distribution recipes with real Curator 5.4 (Debian libcurator-*-java)
// and kazoo 2.8 (Debian python3-kazoo): revocation, the V2 semaphore, the time lease and
// the set partitioner, each on one server with both peers.
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import path from 'node:path';
import { Lock, Semaphore, SetPartitioner, TimedLease } from '../src/index.js';
import { harness } from './helpers.js';
import { LinePeer, PEERS, compileJavaPeer } from './peer-process.js';

const h = harness();
let classPath = '';
const peers: LinePeer[] = [];

beforeAll(() => {
  classPath = compileJavaPeer('CuratorWorkPeer.java');
}, 60_000);
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.quit()));
});

async function curator(): Promise<LinePeer> {
  const peer = new LinePeer('java', ['-cp', classPath, 'CuratorWorkPeer', inject('zkConnect')]);
  peers.push(peer);
  await peer.next('STARTED');
  return peer;
}

async function kazoo(): Promise<LinePeer> {
  const peer = new LinePeer('/usr/bin/python3', [path.join(PEERS, 'kazoo_work_peer.py'), inject('zkConnect')]);
  peers.push(peer);
  await peer.next('STARTED');
  return peer;
}

describe('revocation with Curator 5.4', () => {
  it("Curator's Revoker asks a revocable zookit holder, which lets go", async () => {
    const zk = await h.client();
    const peer = await curator();
    const lease = await new Lock(zk, '/interop/revoke-a', { revocable: true }).acquire();
    const asked = new Promise<void>((resolve) => lease.on('revoke', () => resolve()));
    expect(await peer.ask(`revoke ${zk.chroot}${lease.path}`, 'REVOKED')).toBe('');
    await asked;
    await lease.release();
    expect(await zk.getChildren('/interop/revoke-a')).toEqual([]);
  }, 60_000);

  it('Lock.revoke asks a revocable Curator InterProcessMutex holder, which releases; a zookit waiter then gets the lock', async () => {
    const zk = await h.client();
    const peer = await curator();
    const held = await peer.ask(`hold ${zk.chroot}/interop/revoke-b`, 'HELD');
    expect(held.startsWith(`${zk.chroot}/interop/revoke-b/_c_`)).toBe(true);
    const lock = new Lock(zk, '/interop/revoke-b');
    const waiting = lock.acquire({ timeout: 30_000 });
    await expect.poll(() => zk.getChildren('/interop/revoke-b').then((c) => c.length)).toBe(2);
    expect(await Lock.revoke(zk, held.slice(zk.chroot.length))).toBe(true);
    await peer.next('REVOKE_REQUESTED');
    await peer.next('RELEASED');
    const lease = await waiting;
    expect(lease.isHeld).toBe(true);
    await lease.release();
  }, 60_000);
});

describe('InterProcessSemaphoreV2 with Curator 5.4', () => {
  it("Java and Node holders share one semaphore (maxLeases 2) and never exceed it; waiters of both kinds are served", async () => {
    const zk = await h.client();
    const [a, b] = await Promise.all([curator(), curator()]);
    const abs = `${zk.chroot}/interop/v2`;
    const sem = (id: string) => new Semaphore(zk, '/interop/v2', { maxLeases: 2, naming: 'curator', identifier: id });
    const leases = () => zk.getChildren('/interop/v2/leases').then((c) => c.length, () => 0);
    const held = new Set<string>();
    const enter = (id: string) => {
      held.add(id);
      expect(held.size).toBeLessThanOrEqual(2);
    };
    // 1. a Java holder and a Node holder fill it
    a.proc.stdin.write(`sem ${abs} 2 java-a\n`);
    enter(await a.next('SEM_ACQUIRED'));
    const x = sem('node-x');
    await x.acquire({ timeout: 30_000 });
    enter('node-x');
    // 2. a Java waiter counts (holding the mutex); a Node waiter queues on the mutex; tryAcquire says no
    b.proc.stdin.write(`sem ${abs} 2 java-b\n`);
    await expect.poll(leases, { timeout: 20_000 }).toBe(3);
    const y = sem('node-y');
    const yAcquired = y.acquire({ timeout: 60_000 });
    expect(await sem('node-z').tryAcquire()).toBeNull();
    expect(b.seen('SEM_ACQUIRED')).toEqual([]);
    // 3. the Node holder leaves: the Java waiter (first in line) gets the slot, the Node waiter counts next
    held.delete('node-x');
    await x.release();
    enter(await b.next('SEM_ACQUIRED'));
    await expect.poll(leases, { timeout: 20_000 }).toBe(3);
    expect(y.isAcquired).toBe(false);
    // 4. a Java holder leaves: the Node waiter gets the slot
    a.proc.stdin.write('sem-release\n');
    await a.next('SEM_RELEASED');
    held.delete('java-a');
    await yAcquired;
    enter('node-y');
    expect(await y.leaseHolders()).toEqual(['java-b', 'node-y']);
    b.proc.stdin.write('sem-release\n');
    await b.next('SEM_RELEASED');
    await y.release();
    await expect.poll(leases).toBe(0);
  }, 120_000);
});

describe('InterProcessSemaphoreV2 churn with Curator 5.4', () => {
  it('2 Java and 2 Node participants × 8 acquisitions at maxLeases 2: every holder counts at most 2 holders', async () => {
    const zk = await h.client();
    const java = await Promise.all([curator(), curator()]);
    const abs = (p: string) => `${zk.chroot}${p}`;
    await zk.create('/interop/churn-holders', null, { makePath: true });
    for (const [i, peer] of java.entries()) peer.proc.stdin.write(`churn ${abs('/interop/churn')} 2 java${i} 8 ${abs('/interop/churn-holders')}\n`);
    const counts: number[] = [];
    const node = Array.from({ length: 2 }, async (_, i) => {
      const own = await h.client();
      const sem = new Semaphore(own, '/interop/churn', { maxLeases: 2, naming: 'curator', identifier: `node${i}` });
      for (let k = 0; k < 8; k++) {
        const lease = await sem.acquire({ timeout: 60_000 });
        await own.create(`/interop/churn-holders/node${i}-${k}`, null, { ephemeral: true });
        counts.push((await own.getChildren('/interop/churn-holders')).length);
        await new Promise((r) => setTimeout(r, 30));
        await own.delete(`/interop/churn-holders/node${i}-${k}`);
        await lease.release();
      }
    });
    await Promise.all(node);
    for (const peer of java) {
      await peer.next('CHURN_DONE', 60_000);
      counts.push(...peer.seen('COUNT').map(Number));
    }
    expect(counts).toHaveLength(32);
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
    expect(await zk.getChildren('/interop/churn/leases')).toEqual([]);
  }, 120_000);
});

describe('TimedLease with kazoo 2.8 NonBlockingLease', () => {
  it('a zookit holder keeps kazoo out; after release kazoo takes it and zookit is kept out; after kazoo\'s end passes zookit takes it', async () => {
    const zk = await h.client();
    const peer = await kazoo();
    const abs = `${zk.chroot}/interop/lease`;
    const ours = new TimedLease(zk, '/interop/lease', { duration: 60_000, identifier: 'zookit' });
    const lease = await ours.tryAcquire();
    expect(lease).not.toBeNull();
    expect(await peer.ask(`lease ${abs} 60 kazoo`, 'LEASE')).toBe('false');
    await lease!.release();
    expect(await peer.ask(`lease ${abs} 2 kazoo`, 'LEASE')).toBe('true');
    expect(await ours.tryAcquire()).toBeNull();
    // kazoo's end is its client clock to the second: poll until it has passed
    let taken: Awaited<ReturnType<TimedLease['tryAcquire']>> = null;
    await expect.poll(async () => (taken ??= await ours.tryAcquire()) !== null, { timeout: 10_000, interval: 250 }).toBe(true);
    // kazoo reads our node: held by zookit, not by kazoo
    expect(await peer.ask(`lease ${abs} 60 kazoo`, 'LEASE')).toBe('false');
    expect(await peer.ask(`lease ${abs} 60 zookit`, 'LEASE')).toBe('true'); // the same identity renews, as in kazoo
    expect(JSON.parse((await zk.get('/interop/lease/lease_holder')).data.toString()).holder).toBe('zookit');
  }, 60_000);
});

describe('SetPartitioner with kazoo 2.8', () => {
  it('a kazoo SetPartitioner and a zookit one share a set: kazoo alone holds all; zookit joins and they split it; zookit leaves and kazoo holds all again', async () => {
    const zk = await h.client();
    const peer = await kazoo();
    const items = ['a', 'b', 'c', 'd', 'e'];
    peer.proc.stdin.write(`partition ${zk.chroot}/interop/sp ${items.join(',')} kazoo\n`);
    expect(await peer.next('ACQUIRED')).toBe('a,b,c,d,e');
    const ours = new SetPartitioner(zk, '/interop/sp', items, { identifier: 'zookit', timeBoundary: 500 });
    const it = ours[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value!.items).toEqual(['b', 'd']); // sorted members: kazoo, zookit
    expect(await peer.next('ACQUIRED', 30_000)).toBe('a,c,e');
    expect(peer.seen('RELEASE').length).toBeGreaterThanOrEqual(1);
    await ours.close();
    await it.return!();
    expect(await peer.next('ACQUIRED', 30_000)).toBe('a,b,c,d,e');
    expect(peer.seen('FAILED')).toEqual([]);
  }, 90_000);
});
