// Interop of the work-distribution recipes with real Curator 5.4 (Debian libcurator-*-java)
// and kazoo 2.8 (Debian python3-kazoo): revocation, the V2 semaphore, the time lease and
// the set partitioner, each on one server with both peers.
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { Lock } from '../src/index.js';
import { harness } from './helpers.js';
import { LinePeer, compileJavaPeer } from './peer-process.js';

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
