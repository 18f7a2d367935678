import { ConnectionState } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { Election, LeaderLatch } from '../src/index.js';
import { expire, harness } from './helpers.js';

const h = harness();

describe('Election under faults', () => {
  it("elects exactly one new leader when the leader's session expires, after the old leader's signal aborted", async () => {
    const zks = await h.clients(3, { sessionTimeout: 3_000, proxy: true });
    const events: string[] = [];
    let leaders = 0;
    let maxLeaders = 0;
    const leaderStarted: ((i: number) => void)[] = [];
    const started = new Promise<number>((resolve) => leaderStarted.push(resolve));
    const runs = zks.map((zk, i) => {
      const election = new Election(zk, '/election/svc', `node-${i}`);
      return election.run(async (signal) => {
        leaders++;
        maxLeaders = Math.max(maxLeaders, leaders);
        events.push(`start ${i}`);
        leaderStarted.shift()?.(i);
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        events.push(`abort ${i}`);
        leaders--;
      });
    });
    // Candidates still waiting reject when their client closes at the end: settled below.
    for (const run of runs) run.catch(() => {});
    const first = await started;
    await expect.poll(() => new Election(zks[0]!, '/election/svc', 'x').contenders()).toHaveLength(3);
    const next = new Promise<number>((resolve) => leaderStarted.push(resolve));
    await expire(zks[first]!);
    const second = await next;
    expect(second).not.toBe(first);
    expect(events).toEqual([`start ${first}`, `abort ${first}`, `start ${second}`]);
    expect(maxLeaders).toBe(1);
    await runs[first]; // its run() settles once leadership is lost
    // the old leader's candidate is not re-entered automatically: two candidates remain
    await zks[first]!.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    expect(await new Election(zks[first]!, '/election/svc', 'x').contenders()).toHaveLength(2);
    for (const zk of zks) if (zk !== zks[first]) await zk.close();
    await Promise.allSettled(runs);
    expect(maxLeaders).toBe(1);
  });

  it('LeaderLatch reports notLeader on session loss and becomes leader again later', async () => {
    const [z1, z2] = await h.clients(2, { sessionTimeout: 3_000, proxy: true });
    const a = new LeaderLatch(z1!, '/latch', 'a');
    const b = new LeaderLatch(z2!, '/latch', 'b');
    a.start();
    expect(await a.awaitLeadership({ timeout: 5_000 })).toBe(true);
    b.start();
    await expect.poll(() => a.participants()).toEqual(['a', 'b']);
    const notLeader = new Promise<void>((resolve) => a.once('notLeader', resolve));
    await expire(z1!);
    await notLeader;
    expect(await b.awaitLeadership({ timeout: 10_000 })).toBe(true);
    expect(a.hasLeadership).toBe(false);
    await expect.poll(() => b.participants(), { timeout: 10_000 }).toEqual(['b', 'a']);
    await b.close();
    expect(await a.awaitLeadership({ timeout: 10_000 })).toBe(true);
    await a.close();
    expect(await z1!.getChildren('/latch')).toEqual([]);
  });
});
