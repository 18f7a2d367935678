import { ClientClosedError, NoNodeError } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { Lock, LockTimeoutError, OwnershipLostError, compareSeq, parseChild, sortContenders } from '../src/index.js';
import { contenderStats } from '../src/contender.js';
import { History, harness } from './helpers.js';

const h = harness();

describe('node names', () => {
  it('parses every known pattern and ignores unrelated children', () => {
    expect(parseChild('_c_6f1d2c3a-1b2c-4d5e-8f90-123456789abc-lock-0000000007')).toMatchObject({ seq: 7, kind: 'exclusive' });
    expect(parseChild('0123456789abcdef0123456789abcdef__lock__0000000003')).toMatchObject({ seq: 3, kind: 'exclusive' });
    expect(parseChild('0123456789abcdef0123456789abcdef__rlock__0000000004')).toMatchObject({ seq: 4, kind: 'read' });
    expect(parseChild('_c_x-__READ__0000000005')).toMatchObject({ kind: 'read' });
    expect(parseChild('_c_x-__WRIT__0000000006')).toMatchObject({ kind: 'exclusive' });
    expect(parseChild('_c_x-latch-0000000008')).toMatchObject({ seq: 8 });
    expect(parseChild('_c_x-lock--2147483648')).toMatchObject({ seq: -2147483648 });
    expect(parseChild('config')).toBeUndefined();
    expect(parseChild('lease-0000000001')).toBeUndefined();
  });

  it('orders by sequence number across schemes and across the 32-bit wrap, never by string', () => {
    const names = ['zz__lock__0000000010', '_c_a-lock-0000000002', 'readme', 'aa__rlock__0000000009', '_c_b-lock-2147483647', '_c_c-lock--2147483648'];
    expect(sortContenders(names.slice(0, 4)).map((c) => c.seq)).toEqual([2, 9, 10]);
    expect(compareSeq(2147483647, -2147483648)).toBeLessThan(0);
    expect(sortContenders(names.slice(4)).map((c) => c.seq)).toEqual([2147483647, -2147483648]);
  });
});

