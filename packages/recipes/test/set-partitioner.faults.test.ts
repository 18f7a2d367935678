// SetPartitioner under faults: members killed (silently partitioned until the server
// expires their sessions) and a session expired under a member that comes back.
import type { ZooKeeperClient } from '@zookit/client';
import { afterEach, describe, expect, it } from 'vitest';
import { expire, harness } from './helpers.js';
import { Member, lockHolders, splitsExactly } from './partitioner-helpers.js';

const h = harness();
const ITEMS = Array.from({ length: 12 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
const members: Member[] = [];
afterEach(async () => {
  await Promise.all(members.splice(0).map((m) => m.partitioner.close().catch(() => {})));
});

/** Settled: the live members split the set exactly and each item's lock is held by the session of the member that has it. */
async function settled(zk: ZooKeeperClient, live: { m: Member; zk: ZooKeeperClient }[]): Promise<boolean> {
  if (!splitsExactly(live.map((l) => l.m), ITEMS)) return false;
  const holders = await lockHolders(zk, '/sp/faults', ITEMS);
  return live.every(({ m, zk: own }) => m.items.every((item) => holders.get(item) === own.sessionId));
}

describe('SetPartitioner under faults', () => {
  it('members killed, then a session expired: once settled every item is owned by exactly one live member, holding its lock', async () => {
    const zks = await h.clients(5, { sessionTimeout: 3_000, proxy: true });
    const observer = await h.client();
    const all = zks.map((zk, i) => ({ zk, m: new Member(zk, '/sp/faults', ITEMS, `m${i}`, 300) }));
    members.push(...all.map((a) => a.m));
    await expect.poll(() => settled(observer, all), { timeout: 20_000 }).toBe(true);
    // kill two members: silent partition, the server expires their sessions
    for (const dead of [all[1]!, all[3]!]) dead.zk.proxy!.blackhole();
    const live = [all[0]!, all[2]!, all[4]!];
    await expect.poll(() => settled(observer, live), { timeout: 30_000, interval: 200 }).toBe(true);
    expect(all[1]!.m.items).toEqual([]);
    expect(all[3]!.m.items).toEqual([]);
    expect((await observer.getChildren('/sp/faults/party')).length).toBe(3);
    // expire a live member's session: it re-joins in a new session and the set settles again
    const before = all[0]!.zk.sessionId;
    await expire(all[0]!.zk);
    await expect.poll(() => all[0]!.zk.sessionId !== before && all[0]!.zk.sessionId !== 0n, { timeout: 20_000 }).toBe(true);
    await expect.poll(() => settled(observer, live), { timeout: 30_000, interval: 200 }).toBe(true);
    expect(live.map((l) => l.m.error)).toEqual([undefined, undefined, undefined]);
  }, 120_000);
});
