// Scenario 21: Barrier / DoubleBarrier with a participant whose session expires
// mid-enter or mid-leave (F2 via the twin connection).
import { ConnectionState } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { Barrier, DoubleBarrier, RecipeTimeoutError } from '../src/index.js';
import { expire, harness } from './helpers.js';

const h = harness();
const PATH = '/barriers/db';

/** Participant nodes (not `ready`) and their owners. */
async function members(zk: Awaited<ReturnType<typeof h.client>>): Promise<bigint[]> {
  const names = (await zk.getChildren(PATH).catch(() => [] as string[])).filter((n) => n !== 'ready');
  return Promise.all(names.map(async (n) => (await zk.exists(`${PATH}/${n}`))!.ephemeralOwner));
}

describe('scenario 21: DoubleBarrier with a participant expiring', () => {
  it('mid-enter: the expired participant re-joins on its new session (one node each, none of the old session); everyone enters and leaves; no orphans', async () => {
    const [za, zb, zc] = await h.clients(3, { sessionTimeout: 3_000, proxy: true });
    const [a, b, c] = [za, zb, zc].map((zk, i) => new DoubleBarrier(zk!, PATH, 3, `p${i}`));
    const enteringA = a!.enter({ timeout: 15_000 });
    const enteringB = b!.enter({ timeout: 15_000 });
    await expect.poll(() => members(zc!)).toHaveLength(2);
    const oldSession = za!.sessionId;
    const lost = za!.waitForState(ConnectionState.LOST, { timeout: 10_000 });
    const t0 = performance.now();
    await expire(za!);
    await lost;
    await za!.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    await expect.poll(() => members(zc!), { timeout: 10_000 }).toHaveLength(2); // a is back, on its new session
    const owners = await members(zc!);
    expect(owners).not.toContain(oldSession);
    expect(owners).toContain(za!.sessionId);
    console.log(`double barrier: re-joined ${(performance.now() - t0).toFixed(0)} ms after the expiry`);
    await c!.enter({ timeout: 10_000 });
    await Promise.all([enteringA, enteringB]);
    expect([a, b, c].every((p) => p!.participating)).toBe(true);
    await Promise.all([a!.leave({ timeout: 10_000 }), b!.leave({ timeout: 10_000 }), c!.leave({ timeout: 10_000 })]);
    expect(await members(zc!)).toEqual([]);
  });

  it('mid-enter, participant gone for good: the others reject with RecipeTimeoutError by their timeout and leave no node', async () => {
    const [za, zb, zc] = await h.clients(3, { sessionTimeout: 3_000, proxy: true });
    const a = new DoubleBarrier(za!, PATH, 3, 'a');
    const b = new DoubleBarrier(zb!, PATH, 3, 'b');
    const enteringA = a.enter({ timeout: 30_000 }).catch((e: unknown) => e);
    await expect.poll(() => members(zc!)).toHaveLength(1);
    const t0 = performance.now();
    const enteringB = b.enter({ timeout: 1_500 });
    await expect.poll(() => members(zc!)).toHaveLength(2);
    za!.proxy!.refuse();
    await expire(za!).catch(() => {});
    za!.proxy!.refuse(); // keep a away for good
    await za!.close();
    await expect(enteringB).rejects.toBeInstanceOf(RecipeTimeoutError);
    expect(performance.now() - t0).toBeLessThan(1_500 + 1_000);
    await enteringA;
    await expect.poll(() => members(zc!)).toEqual([]);
    expect(b.participating).toBe(false);
  });

  it('mid-leave: a participant expiring before it leaves counts as gone; the others leave; it leaves later without waiting', async () => {
    const [za, zb, zc] = await h.clients(3, { sessionTimeout: 3_000, proxy: true });
    const [a, b, c] = [za, zb, zc].map((zk, i) => new DoubleBarrier(zk!, PATH, 3, `p${i}`));
    await Promise.all([a!.enter({ timeout: 10_000 }), b!.enter({ timeout: 10_000 }), c!.enter({ timeout: 10_000 })]);
    const leavingA = a!.leave({ timeout: 10_000 });
    const leavingB = b!.leave({ timeout: 10_000 });
    const lost = zc!.waitForState(ConnectionState.LOST, { timeout: 10_000 });
    const t0 = performance.now();
    await expire(zc!);
    await Promise.all([leavingA, leavingB]);
    console.log(`double barrier: others left ${(performance.now() - t0).toFixed(0)} ms after the expiry`);
    await lost;
    expect(c!.participating).toBe(false);
    await zc!.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    await c!.leave({ timeout: 5_000 });
    expect(await members(za!)).toEqual([]);
  });
});

