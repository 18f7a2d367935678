// DistributedQueue on a real server: order, priority, delay, at-least-once acknowledgement,
// re-queue and delete on a failing handler, at-most-once take, bad arguments.
import { ClientClosedError, InvalidArgumentError } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { DistributedQueue, RecipeDataError, RecipeTimeoutError, type QueueItem } from '../src/index.js';
import { decodeEnvelope, encodeEnvelope, queueFormat } from '../src/queue/format.js';
import { callbackErrors, harness, noUnhandledRejections } from './helpers.js';

const h = harness();

noUnhandledRejections();

const FORMATS = [
  { format: 'zookit' as const, items: '/q/items', locks: '/q/locks' },
  { format: 'curator' as const, lockPath: '/q-locks', items: '/q', locks: '/q-locks' },
  { format: 'kazoo' as const, items: '/q/entries', locks: '/q/taken' },
];

describe.each(FORMATS)('DistributedQueue, $format format', (f) => {
  const options = { format: f.format, ...(f.lockPath ? { lockPath: f.lockPath } : {}) };

  it('at-least-once: 40 items over 3 consumers (concurrency 4): each handled exactly once, acknowledged, nothing left', async () => {
    const [producer, ...zks] = await h.clients(4);
    const q = new DistributedQueue(producer!, '/q', options);
    for (let i = 0; i < 40; i++) await q.put(Buffer.from(`job-${i}`));
    const seen = new Map<string, number>();
    const tokens = new Set<bigint>();
    const stops = zks.map((zk) =>
      new DistributedQueue(zk, '/q', options).consume(async (item, { signal, fencingToken }) => {
        expect(signal.aborted).toBe(false);
        tokens.add(fencingToken);
        seen.set(item.data.toString(), (seen.get(item.data.toString()) ?? 0) + 1);
        await new Promise((r) => setImmediate(r));
      }, { concurrency: 4 }),
    );
    await expect.poll(() => seen.size, { timeout: 20_000 }).toBe(40);
    await Promise.all(stops.map((s) => s()));
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(tokens.size).toBe(40);
    expect(stops.reduce((n, s) => n + s.stats.acked, 0)).toBe(40);
    expect(await producer!.getChildren(f.items)).toEqual([]);
    expect(await producer!.getChildren(f.locks)).toEqual([]);
  });

  it('priority: lower first, then in order of arrival', async () => {
    const zk = await h.client();
    const q = new DistributedQueue(zk, '/q', options);
    const puts: [string, number][] = [['a', 7], ['b', 3], ['c', 7], ['d', 3], ['e', 5]];
    for (const [data, priority] of puts) await q.put(data, { priority });
    const order: string[] = [];
    const stop = q.consume((item) => void order.push(item.data.toString()));
    await expect.poll(() => order.length, { timeout: 10_000 }).toBe(5);
    await stop();
    expect(order).toEqual(['b', 'd', 'e', 'a', 'c']);
  });

  it('a throwing handler: the item is re-queued at the tail and handled again; reported as a CallbackError; onError delete drops it', async () => {
    const zk = await h.client();
    const errors = callbackErrors(zk);
    const q = new DistributedQueue(zk, '/q', options);
    await q.put('poison');
    await q.put('fine');
    const order: string[] = [];
    let failures = 0;
    const stop = q.consume((item) => {
      order.push(item.data.toString());
      if (item.data.toString() === 'poison' && failures++ === 0) throw new Error('handler fails once');
    });
    await expect.poll(() => order.length, { timeout: 10_000 }).toBe(3);
    await stop();
    expect(order).toEqual(['poison', 'fine', 'poison']);
    expect(stop.stats).toMatchObject({ acked: 2, failed: 1 });
    expect(errors).toHaveLength(1);
    expect(await zk.getChildren(f.items)).toEqual([]);

    await q.put('dropped');
    const handled: string[] = [];
    const stop2 = q.consume(async (item) => {
      handled.push(item.data.toString());
      throw new Error('rejects');
    }, { onError: 'delete' });
    await expect.poll(() => stop2.stats.failed, { timeout: 10_000 }).toBe(1);
    await stop2();
    expect(handled).toEqual(['dropped']);
    expect(await zk.getChildren(f.items)).toEqual([]);
    expect(await zk.getChildren(f.locks)).toEqual([]);
  });

  it('take(): at most once, in order, skipping items a consumer holds; waits for a put; times out', async () => {
    const [zk, other] = await h.clients(2);
    const q = new DistributedQueue(zk!, '/q', options);
    await expect(q.take({ timeout: 50 })).rejects.toBeInstanceOf(RecipeTimeoutError);
    const waiting = q.take({ timeout: 10_000 });
    await q.put('first');
    expect((await waiting).data.toString()).toBe('first');
    await q.put('held');
    await q.put('free');
    let release!: () => void;
    const holding = new Promise<void>((r) => (release = r));
    let held: QueueItem | undefined;
    const stop = new DistributedQueue(other!, '/q', options).consume(async (item) => {
      held = item;
      await holding;
    });
    await expect.poll(() => held?.data.toString(), { timeout: 10_000 }).toBe('held');
    expect((await q.take({ timeout: 5_000 })).data.toString()).toBe('free');
    release();
    await stop();
    expect(await zk!.getChildren(f.items)).toEqual([]);
    const ac = new AbortController();
    const aborted = q.take({ signal: ac.signal });
    ac.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
  });
});

