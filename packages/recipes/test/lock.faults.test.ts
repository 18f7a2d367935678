import { ClientClosedError, ConnectionState } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { Lock, LockTimeoutError, OwnershipLostError, ReadWriteLock, Semaphore, sortContenders } from '../src/index.js';
import { contenderStats } from '../src/contender.js';
import { aborted, expire, harness } from './helpers.js';

const h = harness();
const CREATE2 = 15;

describe('Lock under faults', () => {
  it('a blocked acquire() rejects with ClientClosedError when its client is stopped, connected or SUSPENDED', async () => {
    const [holderZk, waitingZk, suspendedZk, silentZk] = await h.clients(4, { sessionTimeout: 6_000, proxy: true });
    const lease = await new Lock(holderZk!, '/locks/stop').acquire();
    // Queued behind the holder while connected.
    const waiting = new Lock(waitingZk!, '/locks/stop').acquire().catch((e: unknown) => e);
    await expect.poll(() => new Lock(holderZk!, '/locks/stop').contenders()).toHaveLength(2);
    await waitingZk!.stop();
    expect(await waiting).toBeInstanceOf(ClientClosedError);
    // Waiting for the connection to come back.
    suspendedZk!.proxy!.refuse();
    suspendedZk!.proxy!.cut();
    await suspendedZk!.waitForState(ConnectionState.SUSPENDED, { timeout: 5_000 });
    const suspended = new Lock(suspendedZk!, '/locks/stop').acquire().catch((e: unknown) => e);
    await suspendedZk!.stop();
    expect(await suspended).toBeInstanceOf(ClientClosedError);
    // Its create in flight when the client stops (the reply never comes: ConnectionLoss inside).
    silentZk!.proxy!.blackhole();
    const inFlight = new Lock(silentZk!, '/locks/stop').acquire().catch((e: unknown) => e);
    await expect.poll(() => silentZk!.inFlight.sent).toBeGreaterThan(0);
    await silentZk!.stop();
    expect(await inFlight).toBeInstanceOf(ClientClosedError);
    await lease.release();
    expect(await holderZk!.getChildren('/locks/stop')).toEqual([]);
  });

  it("passes the lock to the waiter when the holder's session expires; the holder's signal aborts and release settles", async () => {
    const [holderZk, waiterZk] = await h.clients(2, { sessionTimeout: 3_000, proxy: true });
    const holder = new Lock(holderZk!, '/locks/exp', { identifier: 'holder' });
    const lease = await holder.acquire();
    const waiting = new Lock(waiterZk!, '/locks/exp', { identifier: 'waiter' }).acquire({ timeout: 15_000 });
    await expect.poll(() => holder.contenders()).toEqual(['holder', 'waiter']);
    let abortedFirst = false;
    const lostAt = aborted(lease.signal).then((r) => {
      abortedFirst = true;
      return r;
    });
    const holderLost = holderZk!.waitForState(ConnectionState.LOST, { timeout: 10_000 });
    await expire(holderZk!);
    const waiterLease = await waiting;
    await holderLost;
    expect(abortedFirst).toBe(true); // the old holder knew before the new one got the lock
    expect(await lostAt).toBeInstanceOf(OwnershipLostError);
    expect(holder.isAcquired).toBe(false);
    await holder.release(); // settles without touching the server
    await waiterLease.release();
    await holderZk!.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    const again = await holder.acquire({ timeout: 10_000 });
    expect(again.fencingToken).toBeGreaterThan(waiterLease.fencingToken);
    await again.release();
  });

  it('aborts the signal at SUSPENDED by default, then deletes the node once reconnected so the next waiter gets it', async () => {
    const [holderZk, waiterZk] = await h.clients(2, { sessionTimeout: 4_000, proxy: true });
    const lease = await new Lock(holderZk!, '/locks/susp').acquire();
    const waiting = new Lock(waiterZk!, '/locks/susp').acquire({ timeout: 15_000 });
    await expect.poll(() => waiterZk!.getChildren('/locks/susp').then((c) => c.length)).toBe(2);
    const sessionBefore = holderZk!.sessionId;
    holderZk!.proxy!.cut();
    const reason = (await aborted(lease.signal)) as OwnershipLostError;
    expect(reason.reason).toBe('suspended');
    const next = await waiting;
    expect(holderZk!.sessionId).toBe(sessionBefore); // same session: the node was deleted, not expired
    await next.release();
  });

  it('keeps the lease across a short disconnection within the grace period', async () => {
    const [zk] = await h.clients(1, { sessionTimeout: 4_000, proxy: true });
    const lease = await new Lock(zk!, '/locks/grace', { suspendedGrace: 3_000 }).acquire();
    zk!.proxy!.cut();
    await zk!.waitForState(ConnectionState.SUSPENDED, { timeout: 5_000 }).catch(() => {});
    await zk!.waitForState(ConnectionState.CONNECTED, { timeout: 5_000 });
    expect(lease.isHeld).toBe(true);
    expect(await lease.verify()).toBe(true);
    await lease.release();
  });

  it('keeps its place in the queue across a reconnect while blocked', async () => {
    const [holderZk, waiterZk, thirdZk] = await h.clients(3, { sessionTimeout: 4_000, proxy: true });
    const lease = await new Lock(holderZk!, '/locks/place', { identifier: 'h' }).acquire();
    const waiter = new Lock(waiterZk!, '/locks/place', { identifier: 'w' });
    const waiting = waiter.acquire({ timeout: 15_000 });
    await expect.poll(() => waiter.contenders()).toEqual(['h', 'w']);
    const [, before] = sortContenders(await holderZk!.getChildren('/locks/place')).map((c) => c.name);
    waiterZk!.proxy!.cut();
    await waiterZk!.waitForState(ConnectionState.CONNECTED, { timeout: 5_000 });
    const third = new Lock(thirdZk!, '/locks/place', { identifier: 't' }).acquire({ timeout: 15_000 });
    await expect.poll(() => waiter.contenders()).toEqual(['h', 'w', 't']);
    await lease.release();
    const got = await waiting;
    expect(got.path.endsWith(before!)).toBe(true);
    await got.release();
    await (await third).release();
  });

  it('re-queues with a fresh node after its session is lost while blocked', async () => {
    const [holderZk, waiterZk] = await h.clients(2, { sessionTimeout: 3_000, proxy: true });
    const lease = await new Lock(holderZk!, '/locks/requeue').acquire();
    const waiter = new Lock(waiterZk!, '/locks/requeue', { identifier: 'w' });
    const waiting = waiter.acquire({ timeout: 20_000 });
    await expect.poll(() => holderZk!.getChildren('/locks/requeue').then((c) => c.length)).toBe(2);
    const oldSession = waiterZk!.sessionId;
    const lost = waiterZk!.waitForState(ConnectionState.LOST, { timeout: 10_000 });
    await expire(waiterZk!);
    await lost;
    await waiterZk!.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    await expect.poll(() => holderZk!.getChildren('/locks/requeue').then((c) => c.length), { timeout: 10_000 }).toBe(2);
    await lease.release();
    const got = await waiting;
    expect(got.sessionId).not.toBe(oldSession);
    await got.release();
    expect(await holderZk!.getChildren('/locks/requeue')).toEqual([]);
  });

  it('adopts its own node when the create reply is lost (ghost node), leaving exactly one node', async () => {
    const [zk, other] = await h.clients(2, { sessionTimeout: 4_000, proxy: true });
    await other!.ensurePath('/locks/ghost'); // so that the cut hits the contender's create2, not a NoNode one
    for (let i = 0; i < 5; i++) {
      const adoptions = contenderStats.adoptions;
      const cut = zk!.proxy!.cutAfterRequest(CREATE2);
      const lease = await new Lock(zk!, '/locks/ghost').acquire({ timeout: 10_000 });
      expect(await cut.fired).toBeDefined();
      expect({ ...contenderStats, adoptions: contenderStats.adoptions - adoptions }).toMatchObject({ adoptions: 1 });
      expect(await other!.getChildren('/locks/ghost')).toHaveLength(1);
      const owner = (await other!.exists(lease.path))!.ephemeralOwner;
      expect(owner).toBe(zk!.sessionId);
      await lease.release();
      expect(await other!.getChildren('/locks/ghost')).toEqual([]);
    }
  });

  it('cleans up a ghost node when the attempt times out before the connection is back', async () => {
    const [holderZk, zk] = await h.clients(2, { sessionTimeout: 4_000, proxy: true });
    const held = await new Lock(holderZk!, '/locks/ghost2').acquire();
    const adoptions = contenderStats.adoptions;
    const cut = zk!.proxy!.cutAfterRequest(CREATE2);
    zk!.proxy!.refuse(); // the reconnect fails until heal()
    const err = await new Lock(zk!, '/locks/ghost2').acquire({ timeout: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect(err).toMatchObject({ recipe: 'Lock', path: '/locks/ghost2', message: expect.stringMatching(/not acquired within 300 ms/) });
    expect(await cut.fired).toBeDefined();
    expect(await holderZk!.getChildren('/locks/ghost2')).toHaveLength(2); // the ghost
    zk!.proxy!.heal();
    await zk!.waitForState(ConnectionState.CONNECTED, { timeout: 5_000 });
    await expect.poll(() => holderZk!.getChildren('/locks/ghost2').then((c) => c.length), { timeout: 5_000 }).toBe(1);
    expect(contenderStats.adoptions).toBe(adoptions);
    await held.release();
  });
});

/** Run `n` contenders through proxies with random cuts and expiries; check the fenced log. */
async function churn(make: (zk: Awaited<ReturnType<typeof h.client>>, i: number) => { acquire(o: { timeout: number }): Promise<import('../src/index.js').Lease> }, capacity: number, rounds: number, exclusiveOf?: (i: number) => boolean) {
  const n = 8;
  const zks = await h.clients(n, { sessionTimeout: 2_000, proxy: true });
  const log: { i: number; token: bigint }[] = [];
  const holders = new Set<number>();
  let maxExclusive = -1n;
  const violations: string[] = [];
  let lost = 0;
  let done = false;
  let faults = 0;
  const faultLoop = (async () => {
    for (let k = 0; !done && k < 200; k++) {
      await new Promise((r) => setTimeout(r, 40 + Math.random() * 80));
      if (done) break;
      const victim = zks[Math.floor(Math.random() * n)]!;
      faults++;
      if (Math.random() < 0.5) victim.proxy!.cut();
      else if (victim.state === ConnectionState.CONNECTED) await expire(victim).catch(() => {});
    }
  })();
  await Promise.all(
    zks.map(async (zk, i) => {
      const recipe = make(zk, i);
      const exclusive = exclusiveOf ? exclusiveOf(i) : capacity === 1;
      for (let r = 0; r < rounds * 10 && (r < rounds || faults < 8); r++) {
        const lease = await recipe.acquire({ timeout: 60_000 });
        holders.add(i);
        const others = [...holders].filter((x) => x !== i);
        if (holders.size > capacity) violations.push(`${holders.size} holders`);
        if (exclusiveOf) {
          // a writer may not overlap anyone; a reader may not overlap a writer
          if (exclusive && others.length > 0) violations.push(`writer ${i} with ${others}`);
          if (!exclusive && others.some((o) => exclusiveOf(o))) violations.push(`reader ${i} with a writer`);
        }
        for (let w = 0; w < 2 && lease.isHeld; w++) {
          if (exclusive) {
            if (lease.fencingToken < maxExclusive) violations.push(`stale token ${lease.fencingToken} < ${maxExclusive}`);
            maxExclusive = lease.fencingToken;
          }
          log.push({ i, token: lease.fencingToken });
          await new Promise((res) => setTimeout(res, 1));
        }
        if (!lease.isHeld) lost++;
        holders.delete(i);
        await lease.release();
      }
    }),
  );
  done = true;
  await faultLoop;
  await Promise.all(zks.map((zk) => zk.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 })));
  await expect.poll(() => zks[0]!.getChildren('/churn'), { timeout: 10_000 }).toEqual([]);
  expect(violations).toEqual([]);
  console.log(`churn: ${log.length} fenced writes, ${faults} faults, ${lost} leases lost mid-hold, 0 violations, 0 orphans`);
  return { faults, lost, writes: log.length };
}

describe('mutual exclusion under churn (8 sessions, random cuts and expiries)', () => {
  it('Lock', async () => {
    const r = await churn((zk, i) => new Lock(zk, '/churn', { identifier: `w${i}` }), 1, 200);
    expect(r.faults).toBeGreaterThan(3);
  }, 120_000);

  it('WriteLock vs ReadLock', async () => {
    const r = await churn((zk, i) => (i % 2 === 0 ? new ReadWriteLock(zk, '/churn').writeLock : new ReadWriteLock(zk, '/churn').readLock), 8, 100, (i) => i % 2 === 0);
    expect(r.faults).toBeGreaterThan(3);
  }, 120_000);

  it('Semaphore(3)', async () => {
    const r = await churn((zk, i) => new Semaphore(zk, '/churn', { maxLeases: 3, identifier: `w${i}` }), 3, 100);
    expect(r.faults).toBeGreaterThan(3);
  }, 120_000);
});
