// Fault pass (npm run test:faults): RELIABILITY.md scenarios 17 (20,000 watches at
// reconnect), 23/24 (limits at the exact boundary, oversized replies), 25 (malformed and
// hostile server bytes on real traffic) and 26 (nobody answers). Every wait is bounded.
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { FaultProxy, startServer, type ProxyConnection, type ZooKeeperServer } from '@zookit/testing';
import {
  ClientClosedError,
  ConnectionLossError,
  ConnectTimeoutError,
  FrameTooLargeError,
  ProtocolError,
  RequestTooLargeError,
  ZooKeeperError,
  type WatchedEvent,
} from '../src/index.js';
import { client, Inbox } from './helpers.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const SERVER_MAX = 1_048_575;
const OP = { getData: 4, exists: 3, setWatches: 101, setWatches2: 105 } as const;

let server: ZooKeeperServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

/** Splits a chunk into whole frames, or undefined when it does not hold whole frames only. */
function frames(chunk: Buffer): Array<{ start: number; len: number }> | undefined {
  const out: Array<{ start: number; len: number }> = [];
  let pos = 0;
  for (let i = 0; i < 100_000 && pos < chunk.length; i++) {
    if (chunk.length - pos < 4) return undefined;
    const len = chunk.readInt32BE(pos);
    if (len < 0 || pos + 4 + len > chunk.length) return undefined;
    out.push({ start: pos, len });
    pos += 4 + len;
  }
  return out;
}

/**
 * A proxy whose server→client bytes pass through `tamper` while it is armed. `tamper`
 * gets each chunk made of whole reply frames (after the handshake of each connection)
 * and returns the bytes to forward, or null to drop them (it may end the connection
 * itself); it disarms itself by returning `{ done: true }` alongside.
 */
type Tamper = (chunk: Buffer, conn: ProxyConnection, f: Array<{ start: number; len: number }>) => { out: Buffer | null; done?: boolean } | undefined;
async function tamperingProxy(): Promise<{ proxy: FaultProxy; arm(t: Tamper): Promise<void> }> {
  const handshaken = new Set<number>();
  let armed: { t: Tamper; fired(): void } | undefined;
  const proxy = await FaultProxy.start({
    target: { host: server.host, port: server.port },
    onServerData: (chunk, conn) => {
      if (!handshaken.has(conn.id)) {
        handshaken.add(conn.id); // the first chunk carries the ConnectResponse
        return chunk;
      }
      const f = armed ? frames(chunk) : undefined;
      if (!armed || !f) return chunk;
      const r = armed.t(chunk, conn, f);
      if (!r) return chunk;
      if (r.done) {
        const a = armed;
        armed = undefined;
        a.fired();
      }
      return r.out;
    },
  });
  onTestFinished(() => proxy.close());
  return {
    proxy,
    arm: (t) =>
      new Promise<void>((resolve) => {
        armed = { t, fired: resolve };
      }),
  };
}

/** The first reply to a request (xid > 0) in the chunk. */
function firstReply(chunk: Buffer, f: Array<{ start: number; len: number }>): { start: number; len: number } | undefined {
  return f.find((x) => x.len >= 16 && chunk.readInt32BE(x.start + 4) > 0);
}

function rewrite(fn: (copy: Buffer, frame: { start: number; len: number }) => void): Tamper {
  return (chunk, _conn, f) => {
    const hit = firstReply(chunk, f);
    if (!hit) return undefined;
    const copy = Buffer.from(chunk);
    fn(copy, hit);
    return { out: copy, done: true };
  };
}

