// The diagnostics channels (docs/observability.md), subscribed with node:diagnostics_channel
// directly: what each publishes, in which order, and that no message carries a secret.
import diagnostics_channel from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { FaultProxy, expireSession } from '@zookit/testing';
import { uniqueChroot } from '@zookit/testing/vitest';
import {
  CHANNELS, ConnectionLossError, NoNodeError, Perms, digestId, ZooKeeperClient, makeDigestAcl, sessionCredentials,
  type ConnectMessage, type RequestMessage, type SessionMessage, type StateMessage, type WatchMessage,
} from '../src/index.js';
import { Capture } from './capture.js';
import { Inbox } from './helpers.js';

type Traced<M> = { phase: 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error'; ctx: M };

/** Subscribes to a TracingChannel for the test; every event lands in the inbox (the context by reference). */
function traceInbox<M extends object>(name: string): Inbox<Traced<M>> {
  const inbox = new Inbox<Traced<M>>();
  const handlers = {
    start: (ctx: unknown) => inbox.push({ phase: 'start', ctx: ctx as M }),
    end: (ctx: unknown) => inbox.push({ phase: 'end', ctx: ctx as M }),
    asyncStart: (ctx: unknown) => inbox.push({ phase: 'asyncStart', ctx: ctx as M }),
    asyncEnd: (ctx: unknown) => inbox.push({ phase: 'asyncEnd', ctx: ctx as M }),
    error: (ctx: unknown) => inbox.push({ phase: 'error', ctx: ctx as M }),
  };
  const ch = diagnostics_channel.tracingChannel(name);
  ch.subscribe(handlers);
  onTestFinished(() => ch.unsubscribe(handlers));
  return inbox;
}

/** Subscribes to a plain channel for the test (a copy of each message). */
function inbox<M>(name: string): Inbox<M> {
  const box = new Inbox<M>();
  const fn = (msg: unknown) => box.push({ ...(msg as M) });
  diagnostics_channel.subscribe(name, fn);
  onTestFinished(() => {
    diagnostics_channel.unsubscribe(name, fn);
  });
  return box;
}

async function proxied(): Promise<{ proxy: FaultProxy; zk: ZooKeeperClient; chroot: string }> {
  const [host, port] = inject('zkConnect').split(':') as [string, string];
  const proxy = await FaultProxy.start({ target: { host, port: Number(port) } });
  onTestFinished(() => proxy.close());
  const chroot = uniqueChroot();
  const zk = new ZooKeeperClient({ hosts: proxy.connectString + chroot, sessionTimeout: 4_000 });
  onTestFinished(() => zk.stop());
  return { proxy, zk, chroot };
}

const hex = (id: bigint) => `0x${id.toString(16)}`;

describe('diagnostics channels', () => {
  it('exports the stable channel names', () => {
    expect(CHANNELS).toEqual({
      request: 'zookit:request', connect: 'zookit:connect', state: 'zookit:state', session: 'zookit:session', watch: 'zookit:watch', recipe: 'zookit:recipe',
    });
  });

  it('zookit:request traces each request to its end, with the code name, the server and the op count', async () => {
    const { proxy, zk } = await proxied();
    await zk.start();
    await zk.ensurePath('/');
    const trace = traceInbox<RequestMessage>(CHANNELS.request);
    await zk.create('/a', 'x');
    await expect(zk.get('/missing')).rejects.toBeInstanceOf(NoNodeError);
    await zk.transaction().create('/b', 'y').setData('/a', 'z').commit();
    const phases = trace.items.map((t) => `${t.ctx.op}:${t.phase}`);
    expect(phases).toEqual([
      'create:start', 'create:end', 'create:asyncStart', 'create:asyncEnd',
      'getData:start', 'getData:end', 'getData:error', 'getData:asyncStart', 'getData:asyncEnd',
      'multi:start', 'multi:end', 'multi:asyncStart', 'multi:asyncEnd',
    ]);
    const [create, get, multi] = [trace.items[0]!.ctx, trace.items[4]!.ctx, trace.items[9]!.ctx];
    const server = { address: '127.0.0.1', port: proxy.port };
    const sessionId = hex(zk.sessionId);
    expect(create).toMatchObject({ op: 'create', path: '/a', sessionId, server, code: 'OK', result: '/a' });
    expect(create.xid).toBeGreaterThan(0);
    expect(get).toMatchObject({ op: 'getData', path: '/missing', sessionId, server, code: 'NONODE' });
    expect(get.error).toBeInstanceOf(NoNodeError);
    expect(get.xid).toBe(create.xid + 1);
    expect(multi).toMatchObject({ op: 'multi', path: undefined, ops: 2, code: 'OK', server });
  });

  it('a request queued while disconnected records the server it is finally sent to', async () => {
    const { proxy, zk } = await proxied();
    await zk.start();
    const trace = traceInbox<RequestMessage>(CHANNELS.request);
    proxy.refuse();
    proxy.cut();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    const pending = zk.exists('/');
    await trace.waitFor(2);
    expect(trace.items[0]!.ctx.server).toBeNull();
    proxy.heal();
    await pending;
    await trace.waitFor(4);
    expect(trace.items[3]).toMatchObject({ phase: 'asyncEnd', ctx: { op: 'exists', code: 'OK', server: { port: proxy.port } } });
  });

  it('a request whose connection drops before the reply ends its trace with an error and code CONNECTIONLOSS', async () => {
    const { proxy, zk } = await proxied();
    await zk.start();
    await zk.ensurePath('/');
    const trace = traceInbox<RequestMessage>(CHANNELS.request);
    const cut = proxy.cutAfterRequest(1); // create
    await expect(zk.create('/lost', 'x')).rejects.toBeInstanceOf(ConnectionLossError);
    expect(await cut.fired).toBeDefined();
    expect(trace.items.map((t) => t.phase)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    const ctx = trace.items[4]!.ctx;
    expect(ctx).toMatchObject({ op: 'create', path: '/lost', code: 'CONNECTIONLOSS', server: { address: '127.0.0.1', port: proxy.port } });
    expect(ctx.error).toBeInstanceOf(ConnectionLossError);
    expect(ctx.result).toBeUndefined();
  });

  it('zookit:connect, zookit:state and zookit:session follow a session through a cut, an expiry and a close', async () => {
    const { proxy, zk } = await proxied();
    const connect = traceInbox<ConnectMessage>(CHANNELS.connect);
    const states = inbox<StateMessage>(CHANNELS.state);
    const sessions = inbox<SessionMessage>(CHANNELS.session);
    await zk.start();
    const first = zk.sessionId;
    expect(connect.items.map((t) => t.phase)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(connect.items[3]!.ctx).toEqual({
      server: { address: '127.0.0.1', port: proxy.port }, sessionId: '0x0', reconnect: false, outcome: 'connected', negotiatedTimeout: 4_000, readOnly: false, resumed: false,
    });
    // A refused attempt, then a resumed session.
    proxy.refuse();
    proxy.cut();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    await expect.poll(() => connect.items.filter((t) => t.phase === 'error').length, { timeout: 5_000 }).toBeGreaterThan(0);
    const failed = connect.items.find((t) => t.phase === 'error')!.ctx;
    expect(failed).toMatchObject({ outcome: 'failed', sessionId: hex(first) });
    expect(failed.error).toBeInstanceOf(Error);
    proxy.heal();
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    expect(connect.items.at(-1)!.ctx).toMatchObject({ outcome: 'connected', resumed: true, reconnect: true, sessionId: hex(first) });
    // A real expiry (our reconnects refused meanwhile, so they cannot race the twin connection): expired, then a new session.
    proxy.refuse();
    try {
      await expireSession(zk, { connectString: inject('zkConnect') });
    } finally {
      proxy.heal();
    }
    await expect.poll(() => sessions.items.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    await zk.stop();
    const second = hex(zk.sessionId === 0n ? BigInt((sessions.items[2] as { sessionId: string }).sessionId) : zk.sessionId);
    expect(sessions.items).toEqual([
      { event: 'established', sessionId: hex(first), timeout: 4_000, readOnly: false, server: { address: '127.0.0.1', port: proxy.port } },
      { event: 'expired', sessionId: hex(first) },
      { event: 'established', sessionId: second, timeout: 4_000, readOnly: false, server: { address: '127.0.0.1', port: proxy.port } },
      { event: 'closed', sessionId: second },
    ]);
    expect(second).not.toBe(hex(first));
    expect(states.items.map((s) => `${s.previous}>${s.state}`)).toEqual([
      'LOST>CONNECTED', 'CONNECTED>SUSPENDED', 'SUSPENDED>CONNECTED', 'CONNECTED>SUSPENDED', 'SUSPENDED>LOST', 'LOST>CONNECTED', 'CONNECTED>LOST',
    ]);
  });

  it('zookit:session says "lost" when the clock runs out while disconnected', async () => {
    const { proxy, zk } = await proxied();
    await zk.start();
    const id = hex(zk.sessionId);
    const sessions = inbox<SessionMessage>(CHANNELS.session);
    proxy.blackhole();
    await sessions.waitFor(1, 15_000);
    expect(sessions.items[0]).toEqual({ event: 'lost', sessionId: id });
  });

  it('zookit:watch reports deliveries and the re-registration after a reconnect', async () => {
    const { proxy, zk } = await proxied();
    await zk.start();
    await zk.ensurePath('/');
    await zk.create('/w', 'x');
    const watches = inbox<WatchMessage>(CHANNELS.watch);
    const fired = new Inbox<unknown>();
    await zk.get('/w', { watch: fired.push });
    await zk.getChildren('/', { watch: fired.push });
    proxy.cut();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    await zk.set('/w', 'y');
    await fired.waitFor(1);
    expect(watches.items).toEqual([
      { event: 'rearmed', paths: 2, batches: 1 },
      { event: 'delivered', type: 'CHANGED', path: '/w', watchers: 1 },
    ]);
  });

  it('no message on any channel carries the session password or auth data', async () => {
    const cap = new Capture();
    const password = 'Digest-PW-93be01';
    cap.secret('digest password', password);
    cap.secret('digest ACL hash', digestId('alice', password).split(':')[1]!);
    const record = (name: string) => (msg: unknown) => cap.text.push(name, inspect(msg, { depth: 10, showHidden: true }));
    const names = [CHANNELS.state, CHANNELS.session, CHANNELS.watch];
    const traced = [CHANNELS.request, CHANNELS.connect];
    const handlers = { start: record('start'), end: record('end'), asyncStart: record('asyncStart'), asyncEnd: record('asyncEnd'), error: record('error') };
    for (const n of names) diagnostics_channel.subscribe(n, record(n));
    for (const n of traced) diagnostics_channel.tracingChannel(n).subscribe(handlers);
    onTestFinished(() => {
      for (const n of traced) diagnostics_channel.tracingChannel(n).unsubscribe(handlers);
    });
    const { proxy, chroot } = await proxied();
    const zk = cap.client({ hosts: proxy.connectString + chroot, authData: [{ scheme: 'digest', credential: `alice:${password}` }] });
    await zk.start();
    cap.grabPassword(zk);
    await zk.ensurePath('/');
    await zk.create('/s', 'x', { acl: [makeDigestAcl('alice', password, Perms.ALL)] });
    await zk.addAuth('digest', `bob:${password}`);
    await zk.getAcls('/s');
    await zk.get('/s', { watch: () => {} });
    proxy.cut();
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    expect(zk[sessionCredentials]()).toBeDefined();
    await zk.stop();
    expect(cap.text.length).toBeGreaterThan(20);
    expect(cap.hits()).toEqual([]);
  });
});