describe('DoubleBarrier timeouts while SUSPENDED', () => {
  it('enter({ timeout }) rejects by its timeout while the connection is down, and removes its node once back', async () => {
    const [za, observer] = await h.clients(2, { sessionTimeout: 8_000, proxy: true });
    const a = new DoubleBarrier(za!, '/barriers/susp', 2, 'a');
    const entering = a.enter({ timeout: 1_000 }).catch((e: unknown) => e);
    await expect.poll(() => observer!.getChildren('/barriers/susp').catch(() => [])).toHaveLength(1);
    za!.proxy!.refuse(); // no reconnect until heal()
    za!.proxy!.cut();
    await za!.waitForState(ConnectionState.SUSPENDED, { timeout: 5_000 });
    const t0 = performance.now();
    const err = await entering;
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(za!.state).toBe(ConnectionState.SUSPENDED); // it did not wait for the connection
    expect(err).toBeInstanceOf(RecipeTimeoutError);
    expect(err).toMatchObject({ recipe: 'DoubleBarrier.enter', path: '/barriers/susp' });
    expect(await observer!.getChildren('/barriers/susp')).toHaveLength(1); // still there: deleted once back
    za!.proxy!.heal();
    await expect.poll(() => observer!.getChildren('/barriers/susp'), { timeout: 8_000 }).toEqual([]);
  });

  it('leave({ timeout }) rejects by its timeout while the connection is down; once back, leave() completes', async () => {
    const [za, zb, observer] = await h.clients(3, { sessionTimeout: 8_000, proxy: true });
    const [a, b] = [za, zb].map((zk, i) => new DoubleBarrier(zk!, '/barriers/susp2', 2, `p${i}`));
    await Promise.all([a!.enter({ timeout: 10_000 }), b!.enter({ timeout: 10_000 })]);
    za!.proxy!.refuse();
    za!.proxy!.cut();
    await za!.waitForState(ConnectionState.SUSPENDED, { timeout: 5_000 });
    const t0 = performance.now();
    const err = await a!.leave({ timeout: 500 }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(1_500);
    expect(za!.state).toBe(ConnectionState.SUSPENDED);
    expect(err).toBeInstanceOf(RecipeTimeoutError);
    expect(err).toMatchObject({ recipe: 'DoubleBarrier.leave', path: '/barriers/susp2' });
    za!.proxy!.heal();
    await Promise.all([a!.leave({ timeout: 10_000 }), b!.leave({ timeout: 10_000 })]);
    await expect.poll(() => observer!.getChildren('/barriers/susp2'), { timeout: 8_000 }).toEqual([]);
  });
});

describe('scenario 21: Barrier with a waiter expiring', () => {
  it('a waiter whose session expires mid-wait still passes when the barrier is removed; another times out with false', async () => {
    const [coord, za, zb] = await h.clients(3, { sessionTimeout: 3_000, proxy: true });
    const barrier = new Barrier(coord!, '/barriers/b');
    await barrier.create();
    const waitingA = new Barrier(za!, '/barriers/b').wait({ timeout: 15_000 });
    expect(await new Barrier(zb!, '/barriers/b').wait({ timeout: 300 })).toBe(false);
    const lost = za!.waitForState(ConnectionState.LOST, { timeout: 10_000 });
    await expire(za!);
    await lost;
    await za!.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    expect(await barrier.remove()).toBe(true);
    expect(await waitingA).toBe(true);
    expect(await coord!.exists('/barriers/b')).toBeNull();
  });
});