describe('scenario 25: malformed or hostile server bytes on real traffic', () => {
  const cases: Array<{ name: string; tamper: Tamper; expectError: (e: unknown) => void; recycles: boolean }> = [
    {
      name: '(a) length prefix 0x7fffffff',
      tamper: rewrite((b, f) => b.writeInt32BE(0x7fffffff, f.start)),
      expectError: (e) => expect(e).toBeInstanceOf(FrameTooLargeError),
      recycles: true,
    },
    {
      name: '(a) length prefix -5',
      tamper: rewrite((b, f) => b.writeInt32BE(-5, f.start)),
      expectError: (e) => {
        expect(e).toBeInstanceOf(ConnectionLossError);
        expect(String((e as Error).cause)).toMatch(/invalid frame length -5/);
      },
      recycles: true,
    },
    {
      name: '(c) reply xid that is not the head of the FIFO',
      tamper: rewrite((b, f) => b.writeInt32BE(b.readInt32BE(f.start + 4) + 1000, f.start + 4)),
      expectError: (e) => {
        expect(e).toBeInstanceOf(ConnectionLossError);
        expect(String((e as Error).cause)).toMatch(/does not match the oldest request/);
      },
      recycles: true,
    },
    {
      name: '(e) data length inside the getData reply larger than the bytes left',
      tamper: rewrite((b, f) => b.writeInt32BE(0x7ffffff0, f.start + 4 + 16)),
      expectError: (e) => expect(e).toBeInstanceOf(ProtocolError),
      recycles: true,
    },
    {
      name: '(e) data length inside the getData reply < -1',
      tamper: rewrite((b, f) => b.writeInt32BE(-7, f.start + 4 + 16)),
      expectError: (e) => expect(e).toBeInstanceOf(ProtocolError),
      recycles: true,
    },
    {
      name: '(f) unknown error code',
      tamper: rewrite((b, f) => b.writeInt32BE(-9999, f.start + 4 + 12)),
      expectError: (e) => {
        expect(e).toBeInstanceOf(ZooKeeperError);
        expect((e as ZooKeeperError).code).toBe(-9999);
        expect((e as ZooKeeperError).codeName).toBe('UNKNOWN(-9999)');
      },
      recycles: false,
    },
  ];

  for (const [n, c] of cases.entries()) {
    it(`${c.name}: the request rejects with a typed error, no hang, the session recovers`, async () => {
      const { proxy, arm } = await tamperingProxy();
      const zk = client(proxy.connectString, { sessionTimeout: 6_000 });
      await zk.start();
      const victim = `/victim-${n}`;
      await zk.create(victim, 'some data');
      const sessionId = zk.sessionId;
      const accepted = proxy.stats.accepted;
      const fired = arm(c.tamper);
      const t0 = performance.now();
      const err = await zk.get(victim).then(
        () => new Error('resolved'),
        (e: unknown) => e,
      );
      const ms = performance.now() - t0;
      await fired;
      c.expectError(err);
      expect(ms).toBeLessThan(2_000);
      await zk.waitForState('CONNECTED', { timeout: 10_000 });
      // Not a loop: the next read is fine.
      expect((await zk.get(victim)).data.toString()).toBe('some data');
      expect(zk.sessionId).toBe(sessionId);
      expect(proxy.stats.accepted - accepted).toBe(c.recycles ? 1 : 0);
    });
  }

  it('(b) a reply cut mid-body, then FIN: in-flight requests reject with ConnectionLoss, the session resumes', async () => {
    const { proxy, arm } = await tamperingProxy();
    const zk = client(proxy.connectString, { sessionTimeout: 6_000 });
    await zk.start();
    await zk.create('/half', Buffer.alloc(2_000, 1));
    const sessionId = zk.sessionId;
    const fired = arm((chunk, conn, f) => {
      const hit = firstReply(chunk, f);
      if (!hit) return undefined;
      conn.client.end(chunk.subarray(0, hit.start + 4 + Math.floor(hit.len / 2)));
      conn.upstream.destroy();
      return { out: null, done: true };
    });
    const results = await Promise.allSettled([zk.get('/half'), zk.get('/half'), zk.exists('/half')]);
    await fired;
    expect(results.filter((r) => r.status === 'rejected').length).toBeGreaterThanOrEqual(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConnectionLossError);
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    expect(zk.sessionId).toBe(sessionId);
    expect((await zk.get('/half')).data.length).toBe(2_000);
  });

  it('(d) garbage before the ConnectResponse: typed error, backoff, and a clean session once the bytes are sane', async () => {
    let poison = 3;
    const seen = new Set<number>();
    const proxy = await FaultProxy.start({
      target: { host: server.host, port: server.port },
      onServerData: (chunk, conn) => {
        if (seen.has(conn.id)) return chunk;
        seen.add(conn.id);
        if (poison <= 0) return chunk;
        poison--;
        // A well-formed 8-byte frame of garbage where the ConnectResponse should be.
        return Buffer.concat([Buffer.from([0, 0, 0, 8, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef]), chunk]);
      },
    });
    onTestFinished(() => proxy.close());
    const warnings: string[] = [];
    const debug: string[] = [];
    const zk = client(proxy.connectString, { logger: { warn: (m, meta) => warnings.push(`${m} ${JSON.stringify(meta)}`), debug: (m, meta) => debug.push(`${m} ${JSON.stringify(meta)}`) } });
    await zk.start();
    expect(proxy.stats.accepted).toBe(4);
    expect([...warnings, ...debug].join('\n')).toMatch(/connection attempt failed|dropping the connection/);
    expect(await zk.exists('/')).not.toBeNull();

    // Garbage forever: start() rejects after its bound, the cause names the defect, attempts are bounded.
    poison = 1_000;
    const zk2 = client(proxy.connectString, { connectTimeout: 3_000 });
    const before = proxy.stats.accepted;
    const err = await zk2.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectTimeoutError);
    expect((err as Error).cause).toBeInstanceOf(ProtocolError);
    expect(proxy.stats.accepted - before).toBeLessThanOrEqual(12);
  });

  it('(g) a notification with an unknown event type: a protocol error; the reconnect re-registers the watch, which then fires', async () => {
    let rewriteNext = false;
    const proxy = await FaultProxy.start({
      target: { host: server.host, port: server.port },
      onServerData: (chunk) => {
        const f = rewriteNext ? frames(chunk) : undefined;
        const note = f?.find((x) => chunk.readInt32BE(x.start + 4) === -1);
        if (!note) return chunk;
        rewriteNext = false;
        const copy = Buffer.from(chunk);
        copy.writeInt32BE(99, note.start + 4 + 16); // WatcherEvent.type
        return copy;
      },
    });
    onTestFinished(() => proxy.close());
    const zk = client(proxy.connectString);
    const other = client(server.connectString);
    await Promise.all([zk.start(), other.start()]);
    await other.create('/g', '0');
    const events = new Inbox<WatchedEvent>();
    await zk.get('/g', { watch: events.push });
    const sessionId = zk.sessionId;
    const suspended = zk.waitForState('SUSPENDED', { timeout: 10_000 });
    rewriteNext = true;
    await other.set('/g', '1');
    // The server dropped its one-shot watch when it sent the event we could not read:
    // the connection is recycled, and SetWatches (relative to our last zxid) re-fires it.
    await suspended;
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    expect(zk.sessionId).toBe(sessionId);
    expect(rewriteNext).toBe(false);
    expect((await events.waitFor(1))[0]).toMatchObject({ type: 'CHANGED', path: '/g' });
    expect((await zk.get('/g')).data.toString()).toBe('1');
  });

  it('(h) slowloris — one byte every 100 ms: the read timeout drops the connection with ConnectionLoss, nothing hangs', async () => {
    let slow = false;
    const timers = new Set<NodeJS.Timeout>();
    onTestFinished(() => timers.forEach((t) => clearTimeout(t)));
    const proxy = await FaultProxy.start({
      target: { host: server.host, port: server.port },
      onServerData: (chunk, conn) => {
        if (!slow) return chunk;
        // Trickle each byte; bounded by the chunk's length.
        for (let i = 0; i < chunk.length && i < 10_000; i++) {
          const t = setTimeout(() => {
            timers.delete(t);
            if (!conn.client.destroyed) conn.client.write(chunk.subarray(i, i + 1));
          }, 100 * (i + 1));
          timers.add(t);
        }
        return null;
      },
    });
    onTestFinished(() => proxy.close());
    const zk = client(proxy.connectString, { sessionTimeout: 3_000 });
    await zk.start();
    await zk.create('/slow', Buffer.alloc(200, 2));
    slow = true;
    const t0 = performance.now();
    const err = await zk.get('/slow').catch((e: unknown) => e);
    const ms = performance.now() - t0;
    expect(err).toBeInstanceOf(ConnectionLossError);
    // Read timeout is 2/3 of the negotiated timeout (plus one tick of the session clock).
    expect(ms).toBeLessThan(zk.sessionTimeout + 1_000);
    slow = false;
    timers.forEach((t) => clearTimeout(t));
    timers.clear();
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    expect((await zk.get('/slow')).data.length).toBe(200);
  });

  it('200 corrupt frames in a row: each a typed error, bounded heap growth, no crash', async () => {
    const { proxy, arm } = await tamperingProxy();
    const zk = client(proxy.connectString, { sessionTimeout: 6_000 });
    await zk.start();
    await zk.create('/heap', Buffer.alloc(100));
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const kinds = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const fired = arm(rewrite((b, f) => b.writeInt32BE(i % 2 === 0 ? 0x7fffffff : -5, f.start)));
      const err = await zk.get('/heap').then(
        () => undefined,
        (e: unknown) => e,
      );
      await fired;
      const name = (err as Error | undefined)?.constructor.name ?? 'none';
      kinds.set(name, (kinds.get(name) ?? 0) + 1);
      await zk.waitForState('CONNECTED', { timeout: 10_000 });
    }
    const ms = performance.now() - t0;
    gc();
    const growth = process.memoryUsage().heapUsed - heap0;
    expect(Object.fromEntries(kinds)).toEqual({ FrameTooLargeError: 100, ConnectionLossError: 100 });
    expect(growth).toBeLessThan(16 * 1024 * 1024);
    expect(proxy.stats.accepted).toBe(201);
    expect(ms).toBeLessThan(60_000);
    expect((await zk.get('/heap')).data.length).toBe(100);
  }, 90_000);
});

