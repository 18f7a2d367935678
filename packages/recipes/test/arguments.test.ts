// Bad caller input gets the client's InvalidArgumentError before anything is sent; bad
// data from the server a RecipeDataError; every recipe timeout is a RecipeTimeoutError.
import { InvalidArgumentError, ZooKeeperClient } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import {
  Barrier, ChildrenWatch, Counter, DataWatch, DoubleBarrier, LeaderLatch, Lock, LockTimeoutError, ReadWriteLock, RecipeDataError,
  NodeCache, RecipeTimeoutError, Semaphore,
} from '../src/index.js';
import { harness } from './helpers.js';

const h = harness();

describe('bad arguments throw InvalidArgumentError before anything is sent', () => {
  // A client that was never started: any request would reject with ClientNotStartedError.
  const idle = new ZooKeeperClient({ hosts: '127.0.0.1:1' });

  it.each([
    ['a relative path', () => new Lock(idle, 'locks/a')],
    ['the root', () => new Lock(idle, '/')],
    ['a path with an empty segment', () => new Semaphore(idle, '/a//b')],
    ['a bad suspendedGrace', () => new Lock(idle, '/l', { suspendedGrace: -1 })],
    ['a bad naming', () => new ReadWriteLock(idle, '/l', { naming: 'zk' as never })],
    ['a non-string identifier', () => new Lock(idle, '/l', { identifier: 7 as never })],
    ['maxLeases 0', () => new Semaphore(idle, '/s', { maxLeases: 0 })],
    ['numClients 0', () => new DoubleBarrier(idle, '/d', 0)],
    ['a non-string latch identifier', () => new LeaderLatch(idle, '/latch', 3 as never)],
    ['a relative barrier path', () => new Barrier(idle, 'b')],
    ['an int32 counter with a fractional initial value', () => new Counter(idle, '/c', { format: 'int32', initial: 0.5 })],
    ['a DataWatch without a function', () => new DataWatch(idle, '/w', undefined as never)],
    ['a ChildrenWatch on a bad path', () => new ChildrenWatch(idle, '/w/', () => {})],
    ['a recipe listener that is not a function', () => new LeaderLatch(idle, '/latch').on('isLeader', 5 as never)],
    ['a cache listener that is not a function', () => new NodeCache(idle, '/n').once('changed', undefined as never)],
  ])('%s', (_what, make) => {
    expect(make).toThrow(InvalidArgumentError);
  });

  it.each([
    ['acquire({ timeout: -1 })', () => new Lock(idle, '/l').acquire({ timeout: -1 })],
    ['acquire({ timeout: NaN })', () => new Semaphore(idle, '/s').acquire({ timeout: Number.NaN })],
    ['acquire({ signal: {} })', () => new Lock(idle, '/l').acquire({ signal: {} as never })],
    ['enter({ timeout: -5 })', () => new DoubleBarrier(idle, '/d', 2).enter({ timeout: -5 })],
    ['wait({ timeout: "1" })', () => new Barrier(idle, '/b').wait({ timeout: '1' as never })],
    ['awaitLeadership({ timeout: -1 })', () => {
      const latch = new LeaderLatch(idle, '/latch');
      return latch.awaitLeadership({ timeout: -1 }).finally(() => latch.close());
    }],
    ['add(NaN)', () => new Counter(idle, '/c').add(Number.NaN)],
  ])('%s rejects', async (_what, call) => {
    await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('one error tree', () => {
  it('a counter holding data that is not a number rejects with RecipeDataError naming the path', async () => {
    const [zk] = await h.clients(1);
    await zk!.create('/counters/bad', 'not a number', { makePath: true });
    const err = await new Counter(zk!, '/counters/bad').get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecipeDataError);
    expect(err).toMatchObject({ path: '/counters/bad' });
    await zk!.set('/counters/bad', Buffer.from([1, 2, 3]));
    await expect(new Counter(zk!, '/counters/bad', { format: 'int32' }).add(1)).rejects.toBeInstanceOf(RecipeDataError);
  });

  it('a lock timeout is a LockTimeoutError and a RecipeTimeoutError naming the recipe and the path', async () => {
    const [a, b] = await h.clients(2);
    const held = await new Semaphore(a!, '/sem/t', { maxLeases: 1 }).acquire();
    const err = await new Semaphore(b!, '/sem/t', { maxLeases: 1 }).acquire({ timeout: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect(err).toBeInstanceOf(RecipeTimeoutError);
    expect(err).toMatchObject({ recipe: 'Semaphore', path: '/sem/t', timeout: 100 });
    const rw = await new ReadWriteLock(b!, '/sem/t').writeLock.acquire({ timeout: 100 }).catch((e: unknown) => e);
    expect(rw).toMatchObject({ recipe: 'WriteLock', path: '/sem/t' });
    await held.release();
  });
});
