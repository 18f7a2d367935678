// Interop of the shared-state and membership recipes with real Curator 5.4 (Debian
// libcurator-*-java) and kazoo 2.8 (Debian python3-kazoo) on one server, in both
// directions: SharedCount, DistributedAtomicLong (Counter int64), GroupMember, Party,
// ShallowParty.
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { Counter, GroupMember, Party, SharedCount, ShallowParty } from '../src/index.js';
import { harness } from './helpers.js';
import { LinePeer, PEERS, compileJavaPeer } from './peer-process.js';

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

function kazoo(absPath: string, mode: 'party' | 'shallow', id: string): LinePeer {
  const p = new LinePeer('/usr/bin/python3', [path.join(PEERS, 'kazoo_party_peer.py'), inject('zkConnect'), absPath, mode, id]);
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

describe('membership interop', () => {
  it('GroupMember: Curator and zookit members see each other and each other leaving', async () => {
    const zk = await h.client();
    const peer = curator(zk.chroot + '/interop/group', 'member', 'curator-1', 'c-data');
    await peer.next('STARTED');
    const ours = new GroupMember(zk, '/interop/group', 'zookit-1', 'z-data');
    await ours.start();
    expect(await ours.waitForJoin({ timeout: 10_000 })).toBe(true);
    await expect.poll(() => [...ours.members()].map(([k, v]) => `${k}=${v}`)).toEqual(['curator-1=c-data', 'zookit-1=z-data']);
    await expect.poll(() => peer.ask('members', 'MEMBERS'), { timeout: 10_000 }).toBe('curator-1=c-data,zookit-1=z-data');
    await peer.quit();
    await expect.poll(() => [...ours.members().keys()]).toEqual(['zookit-1']);
    const peer2 = curator(zk.chroot + '/interop/group', 'member', 'curator-2', 'c2');
    await peer2.next('STARTED');
    await ours.close();
    await expect.poll(() => peer2.ask('members', 'MEMBERS'), { timeout: 10_000 }).toBe('curator-2=c2');
  });

  for (const mode of ['party', 'shallow'] as const) {
    it(`${mode === 'party' ? 'Party' : 'ShallowParty'}: kazoo and zookit members list each other`, async () => {
      const zk = await h.client();
      const p = `/interop/${mode}`;
      const peer = kazoo(zk.chroot + p, mode, 'kazoo-1');
      await peer.next('JOINED');
      const ours = mode === 'party' ? new Party(zk, p, 'zookit-1') : new ShallowParty(zk, p, 'zookit-1');
      expect(await ours.members()).toEqual(['kazoo-1']);
      await ours.join();
      expect((await ours.members()).sort()).toEqual(['kazoo-1', 'zookit-1']);
      expect(await peer.ask('members', 'MEMBERS')).toBe('kazoo-1,zookit-1');
      await ours.leave();
      expect(await peer.ask('members', 'MEMBERS')).toBe('kazoo-1');
      await peer.quit();
      expect(await ours.members()).toEqual([]);
    });
  }
});