describe('scenarios 23/24: limits at the boundary', () => {
  it('23: the largest create/setData the client lets out is exactly what the server accepts; one byte more is refused before sending', async () => {
    const zk = client(server.connectString);
    await zk.start();
    const probe = await zk.create('/limit', Buffer.alloc(SERVER_MAX)).catch((e: unknown) => e);
    expect(probe).toBeInstanceOf(RequestTooLargeError);
    const overhead = (probe as RequestTooLargeError).size - SERVER_MAX;
    const max = SERVER_MAX - overhead;
    await expect(zk.create('/limit', Buffer.alloc(max + 1))).rejects.toBeInstanceOf(RequestTooLargeError);
    await zk.create('/limit', Buffer.alloc(max, 3));
    expect((await zk.get('/limit')).data.length).toBe(max);
    const setProbe = (await zk.set('/limit', Buffer.alloc(SERVER_MAX)).catch((e: unknown) => e)) as RequestTooLargeError;
    const setMax = SERVER_MAX - (setProbe.size - SERVER_MAX);
    await expect(zk.set('/limit', Buffer.alloc(setMax + 1))).rejects.toBeInstanceOf(RequestTooLargeError);
    await zk.set('/limit', Buffer.alloc(setMax, 4));
    const multi = await zk.transaction().set('/limit', Buffer.alloc(setMax)).commit().catch((e: unknown) => e);
    expect(multi).toBeInstanceOf(RequestTooLargeError);
    expect(zk.state).toBe('CONNECTED');
    expect((await zk.get('/limit')).data.length).toBe(setMax);
    await zk.delete('/limit');
  });

  it('24: a getChildren reply over a lowered maxFrameSize rejects that request with FrameTooLarge, one reconnect, session kept, no retry loop', async () => {
    const proxy = await FaultProxy.start({ target: { host: server.host, port: server.port } });
    onTestFinished(() => proxy.close());
    const writer = client(server.connectString);
    await writer.start();
    await writer.create('/wide');
    const name = (i: number) => `child-${String(i).padStart(5, '0')}-${'x'.repeat(80)}`;
    await Promise.all(Array.from({ length: 1_000 }, (_, i) => writer.create(`/wide/${name(i)}`)));
    const zk = client(proxy.connectString, { maxFrameSize: 64 * 1024 });
    await zk.start();
    const sessionId = zk.sessionId;
    const t0 = performance.now();
    const err = await zk.getChildren('/wide').catch((e: unknown) => e);
    const ms = performance.now() - t0;
    expect(err).toBeInstanceOf(FrameTooLargeError);
    expect((err as FrameTooLargeError).limit).toBe(64 * 1024);
    expect((err as FrameTooLargeError).size).toBeGreaterThan(64 * 1024);
    expect(ms).toBeLessThan(2_000);
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    expect(zk.sessionId).toBe(sessionId);
    expect(await zk.exists('/wide')).not.toBeNull();
    expect(proxy.stats.accepted).toBe(2);
    await writer.delete('/wide', { recursive: true });
  });
});

