// DistributedQueue with the real peers on one server: Curator 5.4's DistributedQueue /
// DistributedPriorityQueue / DistributedDelayQueue with a lock path (Debian
// libcurator-*-java) and kazoo 2.8's LockingQueue (python3-kazoo), in both directions and
// consuming side by side.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { DistributedQueue } from '../src/index.js';
import { harness } from './helpers.js';
import { PEERS, compileJavaPeer } from './peer-process.js';

const h = harness();
let classPath = '';

beforeAll(() => {
  classPath = compileJavaPeer('QueuePeer.java');
}, 60_000);

/** A peer process; collects its `ITEM <data>` lines. */
class Peer {
  readonly items: string[] = [];
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  #stderr = '';
  constructor(readonly proc: ChildProcessWithoutNullStreams) {
    proc.stderr.on('data', (d: Buffer) => (this.#stderr += d.toString()));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      this.lines.push(line);
      if (line.startsWith('ITEM ')) this.items.push(line.slice(5));
    });
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }
  async waitFor(line: string, timeout = 30_000): Promise<void> {
    await expect.poll(() => this.lines.includes(line) || this.proc.exitCode !== null, { timeout }).toBe(true);
    if (!this.lines.includes(line)) throw new Error(`peer exited (${this.proc.exitCode}) before ${line}: ${this.#stderr.slice(-2000)}`);
  }
  async stop(): Promise<void> {
    this.proc.stdin.write('stop\n');
    await this.exited;
  }
}

const peers: Peer[] = [];
afterEach(() => {
  for (const p of peers.splice(0)) p.proc.kill('SIGKILL');
});

function curator(queuePath: string, lockPath: string, kind: 'plain' | 'priority' | 'delay', mode: 'produce' | 'consume', count: number): Peer {
  const args = ['-cp', classPath, 'QueuePeer', inject('zkConnect'), queuePath, lockPath, kind, mode, String(count)];
  const p = new Peer(spawn('java', args));
  peers.push(p);
  return p;
}
function kazoo(queuePath: string, mode: 'produce' | 'consume', count: number): Peer {
  const p = new Peer(spawn('/usr/bin/python3', [path.join(PEERS, 'kazoo_queue_peer.py'), inject('zkConnect'), queuePath, mode, String(count)]));
  peers.push(p);
  return p;
}

