import { InvalidArgumentError } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { Election, OwnershipLostError, RecipeStateError } from '../src/index.js';
import { aborted, callbackErrors, harness } from './helpers.js';

const h = harness();

describe('Election.runForever', () => {
  it('re-enters the queue after each term (fn returns or throws): two candidates alternate, one leader at a time; cancel() stops', async () => {
    const [z1, z2] = await h.clients(2);
    const errors = callbackErrors(z1!);
    const terms: string[] = [];
    let active = 0;
    let overlaps = 0;
    const elections = [new Election(z1!, '/forever/a', 'a'), new Election(z2!, '/forever/a', 'b')];
    const loops = elections.map((e, i) =>
      e.runForever(async () => {
        if (++active > 1) overlaps++;
        terms.push(e.identifier);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        if (i === 0 && terms.filter((t) => t === 'a').length % 2 === 0) throw new Error('term failed'); // every 2nd term of a
      }, { backoff: (failures) => failures * 10 }),
    );
    await expect.poll(() => terms.filter((t) => t === 'a').length >= 3 && terms.filter((t) => t === 'b').length >= 3, { timeout: 15_000 }).toBe(true);
    for (const e of elections) e.cancel();
    await Promise.all(loops);
    expect(overlaps).toBe(0);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.label === 'Election.runForever fn' && (e.cause as Error).message === 'term failed')).toBe(true);
    const settled = terms.length;
    expect(await elections[0]!.contenders()).toEqual([]);
    await new Promise((r) => setTimeout(r, 50));
    expect(terms.length).toBe(settled); // stopped: no term after the loops resolved
  });

  it('a term whose leadership is lost (node deleted) ends and the candidate leads again with a larger token', async () => {
    const [zk, other] = await h.clients(2);
    const election = new Election(zk!, '/forever/lost', 'only');
    const tokens: bigint[] = [];
    const reasons: unknown[] = [];
    const loop = election.runForever(async (signal, lease) => {
      tokens.push(lease.fencingToken);
      reasons.push(await aborted(signal));
    }, { backoff: 0 });
    await expect.poll(() => tokens.length).toBe(1);
    const [node] = await other!.getChildren('/forever/lost');
    await other!.delete(`/forever/lost/${node}`);
    await expect.poll(() => tokens.length).toBe(2);
    expect(tokens[1]! > tokens[0]!).toBe(true);
    expect((reasons[0] as OwnershipLostError).reason).toBe('deleted');
    await election.close();
    await loop;
    expect((reasons[1] as OwnershipLostError).reason).toBe('closed');
    expect(await other!.getChildren('/forever/lost')).toEqual([]);
    expect(tokens.length).toBe(2);
  });

  it('close() while waiting stops the loop; the signal option stops it; the client closing stops it', async () => {
    const [z1, z2, z3] = await h.clients(3);
    const leader = new Election(z1!, '/forever/w', 'leader');
    const leading = leader.runForever((signal) => aborted(signal));
    await expect.poll(() => leader.isLeader).toBe(true);
    const waiting = new Election(z2!, '/forever/w', 'waiting');
    let ran = 0;
    const w = waiting.runForever(() => void ran++);
    await expect.poll(() => leader.contenders()).toEqual(['leader', 'waiting']);
    await waiting.close();
    await w;
    const ac = new AbortController();
    const third = new Election(z3!, '/forever/w', 'third');
    const t = third.runForever(() => void ran++, { signal: ac.signal });
    await expect.poll(() => leader.contenders()).toEqual(['leader', 'third']);
    ac.abort();
    await t;
    expect(await leader.contenders()).toEqual(['leader']);
    await z1!.close();
    await leading;
    expect(ran).toBe(0);
  });

  it('rejects bad arguments before anything is sent, and a second loop on one object', async () => {
    const zk = await h.client();
    const e = new Election(zk, '/forever/args', 'x');
    await expect(e.runForever(null as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(e.runForever(() => {}, { backoff: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(e.runForever(() => {}, { signal: {} as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await zk.exists('/forever/args')).toBeNull();
    const loop = e.runForever((signal) => aborted(signal));
    await expect(e.runForever(() => {})).rejects.toBeInstanceOf(RecipeStateError);
    await e.close();
    await loop;
  });
});
