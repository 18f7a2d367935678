import { InvalidArgumentError } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { LockTimeoutError, OwnershipLostError, Semaphore } from '../src/index.js';
import { History, aborted, harness } from './helpers.js';

const h = harness();

describe("Semaphore with naming: 'curator' (InterProcessSemaphoreV2's protocol)", () => {
  it('writes the V2 layout: a locks/ mutex (empty once granted) and leases/_c_<uuid>-lease-<seq> holding the identifier', async () => {
    const zk = await h.client();
    const sem = new Semaphore(zk, '/v2/layout', { maxLeases: 2, naming: 'curator', identifier: 'w1' });
    const lease = await sem.acquire();
    expect((await zk.getChildren('/v2/layout')).sort()).toEqual(['leases', 'locks']);
    const [name] = await zk.getChildren('/v2/layout/leases');
    expect(name).toMatch(/^_c_[0-9a-f-]{36}-lease-\d{10}$/);
    expect(lease.path).toBe(`/v2/layout/leases/${name}`);
    expect(await zk.getChildren('/v2/layout/locks')).toEqual([]);
    expect(await sem.leaseHolders()).toEqual(['w1']);
    const second = new Semaphore(zk, '/v2/layout', { maxLeases: 2, naming: 'curator', identifier: 'w2' });
    await second.acquire();
    expect(lease.isHeld && second.isAcquired).toBe(true); // two at once
    expect(await sem.leaseHolders()).toEqual(['w1', 'w2']);
    await sem.release();
    await second.release();
    expect(await zk.getChildren('/v2/layout/leases')).toEqual([]);
  });

  it('5 clients × 4 acquisitions with maxLeases 2: never more than 2 holders, every acquisition served', async () => {
    const zks = await h.clients(5);
    const history = new History(2);
    await Promise.all(
      zks.map(async (zk, i) => {
        const sem = new Semaphore(zk, '/v2/churn', { maxLeases: 2, naming: 'curator', identifier: `w${i}` });
        for (let k = 0; k < 4; k++) {
          const lease = await sem.acquire({ timeout: 30_000 });
          history.enter(`w${i}`, lease.fencingToken);
          await new Promise((r) => setTimeout(r, 15));
          history.leave(`w${i}`);
          await lease.release();
        }
      }),
    );
    expect(history.violations).toEqual([]);
    expect(history.acquisitions).toBe(20);
    expect(await zks[0]!.getChildren('/v2/churn/leases')).toEqual([]);
  });

  it('tryAcquire() is null when full (no node left); acquire() times out with LockTimeoutError and leaves nothing', async () => {
    const [z1, z2] = await h.clients(2);
    const held = await new Semaphore(z1!, '/v2/full', { naming: 'curator' }).acquire();
    const other = new Semaphore(z2!, '/v2/full', { naming: 'curator' });
    expect(await other.tryAcquire()).toBeNull();
    await expect(other.acquire({ timeout: 200 })).rejects.toBeInstanceOf(LockTimeoutError);
    await expect.poll(() => z1!.getChildren('/v2/full/leases')).toHaveLength(1);
    expect(await z1!.getChildren('/v2/full/locks')).toEqual([]);
    const waiting = other.acquire({ timeout: 20_000 });
    await expect.poll(() => z1!.getChildren('/v2/full/leases')).toHaveLength(2);
    await held.release();
    const lease = await waiting;
    expect(lease.isHeld).toBe(true);
    await other.release();
  });

  it("a lease's signal aborts when its node is deleted; bad naming throws before anything is sent", async () => {
    const [zk, other] = await h.clients(2);
    const lease = await new Semaphore(zk!, '/v2/sig', { naming: 'curator' }).acquire();
    await other!.delete(lease.path);
    expect(((await aborted(lease.signal)) as OwnershipLostError).reason).toBe('deleted');
    expect(() => new Semaphore(zk!, '/v2/sig', { naming: 'kazoo' as never })).toThrow(InvalidArgumentError);
    expect(() => new Semaphore(zk!, '/v2/sig', { naming: 'curator', suspendedGrace: -1 })).toThrow(InvalidArgumentError);
  });
});
