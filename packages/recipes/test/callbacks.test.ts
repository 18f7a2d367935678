// User callbacks run isolated: a throwing DataWatch function or LeaderLatch listener is
// reported on the client's 'error' event and changes nothing else.
import { describe, expect, it } from 'vitest';
import { ChildrenWatch, DataWatch, LeaderLatch } from '../src/index.js';
import { callbackErrors, harness, noUnhandledRejections } from './helpers.js';

const h = harness();

noUnhandledRejections();

describe('DataWatch functions run isolated', () => {
  it('two DataWatches on one node, the first throws (sync, then async): the second still sees every change', async () => {
    const [zk, writer] = await h.clients(2);
    const errors = callbackErrors(zk!);
    const first: (string | null)[] = [];
    const second: (string | null)[] = [];
    const throwing = new DataWatch(zk!, '/cb/node', (data) => {
      first.push(data?.toString() ?? null);
      if (first.length % 2) throw new Error('first watch fails');
      return Promise.reject(new Error('first watch rejects'));
    });
    const healthy = new DataWatch(zk!, '/cb/node', (data) => {
      second.push(data?.toString() ?? null);
    });
    await Promise.all([throwing.ready, healthy.ready]);
    const expected: (string | null)[] = [null];
    await writer!.create('/cb/node', 'v0', { makePath: true });
    expected.push('v0');
    await expect.poll(() => second).toEqual(expected);
    for (let i = 1; i <= 4; i++) {
      await writer!.set('/cb/node', `v${i}`);
      expected.push(`v${i}`);
      await expect.poll(() => second).toEqual(expected);
    }
    await writer!.delete('/cb/node');
    expected.push(null);
    await expect.poll(() => second).toEqual(expected);
    await expect.poll(() => first).toEqual(expected); // the throwing one goes on too
    expect(throwing.stopped || healthy.stopped).toBe(false);
    expect(errors).toHaveLength(expected.length);
    expect(errors[0]!.label).toContain('DataWatch /cb/node');
    expect(errors.map((e) => (e.cause as Error).message)).toContain('first watch rejects');
    throwing.stop();
    healthy.stop();
  });
});

describe('ChildrenWatch functions run isolated', () => {
  it('a function that rejects every time keeps being called with every change of the list', async () => {
    const [zk, writer] = await h.clients(2);
    const errors = callbackErrors(zk!);
    await writer!.ensurePath('/cb/kids');
    const seen: string[][] = [];
    const watch = new ChildrenWatch(zk!, '/cb/kids', async (children) => {
      seen.push([...children].sort());
      throw new Error('children watch rejects');
    });
    await watch.ready;
    await writer!.create('/cb/kids/a');
    await expect.poll(() => seen).toEqual([[], ['a']]);
    await writer!.create('/cb/kids/b');
    await expect.poll(() => seen).toEqual([[], ['a'], ['a', 'b']]);
    expect(watch.stopped).toBe(false);
    expect(errors.map((e) => e.label)).toEqual(Array(3).fill('ChildrenWatch /cb/kids'));
    watch.stop();
  });
});

describe('LeaderLatch listeners run isolated', () => {
  it('a throwing isLeader listener (and a rejecting one) leaves the latch working: it leads, hands over on close', async () => {
    const [z1, z2] = await h.clients(2);
    const errors = callbackErrors(z1!);
    const a = new LeaderLatch(z1!, '/cb/latch', 'a');
    const b = new LeaderLatch(z2!, '/cb/latch', 'b');
    const seen: string[] = [];
    a.on('isLeader', () => {
      throw new Error('isLeader listener fails');
    });
    a.on('isLeader', async () => {
      throw new Error('isLeader listener rejects');
    });
    a.on('isLeader', () => seen.push('a leader'));
    a.once('notLeader', () => {
      throw new Error('notLeader listener fails');
    });
    a.on('notLeader', () => seen.push('a not'));
    a.start();
    expect(await a.awaitLeadership({ timeout: 5_000 })).toBe(true);
    b.start();
    expect(await b.awaitLeadership({ timeout: 200 })).toBe(false);
    expect(a.hasLeadership).toBe(true);
    expect(await a.participants()).toEqual(['a', 'b']);
    await a.close();
    expect(await b.awaitLeadership({ timeout: 5_000 })).toBe(true);
    expect(seen).toEqual(['a leader', 'a not']);
    await expect.poll(() => errors.map((e) => (e.cause as Error).message).sort()).toEqual([
      'isLeader listener fails',
      'isLeader listener rejects',
      'notLeader listener fails',
    ]);
    expect(a.listenerCount('notLeader')).toBe(1); // the once-listener is gone
    await b.close();
  });
});
