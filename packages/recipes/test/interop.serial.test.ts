// Interop with the real peers on one server: Curator 5.4 (Debian libcurator-*-java) and
// kazoo 2.8 (Debian python3-kazoo), in both directions.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { inject, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Counter, Election, LeaderLatch, Lock, sortContenders, type LockOptions } from '../src/index.js';
import { harness } from './helpers.js';
import { CURATOR_JARS, PEERS, compileJavaPeer } from './peer-process.js';

const h = harness();
let classPath = '';

beforeAll(() => {
  classPath = compileJavaPeer('CuratorPeer.java');
}, 60_000);

class Peer {
  readonly lines: { line: string; at: number }[] = [];
  readonly #waiters: { line: string; resolve: (at: number) => void }[] = [];
  readonly exited: Promise<number | null>;
  constructor(readonly proc: ChildProcessWithoutNullStreams) {
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const at = performance.now();
      this.lines.push({ line, at });
      for (const w of [...this.#waiters]) if (w.line === line) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(at);
      }
    });
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
    void this.exited.then((code) => {
      if (code !== 0 && code !== null) console.error(`peer exited ${code}: ${stderr.slice(-2000)}`);
    });
  }
  /** Resolves with the time the line was printed. */
  waitFor(line: string, timeout = 30_000): Promise<number> {
    const seen = this.lines.find((l) => l.line === line);
    if (seen) return Promise.resolve(seen.at);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`peer did not print ${line} within ${timeout} ms; got ${JSON.stringify(this.lines)}`)), timeout);
      this.#waiters.push({ line, resolve: (at) => (clearTimeout(t), resolve(at)) });
      void this.exited.then(() => reject(new Error(`peer exited before ${line}`)));
    });
  }
  /** Tells the peer to release; returns the time. */
  release(): number {
    const at = performance.now();
    this.proc.stdin.write('release\n');
    return at;
  }
  has(line: string): boolean {
    return this.lines.some((l) => l.line === line);
  }
}

const peers: Peer[] = [];
afterEach(() => {
  for (const p of peers.splice(0)) p.proc.kill('SIGKILL');
});

function curator(chrootPath: string, mode: 'mutex' | 'selector' | 'latch', id: string): Peer {
  const p = new Peer(spawn('java', ['-cp', classPath, 'CuratorPeer', inject('zkConnect'), chrootPath, mode, id]));
  peers.push(p);
  return p;
}
function kazoo(chrootPath: string, mode: 'lock' | 'lock-extra' | 'election', id: string): Peer {
  const p = new Peer(spawn('/usr/bin/python3', [path.join(PEERS, 'kazoo_peer.py'), inject('zkConnect'), chrootPath, mode, id]));
  peers.push(p);
  return p;
}

/** The peers see the server root; the zookit client is chrooted. */
async function setup() {
  const zk = await h.client();
  const chroot = zk.chroot;
  return { zk, abs: (p: string) => chroot + p };
}

async function nodeCount(zk: Awaited<ReturnType<typeof h.client>>, p: string): Promise<number> {
  return zk.getChildren(p).then((c) => sortContenders(c).length, () => 0);
}

/** A peer holds first, zookit waits; then zookit holds first, the peer waits. */
async function bothDirections(spawnPeer: (p: string) => Peer, zookit: (zk: Awaited<ReturnType<typeof h.client>>) => Lock) {
  const { zk, abs } = await setup();
  const lock = zookit(zk);
  // 1. the peer holds, zookit waits
  const peer = spawnPeer(abs(lock.path));
  await peer.waitFor('ACQUIRED');
  let zookitAt = 0;
  const acquiring = lock.acquire({ timeout: 30_000 }).then((l) => ((zookitAt = performance.now()), l));
  await expect.poll(() => nodeCount(zk, lock.path), { timeout: 10_000 }).toBe(2);
  expect(lock.isAcquired).toBe(false);
  const releasedAt = peer.release();
  const lease = await acquiring;
  expect(zookitAt).toBeGreaterThan(releasedAt);
  await peer.waitFor('RELEASED');
  // 2. zookit holds, the peer waits
  const peer2 = spawnPeer(abs(lock.path));
  await peer2.waitFor('STARTED');
  await expect.poll(() => nodeCount(zk, lock.path), { timeout: 10_000 }).toBe(2);
  expect(peer2.has('ACQUIRED')).toBe(false);
  const ourReleaseAt = performance.now();
  await lease.release();
  const peerAt = await peer2.waitFor('ACQUIRED');
  expect(peerAt).toBeGreaterThan(ourReleaseAt);
  peer2.release();
  await peer2.waitFor('RELEASED');
  await expect.poll(() => nodeCount(zk, lock.path), { timeout: 10_000 }).toBe(0);
}

// The peers are installed by scripts/ensure-zookeeper.sh (Debian's python3-kazoo and
// libcurator-*-java); a missing one fails here rather than skipping quietly.
beforeAll(() => {
  const missing = CURATOR_JARS.filter((j) => !existsSync(j));
  if (missing.length) throw new Error(`Curator peer jars missing: ${missing.join(', ')} (run scripts/ensure-zookeeper.sh)`);
  if (!existsSync('/usr/lib/python3/dist-packages/kazoo/recipe/lock.py')) throw new Error('kazoo is missing (apt-get install python3-kazoo)');
});

