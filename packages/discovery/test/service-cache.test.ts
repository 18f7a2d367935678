import { CallbackError, ConnectionState, InvalidArgumentError } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { InstanceDecodeError, ServiceDiscovery, type ServiceInstance } from '../src/index.js';
import { expire, harness, next } from './helpers.js';

const h = harness();

async function discovery(options: { proxy?: boolean } = {}) {
  const zk = await h.client({ proxy: options.proxy ?? false });
  const sd = new ServiceDiscovery<{ zone: string }>(zk, { basePath: '/services' });
  await sd.start();
  return { zk, sd };
}

const ids = (list: readonly ServiceInstance<unknown>[]) => list.map((i) => i.id).sort();

describe('ServiceCache', () => {
  it('loads the instances and follows registrations, updates and removals', async () => {
    const { sd } = await discovery();
    const other = (await discovery()).sd;
    await other.register({ name: 'orders', id: 'a', payload: { zone: 'a' } });
    const cache = sd.serviceCache('orders');
    expect(cache.stale).toBe(true);
    await cache.start();
    expect(cache.stale).toBe(false);
    expect(ids(cache.instances())).toEqual(['a']);
    let changed = next<[readonly ServiceInstance<{ zone: string }>[]]>(cache, 'changed');
    const b = await other.register({ name: 'orders', id: 'b', payload: { zone: 'b' } });
    expect(ids((await changed)[0])).toEqual(['a', 'b']);
    changed = next(cache, 'changed');
    await other.update({ ...b, payload: { zone: 'c' } });
    expect((await changed)[0].find((i) => i.id === 'b')?.payload).toEqual({ zone: 'c' });
    changed = next(cache, 'changed');
    await other.unregister('a');
    expect(ids((await changed)[0])).toEqual(['b']);
    expect(ids(cache.instances())).toEqual(['b']);
    await cache.close();
  });

  it('works for a service that does not exist yet', async () => {
    const { sd } = await discovery();
    const cache = sd.serviceCache('later');
    await cache.start();
    expect(cache.instances()).toEqual([]);
    const changed = next(cache, 'changed');
    await sd.register({ name: 'later', id: 'x' });
    await changed;
    expect(ids(cache.instances())).toEqual(['x']);
  });

  it('leaves out a malformed node with an InstanceDecodeError, and takes it once it is fixed', async () => {
    const { zk, sd } = await discovery();
    await sd.register({ name: 'orders', id: 'good' });
    await zk.create('/services/orders/bad', 'nope');
    const cache = sd.serviceCache('orders');
    const errors: Error[] = [];
    cache.on('error', (e) => errors.push(e));
    await cache.start();
    expect(ids(cache.instances())).toEqual(['good']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InstanceDecodeError);
    const changed = next(cache, 'changed');
    await zk.set('/services/orders/bad', JSON.stringify({ name: 'orders', id: 'bad' }));
    await changed;
    expect(ids(cache.instances())).toEqual(['bad', 'good']);
  });

  it('keeps working when a listener throws or rejects, and reports each failure once on the client', async () => {
    const { zk, sd } = await discovery();
    const reported: CallbackError[] = [];
    zk.on('error', (e) => reported.push(e as CallbackError));
    const cache = sd.serviceCache('orders');
    const seen: number[] = [];
    cache.on('changed', () => {
      throw new Error('listener bug');
    });
    cache.on('changed', async () => Promise.reject(new Error('async listener bug')));
    cache.on('changed', (list) => seen.push(list.length));
    await cache.start();
    await sd.register({ name: 'orders', id: 'a' });
    await expect.poll(() => seen.at(-1)).toBe(1);
    await sd.register({ name: 'orders', id: 'b' });
    await expect.poll(() => seen.at(-1)).toBe(2);
    await expect.poll(() => reported.length).toBe(2 * 2); // two failing listeners, two changes
    expect(reported.every((e) => e instanceof CallbackError && e.label === "ServiceCache 'changed' listener")).toBe(true);
    expect(reported.map((e) => (e.cause as Error).message).sort()).toEqual(['async listener bug', 'async listener bug', 'listener bug', 'listener bug']);
  });

  it('runs a once listener on the next change only, off removes a listener, and a throwing one does not stop the next', async () => {
    const { zk, sd } = await discovery();
    const reported: Error[] = [];
    zk.on('error', (e) => reported.push(e));
    const cache = sd.serviceCache('orders');
    const calls: string[] = [];
    cache.once('changed', () => {
      calls.push('once, throws');
      throw new Error('once bug');
    });
    cache.once('changed', (list) => calls.push(`once ${list.length}`));
    const removed = () => calls.push('removed');
    cache.on('changed', removed);
    cache.off('changed', removed);
    cache.on('changed', (list) => calls.push(`on ${list.length}`));
    expect(cache.listenerCount('changed')).toBe(3);
    await cache.start();
    await sd.register({ name: 'orders', id: 'a' });
    await expect.poll(() => calls.at(-1)).toBe('on 1');
    expect(cache.listenerCount('changed')).toBe(1);
    await sd.register({ name: 'orders', id: 'b' });
    await expect.poll(() => calls.at(-1)).toBe('on 2');
    expect(calls).toEqual(['once, throws', 'once 1', 'on 1', 'on 2']);
    expect(reported.map((e) => (e.cause as Error).message)).toEqual(['once bug']);
    await cache.close();
  });

  it('goes stale when the connection drops, and resyncs with the true difference after it', async () => {
    const { zk, sd } = await discovery({ proxy: true });
    const writer = (await discovery()).sd;
    await writer.register({ name: 'orders', id: 'stays' });
    const gone = await writer.register({ name: 'orders', id: 'goes' });
    const cache = sd.serviceCache('orders');
    await cache.start();
    const stale = next(cache, 'stale');
    zk.proxy!.blackhole();
    await stale;
    expect(cache.stale).toBe(true);
    await writer.unregister(gone);
    await writer.register({ name: 'orders', id: 'new' });
    const changes: string[][] = [];
    cache.on('changed', (list) => changes.push(ids(list)));
    const resynced = next(cache, 'resynced', 30_000);
    zk.proxy!.heal();
    zk.proxy!.cut(); // drop the black-holed connection so the client reconnects now
    await resynced;
    expect(cache.stale).toBe(false);
    expect(changes).toEqual([['new', 'stays']]);
  });

  it('adds its watch again in a new session after expiry', async () => {
    const { zk, sd } = await discovery({ proxy: true });
    const writer = (await discovery()).sd;
    const cache = sd.serviceCache('orders');
    await cache.start();
    const resynced = next(cache, 'resynced', 30_000);
    await expire(zk);
    await zk.waitForState(ConnectionState.CONNECTED, { timeout: 15_000 });
    await resynced;
    const changed = next(cache, 'changed');
    await writer.register({ name: 'orders', id: 'after' });
    await changed;
    expect(ids(cache.instances())).toEqual(['after']);
  });
});

