// The zookit:recipe diagnostics channel (docs/observability.md), subscribed with
// node:diagnostics_channel directly.
import diagnostics_channel from 'node:diagnostics_channel';
import { CHANNELS } from '@zookit/client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Election, Lock, Semaphore, type RecipeMessage } from '../src/index.js';
import { aborted, expire, harness } from './helpers.js';

const h = harness();

function record(): RecipeMessage[] {
  const seen: RecipeMessage[] = [];
  const fn = (msg: unknown) => seen.push(msg as RecipeMessage);
  diagnostics_channel.subscribe(CHANNELS.recipe, fn);
  onTestFinished(() => {
    diagnostics_channel.unsubscribe(CHANNELS.recipe, fn);
  });
  return seen;
}

const hex = (id: bigint) => `0x${id.toString(16)}`;

describe('zookit:recipe', () => {
  it('a lock handoff: acquired (with the wait), released (with the hold), acquired by the waiter with a larger fencing token', async () => {
    const [a, b] = await h.clients(2);
    const seen = record();
    const la = new Lock(a!, '/locks/ch');
    const lb = new Lock(b!, '/locks/ch');
    const first = await la.acquire();
    const waiting = lb.acquire({ timeout: 10_000 });
    await expect.poll(async () => (await la.contenders()).length).toBe(2);
    await first.release();
    const second = await waiting;
    await second.release();
    expect(seen.map((m) => `${m.event} ${m.sessionId === hex(a!.sessionId) ? 'a' : 'b'}`)).toEqual(['acquired a', 'released a', 'acquired b', 'released b']);
    expect(seen[0]).toMatchObject({ recipe: 'Lock', path: '/locks/ch', node: first.path, fencingToken: first.fencingToken });
    expect(seen[2]).toMatchObject({ recipe: 'Lock', path: '/locks/ch', node: second.path, fencingToken: second.fencingToken });
    expect(second.fencingToken).toBeGreaterThan(first.fencingToken);
    const [acqA, relA, acqB] = seen as [Extract<RecipeMessage, { event: 'acquired' }>, Extract<RecipeMessage, { event: 'released' }>, Extract<RecipeMessage, { event: 'acquired' }>];
    expect(acqA.waitMs).toBeGreaterThanOrEqual(0);
    expect(relA.holdMs).toBeGreaterThan(0);
    // b waited at least as long as a held the lock after b joined.
    expect(acqB.waitMs).toBeGreaterThan(0);
  });

  it("a Curator-protocol semaphore publishes its lease only, not its internal mutex", async () => {
    const zk = await h.client();
    const seen = record();
    const lease = await new Semaphore(zk, '/sem/v2ch', { maxLeases: 2, naming: 'curator' }).acquire();
    await lease.release();
    expect(seen.map((m) => `${m.event} ${m.recipe} ${m.path}`)).toEqual(['acquired Semaphore /sem/v2ch', 'released Semaphore /sem/v2ch']);
  });

  it('a semaphore lease and a leadership lost with the session say "lost" with the reason', async () => {
    const zk = await h.client({ proxy: true });
    const seen = record();
    const sem = new Semaphore(zk, '/sem/ch', { maxLeases: 2 });
    const lease = await sem.acquire();
    const election = new Election(zk, '/elect/ch', 'me');
    let leaderSignal: AbortSignal | undefined;
    const leading = election.run(async (signal) => {
      leaderSignal = signal;
      await aborted(signal);
    });
    await expect.poll(() => leaderSignal).toBeDefined();
    await expire(zk);
    await aborted(lease.signal);
    await leading.catch(() => {});
    const ended = seen.filter((m) => m.event !== 'acquired');
    expect(seen.filter((m) => m.event === 'acquired').map((m) => m.recipe)).toEqual(['Semaphore', 'Election']);
    expect(ended.map((m) => m.event === 'lost' && `${m.recipe} ${m.reason}`).sort()).toEqual(['Election suspended', 'Semaphore suspended']);
  });
});