describe('scenario 17: 20,000 watches re-registered after a cut', () => {
  it('SetWatches go out in frames well under 1,048,575 bytes and a change on the last path fires', async () => {
    const sizes = new Map<number, number[]>();
    const pending = new Map<number, Buffer>();
    const proxy = await FaultProxy.start({
      target: { host: server.host, port: server.port },
      onClientData: (chunk, conn) => {
        let buf = Buffer.concat([pending.get(conn.id) ?? Buffer.alloc(0), chunk]);
        for (let i = 0; i < 1_000_000 && buf.length >= 12; i++) {
          const len = buf.readInt32BE(0);
          if (buf.length < 4 + len) break;
          const type = buf.readInt32BE(8);
          if (type === OP.setWatches || type === OP.setWatches2) {
            const list = sizes.get(conn.id) ?? [];
            list.push(len);
            sizes.set(conn.id, list);
          }
          buf = buf.subarray(4 + len);
        }
        pending.set(conn.id, Buffer.from(buf));
        return chunk;
      },
    });
    onTestFinished(() => proxy.close());
    const zk = client(proxy.connectString, { sessionTimeout: 10_000 });
    const other = client(server.connectString);
    await Promise.all([zk.start(), other.start()]);
    await other.ensurePath('/w17');
    const N = 20_000;
    const pathOf = (i: number) => `/w17/${String(i).padStart(6, '0')}-${'p'.repeat(88)}`;
    expect(pathOf(0).length).toBeGreaterThanOrEqual(99);
    const last = new Inbox<WatchedEvent>();
    const noop = () => {};
    // exists watches on paths that do not exist yet: registered without creating 20k nodes.
    for (let i = 0; i < N; i += 2_000) {
      await Promise.all(Array.from({ length: Math.min(2_000, N - i) }, (_, k) => zk.exists(pathOf(i + k), { watch: i + k === N - 1 ? last.push : noop })));
    }
    expect(await server.fourLetterWord('wchs')).toMatch(new RegExp(`Total watches:${N}\\b`));
    proxy.cut();
    const t0 = performance.now();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    await zk.waitForState('CONNECTED', { timeout: 15_000 });
    await zk.sync('/w17');
    const reconnectMs = performance.now() - t0;
    const frames = [...sizes.values()].flat();
    expect(frames.length).toBeGreaterThanOrEqual(15);
    expect(Math.max(...frames)).toBeLessThan(SERVER_MAX);
    expect(Math.max(...frames)).toBeLessThanOrEqual(128 * 1024 + 1024);
    expect(reconnectMs).toBeLessThan(15_000);
    // Still all registered on the server, and the last one fires.
    expect(await server.fourLetterWord('wchs')).toMatch(new RegExp(`Total watches:${N}\\b`));
    await other.create(pathOf(N - 1));
    expect((await last.waitFor(1))[0]).toMatchObject({ type: 'CREATED', path: pathOf(N - 1) });
    console.info(`scenario 17: ${frames.length} SetWatches frames, largest ${Math.max(...frames)} bytes, reconnect ${Math.round(reconnectMs)} ms`);
  }, 120_000);
});

