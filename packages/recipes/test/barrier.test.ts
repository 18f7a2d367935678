import { describe, expect, it } from 'vitest';
import { Barrier, DoubleBarrier, LockTimeoutError, RecipeTimeoutError } from '../src/index.js';
import { harness } from './helpers.js';

const h = harness();

describe('Barrier', () => {
  it('blocks waiters until removed, and reports a timeout as false', async () => {
    const [z1, z2, z3] = await h.clients(3);
    const coordinator = new Barrier(z1!, '/barriers/b');
    await coordinator.create();
    expect(await new Barrier(z2!, '/barriers/b').wait({ timeout: 100 })).toBe(false);
    const waits = [z2!, z3!].map((zk) => new Barrier(zk, '/barriers/b').wait({ timeout: 10_000 }));
    expect(await coordinator.remove()).toBe(true);
    expect(await Promise.all(waits)).toEqual([true, true]);
    expect(await coordinator.remove()).toBe(false);
    expect(await new Barrier(z2!, '/barriers/b').wait()).toBe(true);
  });
});

describe('DoubleBarrier', () => {
  it('lets 3 participants enter together and leave together, leaving no nodes', async () => {
    const zks = await h.clients(3);
    const log: string[] = [];
    await Promise.all(
      zks.map(async (zk, i) => {
        const db = new DoubleBarrier(zk, '/barriers/db', 3, `worker-${i}`);
        await new Promise((r) => setTimeout(r, i * 30)); // staggered arrivals
        await db.enter({ timeout: 10_000 });
        log.push(`in ${i}`);
        expect(db.participating).toBe(true);
        await new Promise((r) => setTimeout(r, (2 - i) * 30)); // staggered departures
        await db.leave({ timeout: 10_000 });
        log.push(`out ${i}`);
      }),
    );
    expect(log.slice(0, 3).every((e) => e.startsWith('in'))).toBe(true);
    expect(await zks[0]!.getChildren('/barriers/db')).toEqual([]);
  });

  it('times out in enter() when too few participants come, removing its node', async () => {
    const [zk] = await h.clients(1);
    const db = new DoubleBarrier(zk!, '/barriers/db2', 2, 'alone');
    const err = await db.enter({ timeout: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecipeTimeoutError);
    expect(err).not.toBeInstanceOf(LockTimeoutError);
    expect(err).toMatchObject({ recipe: 'DoubleBarrier.enter', path: '/barriers/db2', timeout: 200 });
    expect(await zk!.getChildren('/barriers/db2')).toEqual([]);
  });
});
