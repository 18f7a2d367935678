import { CallbackError, ClientClosedError, ConnectionState, InvalidArgumentError, NoAuthError, makeDigestAcl, sessionCredentials } from '@zookit/client';
import { expireSessionById } from '@zookit/testing';
import { describe, expect, inject, it } from 'vitest';
import { ChildrenCache, NodeCache, RecipeStateError, TreeCache, type CacheChange, type CacheEvent } from '../src/index.js';
import { listing, next, record, replay, view } from './cache-helpers.js';
import { harness } from './helpers.js';

const h = harness();

describe('TreeCache', () => {
  it('loads a tree, follows creates, sets and deletes in order, and its events replay to its view', async () => {
    const [zk, writer] = await h.clients(2);
    await writer!.create('/app/a/x', 'ax', { makePath: true });
    await writer!.create('/app/b', 'b');
    const cache = new TreeCache(zk!, '/app');
    const events = record(cache);
    await cache.start();
    expect(cache.stale).toBe(false);
    expect(cache.size).toBe(4);
    expect(cache.children('/app')).toEqual(['a', 'b']);
    expect(cache.get('/app/a/x')?.data?.toString()).toBe('ax');
    expect(events.at(-1)).toEqual({ type: 'initialized' });

    await writer!.create('/app/c', 'c1');
    // Seen before it changes: a create and a set read back together are one 'created' with the newer data.
    await expect.poll(() => cache.get('/app/c')?.data?.toString()).toBe('c1');
    await writer!.set('/app/c', 'c2');
    await writer!.create('/app/c/d', 'd');
    await writer!.delete('/app/a', { recursive: true });
    await expect.poll(() => view(cache)).toEqual(await listing(writer!, '/app'));
    expect(replay(events)).toEqual(view(cache));
    const c = events.find((e): e is CacheChange => e.type === 'changed' && e.path === '/app/c');
    expect(c?.previous?.data?.toString()).toBe('c1');
    expect(c?.data?.toString()).toBe('c2');
    // The parent's children changed (its pzxid moved), its data did not: no 'changed'.
    expect(events.filter((e) => e.type === 'changed').map((e) => (e as CacheChange).path)).toEqual(['/app/c']);
    await cache.close();
    expect(cache.stale).toBe(true);
  });

  it('caches a root that does not exist yet and picks it up when created', async () => {
    const [zk, writer] = await h.clients(2);
    const cache = new TreeCache(zk!, '/later');
    await cache.start();
    expect(cache.size).toBe(0);
    expect(cache.get('/later')).toBeUndefined();
    await writer!.create('/later', 'r');
    await writer!.create('/later/k', 'k');
    await expect.poll(() => cache.children('/later')).toEqual(['k']);
    await writer!.delete('/later', { recursive: true });
    await expect.poll(() => cache.size).toBe(0);
    await cache.close();
  });

  it('a node deleted and re-created while disconnected is reported deleted + created, an untouched one not at all', async () => {
    const [zk, writer] = await h.clients(2, { proxy: true });
    await writer!.create('/t/same', 'v', { makePath: true });
    await writer!.create('/t/quiet', 'q');
    const cache = new TreeCache(zk!, '/t');
    const events = record(cache);
    await cache.start();
    const before = cache.get('/t/same')!.stat;
    const staleSeen = next(cache, 'stale');
    zk!.proxy!.blackhole();
    await zk!.waitForState(ConnectionState.SUSPENDED, { timeout: 10_000 });
    await staleSeen;
    expect(cache.stale).toBe(true);
    expect(cache.get('/t/quiet')?.data?.toString()).toBe('q'); // the last view stays readable
    await writer!.delete('/t/same');
    await writer!.create('/t/same', 'v'); // same data, same version 0: only czxid tells
    const resynced = next(cache, 'resynced');
    const mark = events.length;
    let staleAtReconnect: boolean | undefined;
    zk!.once('state', () => (staleAtReconnect = cache.stale));
    zk!.proxy!.heal();
    await resynced;
    expect(staleAtReconnect).toBe(true); // reconnected, rebuild running: still stale
    expect(cache.stale).toBe(false);
    const after = events.slice(mark);
    expect(after.map((e) => `${e.type} ${'path' in e ? e.path : ''}`.trim())).toEqual(['deleted /t/same', 'created /t/same', 'resynced']);
    expect(cache.get('/t/same')!.stat.version).toBe(before.version);
    expect(cache.get('/t/same')!.stat.czxid).not.toBe(before.czxid);
    expect(view(cache)).toEqual(await listing(writer!, '/t'));
  });

  it('applies writes that land during a slow rebuild to the rebuilt view, never losing one', async () => {
    const [zk, writer] = await h.clients(2, { proxy: true });
    await writer!.create('/slow', 'r');
    await Promise.all(Array.from({ length: 20 }, (_, i) => writer!.create(`/slow/n${i}`, '0')));
    // One node per read, one read at a time, 25 ms each way: the rebuild takes about a second.
    // The filter tells when the rebuild has listed the children (it is asked about each).
    let rebuilding = false;
    let listed!: () => void;
    const listedChildren = new Promise<void>((resolve) => (listed = resolve));
    const filter = (p: string) => {
      if (rebuilding && p === '/slow/n19') listed();
      return true;
    };
    const cache = new TreeCache(zk!, '/slow', { batchSize: 1, concurrency: 1, filter });
    const events = record(cache);
    await cache.start();
    let done = false;
    const resynced = next(cache, 'resynced').then(() => (done = true));
    rebuilding = true;
    zk!.proxy!.delay(25);
    zk!.proxy!.cut();
    await listedChildren;
    // Every node is written in rounds, each round paced by a round trip through the cache's
    // slow connection, while the rebuild reads the nodes one by one.
    for (let round = 1; round <= 5; round++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => writer!.set(`/slow/n${i}`, String(round))));
      await zk!.exists('/slow');
    }
    expect(done).toBe(false);
    await resynced;
    // Nothing was written after the rebuild: its view must already be the server's.
    expect(view(cache)).toEqual(await listing(writer!, '/slow'));
    expect(cache.get('/slow/n19')?.data?.toString()).toBe('5');
    expect(replay(events)).toEqual(view(cache));
    await cache.close();
  });

  it('keeps its last view, marked stale, across a session loss and emits only the difference on the new session', async () => {
    const [zk, writer] = await h.clients(2, { proxy: true, sessionTimeout: 3_000 });
    await writer!.create('/s/a', 'a', { makePath: true });
    await writer!.create('/s/b', 'b');
    const cache = new TreeCache(zk!, '/s');
    const events = record(cache);
    await cache.start();
    const mark = events.length;
    const creds = zk![sessionCredentials]()!;
    zk!.proxy!.refuse();
    zk!.proxy!.cut();
    await zk!.waitForState(ConnectionState.SUSPENDED, { timeout: 10_000 });
    expect(cache.stale).toBe(true);
    await writer!.set('/s/b', 'b2');
    await writer!.create('/s/c', 'c');
    await expireSessionById(creds, { connectString: inject('zkConnect') });
    const lost = zk!.waitForState(ConnectionState.LOST, { timeout: 15_000 });
    expect(cache.get('/s/b')?.data?.toString()).toBe('b');
    const resynced = next(cache, 'resynced');
    zk!.proxy!.heal();
    await lost;
    expect(cache.stale).toBe(true);
    expect(cache.get('/s/b')?.data?.toString()).toBe('b');
    await resynced;
    expect(cache.stale).toBe(false);
    const after = events.slice(mark).map((e) => `${e.type} ${'path' in e ? e.path : ''}`.trim());
    expect(after).toEqual(['changed /s/b', 'created /s/c', 'resynced']);
    // The new session's watch works.
    await writer!.delete('/s/a');
    await expect.poll(() => cache.get('/s/a')).toBeUndefined();
    expect(replay(events)).toEqual(await listing(writer!, '/s'));
    await cache.close();
  });

  it('maxDepth, filter and dataless shape what is cached', async () => {
    const [zk, writer] = await h.clients(2);
    await writer!.create('/f/keep/deep/deeper', 'x', { makePath: true });
    await writer!.create('/f/skip/child', 'y', { makePath: true });
    await writer!.set('/f/keep', 'k');
    const cache = new TreeCache(zk!, '/f', { maxDepth: 2, filter: (p) => !p.startsWith('/f/skip'), dataless: true });
    await cache.start();
    expect([...cache.entries().keys()].sort()).toEqual(['/f', '/f/keep', '/f/keep/deep']);
    expect(cache.get('/f/keep')!.data).toBeNull();
    expect(cache.get('/f/keep')!.stat.dataLength).toBe(1);
    await writer!.create('/f/skip/other');
    await writer!.create('/f/keep/deep/deeper/deepest');
    await writer!.create('/f/keep/two');
    await expect.poll(() => cache.children('/f/keep')).toEqual(['deep', 'two']);
    expect(cache.size).toBe(4);
    expect(() => new TreeCache(zk!, '/f', { maxDepth: -1 })).toThrow(InvalidArgumentError);
    expect(() => new TreeCache(zk!, 'f')).toThrow(InvalidArgumentError);
    await cache.close();
  });

  it('leaves out a node it may not read and reports the NoAuth on the client', async () => {
    const [zk, writer] = await h.clients(2);
    await writer!.create('/acl/open', 'o', { makePath: true });
    await writer!.create('/acl/secret', 's', { acl: [makeDigestAcl('someone', 'pw')] });
    const errors: Error[] = [];
    zk!.on('error', (e) => errors.push(e));
    const cache = new TreeCache(zk!, '/acl');
    await cache.start();
    expect(cache.children('/acl')).toEqual(['open']);
    expect(errors.some((e) => e instanceof NoAuthError)).toBe(true);
    await cache.close();
  });

  it('isolates listeners: one that throws or rejects is reported and the others still run', async () => {
    const [zk, writer] = await h.clients(2);
    const cache = new TreeCache(zk!, '/iso');
    const errors: Error[] = [];
    zk!.on('error', (e) => errors.push(e));
    const seen: string[] = [];
    cache.on('created', () => {
      throw new Error('boom');
    });
    cache.on('created', async () => {
      throw new Error('async boom');
    });
    cache.on('created', (e) => seen.push(e.path));
    await cache.start();
    await writer!.create('/iso', 'x');
    await expect.poll(() => seen).toEqual(['/iso']);
    await expect.poll(() => errors.length).toBe(2);
    expect(errors.every((e) => e instanceof CallbackError && e.label === "TreeCache 'created' listener")).toBe(true);
    await cache.close();
  });

  it('events() yields the same stream and ends on the signal', async () => {
    const [zk, writer] = await h.clients(2);
    await writer!.create('/it', 'r');
    const cache = new TreeCache(zk!, '/it');
    const ac = new AbortController();
    const stream = cache.events({ signal: ac.signal });
    await cache.start();
    await writer!.create('/it/a', 'a');
    const got: CacheEvent[] = [];
    const reason = new Error('done');
    await expect(async () => {
      for await (const e of stream) {
        got.push(e);
        if ('path' in e && e.path === '/it/a') ac.abort(reason);
      }
    }).rejects.toBe(reason);
    expect(got.map((e) => e.type)).toEqual(['created', 'initialized', 'created']);
    await cache.close();
  });
});

