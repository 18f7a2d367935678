import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FaultProxy, expireSession, startServer, type ZooKeeperServer } from '@zookit/testing';
import {
  ClientClosedError, ConnectionLossError, ConnectTimeoutError, ProtocolError, SessionExpiredError, type WatchedEvent,
} from '../src/index.js';
import { client, deferred, Inbox, recordStates } from './helpers.js';

async function serverWithProxy(): Promise<{ server: ZooKeeperServer; proxy: FaultProxy }> {
  const server = await startServer();
  const proxy = await FaultProxy.start({ target: { host: server.host, port: server.port } });
  onTestFinished(async () => {
    await proxy.close();
    await server.stop();
  });
  return { server, proxy };
}

describe('session', () => {
  it('start() rejects with a typed error naming the hosts when nobody answers, and stop() ends the loop', async () => {
    const zk = client('127.0.0.1:1,127.0.0.1:2', { connectTimeout: 1_500 });
    const err = await zk.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectTimeoutError);
    expect((err as ConnectTimeoutError).hosts.sort()).toEqual(['127.0.0.1:1', '127.0.0.1:2']);
    expect(zk.state).toBe('LOST');
    await expect(zk.get('/')).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('stop() during the connect loop settles start() and every queued request', async () => {
    const zk = client('127.0.0.1:1', { connectTimeout: 60_000 });
    const started = zk.start();
    const queued = zk.get('/x');
    await zk.stop();
    await expect(started).rejects.toBeInstanceOf(ClientClosedError);
    await expect(queued).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('skips a dead host and connects to a live one', async () => {
    const { server } = await serverWithProxy();
    const zk = client(`127.0.0.1:1,${server.connectString}`, { randomizeHosts: false });
    await zk.start();
    expect(zk.state).toBe('CONNECTED');
  });

  it('cut: SUSPENDED, then CONNECTED with the same session, ephemerals intact, in-flight requests rejected', async () => {
    const { proxy } = await serverWithProxy();
    const zk = client(proxy.connectString);
    const states = recordStates(zk);
    await zk.start();
    const sessionId = zk.sessionId;
    await zk.create('/eph', 'x', { ephemeral: true });
    const inFlight = zk.get('/eph');
    proxy.cut();
    // The reply may or may not have come back before the cut; either is a correct outcome.
    await inFlight.catch((e: unknown) => expect(e).toBeInstanceOf(ConnectionLossError));
    await zk.waitForState('SUSPENDED', { timeout: 5_000 }).catch(() => {});
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    expect(zk.sessionId).toBe(sessionId);
    expect((await zk.exists('/eph'))?.ephemeralOwner).toBe(sessionId);
    expect(states).toEqual(['CONNECTED', 'SUSPENDED', 'CONNECTED']);
  });

  it('re-registers watches after a reconnect; a node changed while away fires then', async () => {
    const { server, proxy } = await serverWithProxy();
    const zk = client(proxy.connectString);
    const other = client(server.connectString);
    await Promise.all([zk.start(), other.start()]);
    await other.create('/w', '0');
    await other.create('/kids');
    const data = new Inbox<WatchedEvent>();
    const exist = new Inbox<WatchedEvent>();
    const child = new Inbox<WatchedEvent>();
    const persistent = new Inbox<WatchedEvent>();
    await zk.get('/w', { watch: data.push });
    await zk.exists('/new', { watch: exist.push });
    await zk.getChildren('/kids', { watch: child.push });
    await zk.addWatch('/kids', persistent.push, { recursive: true });
    proxy.refuse();
    proxy.cut();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    await other.set('/w', '1');
    await other.create('/new');
    await other.create('/kids/a');
    proxy.heal();
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    expect((await data.waitFor(1))[0]).toMatchObject({ type: 'CHANGED', path: '/w' });
    expect((await exist.waitFor(1))[0]).toMatchObject({ type: 'CREATED', path: '/new' });
    expect((await child.waitFor(1))[0]).toMatchObject({ type: 'CHILD', path: '/kids' });
    // Persistent watches are re-added; events while away are not replayed, new ones arrive.
    await other.create('/kids/b');
    expect((await persistent.waitFor(1)).map((e) => e.path)).toContain('/kids/b');
  });

  it('requests issued while SUSPENDED wait for the reconnect, or reject after requestTimeout', async () => {
    const { proxy } = await serverWithProxy();
    const zk = client(proxy.connectString, { requestTimeout: 300, sessionTimeout: 8_000 });
    await zk.start();
    proxy.refuse();
    proxy.cut();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    const late = zk.exists('/');
    const err = await late.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionLossError);
    expect((err as Error).message).toMatch(/waited 300 ms/);

    const zk2 = client(proxy.connectString, { sessionTimeout: 8_000 });
    proxy.heal();
    await zk2.start();
    proxy.refuse();
    proxy.cut();
    await zk2.waitForState('SUSPENDED', { timeout: 5_000 });
    const waiting = [zk2.create('/q1'), zk2.create('/q2'), zk2.getChildren('/')];
    expect(zk2.inFlight.queued).toBe(3);
    proxy.heal();
    const [a, b, kids] = await Promise.all(waiting);
    expect([a, b]).toEqual(['/q1', '/q2']);
    expect(kids).toEqual(expect.arrayContaining(['q1', 'q2']));
  });

  it('black-hole: SUSPENDED after the read timeout (about 2/3 of the session timeout), same session after heal', async () => {
    const { proxy } = await serverWithProxy();
    const zk = client(proxy.connectString, { sessionTimeout: 3_000 });
    await zk.start();
    const sessionId = zk.sessionId;
    const t0 = performance.now();
    proxy.blackhole();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    const detected = performance.now() - t0;
    expect(detected).toBeGreaterThanOrEqual(zk.sessionTimeout * (2 / 3) - 50);
    proxy.heal();
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    expect(zk.sessionId).toBe(sessionId);
  });

  it('pings keep an idle session alive', async () => {
    const { server } = await serverWithProxy();
    const zk = client(server.connectString, { sessionTimeout: 1_000 });
    const states = recordStates(zk);
    await zk.start();
    const sessionId = zk.sessionId;
    await zk.create('/alive', null, { ephemeral: true });
    // Idle for three session timeouts, waiting on the server's own clock through another client.
    const other = client(server.connectString);
    await other.start();
    const until = Date.now() + 3 * zk.sessionTimeout;
    while (Date.now() < until) await other.sync('/');
    expect(states).toEqual(['CONNECTED']);
    expect(zk.sessionId).toBe(sessionId);
    expect((await other.exists('/alive'))?.ephemeralOwner).toBe(sessionId);
  });

  it('server-side expiry: LOST, watches get a LOST event, pending requests reject, then a new session', async () => {
    const { server, proxy } = await serverWithProxy();
    const zk = client(proxy.connectString);
    const states = recordStates(zk);
    await zk.start();
    const old = zk.sessionId;
    await zk.create('/e', null, { ephemeral: true });
    const watch = deferred<WatchedEvent>();
    await zk.exists('/e', { watch: watch.resolve });
    proxy.refuse();
    await expireSession(zk, { connectString: server.connectString });
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    const pending = zk.get('/e').catch((e: unknown) => e);
    proxy.heal();
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    expect(await pending).toBeInstanceOf(SessionExpiredError);
    expect(await watch.promise).toEqual({ type: 'NONE', state: 'LOST', path: '/e' });
    expect(zk.sessionId).not.toBe(old);
    expect(await zk.exists('/e')).toBeNull();
    expect(states).toEqual(['CONNECTED', 'SUSPENDED', 'LOST', 'CONNECTED']);
  });

  it('declares LOST by the clock when disconnected past the session timeout, and closes that old session on return', async () => {
    const { server, proxy } = await serverWithProxy();
    const zk = client(proxy.connectString, { sessionTimeout: 2_000 });
    const observer = client(server.connectString);
    await Promise.all([zk.start(), observer.start()]);
    await zk.create('/mine', null, { ephemeral: true });
    const t0 = performance.now();
    proxy.blackhole();
    await zk.waitForState('LOST', { timeout: 10_000 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1_900);
    proxy.heal();
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    // The old session is gone on the server: its ephemeral too.
    expect(await observer.exists('/mine')).toBeNull();
  });

  it('resumes the session across a server restart', async () => {
    const { server } = await serverWithProxy();
    // 30 s: a JVM restart on a loaded machine can take over 10 s, and past the session timeout the client
    // rightly declares the session lost by its own clock.
    const zk = client(server.connectString, { sessionTimeout: 30_000 });
    await zk.start();
    const sessionId = zk.sessionId;
    await zk.create('/before', 'x', { ephemeral: true });
    await server.kill();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    await server.restart();
    await zk.waitForState('CONNECTED', { timeout: 30_000 });
    expect(zk.sessionId).toBe(sessionId);
    expect(await zk.exists('/before')).not.toBeNull();
  }, 60_000);

  it('never connects to a server that is behind the last zxid seen', async () => {
    const { server } = await serverWithProxy();
    const zk = client(server.connectString, { sessionTimeout: 2_000 });
    const states = recordStates(zk);
    await zk.start();
    for (let i = 0; i < 5; i++) await zk.create(`/n${i}`);
    const seen = zk.lastZxid;
    await server.kill();
    await rm(path.join(server.dataDir!, 'version-2'), { recursive: true, force: true });
    await server.restart();
    await zk.waitForState('LOST', { timeout: 10_000 });
    expect(states).toEqual(['CONNECTED', 'SUSPENDED', 'LOST']);
    expect(zk.lastZxid).toBe(seen);
  });

  it('a corrupt frame closes the connection with a protocol error; the session recovers', async () => {
    const server = await startServer();
    let corrupt = false;
    const proxy = await FaultProxy.start({
      target: { host: server.host, port: server.port },
      onServerData: (chunk) => {
        if (!corrupt) return chunk;
        corrupt = false;
        const bad = Buffer.from(chunk);
        bad.writeInt32BE(0x7fffffff, 0);
        return bad;
      },
    });
    onTestFinished(async () => {
      await proxy.close();
      await server.stop();
    });
    const errors: string[] = [];
    const zk = client(proxy.connectString, { logger: { warn: (m, meta) => errors.push(`${m} ${String(meta?.['reason'] ?? '')}`) } });
    await zk.start();
    const sessionId = zk.sessionId;
    corrupt = true;
    const err = await zk.get('/').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as Error).message).toMatch(/exceeds the client's limit/);
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    expect(zk.sessionId).toBe(sessionId);
    expect(await zk.exists('/')).not.toBeNull();
    expect(errors.join('\n')).toMatch(/frame of 2147483647 bytes/);
  });

  it('stop() on a black-holed server settles within its bound: in-flight requests reject, state LOST', async () => {
    const { proxy } = await serverWithProxy();
    const zk = client(proxy.connectString, { sessionTimeout: 6_000 });
    await zk.start();
    proxy.blackhole();
    const inFlight = zk.get('/').catch((e: unknown) => e);
    const t0 = performance.now();
    await zk.stop();
    // The closeSession reply never comes: stop() waits at most a third of the session timeout (capped at 2 s).
    expect(performance.now() - t0).toBeLessThan(2_500);
    expect(await inFlight).toBeInstanceOf(ConnectionLossError);
    expect(zk.state).toBe('LOST');
    await expect(zk.exists('/')).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('a watch() stream yields the LOST event when the session expires, then ends', async () => {
    const { server, proxy } = await serverWithProxy();
    const zk = client(proxy.connectString);
    await zk.start();
    await zk.create('/streamed');
    const seen: WatchedEvent[] = [];
    const stream = zk.watch('/streamed');
    await zk.set('/streamed', 'x');
    const reader = (async () => {
      for await (const event of stream) seen.push(event);
    })();
    proxy.refuse();
    await expireSession(zk, { connectString: server.connectString });
    proxy.heal();
    await reader;
    expect(seen.map((e) => e.type)).toEqual(['CHANGED', 'NONE']);
    expect(seen.at(-1)).toMatchObject({ state: 'LOST', path: '/streamed' });
  });

  it('pipelines: 10,000 gets without awaiting each put many on the wire at once', async () => {
    const { server } = await serverWithProxy();
    const zk = client(server.connectString);
    await zk.start();
    await zk.create('/p', 'x');
    const all = Array.from({ length: 10_000 }, () => zk.get('/p'));
    const inFlight = zk.inFlight.sent;
    const results = await Promise.all(all);
    expect(inFlight).toBeGreaterThan(1_000);
    expect(results.every((r) => r.data.toString() === 'x')).toBe(true);
  });
});