describe('interop with Curator 5.4', () => {
  it('InterProcessMutex and a zookit Lock (default naming) exclude each other, both directions', async () => {
    await bothDirections((p) => curator(p, 'mutex', 'curator'), (zk) => new Lock(zk, '/interop/curator-mutex', { identifier: 'zookit' }));
  }, 90_000);

  it('LeaderSelector and zookit (the Lock under Election, default naming) share one leader, both directions', async () => {
    await bothDirections((p) => curator(p, 'selector', 'curator'), (zk) => new Lock(zk, '/interop/curator-selector', { identifier: 'zookit' }));
  }, 90_000);

  it('Curator LeaderLatch and a zookit LeaderLatch share one leader, both directions', async () => {
    const { zk, abs } = await setup();
    // Curator leads first; zookit waits, then takes over when Curator's latch closes.
    const first = curator(abs('/interop/latch'), 'latch', 'curator');
    await first.waitFor('ACQUIRED');
    const mine = new LeaderLatch(zk, '/interop/latch', 'zookit');
    mine.start();
    await expect.poll(() => mine.participants()).toEqual(['curator', 'zookit']);
    expect(mine.hasLeadership).toBe(false);
    const released = first.release();
    expect(await mine.awaitLeadership({ timeout: 20_000 })).toBe(true);
    expect(performance.now()).toBeGreaterThanOrEqual(released);
    await first.exited;
    // zookit leads; a Curator latch waits until zookit closes.
    const second = curator(abs('/interop/latch'), 'latch', 'curator-2');
    await expect.poll(() => mine.participants(), { timeout: 20_000 }).toEqual(['zookit', 'curator-2']);
    expect(second.has('ACQUIRED')).toBe(false);
    const closedAt = performance.now();
    await mine.close();
    expect(await second.waitFor('ACQUIRED')).toBeGreaterThanOrEqual(closedAt);
    second.release();
    await second.exited;
  }, 90_000);

  it('a zookit Election leads while a LeaderSelector waits, then hands over', async () => {
    const { zk, abs } = await setup();
    const election = new Election(zk, '/interop/curator-election', 'zookit');
    let stop!: () => void;
    let peer!: Peer;
    let endedAt = 0;
    await election.run(async () => {
      peer = curator(abs('/interop/curator-election'), 'selector', 'curator');
      await expect.poll(() => nodeCount(zk, '/interop/curator-election'), { timeout: 20_000 }).toBe(2);
      expect(peer.has('ACQUIRED')).toBe(false);
      stop = () => {};
      endedAt = performance.now();
    });
    stop();
    expect(await peer.waitFor('ACQUIRED')).toBeGreaterThan(endedAt);
    peer.release();
    await peer.waitFor('RELEASED');
  }, 90_000);
});

describe('interop with kazoo 2.8', () => {
  it('kazoo Lock with extra_lock_patterns=["-lock-"] and a zookit Lock (default naming), both directions', async () => {
    await bothDirections((p) => kazoo(p, 'lock-extra', 'kazoo'), (zk) => new Lock(zk, '/interop/kazoo-extra', { identifier: 'zookit' }));
  }, 60_000);

  it("plain kazoo Lock and a zookit Lock with naming 'kazoo', both directions", async () => {
    const opts: LockOptions = { identifier: 'zookit', naming: 'kazoo' };
    await bothDirections((p) => kazoo(p, 'lock', 'kazoo'), (zk) => new Lock(zk, '/interop/kazoo-plain', opts));
  }, 60_000);

  it("kazoo Election and a zookit Election with naming 'kazoo' share one leader, both directions", async () => {
    await bothDirections((p) => kazoo(p, 'election', 'kazoo'), (zk) => new Lock(zk, '/interop/kazoo-election', { identifier: 'zookit', naming: 'kazoo' }));
  }, 60_000);

  it("a kazoo Counter and a zookit Counter on one path agree (decimal text, and int32 with kazoo's support_curator)", async () => {
    const { zk, abs } = await setup();
    const kazooAdd = (p: string, n: number, curator: boolean) =>
      Number(execFileSync('/usr/bin/python3', ['-c', `
import sys
from kazoo.client import KazooClient
zk = KazooClient(hosts=sys.argv[1]); zk.start()
c = zk.Counter(sys.argv[2], support_curator=(sys.argv[4] == '1'))
c += int(sys.argv[3])
print(c.value)
zk.stop()`, inject('zkConnect'), abs(p), String(n), curator ? '1' : '0']).toString().trim());
    const text = new Counter(zk, '/interop/counter-text');
    expect(kazooAdd('/interop/counter-text', 5, false)).toBe(5);
    expect(await text.add(3)).toBe(8);
    expect(kazooAdd('/interop/counter-text', -2, false)).toBe(6);
    expect(await text.get()).toBe(6);
    const int32 = new Counter(zk, '/interop/counter-int32', { format: 'int32' });
    expect(kazooAdd('/interop/counter-int32', 2, true)).toBe(2);
    expect(await int32.add(40)).toBe(42);
    expect(kazooAdd('/interop/counter-int32', 1, true)).toBe(43);
    expect(await int32.get()).toBe(43);
  }, 30_000);

  it('kazoo lists a zookit contender by identifier (kazoo naming)', async () => {
    const { zk, abs } = await setup();
    const lease = await new Lock(zk, '/interop/kazoo-ids', { identifier: 'zookit-1', naming: 'kazoo' }).acquire();
    const out = execFileSync('/usr/bin/python3', ['-c', `
import sys
from kazoo.client import KazooClient
zk = KazooClient(hosts=sys.argv[1]); zk.start()
print(zk.Lock(sys.argv[2]).contenders())
zk.stop()`, inject('zkConnect'), abs('/interop/kazoo-ids')]).toString();
    expect(out).toContain('zookit-1');
    await lease.release();
  }, 30_000);
});