describe('scenario 8 (in-process variant): the event loop stalls past the session timeout', () => {
  it('after the stall the client reports SUSPENDED then LOST; nothing resolves as if the old session were alive', async () => {
    const zk = client(server.connectString, { sessionTimeout: 2_000 });
    // The observer shares the stalled thread: a long session keeps it clear of its own read timeout.
    const observer = client(server.connectString, { sessionTimeout: 30_000 });
    await Promise.all([zk.start(), observer.start()]);
    await zk.create('/stalled-eph', null, { ephemeral: true });
    const order: string[] = [];
    zk.on('state', (s) => order.push(s));
    // A GC pause / blocking call analogue: block this thread for 2x the session timeout + margin.
    const stallMs = 2 * zk.sessionTimeout + 500;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, stallMs);
    const resumed = performance.now();
    const probe = zk.exists('/stalled-eph').then(
      (r) => order.push(r ? 'reply: exists' : 'reply: null'),
      (e: unknown) => order.push(`error: ${(e as Error).constructor.name}`),
    );
    await zk.waitForState('LOST', { timeout: 10_000 });
    const lostMs = performance.now() - resumed;
    await probe;
    // The server expired the session during the stall: its ephemeral is gone, and the
    // client never claims otherwise.
    expect(await observer.exists('/stalled-eph')).toBeNull();
    expect(order).not.toContain('reply: exists');
    expect(order.indexOf('SUSPENDED')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('SUSPENDED')).toBeLessThan(order.indexOf('LOST'));
    expect(lostMs).toBeLessThan(2_000);
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    console.info(`scenario 8 (stall ${stallMs} ms): LOST ${Math.round(lostMs)} ms after resume; order ${order.join(' > ')}`);
  });
});