/** Counts of each datum. */
function tally(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

const N = 20;
const names = (prefix: string) => Array.from({ length: N }, (_, i) => `${prefix}-${i}`);

/** Consumes `n` items from `q` (at least once), then stops: what they held and their priorities, in order. */
async function consumeAll(q: DistributedQueue, n: number): Promise<Array<{ data: string; priority: number }>> {
  const got: { data: string; priority: number }[] = [];
  const stop = q.consume((item) => void got.push({ data: item.data.toString(), priority: item.priority }));
  await expect.poll(() => got.length, { timeout: 15_000 }).toBe(n);
  await stop();
  return got;
}

describe.each(['plain', 'priority', 'delay'] as const)('Curator %s queue with a lock path', (kind) => {
  it('a Curator producer and a zookit consumer; a zookit producer and a Curator consumer', async () => {
    const zk = await h.client();
    const abs = (p: string) => zk.chroot + p;
    const q = new DistributedQueue(zk, '/cq', { format: 'curator', lockPath: '/cq-locks' });
    // 1. Java puts, zookit consumes
    const producer = curator(abs('/cq'), abs('/cq-locks'), kind, 'produce', N);
    await producer.waitFor('PRODUCED');
    expect(await producer.exited).toBe(0);
    const got = await consumeAll(q, N);
    expect(new Set(got.map((g) => g.data))).toEqual(new Set(names('java')));
    if (kind === 'priority') {
      expect(got.map((g) => g.priority)).toEqual(got.map((g) => g.priority).toSorted((a, b) => a - b));
      expect(got.map((g) => g.priority)).toEqual(names('java').map((_, i) => i % 3).toSorted((a, b) => a - b));
    }
    if (kind === 'delay') {
      const order = got.map((g) => Number(g.data.slice(5)));
      const lastPrompt = Math.max(...order.map((n, i) => (n % 2 === 0 ? i : -1)));
      const firstDelayed = order.findIndex((n) => n % 2 === 1);
      expect(firstDelayed).toBeGreaterThan(lastPrompt); // items delayed by 1.5 s come after every due one
    }
    expect(await zk.getChildren('/cq')).toEqual([]);
    expect(await zk.getChildren('/cq-locks')).toEqual([]);
    // 2. zookit puts, Java consumes
    for (let i = 0; i < N; i++) {
      const options = kind === 'priority' ? { priority: i % 3 } : kind === 'delay' && i % 2 ? { delay: 200 } : {};
      await q.put(`zookit-${i}`, options);
    }
    const consumer = curator(abs('/cq'), abs('/cq-locks'), kind, 'consume', N);
    await expect.poll(() => consumer.items.length, { timeout: 20_000 }).toBe(N);
    expect(new Set(consumer.items)).toEqual(new Set(names('zookit')));
    await expect.poll(() => zk.getChildren('/cq'), { timeout: 10_000 }).toEqual([]);
    await consumer.stop();
  });
});

describe('Curator and zookit consumers on one queue', () => {
  it('60 items from both producers, consumed by a Curator consumer and a zookit consumer at once: each exactly once', async () => {
    const zk = await h.client();
    const abs = (p: string) => zk.chroot + p;
    const q = new DistributedQueue(zk, '/mq', { format: 'curator', lockPath: '/mq-locks' });
    await q.put('warmup');
    const javaConsumer = curator(abs('/mq'), abs('/mq-locks'), 'plain', 'consume', 0);
    await javaConsumer.waitFor('STARTED');
    const ours: string[] = [];
    const stop = q.consume(async (item) => {
      ours.push(item.data.toString());
      await new Promise((r) => setTimeout(r, 10)); // leaves the Curator consumer a share
    }, { concurrency: 2 });
    const producer = curator(abs('/mq'), abs('/mq-locks'), 'plain', 'produce', 30);
    for (let i = 0; i < 30; i++) await q.put(`zookit-${i}`);
    await producer.waitFor('PRODUCED');
    await expect.poll(() => ours.length + javaConsumer.items.length, { timeout: 20_000 }).toBe(61);
    await stop();
    await javaConsumer.stop();
    const all = tally([...ours, ...javaConsumer.items]);
    expect([...all.values()].every((n) => n === 1)).toBe(true);
    expect(all.size).toBe(61);
    expect(javaConsumer.items.length).toBeGreaterThan(0); // both consumed
    expect(await zk.getChildren('/mq')).toEqual([]);
    console.log(`mixed Curator queue: zookit consumed ${ours.length}, Curator ${javaConsumer.items.length}`);
  });
});

describe("kazoo's LockingQueue", () => {
  it('a kazoo producer and a zookit consumer (priority order); a zookit producer and a kazoo consumer', async () => {
    const zk = await h.client();
    const abs = (p: string) => zk.chroot + p;
    const q = new DistributedQueue(zk, '/kq', { format: 'kazoo' });
    const producer = kazoo(abs('/kq'), 'produce', N);
    await producer.waitFor('PRODUCED');
    expect(await producer.exited).toBe(0);
    const got = await consumeAll(q, N);
    expect(new Set(got.map((g) => g.data))).toEqual(new Set(names('kazoo')));
    expect(got.map((g) => g.priority)).toEqual(names('kazoo').map((_, i) => i % 3).toSorted((a, b) => a - b));
    expect(await zk.getChildren('/kq/entries')).toEqual([]);
    expect(await zk.getChildren('/kq/taken')).toEqual([]);
    for (let i = 0; i < N; i++) await q.put(`zookit-${i}`, { priority: 999 - (i % 2) });
    const consumer = kazoo(abs('/kq'), 'consume', N);
    await consumer.waitFor('DONE');
    expect(new Set(consumer.items)).toEqual(new Set(names('zookit')));
    expect(consumer.items.slice(0, N / 2).every((d) => Number(d.slice(7)) % 2 === 1)).toBe(true); // priority 998 first
    expect(await zk.getChildren('/kq/entries')).toEqual([]);
    expect(await zk.getChildren('/kq/taken')).toEqual([]);
  });

  it('a kazoo consumer and a zookit consumer on one queue: each entry exactly once', async () => {
    const zk = await h.client();
    const abs = (p: string) => zk.chroot + p;
    const q = new DistributedQueue(zk, '/kq2', { format: 'kazoo' });
    for (let i = 0; i < 40; i++) await q.put(`e-${i}`);
    const kz = kazoo(abs('/kq2'), 'consume', 15);
    await kz.waitFor('STARTED');
    const ours: string[] = [];
    const stop = q.consume(async (item) => {
      ours.push(item.data.toString());
      await new Promise((r) => setTimeout(r, 5));
    });
    await kz.waitFor('DONE');
    await expect.poll(() => ours.length + kz.items.length, { timeout: 20_000 }).toBe(40);
    await stop();
    const all = tally([...ours, ...kz.items]);
    expect(all.size).toBe(40);
    expect([...all.values()].every((n) => n === 1)).toBe(true);
    expect(kz.items).toHaveLength(15);
    expect(await zk.getChildren('/kq2/entries')).toEqual([]);
  });
});
