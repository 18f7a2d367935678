// Every user callback runs isolated: a throw or a rejection is reported once as a
// CallbackError and never stops the callbacks after it.
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { FaultProxy } from '@zookit/testing';
import { uniqueChroot } from '@zookit/testing/vitest';
import { CallbackError, InvalidArgumentError, type ConnectionState, type WatchedEvent, type ZooKeeperClient } from '../src/index.js';
import { client, connect, Inbox } from './helpers.js';

/** Counts unhandled rejections and uncaught exceptions while the test runs. */
function trackUnhandled(): unknown[] {
  const seen: unknown[] = [];
  const on = (e: unknown) => seen.push(e);
  process.on('unhandledRejection', on);
  process.on('uncaughtException', on);
  onTestFinished(() => {
    process.off('unhandledRejection', on);
    process.off('uncaughtException', on);
  });
  return seen;
}

function collectErrors(zk: ZooKeeperClient): Inbox<Error> {
  const errors = new Inbox<Error>();
  zk.on('error', errors.push);
  return errors;
}

/** A proxy in front of the shared server, closed when the test ends. */
async function proxied(): Promise<FaultProxy> {
  const [host, port] = inject('zkConnect').split(',')[0]!.split(':');
  const proxy = await FaultProxy.start({ target: { host: host!, port: Number(port) } });
  onTestFinished(() => proxy.close());
  return proxy;
}

