import { describe, expect, it } from 'vitest';
import { Lock, type Lease } from '../src/index.js';
import { contenderStats } from '../src/contender.js';
import { harness, watchedUnder } from './helpers.js';

const h = harness();
const WAITERS = 20;
const SESSIONS = 5;

const seqOf = (path: string) => Number(path.slice(-10));

describe('scenario 11: no herd effect', () => {
  it(`${WAITERS} waiters over ${SESSIONS} sessions: one watch each on its predecessor, none on the parent; each release wakes exactly one waiter, in sequence order`, async () => {
    const zks = await h.clients(SESSIONS);
    const lockPath = '/locks/herd';
    const serverPath = zks[0]!.chroot + lockPath;
    const holder = await new Lock(zks[0]!, lockPath, { identifier: 'holder' }).acquire();
    const acquired: Lease[] = [];
    let notify: (() => void) | undefined;
    const pending = Array.from({ length: WAITERS }, (_, i) =>
      new Lock(zks[i % SESSIONS]!, lockPath, { identifier: `w${i}` }).acquire({ timeout: 20_000 }).then((lease) => {
        acquired.push(lease);
        notify?.();
        return lease;
      }),
    );
    for (const p of pending) p.catch(() => {}); // awaited below; keeps a failed run's teardown quiet
    await expect.poll(() => zks[0]!.getChildren(lockPath).then((c) => c.length), { timeout: 10_000 }).toBe(WAITERS + 1);
    const sortedNames = (await zks[0]!.getChildren(lockPath)).toSorted((a, b) => seqOf(a) - seqOf(b));
    const nodes = sortedNames.map((n) => `${serverPath}/${n}`);
    // Every waiter watching: each node but the last is watched (by its successor; the
    // first one also by its holder), nothing else under the lock, not the parent.
    await expect.poll(() => watchedUnder(serverPath).then((w) => new Set(w).size), { timeout: 10_000 }).toBe(WAITERS);
    const watched = await watchedUnder(serverPath);
    expect(watched).not.toContain(serverPath);
    expect(new Set(watched)).toEqual(new Set(nodes.slice(0, -1)));
    expect(watched.length).toBeLessThanOrEqual(WAITERS + 1); // one per waiter, plus the holder's own

    const rounds0 = contenderStats.rounds;
    const watches0 = contenderStats.watches;
    const handoffs: number[] = [];
    let current: Lease = holder;
    for (let k = 0; k < WAITERS; k++) {
      const before = contenderStats.rounds;
      const got = new Promise<void>((resolve) => (notify = resolve));
      const t0 = performance.now();
      await current.release();
      if (acquired.length <= k) await got;
      handoffs.push(performance.now() - t0);
      expect(acquired).toHaveLength(k + 1); // exactly one waiter acquired
      expect(contenderStats.rounds - before).toBe(1); // and exactly one contender woke up
      const next = acquired[k]!;
      expect(seqOf(next.path)).toBeGreaterThan(seqOf(current.path));
      current = next;
    }
    await current.release();
    await Promise.all(pending);
    expect(contenderStats.rounds - rounds0).toBe(WAITERS); // no late wake-ups either
    expect(contenderStats.watches - watches0).toBe(0); // no re-watching
    expect(acquired.map((l) => seqOf(l.path))).toEqual(sortedNames.slice(1).map(seqOf));
    expect(await zks[0]!.getChildren(lockPath)).toEqual([]);
    await expect.poll(() => watchedUnder(serverPath)).toEqual([]);
    handoffs.sort((a, b) => a - b);
    console.log(`herd: ${WAITERS} hand-offs, 1 wake-up each; p50 ${handoffs[Math.floor(WAITERS / 2)]!.toFixed(2)} ms, p99 ${handoffs.at(-1)!.toFixed(2)} ms`);
  });
});