describe('ServiceProvider', () => {
  async function provider(options: Parameters<ServiceDiscovery<{ zone: string }>['serviceProvider']>[1] = {}, zones = ['a', 'b', 'c']) {
    const { sd } = await discovery();
    for (const [n, zone] of zones.entries()) await sd.register({ name: 'orders', id: `i${n}`, payload: { zone } });
    const p = sd.serviceProvider('orders', options);
    await p.start();
    return { sd, p };
  }

  it('round-robin visits every instance in turn', async () => {
    const { p } = await provider();
    const picks = Array.from({ length: 6 }, () => p.getInstance()!.id);
    expect(picks.slice(0, 3).sort()).toEqual(['i0', 'i1', 'i2']);
    expect(picks.slice(3)).toEqual(picks.slice(0, 3));
  });

  it('random picks among the usable instances', async () => {
    const { p } = await provider({ strategy: 'random' });
    const seen = new Set(Array.from({ length: 200 }, () => p.getInstance()!.id));
    expect([...seen].sort()).toEqual(['i0', 'i1', 'i2']);
  });

  it('sticky keeps one instance until it is gone', async () => {
    const { sd, p } = await provider({ strategy: 'sticky' });
    const first = p.getInstance()!;
    expect(Array.from({ length: 5 }, () => p.getInstance()!.id)).toEqual(Array(5).fill(first.id));
    const changed = next(p.cache, 'changed');
    await sd.unregister(first.id);
    await changed;
    const second = p.getInstance()!;
    expect(second.id).not.toBe(first.id);
    expect(p.getInstance()!.id).toBe(second.id);
  });

  it('uses only enabled instances the filter accepts; a throwing filter rejects and reports', async () => {
    const { sd, p } = await provider({ filter: (i) => {
      if (i.payload?.zone === 'c') throw new Error('filter bug');
      return i.payload?.zone !== 'b';
    } });
    const errors: Error[] = [];
    p.cache.on('error', (e) => errors.push(e));
    expect(ids(p.getAllInstances())).toEqual(['i0']);
    expect(errors.map((e) => e.message)).toEqual(['filter bug']);
    const changed = next(p.cache, 'changed');
    await sd.update({ ...sd.registered.get('i0')!, enabled: false });
    await changed;
    expect(p.getInstance()).toBeNull();
  });

  it('leaves an instance out after errorThreshold errors within the timeout, and takes it back after', async () => {
    const { p } = await provider({ downInstancePolicy: { timeout: 500, errorThreshold: 2 } }, ['a', 'b']);
    const bad = p.getAllInstances().find((i) => i.id === 'i0')!;
    p.noteError(bad);
    expect(ids(p.getAllInstances())).toEqual(['i0', 'i1']);
    p.noteError(bad);
    expect(ids(p.getAllInstances())).toEqual(['i1']);
    expect(Array.from({ length: 4 }, () => p.getInstance()!.id)).toEqual(Array(4).fill('i1'));
    await expect.poll(() => ids(p.getAllInstances()), { timeout: 5_000 }).toEqual(['i0', 'i1']);
  });

  it('refuses bad options', async () => {
    const { sd } = await discovery();
    expect(() => sd.serviceProvider('orders', { strategy: 'first' as never })).toThrow(InvalidArgumentError);
    expect(() => sd.serviceProvider('orders', { downInstancePolicy: { errorThreshold: 0 } })).toThrow(InvalidArgumentError);
  });
});