describe('DistributedQueue recovers', () => {
  it('the queue deleted under a waiting consumer: its parents are created again and the next put is consumed', async () => {
    const [zk, admin] = await h.clients(2);
    const q = new DistributedQueue(zk!, '/rq');
    const got: string[] = [];
    const stop = q.consume((item) => void got.push(item.data.toString()));
    await expect.poll(() => stop.stats.listings, { timeout: 10_000 }).toBe(1);
    await admin!.delete('/rq', { recursive: true });
    await expect.poll(() => admin!.exists('/rq/items').then((s) => s !== null), { timeout: 10_000 }).toBe(true);
    await new DistributedQueue(admin!, '/rq').put('after');
    await expect.poll(() => got, { timeout: 10_000 }).toEqual(['after']);
    await stop();
  });

  it('stop() while the client is disconnected resolves without waiting for the connection', async () => {
    const [zk] = await h.clients(1, { proxy: true });
    const stop = new DistributedQueue(zk!, '/sq').consume(() => {}, { concurrency: 3 });
    await expect.poll(() => stop.stats.listings, { timeout: 10_000 }).toBe(1);
    zk!.proxy!.refuse();
    zk!.proxy!.cut();
    await zk!.waitForState('SUSPENDED', { timeout: 5_000 });
    await stop();
    zk!.proxy!.heal();
  });
});

describe('DistributedQueue delay (zookit and curator)', () => {
  it.each([{ format: 'zookit' as const }, { format: 'curator' as const, lockPath: '/dq-locks' }])('$format: a delayed item is handed out after its delay, after items due earlier', async (options) => {
    const zk = await h.client();
    const q = new DistributedQueue(zk, '/dq', options);
    const t0 = Date.now();
    await q.put('later', { delay: 400 });
    await q.put('now');
    const got: { data: string; at: number }[] = [];
    const stop = q.consume((item) => void got.push({ data: item.data.toString(), at: Date.now() }));
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(2);
    await stop();
    expect(got.map((g) => g.data)).toEqual(['now', 'later']);
    expect(got[1]!.at - t0).toBeGreaterThanOrEqual(400);
  });
});

