// DistributedQueue under faults: consumers whose session expires mid-item, whose connection
// is cut past the grace, and consumer processes killed mid-item. Nothing is lost;
// duplicates happen only for items a consumer held when it died or lost its session.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ConnectionState } from '@zookit/client';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DistributedQueue, OutcomeUnknownError, OwnershipLostError } from '../src/index.js';
import { aborted, expire, harness } from './helpers.js';

const h = harness();
const WORKER = path.join(import.meta.dirname, 'peers', 'queue_worker.mjs');
const CREATE = 1;

/** Handler starts per datum. */
class Tally {
  readonly starts = new Map<string, number>();
  readonly done = new Set<string>();
  start(data: string): void {
    this.starts.set(data, (this.starts.get(data) ?? 0) + 1);
  }
  duplicates(): string[] {
    return [...this.starts].filter(([, n]) => n > 1).map(([d]) => d);
  }
}

describe('DistributedQueue: a put whose reply is lost', () => {
  it('rejects with OutcomeUnknownError (not a bare connection loss): the item may be there, and here it is', async () => {
    const [zk] = await h.clients(1, { sessionTimeout: 4_000, proxy: true });
    const q = new DistributedQueue(zk!, '/fq-put');
    await q.put('first'); // the queue's nodes exist: the next put is one create
    const cut = zk!.proxy!.cutAfterRequest(CREATE);
    const err = await q.put('second').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as OutcomeUnknownError).path).toMatch(/^\/fq-put\/items\/item-/);
    expect(await cut.fired).toBeDefined();
    await zk!.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    // The cut comes after the server applied the create: both items are in the queue.
    const items = await zk!.getChildren('/fq-put/items');
    const data = await Promise.all(items.map(async (i) => (await zk!.get(`/fq-put/items/${i}`)).data.toString()));
    expect(data.sort()).toEqual(['first', 'second']);
  });
});

describe('DistributedQueue: session expired mid-item', () => {
  it('the handler signal aborts (lost), another consumer gets the held items, the stale acknowledgement fails; 0 lost, duplicates = the held items', async () => {
    const [zkA, zkB] = await h.clients(2, { sessionTimeout: 4_000, proxy: true });
    const producer = new DistributedQueue(zkB!, '/fq');
    for (let i = 0; i < 12; i++) await producer.put(`item-${i}`);
    const tally = new Tally();
    const held: { data: string; signal: AbortSignal; token: bigint }[] = [];
    let release!: () => void;
    const releaseA = new Promise<void>((r) => (release = r));
    const stopA = new DistributedQueue(zkA!, '/fq').consume(async (item, { signal, fencingToken }) => {
      tally.start(item.data.toString());
      if (held.length < 2) {
        held.push({ data: item.data.toString(), signal, token: fencingToken });
        await releaseA; // holds two items until told
      }
      tally.done.add(item.data.toString());
    }, { concurrency: 2, grace: Infinity }); // LOST-only: the signal waits for the session's end
    await expect.poll(() => held.length, { timeout: 10_000 }).toBe(2);
    const sessionA = zkA!.sessionId;
    await expire(zkA!);
    const reasons = (await Promise.all(held.map((hld) => aborted(hld.signal)))) as OwnershipLostError[];
    expect(reasons.map((r) => r.reason)).toEqual(['lost', 'lost']);
    const tokensB = new Map<string, bigint>();
    const stopB = new DistributedQueue(zkB!, '/fq').consume((item, { fencingToken }) => {
      tally.start(item.data.toString());
      tokensB.set(item.data.toString(), fencingToken);
      tally.done.add(item.data.toString());
    });
    await expect.poll(() => held.every((hld) => tally.done.has(hld.data)), { timeout: 15_000 }).toBe(true);
    release(); // A's handlers finish now: their acknowledgement must not go through
    await expect.poll(() => stopA.stats.lost, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => tally.done.size, { timeout: 15_000 }).toBe(12);
    await Promise.all([stopA(), stopB()]);
    expect(zkA!.sessionId).not.toBe(sessionA); // A went on with a new session
    expect(tally.duplicates().toSorted()).toEqual(held.map((hld) => hld.data).toSorted());
    for (const hld of held) expect(tokensB.get(hld.data)!).toBeGreaterThan(hld.token);
    expect(await zkB!.getChildren('/fq/items')).toEqual([]);
    expect(await zkB!.getChildren('/fq/locks')).toEqual([]);
  });

  it('a connection cut shorter than the session: the signal aborts after the grace (suspended); back in the same session, the item is acknowledged once, no duplicate', async () => {
    const [zk, other] = await h.clients(2, { sessionTimeout: 6_000, proxy: true });
    const q = new DistributedQueue(zk!, '/gq');
    await q.put('only');
    let signal: AbortSignal | undefined;
    let finish!: () => void;
    const finishing = new Promise<void>((r) => (finish = r));
    const starts: string[] = [];
    const stop = q.consume(async (item, ctx) => {
      starts.push(item.data.toString());
      signal = ctx.signal;
      await finishing;
    }, { grace: 300 });
    await expect.poll(() => signal !== undefined, { timeout: 10_000 }).toBe(true);
    const session = zk!.sessionId;
    zk!.proxy!.refuse();
    zk!.proxy!.cut();
    expect(((await aborted(signal!)) as OwnershipLostError).reason).toBe('suspended');
    zk!.proxy!.heal();
    await zk!.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    expect(zk!.sessionId).toBe(session);
    finish();
    await expect.poll(() => stop.stats.acked, { timeout: 10_000 }).toBe(1);
    await stop();
    expect(starts).toEqual(['only']);
    expect(await other!.getChildren('/gq/items')).toEqual([]);
  });
});