describe('callback isolation', () => {
  it('a throwing state listener registered FIRST hides no transition from later listeners or observers', async () => {
    const unhandled = trackUnhandled();
    const proxy = await proxied();
    const zk = client(proxy.connectString + uniqueChroot());
    const errors = collectErrors(zk);
    zk.addListener(() => {
      throw new Error('first listener bug');
    });
    const listener = new Inbox<string>();
    const observer = new Inbox<string>();
    const closings: string[] = [];
    zk.on('closing', () => {
      throw new Error('closing listener bug');
    });
    zk.on('state', (s: ConnectionState, prev: ConnectionState) => listener.push(`${prev}->${s}`));
    zk.observe({ state: (s, prev) => observer.push(`${prev}->${s}`), closing: () => closings.push('observer') });
    zk.on('closing', () => closings.push('listener'));
    await zk.start();
    proxy.cut();
    await zk.waitForState('SUSPENDED', { timeout: 10_000 });
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    await zk.stop();
    const all = ['LOST->CONNECTED', 'CONNECTED->SUSPENDED', 'SUSPENDED->CONNECTED', 'CONNECTED->LOST'];
    expect(await listener.waitFor(4)).toEqual(all);
    expect(await observer.waitFor(4)).toEqual(all);
    expect(closings).toEqual(['observer', 'listener']);
    await errors.waitFor(5);
    expect(errors.items.every((e) => e instanceof CallbackError)).toBe(true);
    expect(errors.items.map((e) => (e as CallbackError).label).sort()).toEqual([
      "'closing' listener", "'state' listener", "'state' listener", "'state' listener", "'state' listener",
    ]);
    expect(unhandled).toEqual([]);
  });

  it('observers run before listeners, each isolated; unobserve stops them', async () => {
    const zk = await connect();
    const order: string[] = [];
    zk.on('state', () => order.push('listener'));
    zk.observe({
      state: () => {
        order.push('observer 1');
        throw new Error('observer bug');
      },
    });
    const off = zk.observe({ state: () => order.push('removed') });
    zk.observe({ state: () => order.push('observer 2') });
    const errors = collectErrors(zk);
    off();
    await zk.stop();
    await expect.poll(() => order).toEqual(['observer 1', 'observer 2', 'listener']);
    expect((await errors.waitFor(1)).map((e) => (e as CallbackError).label)).toEqual(['state observer']);
  });

  it('once() listeners are isolated too, and removeListener/listeners() see the functions the user passed', async () => {
    const zk = await connect();
    const errors = collectErrors(zk);
    const ran: string[] = [];
    const thrower = () => {
      ran.push('thrower');
      throw new Error('once bug');
    };
    zk.once('closing', thrower);
    zk.once('closing', () => ran.push('second'));
    const removed = () => ran.push('removed');
    zk.on('closing', removed);
    expect(zk.listeners('closing')).toContain(removed);
    zk.off('closing', removed);
    expect(zk.listeners('closing')).not.toContain(removed);
    expect(zk.listenerCount('closing')).toBe(2);
    await zk.stop();
    expect(ran).toEqual(['thrower', 'second']);
    expect(zk.listenerCount('closing')).toBe(0);
    expect((await errors.waitFor(1)).map((e) => (e as CallbackError).label)).toEqual(["'closing' listener"]);
  });

  it('a listener that is not a function is refused with InvalidArgumentError, and nothing is registered', () => {
    const zk = client('127.0.0.1:1');
    expect(() => zk.on('state', 42 as never)).toThrow(InvalidArgumentError);
    expect(() => zk.once('closing', 'x' as never)).toThrow(InvalidArgumentError);
    expect(() => zk.addListener(null as never)).toThrow(InvalidArgumentError);
    expect(zk.listenerCount('state') + zk.listenerCount('closing')).toBe(0);
  });

  it('two one-shot watchers of one node: the first throws, the second still fires', async () => {
    const unhandled = trackUnhandled();
    const zk = await connect();
    const errors = collectErrors(zk);
    await zk.create('/n', 'a');
    const second = new Inbox<WatchedEvent>();
    await zk.get('/n', {
      watch: () => {
        throw new Error('watch bug');
      },
    });
    await zk.get('/n', { watch: second.push });
    await zk.set('/n', 'b');
    expect((await second.waitFor(1))[0]).toMatchObject({ type: 'CHANGED', path: '/n' });
    const [err] = await errors.waitFor(1);
    expect(err).toBeInstanceOf(CallbackError);
    expect((err as CallbackError).label).toBe('watch /n');
    expect((err!.cause as Error).message).toBe('watch bug');
    expect(unhandled).toEqual([]);
  });

  it('two persistent-watch listeners: the first throws on every event, the second sees them all', async () => {
    const unhandled = trackUnhandled();
    const zk = await connect();
    const errors = collectErrors(zk);
    await zk.create('/p', '0');
    const second = new Inbox<WatchedEvent>();
    await zk.addWatch('/p', () => {
      throw new Error('persistent bug');
    });
    await zk.addWatch('/p', second.push);
    for (let i = 1; i <= 3; i++) await zk.set('/p', String(i));
    expect((await second.waitFor(3)).map((e) => e.type)).toEqual(['CHANGED', 'CHANGED', 'CHANGED']);
    expect((await errors.waitFor(3)).every((e) => e instanceof CallbackError)).toBe(true);
    expect(unhandled).toEqual([]);
  });

  it('a rejected async listener is reported once as a CallbackError, with no unhandled rejection', async () => {
    const unhandled = trackUnhandled();
    const zk = await connect();
    const errors = collectErrors(zk);
    // An async listener on purpose: its rejection is what the client must catch.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    zk.on('state', async () => {
      await Promise.resolve();
      throw new Error('async bug');
    });
    await zk.stop();
    const [err] = await errors.waitFor(1);
    expect(err).toBeInstanceOf(CallbackError);
    expect((err!.cause as Error).message).toBe('async bug');
    await new Promise((r) => setTimeout(r, 20));
    expect(errors.items).toHaveLength(1);
    expect(unhandled).toEqual([]);
  });

  it('runCallback isolates a sync throw and a rejection; a throwing error listener does not recurse', async () => {
    const unhandled = trackUnhandled();
    const zk = await connect();
    const logged: string[] = [];
    const errors = collectErrors(zk);
    zk.on('error', () => {
      throw new Error('error listener bug');
    });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    onTestFinished(() => void process.off('warning', onWarning));
    zk.runCallback('my callback', (x: number) => {
      logged.push(`ran ${x}`);
      throw new Error('sync');
    }, 7);
    zk.runCallback('my async callback', () => Promise.reject(new Error('async')));
    expect(() => zk.runCallback('not a function', 42 as never)).toThrow(InvalidArgumentError);
    const got = await errors.waitFor(2);
    expect(logged).toEqual(['ran 7']);
    expect(got.map((e) => (e as CallbackError).label)).toEqual(['my callback', 'my async callback']);
    // The throwing 'error' listener was printed (no logger: a process warning), once per error, never re-emitted.
    await expect.poll(() => warnings.filter((w) => w instanceof CallbackError).length).toBe(2);
    expect(errors.items).toHaveLength(2);
    expect(unhandled).toEqual([]);
  });

  it('with no error listener, a failing callback goes to the logger (or else a process warning), once', async () => {
    const lines: Array<Record<string, unknown> | undefined> = [];
    const zk = await connect({ logger: { error: (_m, meta) => lines.push(meta) } });
    zk.runCallback('logged callback', () => {
      throw new Error('boom');
    });
    expect(lines).toEqual([{ label: 'logged callback', error: 'boom' }]);
    const bare = await connect();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    onTestFinished(() => void process.off('warning', onWarning));
    bare.runCallback('bare callback', () => {
      throw new Error('boom');
    });
    await expect.poll(() => warnings.filter((w) => w instanceof CallbackError).map((w) => (w as CallbackError).label)).toEqual(['bare callback']);
  });
});