describe('DistributedQueue wire formats and arguments', () => {
  it("Curator's envelope: version 0x00010001, one 0x01 <length> <bytes> per item, 0x02; several items decode in order", () => {
    const one = encodeEnvelope(Buffer.from('ab'));
    expect(one.toString('hex')).toBe('00010001' + '01' + '00000002' + '6162' + '02');
    const two = Buffer.from('00010001' + '0100000001' + '78' + '0100000000' + '02', 'hex');
    expect(decodeEnvelope(two).map((b) => b.toString())).toEqual(['x', '']);
    expect(() => decodeEnvelope(Buffer.from('hello'))).toThrow(/envelope/);
    expect(() => decodeEnvelope(Buffer.from('0001000101000000', 'hex'))).toThrow();
  });

  it('a Curator node packing several items (putMulti): the handler gets each in turn under one lock, one acknowledgement; take() hands them out one by one', async () => {
    const zk = await h.client();
    await zk.ensurePath('/multi');
    const packed = Buffer.from('00010001' + '0100000001' + '61' + '0100000001' + '62' + '02', 'hex'); // "a", "b"
    await zk.create('/multi/queue-', packed, { sequential: true });
    const q = new DistributedQueue(zk, '/multi', { format: 'curator', lockPath: '/multi-locks' });
    const got: [string, bigint][] = [];
    const stop = q.consume((item, { fencingToken }) => void got.push([item.data.toString(), fencingToken]));
    await expect.poll(() => stop.stats.acked, { timeout: 10_000 }).toBe(1);
    await stop();
    expect(got.map(([d]) => d)).toEqual(['a', 'b']);
    expect(got[0]![1]).toBe(got[1]![1]);
    await zk.create('/multi/queue-', packed, { sequential: true });
    expect((await q.take({ timeout: 5_000 })).data.toString()).toBe('a');
    expect(await zk.getChildren('/multi')).toEqual([]);
    expect((await q.take({ timeout: 5_000 })).data.toString()).toBe('b');
  });

  it("an undecodable Curator item is reported as a RecipeDataError even when the client's 'error' listener throws; the consumer goes on", async () => {
    const zk = await h.client();
    await zk.ensurePath('/bad');
    await zk.create('/bad/queue-', Buffer.from('not an envelope'), { sequential: true });
    const reported: unknown[] = [];
    zk.on('error', (err) => {
      reported.push(err);
      throw new Error('the error listener broke');
    });
    const q = new DistributedQueue(zk, '/bad', { format: 'curator', lockPath: '/bad-locks' });
    const got: string[] = [];
    const stop = q.consume((item) => void got.push(item.data.toString()), { onError: 'delete' });
    await expect.poll(() => stop.stats.failed, { timeout: 10_000 }).toBe(1);
    expect(reported.some((e) => e instanceof RecipeDataError)).toBe(true);
    await q.put(Buffer.from('good'));
    await expect.poll(() => got, { timeout: 10_000 }).toEqual(['good']);
    await stop();
    expect(await zk.getChildren('/bad')).toEqual([]);
    expect(await zk.getChildren('/bad-locks')).toEqual([]);
  });

  it('node names: Curator priority and delay, kazoo priority, zookit', () => {
    const curator = queueFormat('curator', '/q', '/l');
    expect(curator.prefix(undefined, undefined)).toBe('queue-');
    expect(curator.prefix(5, undefined)).toBe('queue-100000005');
    expect(curator.prefix(-1, undefined)).toBe('queue-0FFFFFFFF');
    expect(curator.prefix(undefined, 0x18c0a1b2c3d)).toBe('queue-|18C0A1B2C3D|');
    expect(curator.parse('queue-0FFFFFFFF0000000007')).toMatchObject({ priority: -1, seq: 7, until: 0 });
    expect(curator.parse('queue-|18C0A1B2C3D|0000000003')).toMatchObject({ priority: 0, seq: 3, until: 0x18c0a1b2c3d });
    expect(curator.parse('queue-0000000012')).toMatchObject({ priority: 0, seq: 12, prefix: 'queue-' });
    expect(curator.parse('lock-0000000012')).toBeUndefined();
    const kazoo = queueFormat('kazoo', '/q', undefined);
    expect(kazoo.prefix(undefined, undefined)).toBe('entry-100-');
    expect(kazoo.prefix(7, undefined)).toBe('entry-007-');
    expect(kazoo.parse('entry-007-0000000042')).toMatchObject({ priority: 7, seq: 42 });
    const zookit = queueFormat('zookit', '/q', undefined);
    const name = `${zookit.prefix(-3, 1000)}0000000009`;
    expect(zookit.parse(name)).toMatchObject({ priority: -3, until: 1000, seq: 9 });
  });

  it('bad arguments are InvalidArgumentErrors, thrown before anything is sent', async () => {
    const zk = await h.client();
    expect(() => new DistributedQueue(zk, '/q', { format: 'curator' })).toThrow(InvalidArgumentError);
    expect(() => new DistributedQueue(zk, '/q', { format: 'nope' as 'zookit' })).toThrow(InvalidArgumentError);
    expect(() => new DistributedQueue(zk, 'relative')).toThrow(InvalidArgumentError);
    expect(() => new DistributedQueue(zk, '/')).toThrow(InvalidArgumentError);
    const q = new DistributedQueue(zk, '/q');
    await expect(q.put(42 as unknown as Buffer)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(q.put('x', { priority: 1.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(q.put('x', { delay: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    const kq = new DistributedQueue(zk, '/k', { format: 'kazoo' });
    await expect(kq.put('x', { priority: 1000 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(kq.put('x', { delay: 10 })).rejects.toBeInstanceOf(InvalidArgumentError);
    const cq = new DistributedQueue(zk, '/c', { format: 'curator', lockPath: '/c-locks' });
    await expect(cq.put('x', { priority: 1, delay: 10 })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => q.consume('no' as never)).toThrow(InvalidArgumentError);
    expect(() => q.consume(() => {}, { concurrency: 0 })).toThrow(InvalidArgumentError);
    expect(() => q.consume(() => {}, { grace: -1 })).toThrow(InvalidArgumentError);
    expect(() => q.consume(() => {}, { onError: 'drop' as 'delete' })).toThrow(InvalidArgumentError);
    await expect(q.take({ timeout: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await zk.exists('/q')).toBeNull();
    expect(await zk.exists('/k')).toBeNull();
  });
});

describe('DistributedQueue and a closing client', () => {
  it("close() while a handler runs: its signal aborts ('closed'), the consumer ends, the item stays for another consumer", async () => {
    const [zk, other] = await h.clients(2);
    const q = new DistributedQueue(zk!, '/cq');
    await q.put('in-hand');
    let signal: AbortSignal | undefined;
    const stop = q.consume(async (_item, ctx) => {
      signal = ctx.signal;
      await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
    });
    await expect.poll(() => signal !== undefined, { timeout: 10_000 }).toBe(true);
    await zk!.close();
    expect((signal!.reason as { reason: string }).reason).toBe('closed');
    await stop();
    const got: string[] = [];
    const stop2 = new DistributedQueue(other!, '/cq').consume((item) => void got.push(item.data.toString()));
    await expect.poll(() => got, { timeout: 10_000 }).toEqual(['in-hand']);
    await stop2();
    await expect(q.take({ timeout: 10 })).rejects.toBeInstanceOf(ClientClosedError);
  });
});
