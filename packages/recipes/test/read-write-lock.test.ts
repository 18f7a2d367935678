import { describe, expect, it } from 'vitest';
import { ReadWriteLock, Semaphore } from '../src/index.js';
import { contenderStats } from '../src/contender.js';
import { harness } from './helpers.js';

const h = harness();

describe('ReadWriteLock', () => {
  it('admits readers together: four readers in four sessions all hold at once', async () => {
    const zks = await h.clients(4);
    let holding = 0;
    let allIn!: () => void;
    const everyoneHolds = new Promise<void>((res) => (allIn = res));
    const leases = await Promise.all(
      zks.map(async (zk) => {
        const lease = await new ReadWriteLock(zk, '/locks/readers').readLock.acquire({ timeout: 10_000 });
        if (++holding === zks.length) allIn();
        // No reader lets go before every reader holds: an exclusive read lock would time out here.
        await everyoneHolds;
        return lease;
      }),
    );
    expect(holding).toBe(4);
    await Promise.all(leases.map((l) => l.release()));
  });

  it('admits writers alone (8 sessions, 4 writers, 4 readers)', async () => {
    const zks = await h.clients(8);
    let readers = 0;
    let writers = 0;
    const violations: string[] = [];
    await Promise.all(
      zks.map(async (zk, i) => {
        const rw = new ReadWriteLock(zk, '/locks/table');
        const lock = i % 2 === 0 ? rw.writeLock : rw.readLock;
        for (let r = 0; r < 15; r++) {
          const lease = await lock.acquire({ timeout: 20_000 });
          if (i % 2 === 0) {
            writers++;
            if (writers > 1 || readers > 0) violations.push('writer overlap');
          } else {
            readers++;
            if (writers > 0) violations.push('reader with writer');
          }
          await new Promise((res) => setTimeout(res, 2));
          if (i % 2 === 0) writers--;
          else readers--;
          await lease.release();
        }
      }),
    );
    expect(violations).toEqual([]);
  });

  it('writes Curator __READ__/__WRIT__ names, or kazoo __rlock__/__lock__', async () => {
    const [zk] = await h.clients(1);
    const a = await new ReadWriteLock(zk!, '/locks/rw1').readLock.acquire();
    const b = await new ReadWriteLock(zk!, '/locks/rw2', { naming: 'kazoo' }).readLock.acquire();
    expect(a.path).toMatch(/\/_c_[0-9a-f-]{36}-__READ__\d{10}$/);
    expect(b.path).toMatch(/\/[0-9a-f]{32}__rlock__\d{10}$/);
    await a.release();
    await b.release();
  });
});

describe('Semaphore', () => {
  it('grants maxLeases at once: three holders in three sessions all hold together', async () => {
    const zks = await h.clients(3);
    let holding = 0;
    let allIn!: () => void;
    const everyoneHolds = new Promise<void>((res) => (allIn = res));
    const leases = await Promise.all(
      zks.map(async (zk, i) => {
        const lease = await new Semaphore(zk, '/sem/together', { maxLeases: 3, identifier: `t${i}` }).acquire({
          timeout: 10_000,
        });
        if (++holding === zks.length) allIn();
        await everyoneHolds; // nobody releases before all three hold
        return lease;
      }),
    );
    expect(holding).toBe(3);
    await Promise.all(leases.map((l) => l.release()));
  });

  it('never grants more than maxLeases at once (8 sessions)', async () => {
    const zks = await h.clients(8);
    let holders = 0;
    await Promise.all(
      zks.map(async (zk, i) => {
        const sem = new Semaphore(zk, '/sem/db', { maxLeases: 3, identifier: `w${i}` });
        for (let r = 0; r < 15; r++) {
          const lease = await sem.acquire({ timeout: 20_000 });
          holders++;
          expect(holders).toBeLessThanOrEqual(3);
          await new Promise((res) => setTimeout(res, 2));
          holders--;
          await lease.release();
        }
      }),
    );
    expect(holders).toBe(0);
  });

  it('a waiter lists the children once per wake: that one listing carries the watch', async () => {
    const [holderZk, ...waiterZks] = await h.clients(4);
    let listings = 0;
    for (const zk of waiterZks) {
      const getChildren = zk.getChildren.bind(zk);
      zk.getChildren = ((...args: Parameters<typeof getChildren>) => {
        listings++;
        return getChildren(...args);
      }) as typeof zk.getChildren;
    }
    const holder = await new Semaphore(holderZk!, '/sem/once', { maxLeases: 1 }).acquire();
    const watches0 = contenderStats.watches;
    const waiters = waiterZks.map((zk) => new Semaphore(zk, '/sem/once', { maxLeases: 1 }));
    const pending = waiters.map((w) => w.acquire({ timeout: 10_000 }));
    for (const p of pending) p.catch(() => {});
    await expect.poll(() => contenderStats.watches - watches0).toBeGreaterThanOrEqual(3);
    await holder.release();
    await Promise.all(pending.map(async (p) => (await p).release())); // each releases once it holds
    // Every round of a waiter is one listing: it acquires, or it waits on that listing's watch.
    const rounds = contenderStats.watches - watches0 + waiters.length;
    expect(listings).toBe(rounds);
    expect(rounds).toBeGreaterThan(waiters.length + 3); // joiners and releases woke the others
  });

  it('lists the lease holders', async () => {
    const zks = await h.clients(3);
    const sems = zks.map((zk, i) => new Semaphore(zk, '/sem/h', { maxLeases: 2, identifier: `w${i}` }));
    await sems[0]!.acquire();
    await sems[1]!.acquire();
    expect(await sems[2]!.tryAcquire()).toBeNull();
    expect(await sems[2]!.leaseHolders()).toEqual(['w0', 'w1']);
    await sems[0]!.release();
    expect(await sems[2]!.tryAcquire()).not.toBeNull();
    expect(await sems[2]!.leaseHolders()).toEqual(['w1', 'w2']);
  });
});
