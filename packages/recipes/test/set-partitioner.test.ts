import { InvalidArgumentError } from '@zookit/client';
import { afterEach, describe, expect, it } from 'vitest';
import { SetPartitioner } from '../src/index.js';
import { harness } from './helpers.js';
import { Member, lockHolders, splitsExactly } from './partitioner-helpers.js';

const h = harness();
const ITEMS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const members: Member[] = [];
afterEach(async () => {
  await Promise.all(members.splice(0).map((m) => m.partitioner.close()));
});
function member(...args: ConstructorParameters<typeof Member>): Member {
  const m = new Member(...args);
  members.push(m);
  return m;
}

describe('SetPartitioner', () => {
  it("splits the set as kazoo does, each item locked by its member; a join and a leave re-split it", async () => {
    const zks = await h.clients(4);
    const [a, b, c] = ['m1', 'm2', 'm3'].map((id, i) => member(zks[i]!, '/sp/one', ITEMS, id));
    await expect.poll(() => splitsExactly([a!, b!, c!], ITEMS), { timeout: 15_000 }).toBe(true);
    expect(a!.items).toEqual(['a', 'd', 'g']);
    expect(b!.items).toEqual(['b', 'e']);
    expect(c!.items).toEqual(['c', 'f']);
    const holders = await lockHolders(zks[0]!, '/sp/one', ITEMS);
    for (const [i, m] of [a!, b!, c!].entries()) for (const item of m.items) expect(holders.get(item)).toBe(zks[i]!.sessionId);
    expect(a!.current!.fencingTokens.size).toBe(3);
    // a fourth member joins: every signal aborts, the set is split four ways
    const first = a!.current!.signal;
    const d = member(zks[3]!, '/sp/one', ITEMS, 'm4');
    await expect.poll(() => first.aborted).toBe(true);
    await expect.poll(() => splitsExactly([a!, b!, c!, d], ITEMS), { timeout: 15_000 }).toBe(true);
    expect(d.items).toEqual(['d']);
    // one leaves (close): the other three split it again
    const bSignal = b!.current!.signal;
    await b!.partitioner.close();
    expect(bSignal.aborted).toBe(true);
    await b!.done;
    await expect.poll(() => splitsExactly([a!, c!, d], ITEMS) && b!.items.length === 0, { timeout: 15_000 }).toBe(true);
    expect([a!, c!, d].map((m) => m.error)).toEqual([undefined, undefined, undefined]);
  });

  it('never hands an item over while its old holder is still working on it (the locks are let go only when its loop body returns)', async () => {
    const [z1, z2] = await h.clients(2);
    const slow = new SetPartitioner(z1!, '/sp/slow', ['p', 'q'], { identifier: 'a-slow', timeBoundary: 50 });
    let slowDoneAt = 0;
    let slowAborted = false;
    let release!: () => void;
    const releaseGate = new Promise<void>((r) => (release = r));
    const slowLoop = (async () => {
      for await (const { signal } of slow) {
        await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
        slowAborted = true;
        await releaseGate; // still finishing its work on both items
        slowDoneAt = performance.now();
        break;
      }
    })();
    await expect.poll(() => z1!.getChildren('/sp/slow/locks/q').then((c) => c.length), { timeout: 10_000 }).toBe(1);
    const fast = member(z2!, '/sp/slow', ['p', 'q'], 'b-fast', 50);
    await expect.poll(() => slowAborted, { timeout: 10_000 }).toBe(true);
    // b-fast is given q but cannot hold it while a-slow works: no assignment yet
    await expect.poll(() => z1!.getChildren('/sp/slow/locks/q').then((c) => c.length), { timeout: 10_000 }).toBe(2);
    expect(fast.assignments).toEqual([]);
    release();
    await slowLoop;
    await expect.poll(() => fast.items, { timeout: 10_000 }).toEqual(['p', 'q']);
    expect(slowDoneAt).toBeGreaterThan(0);
  });

  it('a member stops at break: its locks and party node are gone', async () => {
    const zk = await h.client();
    const p = new SetPartitioner(zk, '/sp/brk', ['x', 'y'], { identifier: 'solo', timeBoundary: 50 });
    for await (const assignment of p) {
      expect(assignment.items).toEqual(['x', 'y']);
      expect(assignment.signal.aborted).toBe(false);
      break;
    }
    expect(await zk.getChildren('/sp/brk/party')).toEqual([]);
    expect(await zk.getChildren('/sp/brk/locks/x')).toEqual([]);
  });

  it('bad input throws InvalidArgumentError before anything is sent', async () => {
    const zk = await h.client();
    expect(() => new SetPartitioner(zk, '/sp/bad', ['a/b'])).toThrow(InvalidArgumentError);
    expect(() => new SetPartitioner(zk, '/sp/bad', [''])).toThrow(InvalidArgumentError);
    expect(() => new SetPartitioner(zk, '/sp/bad', ['a'], { timeBoundary: -1 })).toThrow(InvalidArgumentError);
    expect(() => new SetPartitioner(zk, '/sp/bad', ['a'], { identifier: 'x/y' })).toThrow(InvalidArgumentError);
    expect(await zk.exists('/sp/bad')).toBeNull();
  });
});
