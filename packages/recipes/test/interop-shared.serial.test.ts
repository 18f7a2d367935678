// Interop of the shared-state recipes with real Curator 5.4 (Debian libcurator-*-java) on
// one server, in both directions: SharedCount, DistributedAtomicLong (Counter int64).
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { Counter, SharedCount } from '../src/index.js';
import { harness } from './helpers.js';
import { LinePeer, compileJavaPeer } from './peer-process.js';

const h = harness();
let classPath = '';
const peers: LinePeer[] = [];

beforeAll(() => {
  classPath = compileJavaPeer('CuratorSharedPeer.java');
}, 60_000);

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.quit()));
});

function curator(absPath: string, ...args: string[]): LinePeer {
  const p = new LinePeer('java', ['-cp', classPath, 'CuratorSharedPeer', inject('zkConnect'), absPath, ...args]);
  peers.push(p);
  return p;
}

describe('interop with Curator', () => {
  it('SharedCount: Curator and zookit increment one count, see each other, and lose races honestly', async () => {
    const zk = await h.client();
    const ours = new SharedCount(zk, '/interop/count', 7);
    await ours.start(); // zookit seeds the node
    const peer = curator(zk.chroot + '/interop/count', 'count', '100');
    await peer.next('STARTED');
    expect(await peer.ask('get', 'COUNT')).toBe('7 0');
    // Curator → zookit
    expect(await peer.ask('incr', 'INCR')).toBe('8');
    await expect.poll(() => ours.count).toBe(8);
    // zookit → Curator
    expect(await ours.trySet(9, ours.version)).toBe(true);
    await expect.poll(() => peer.seen('CHANGED')).toContain('9');
    // Curator's snapshot goes stale under zookit's write: its trySet loses.
    expect(await peer.ask('snap', 'SNAP')).toBe('9 2');
    await ours.set(20);
    await expect.poll(() => peer.seen('CHANGED')).toContain('20');
    expect(await peer.ask('tryset 50', 'TRYSET')).toBe('false');
    // zookit's stale version loses against Curator's write.
    const version = ours.version;
    expect(await peer.ask('incr', 'INCR')).toBe('21');
    expect(await ours.trySet(99, version)).toBe(false);
    expect(ours.count).toBe(21);
    await ours.close();
  });

  it('a Curator-seeded SharedCount is read by zookit', async () => {
    const zk = await h.client();
    const peer = curator(zk.chroot + '/interop/count2', 'count', '-5');
    await peer.next('STARTED');
    const ours = new SharedCount(zk, '/interop/count2', 0);
    await ours.start();
    expect(ours.count).toBe(-5);
    await ours.close();
  });

  it('Counter int64 and DistributedAtomicLong add to one value', async () => {
    const zk = await h.client();
    const peer = curator(zk.chroot + '/interop/long', 'long');
    await peer.next('STARTED');
    expect(await peer.ask('add 5', 'ADDED')).toBe('true 5');
    const counter = new Counter(zk, '/interop/long', { format: 'int64' });
    expect(await counter.add(2 ** 33)).toBe(2 ** 33 + 5);
    expect(await peer.ask('add -6', 'ADDED')).toBe(`true ${2 ** 33 - 1}`);
    expect(await counter.get()).toBe(2 ** 33 - 1);
  });
});