describe('Lock', () => {
  it('grants mutual exclusion to 8 contenders in separate sessions, with increasing fencing tokens', async () => {
    const zks = await h.clients(8);
    const history = new History(1);
    const rounds = 25;
    await Promise.all(
      zks.map(async (zk, i) => {
        const lock = new Lock(zk, '/locks/mx', { identifier: `w${i}` });
        for (let r = 0; r < rounds; r++) {
          const lease = await lock.acquire({ timeout: 20_000 });
          history.enter(`w${i}`, lease.fencingToken);
          await new Promise((res) => setImmediate(res));
          history.leave(`w${i}`);
          await lease.release();
        }
      }),
    );
    expect(history.violations).toEqual([]);
    expect(history.acquisitions).toBe(8 * rounds);
    expect(await zks[0]!.getChildren('/locks/mx')).toEqual([]);
  });

  it('writes Curator-style protected names by default and kazoo names on request', async () => {
    const [zk] = await h.clients(1);
    const a = await new Lock(zk!, '/locks/n1').acquire();
    expect(a.path).toMatch(/^\/locks\/n1\/_c_[0-9a-f-]{36}-lock-\d{10}$/);
    const b = await new Lock(zk!, '/locks/n2', { naming: 'kazoo' }).acquire();
    expect(b.path).toMatch(/^\/locks\/n2\/[0-9a-f]{32}__lock__\d{10}$/);
    expect((await zk!.exists('/locks/n1'))!.ephemeralOwner).not.toBe(zk!.sessionId); // a container, not ours
    await a.release();
    await b.release();
  });

  it('tryAcquire returns null while held elsewhere and leaves no node behind', async () => {
    const [z1, z2] = await h.clients(2);
    const held = await new Lock(z1!, '/locks/try', { identifier: 'a' }).acquire();
    const other = new Lock(z2!, '/locks/try', { identifier: 'b' });
    expect(await other.tryAcquire()).toBeNull();
    expect(other.isAcquired).toBe(false);
    expect(await z1!.getChildren('/locks/try')).toHaveLength(1);
    await held.release();
    const lease = await other.tryAcquire();
    expect(lease).not.toBeNull();
    expect(lease!.fencingToken).toBeGreaterThan(held.fencingToken);
    await other.release();
  });

  it('lists contenders in queue order and ignores unrelated children', async () => {
    const [z1, z2, z3] = await h.clients(3);
    await z1!.ensurePath('/locks/q');
    await z1!.create('/locks/q/readme', 'not a contender');
    const l1 = new Lock(z1!, '/locks/q', { identifier: 'first' });
    const l2 = new Lock(z2!, '/locks/q', { identifier: 'second' });
    const l3 = new Lock(z3!, '/locks/q', { identifier: 'third', naming: 'kazoo' });
    const lease1 = await l1.acquire();
    const p2 = l2.acquire();
    await expect.poll(() => l1.contenders()).toEqual(['first', 'second']);
    const p3 = l3.acquire();
    await expect.poll(() => l1.contenders()).toEqual(['first', 'second', 'third']);
    await lease1.release();
    const lease2 = await p2;
    expect(l2.isAcquired && !l3.isAcquired).toBe(true);
    await lease2.release();
    const lease3 = await p3;
    expect(lease3.fencingToken).toBeGreaterThan(lease2.fencingToken);
    await l3.release();
  });

  it('rejects with LockTimeoutError after the timeout and with the signal reason on abort, removing its node', async () => {
    const [z1, z2] = await h.clients(2);
    const held = await new Lock(z1!, '/locks/to').acquire();
    const waiter = new Lock(z2!, '/locks/to');
    await expect(waiter.acquire({ timeout: 200 })).rejects.toBeInstanceOf(LockTimeoutError);
    const reason = new Error('shutting down');
    const ac = new AbortController();
    const p = waiter.acquire({ signal: ac.signal });
    await expect.poll(() => z1!.getChildren('/locks/to').then((c) => c.length)).toBe(2);
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(await z1!.getChildren('/locks/to')).toHaveLength(1);
    await held.release();
  });

  it('grants no lease on a client that is closing (the listing that would grant it arrives after close() began)', async () => {
    const [holderZk, waiterZk] = await h.clients(2);
    const held = await new Lock(holderZk!, '/locks/closing').acquire();
    const watches0 = contenderStats.watches;
    const waiting = new Lock(waiterZk!, '/locks/closing').acquire().catch((e: unknown) => e);
    await expect.poll(() => contenderStats.watches - watches0).toBe(1); // queued behind the holder
    // The waiter's next listing leaves, then its client starts closing before the reply comes.
    let closing: Promise<void> | undefined;
    const getChildren = waiterZk!.getChildren.bind(waiterZk);
    waiterZk!.getChildren = ((...args: Parameters<typeof getChildren>) => {
      const listed = getChildren(...args);
      closing ??= waiterZk!.close();
      return listed;
    }) as typeof getChildren;
    await held.release();
    expect(await waiting).toBeInstanceOf(ClientClosedError);
    await closing;
    expect(await holderZk!.getChildren('/locks/closing')).toEqual([]);
  });

  it('release is idempotent, aborts the signal and ends the lease; await using releases', async () => {
    const [zk] = await h.clients(1);
    const lock = new Lock(zk!, '/locks/rel');
    {
      await using lease = await lock.acquire();
      expect(lock.isAcquired).toBe(true);
      expect(lease.signal.aborted).toBe(false);
      expect(await lease.verify()).toBe(true);
    }
    expect(lock.isAcquired).toBe(false);
    const lease = await lock.acquire();
    await Promise.all([lease.release(), lease.release(), lock.release()]);
    expect(lease.signal.reason).toBeInstanceOf(OwnershipLostError);
    expect((lease.signal.reason as OwnershipLostError).reason).toBe('released');
    expect(await zk!.getChildren('/locks/rel')).toEqual([]);
  });

  it('fencing token keeps growing when the parent is deleted and re-created', async () => {
    const [zk] = await h.clients(1);
    const lock = new Lock(zk!, '/locks/fence');
    const a = await lock.acquire();
    await a.release();
    await zk!.delete('/locks/fence');
    const b = await lock.acquire();
    expect(b.path.endsWith('0000000000')).toBe(true); // the sequence restarted...
    expect(b.fencingToken).toBeGreaterThan(a.fencingToken); // ...the token did not
    await b.release();
  });

  it('lets a guarded transaction commit only while the lease is held', async () => {
    const [zk] = await h.clients(1);
    await zk!.create('/state', 'v0');
    const lease = await new Lock(zk!, '/locks/guard').acquire();
    await lease.guard(zk!.transaction()).setData('/state', 'v1').commit();
    await lease.release();
    // A failed multi resolves with an Error per operation (the check's is NoNode).
    const results = await lease.guard(zk!.transaction()).setData('/state', 'v2').commit();
    expect(results[0]).toBeInstanceOf(NoNodeError);
    expect((await zk!.get('/state')).data.toString()).toBe('v1');
  });
});