describe('DistributedQueue: the reply to an acknowledgement is lost', () => {
  const MULTI = 14;
  it('the transaction was applied, the connection cut before its reply: resolved by our lock being gone; each item once, acknowledged, nothing left', async () => {
    const [zk, other] = await h.clients(2, { sessionTimeout: 6_000, proxy: true });
    const q = new DistributedQueue(other!, '/aq');
    for (const d of ['a', 'b', 'c']) await q.put(d);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const starts: string[] = [];
    const stop = new DistributedQueue(zk!, '/aq').consume(async (item) => {
      starts.push(item.data.toString());
      if (item.data.toString() === 'a') await gate;
    }, { grace: Infinity });
    await expect.poll(() => starts, { timeout: 10_000 }).toEqual(['a']);
    const session = zk!.sessionId;
    const cut = zk!.proxy!.cutAfterRequest(MULTI);
    open();
    expect((await cut.fired)?.opcode).toBe(MULTI);
    await expect.poll(() => stop.stats.acked, { timeout: 15_000 }).toBe(3);
    await stop();
    expect(zk!.sessionId).toBe(session);
    expect(starts).toEqual(['a', 'b', 'c']);
    expect(stop.stats).toMatchObject({ acked: 3, lost: 0, failed: 0 });
    expect(await other!.getChildren('/aq/items')).toEqual([]);
    expect(await other!.getChildren('/aq/locks')).toEqual([]);
  });
});

describe('DistributedQueue: consumer processes killed mid-item', () => {
  const procs: ChildProcessWithoutNullStreams[] = [];
  afterEach(() => {
    for (const p of procs.splice(0)) p.kill('SIGKILL');
  });

  it('3 consumer processes and one in-test consumer on 60 items, 2 processes SIGKILLed while holding items: all 60 done, duplicates only among the killed ones\' items in hand', async () => {
    expect(existsSync(path.join(import.meta.dirname, '..', 'dist', 'index.js'))).toBe(true); // the worker runs the build
    const zk = await h.client();
    const q = new DistributedQueue(zk, '/kq');
    for (let i = 0; i < 60; i++) await q.put(`item-${i}`);
    const tally = new Tally();
    const inHand = new Map<number, Set<string>>();
    const gotBy = new Map<number, string[]>();
    const workers = [0, 1, 2].map((w) => {
      const p = spawn(process.execPath, [WORKER, inject('zkConnect') + zk.chroot, '/kq', '2', '150']);
      procs.push(p);
      inHand.set(w, new Set());
      gotBy.set(w, []);
      createInterface({ input: p.stdout }).on('line', (line) => {
        if (line.startsWith('GOT ')) {
          const data = line.slice(4);
          tally.start(data);
          gotBy.get(w)!.push(data);
        }
      });
      return p;
    });
    // Kill two workers once each has started a few items (they hold up to 2 at a time).
    await expect.poll(() => gotBy.get(0)!.length >= 3 && gotBy.get(1)!.length >= 3, { timeout: 20_000 }).toBe(true);
    const closed = [0, 1].map((w) => new Promise((r) => workers[w]!.stdout.on('close', r)));
    workers[0]!.kill('SIGKILL');
    workers[1]!.kill('SIGKILL');
    await Promise.all(closed); // every line they printed has been read
    const killedGot = new Set([...gotBy.get(0)!, ...gotBy.get(1)!]);
    const stop = q.consume((item) => {
      tally.start(item.data.toString());
      tally.done.add(item.data.toString());
    }, { concurrency: 2 });
    // Everything leaves the queue: the killed workers' locks go with their sessions.
    await expect.poll(() => zk.getChildren('/kq/items').then((c) => c.length), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => zk.getChildren('/kq/locks').then((c) => c.length), { timeout: 10_000 }).toBe(0);
    await stop();
    expect(tally.starts.size).toBe(60); // every item was handled
    const dups = tally.duplicates();
    for (const d of dups) expect(killedGot.has(d)).toBe(true); // a duplicate only for an item a killed worker had started
    expect(dups.length).toBeLessThanOrEqual(4); // at most what the two killed workers held (2 each)
    console.log(`killed consumers: 60 items, ${dups.length} duplicate(s) (${dups.join(', ')}), in-test consumer acked ${stop.stats.acked}`);
  });
});
