import { describe, expect, it } from 'vitest';
import { CancelledError, Election, LeaderLatch } from '../src/index.js';
import { harness } from './helpers.js';

const h = harness();

describe('Election', () => {
  it('runs one leader at a time, in queue order, and lists contenders', async () => {
    const zks = await h.clients(3);
    const order: string[] = [];
    let active = 0;
    const elections = zks.map((zk, i) => new Election(zk, '/election/e', `n${i}`));
    const runs: Promise<string>[] = [];
    for (const [i, e] of elections.entries()) {
      runs.push(
        e.run(async () => {
          active++;
          expect(active).toBe(1);
          order.push(`n${i}`);
          await new Promise((r) => setTimeout(r, 5));
          active--;
          return `n${i}`;
        }),
      );
      await expect.poll(() => elections[0]!.contenders().then((c) => c.includes(`n${i}`) || order.includes(`n${i}`))).toBe(true);
    }
    expect(await Promise.all(runs)).toEqual(['n0', 'n1', 'n2']);
    expect(order).toEqual(['n0', 'n1', 'n2']);
  });

  it('cancel() stops a candidate that is still waiting', async () => {
    const [z1, z2] = await h.clients(2);
    const leader = new Election(z1!, '/election/c', 'a');
    let release!: () => void;
    const leading = leader.run(() => new Promise<void>((r) => (release = r)));
    await expect.poll(() => leader.contenders()).toEqual(['a']);
    const waiting = new Election(z2!, '/election/c', 'b');
    const p = waiting.run(() => 'never');
    await expect.poll(() => leader.contenders()).toEqual(['a', 'b']);
    waiting.cancel();
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(await leader.contenders()).toEqual(['a']);
    release();
    await leading;
  });
});

describe('LeaderLatch', () => {
  it('hands leadership over on close() with isLeader/notLeader events', async () => {
    const [z1, z2] = await h.clients(2);
    const a = new LeaderLatch(z1!, '/latch/l', 'a');
    const b = new LeaderLatch(z2!, '/latch/l', 'b');
    const events: string[] = [];
    a.on('isLeader', () => events.push('a leader')).on('notLeader', () => events.push('a not'));
    b.on('isLeader', () => events.push('b leader'));
    a.start();
    expect(await a.awaitLeadership({ timeout: 5_000 })).toBe(true);
    b.start();
    expect(await b.awaitLeadership({ timeout: 200 })).toBe(false);
    expect(a.hasLeadership && !b.hasLeadership).toBe(true);
    const names = await z1!.getChildren('/latch/l');
    expect(names.every((n) => /^_c_[0-9a-f-]{36}-latch-\d{10}$/.test(n))).toBe(true);
    await a.close();
    expect(await b.awaitLeadership({ timeout: 5_000 })).toBe(true);
    expect(events).toEqual(['a leader', 'a not', 'b leader']);
    await b.close();
    await a.close(); // idempotent
  });
});