describe('scenario 26: nobody answers', () => {
  it('black-hole from the first byte on every host: per-host connect timeout, round robin, start() rejects listing the hosts', async () => {
    const a = await FaultProxy.start({ target: { host: server.host, port: server.port } });
    const b = await FaultProxy.start({ target: { host: server.host, port: server.port } });
    onTestFinished(async () => {
      await a.close();
      await b.close();
    });
    a.blackhole();
    b.blackhole();
    const zk = client(`${a.connectString},${b.connectString}`, { sessionTimeout: 4_000, connectTimeout: 5_000 });
    const t0 = performance.now();
    const err = await zk.start().catch((e: unknown) => e);
    const ms = performance.now() - t0;
    expect(err).toBeInstanceOf(ConnectTimeoutError);
    expect((err as ConnectTimeoutError).hosts.sort()).toEqual([a.connectString, b.connectString].sort());
    expect(ms).toBeGreaterThanOrEqual(4_900);
    expect(ms).toBeLessThan(6_500);
    // Per-host timeout = max(1 s, sessionTimeout / hosts) = 2 s: both hosts tried, neither hammered.
    expect(a.stats.accepted).toBeGreaterThanOrEqual(1);
    expect(b.stats.accepted).toBeGreaterThanOrEqual(1);
    expect(a.stats.accepted + b.stats.accepted).toBeLessThanOrEqual(4);
    expect(String((err as Error).cause)).toMatch(/no answer from/);
  });

  it('accept-and-close on every host: bounded attempts with backoff; stop() during the loop settles start() and queued requests', async () => {
    const a = await FaultProxy.start({ target: { host: server.host, port: server.port } });
    onTestFinished(() => a.close());
    a.refuse();
    const zk = client(a.connectString, { connectTimeout: 3_000 });
    const err = await zk.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectTimeoutError);
    expect(a.stats.refused).toBeGreaterThanOrEqual(2);
    expect(a.stats.refused).toBeLessThanOrEqual(12);

    const b = await FaultProxy.start({ target: { host: server.host, port: server.port } });
    onTestFinished(() => b.close());
    b.blackhole();
    const zk2 = client(b.connectString, { connectTimeout: 60_000 });
    const started = zk2.start();
    const queued = zk2.get('/anything');
    // stop() while the client is in its connect loop: a connection attempt reached the proxy.
    await expect.poll(() => b.stats.accepted).toBeGreaterThanOrEqual(1);
    await zk2.stop();
    await expect(started).rejects.toBeInstanceOf(ClientClosedError);
    await expect(queued).rejects.toBeInstanceOf(ClientClosedError);
  });
});