describe('TreeCache lifecycle', () => {
  it('start() rejects when the cache is closed first, or when the client closes first', async () => {
    const [zk, other] = await h.clients(2, { proxy: true });
    zk!.proxy!.refuse();
    zk!.proxy!.cut();
    await zk!.waitForState(ConnectionState.SUSPENDED, { timeout: 10_000 });
    const early = new TreeCache(zk!, '/life');
    const starting = early.start();
    await early.close();
    await expect(starting).rejects.toBeInstanceOf(RecipeStateError);
    const orphan = new TreeCache(zk!, '/life');
    const waiting = orphan.start();
    await zk!.close();
    await expect(waiting).rejects.toBeInstanceOf(ClientClosedError);
    await expect(new TreeCache(zk!, '/life').start()).rejects.toBeInstanceOf(ClientClosedError);
    expect(orphan.stale).toBe(true);
    await orphan.close();
    expect(await other!.exists('/life')).toBeNull();
  });
});

describe('NodeCache and ChildrenCache', () => {
  it('NodeCache follows one node through delete and re-create', async () => {
    const [zk, writer] = await h.clients(2);
    const node = new NodeCache(zk!, '/one');
    const types: string[] = [];
    node.on('created', () => types.push('created'));
    node.on('changed', () => types.push('changed'));
    node.on('deleted', () => types.push('deleted'));
    await node.start();
    expect(node.current).toBeUndefined();
    await writer!.create('/one', 'a');
    // Seen before it changes: a create and a set read back together are one 'created' (with 'b').
    await expect.poll(() => node.current?.data?.toString()).toBe('a');
    await writer!.create('/one/child', 'c'); // not reported, not cached
    await writer!.set('/one', 'b');
    await expect.poll(() => node.current?.data?.toString()).toBe('b');
    await writer!.delete('/one', { recursive: true });
    await expect.poll(() => node.current).toBeUndefined();
    expect(types).toEqual(['created', 'changed', 'deleted']);
    await node.close();
  });

  it('ChildrenCache never reads, caches or reports grandchildren', async () => {
    const [zk, writer] = await h.clients(2);
    await writer!.create('/p/c1/g1', 'g', { makePath: true });
    await writer!.set('/p/c1', 'one');
    const kids = new ChildrenCache(zk!, '/p');
    const paths: string[] = [];
    kids.on('created', (e) => paths.push(`+${e.path}`));
    kids.on('changed', (e) => paths.push(`~${e.path}`));
    kids.on('deleted', (e) => paths.push(`-${e.path}`));
    await kids.start();
    expect([...kids.current().keys()]).toEqual(['c1']);
    expect(kids.get('c1')?.data?.toString()).toBe('one');
    await writer!.create('/p/c1/g2', 'g');
    await writer!.set('/p/c1/g1', 'g!');
    await writer!.create('/p/c2', 'two');
    await writer!.set('/p', 'parent');
    await expect.poll(() => [...kids.current().keys()]).toEqual(['c1', 'c2']);
    await writer!.delete('/p/c1', { recursive: true });
    await expect.poll(() => [...kids.current().keys()]).toEqual(['c2']);
    expect(paths).toEqual(['+/p/c1', '+/p/c2', '-/p/c1']);
    await kids.close();
  });
});
