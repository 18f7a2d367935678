// Election.runForever under faults: the leader's session expires mid-term.
import { describe, expect, it } from 'vitest';
import { Election, type OwnershipLostError } from '../src/index.js';
import { aborted, expire, harness } from './helpers.js';

const h = harness();

describe('Election.runForever under faults', () => {
  it("the leader's session expires mid-term: the term ends, the other candidate leads, and the old leader re-enters in its new session and leads again", async () => {
    const [z1, z2] = await h.clients(2, { sessionTimeout: 3_000, proxy: true });
    const terms: { who: string; session: bigint; reason?: string }[] = [];
    let leaders = 0;
    let overlaps = 0;
    /** A candidate in a loop; b's terms also end on their own after 300 ms, so a can lead again. */
    const candidate = (zk: NonNullable<typeof z1>, who: string) => {
      const election = new Election(zk, '/forever/faults', who);
      const loop = election.runForever(async (signal, lease) => {
        if (++leaders > 1) overlaps++;
        const term: (typeof terms)[number] = { who, session: lease.sessionId };
        terms.push(term);
        await Promise.race([aborted(signal), ...(who === 'b' ? [new Promise((r) => setTimeout(r, 300))] : [])]);
        leaders--;
        term.reason = signal.aborted ? (signal.reason as OwnershipLostError).reason : 'returned';
      }, { backoff: 20 });
      return { election, loop };
    };
    const a = candidate(z1!, 'a');
    await expect.poll(() => terms.length).toBe(1);
    const b = candidate(z2!, 'b');
    const firstSession = z1!.sessionId;
    await expire(z1!);
    await expect.poll(() => terms.some((t) => t.who === 'b'), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => terms.filter((t) => t.who === 'a').length, { timeout: 20_000 }).toBe(2);
    const [first, second] = terms.filter((t) => t.who === 'a');
    expect(first!.session).toBe(firstSession);
    expect(['suspended', 'lost']).toContain(first!.reason);
    expect(second!.session).toBe(z1!.sessionId);
    expect(second!.session).not.toBe(firstSession);
    expect(overlaps).toBe(0);
    await a.election.close();
    await a.loop;
    await z2!.close();
    await b.loop;
  }, 60_000);
});
