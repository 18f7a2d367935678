import { describe, expect, it } from 'vitest';
import { Election, Lock, OwnershipLostError, VALIDITY_MARGIN } from '../src/index.js';
import { aborted, harness } from './helpers.js';

const h = harness();

describe('Lease: live loss detection, validUntil', () => {
  it("aborts the signal with reason 'deleted' as soon as another client deletes the holder node, and the waiter acquires", async () => {
    const [zk, other, waiterZk] = await h.clients(3);
    const lock = new Lock(zk!, '/locks/del', { identifier: 'h' });
    const lease = await lock.acquire();
    const waiting = new Lock(waiterZk!, '/locks/del', { identifier: 'w' }).acquire({ timeout: 10_000 });
    await expect.poll(() => lock.contenders()).toEqual(['h', 'w']);
    await other!.delete(lease.path);
    const reason = (await aborted(lease.signal)) as OwnershipLostError;
    expect(reason).toBeInstanceOf(OwnershipLostError);
    expect(reason.reason).toBe('deleted');
    expect(lock.isAcquired).toBe(false);
    expect(lease.uncertain).toBe(false);
    expect(lease.validUntil()).toBeUndefined();
    await lease.release(); // settles: nothing left to delete
    const next = await waiting;
    expect(next.fencingToken).toBeGreaterThan(lease.fencingToken);
    await next.release();
    expect(await other!.getChildren('/locks/del')).toEqual([]);
  });

  it("steps down with reason 'closed' when its client is stopped, before the session ends", async () => {
    const [zk, waiterZk] = await h.clients(2);
    const order: string[] = [];
    zk!.on('state', (state) => order.push(`state ${state}`));
    const lease = await new Lock(zk!, '/locks/closing').acquire();
    lease.signal.addEventListener('abort', () => order.push(`abort ${(lease.signal.reason as OwnershipLostError).reason}`));
    const waiting = new Lock(waiterZk!, '/locks/closing').acquire({ timeout: 10_000 });
    await expect.poll(() => new Lock(waiterZk!, '/locks/closing').contenders()).toHaveLength(2);
    await zk!.stop();
    expect(order).toEqual(['abort closed', 'state LOST']);
    const next = await waiting;
    expect(next.fencingToken).toBeGreaterThan(lease.fencingToken);
    await next.release();
  });

  it('keeps watching its node across data changes and still sees the deletion', async () => {
    const [zk, other] = await h.clients(2);
    const lease = await new Lock(zk!, '/locks/chg').acquire();
    await other!.set(lease.path, 'touched');
    await other!.set(lease.path, 'again');
    expect(lease.isHeld).toBe(true);
    await other!.delete(lease.path);
    expect(((await aborted(lease.signal)) as OwnershipLostError).reason).toBe('deleted');
  });

  it('validUntil() is a conservative local lease: defined while held, within one session timeout, extended by verify()', async () => {
    const [zk] = await h.clients(1, { sessionTimeout: 4_000 });
    const before = performance.now();
    const lease = await new Lock(zk!, '/locks/valid').acquire();
    const first = lease.validUntil();
    expect(first).toBeDefined();
    expect(first!).toBeGreaterThanOrEqual(before + zk!.sessionTimeout * (1 - VALIDITY_MARGIN) - 1);
    expect(first!).toBeLessThanOrEqual(performance.now() + zk!.sessionTimeout * (1 - VALIDITY_MARGIN));
    const t = performance.now();
    expect(await lease.verify()).toBe(true);
    expect(lease.validUntil()!).toBeGreaterThanOrEqual(t + zk!.sessionTimeout * (1 - VALIDITY_MARGIN));
    expect(lease.uncertain).toBe(false);
    await lease.release();
    expect(lease.validUntil()).toBeUndefined();
    expect(await lease.verify()).toBe(false);
  });

  it("an Election leader's signal aborts when its node is deleted, and the next candidate leads", async () => {
    const [z1, z2, other] = await h.clients(3);
    const events: string[] = [];
    let leaderPath = '';
    let firstStarted!: () => void;
    const gotFirst = new Promise<void>((r) => (firstStarted = r));
    const first = new Election(z1!, '/election/del', 'a').run(async (signal, lease) => {
      leaderPath = lease.path;
      events.push('a start');
      firstStarted();
      const r = (await aborted(signal)) as OwnershipLostError;
      events.push(`a ${r.reason}`);
    });
    await gotFirst;
    const second = new Election(z2!, '/election/del', 'b').run(async () => {
      events.push('b start');
    });
    await expect.poll(() => new Election(other!, '/election/del', 'x').contenders()).toEqual(['a', 'b']);
    await other!.delete(leaderPath);
    await Promise.all([first, second]);
    // A deletion by a third party reaches both sessions as separate notifications: no
    // order between them is promised (the fencing token covers that window).
    expect(events.toSorted()).toEqual(['a deleted', 'a start', 'b start']);
  });
});
