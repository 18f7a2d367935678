import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy, fourLetterWord, startServer, type ZooKeeperServer } from '../src/index.js';
import { RawSession, closedWithin } from './raw-zk.js';

/** Open a socket, send a 4lw without half-closing, and report what happened within `ms`. */
function probe(port: number, cmd: string, ms: number): Promise<{ answer: string; closed: boolean; socket: net.Socket }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    let closed = false;
    socket.on('connect', () => socket.write(cmd));
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => (closed = true));
    setTimeout(() => resolve({ answer, closed, socket }), ms);
  });
}

describe('FaultProxy', () => {
  let zk: ZooKeeperServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    zk = await startServer();
  });
  afterAll(async () => {
    await zk?.[Symbol.asyncDispose]();
  });
  afterEach(async () => {
    await proxy?.close();
  });

  it('passes traffic through and counts bytes', async () => {
    proxy = await FaultProxy.start({ target: { host: zk.host, port: zk.port } });
    expect(proxy.connectString).toBe(`127.0.0.1:${proxy.port}`);
    expect(await fourLetterWord('127.0.0.1', proxy.port, 'ruok')).toBe('imok');
    const s = await RawSession.connect('127.0.0.1', proxy.port);
    expect(proxy.connections).toBe(1);
    expect((await s.create('/via-proxy', Buffer.from('1'))).err).toBe(0);
    await s.close();
    expect(proxy.stats.bytesClientToServer).toBeGreaterThan(4);
    expect(proxy.stats.bytesServerToClient).toBeGreaterThan(4);
    expect(proxy.stats.accepted).toBe(2);
  });

  it('blackhole keeps sockets open but forwards nothing; heal restores and cuts stale connections', async () => {
    proxy = await FaultProxy.start({ target: { host: zk.host, port: zk.port } });
    const s = await RawSession.connect('127.0.0.1', proxy.port);
    proxy.blackhole();
    expect(proxy.mode).toBe('blackhole');
    await expect(s.create('/bh', Buffer.alloc(0))).rejects.toThrow(/no frame within/);
    const p = await probe(proxy.port, 'ruok', 400);
    expect(p.answer).toBe('');
    expect(p.closed).toBe(false);
    expect(proxy.stats.droppedClientToServer).toBeGreaterThan(0);
    proxy.heal();
    await closedWithin(s, 2000);
    await new Promise<void>((resolve) => (p.socket.destroyed ? resolve() : p.socket.once('close', () => resolve())));
    expect(await fourLetterWord('127.0.0.1', proxy.port, 'ruok')).toBe('imok');
  });

  it('cut closes current connections and keeps accepting new ones', async () => {
    proxy = await FaultProxy.start({ target: { host: zk.host, port: zk.port } });
    const s = await RawSession.connect('127.0.0.1', proxy.port);
    proxy.cut();
    await closedWithin(s, 2000);
    expect(proxy.connections).toBe(0);
    const s2 = await RawSession.connect('127.0.0.1', proxy.port, { sessionId: s.response.sessionId, password: s.response.passwd });
    expect(s2.response.sessionId).toBe(s.response.sessionId);
    await s2.close();
  });

  it('delay holds traffic for at least the delay in each direction', async () => {
    proxy = await FaultProxy.start({ target: { host: zk.host, port: zk.port } });
    proxy.delay(200);
    const answer = await new Promise<{ text: string; ms: number }>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: proxy.port });
      let t0 = 0;
      let text = '';
      socket.on('connect', () => {
        t0 = performance.now();
        socket.end('ruok');
      });
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve({ text, ms: performance.now() - t0 }));
      socket.on('error', reject);
    });
    expect(answer.text).toBe('imok');
    // request and reply are each held >= 200 ms; allow timer rounding
    expect(answer.ms).toBeGreaterThanOrEqual(390);
    proxy.heal();
    expect(proxy.delayMs).toBe(0);
    expect(await fourLetterWord('127.0.0.1', proxy.port, 'ruok')).toBe('imok');
  });

  it('refuse closes new connections but keeps existing ones', async () => {
    proxy = await FaultProxy.start({ target: { host: zk.host, port: zk.port } });
    const s = await RawSession.connect('127.0.0.1', proxy.port);
    proxy.refuse();
    const p = await probe(proxy.port, 'ruok', 300);
    expect(p.closed).toBe(true);
    expect(p.answer).toBe('');
    expect(proxy.stats.refused).toBe(1);
    expect((await s.create('/refuse-existing', Buffer.alloc(0))).err).toBe(0);
    proxy.heal();
    expect(await fourLetterWord('127.0.0.1', proxy.port, 'ruok')).toBe('imok');
    await s.close();
  });

  it('interceptors can rewrite and drop bytes', async () => {
    proxy = await FaultProxy.start({
      target: { host: zk.host, port: zk.port },
      onServerData: (chunk) => Buffer.from(chunk.toString().toUpperCase()),
    });
    expect(await fourLetterWord('127.0.0.1', proxy.port, 'ruok')).toBe('IMOK');
    proxy.onServerData = undefined;
    proxy.onClientData = () => null;
    const p = await probe(proxy.port, 'ruok', 300);
    expect(p.answer).toBe('');
    p.socket.destroy();
  });

  it('cutAfterRequest lets the request through and withholds its reply (one-shot)', async () => {
    proxy = await FaultProxy.start({ target: { host: zk.host, port: zk.port } });
    const s = await RawSession.connect('127.0.0.1', proxy.port);
    expect((await s.getData('/')).err).toBe(0); // other opcodes pass
    const arm = proxy.cutAfterRequest(1);
    await expect(s.create('/ghost', Buffer.from('g'))).rejects.toThrow();
    const ev = await arm.fired;
    expect(ev).toMatchObject({ opcode: 1 });
    // The server executed it.
    const direct = await RawSession.connect(zk.host, zk.port);
    expect((await direct.getData('/ghost')).data?.toString()).toBe('g');
    await direct.close();
    // One-shot: the next create through the proxy is not cut.
    const s2 = await RawSession.connect('127.0.0.1', proxy.port);
    expect((await s2.create('/not-cut', Buffer.alloc(0))).err).toBe(0);
    await s2.close();
    const cancelled = proxy.cutAfterRequest(2);
    cancelled.cancel();
    expect(await cancelled.fired).toBeUndefined();
  });
});
