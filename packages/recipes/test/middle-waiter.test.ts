// Scenario 12: a middle waiter disappears (its session expires, or its acquire() times
// out). Queue: holder H, waiters A, M (the middle one), C. When M's node goes, C must
// re-list, watch its new predecessor A (not the holder, not the parent), and not
// acquire early; exclusion holds through the rest of the hand-offs.
import { fourLetterWord } from '@zookit/testing';
import { ConnectionState, type ZooKeeperClient } from '@zookit/client';
import { describe, expect, inject, it } from 'vitest';
import { Lock, LockTimeoutError, sortContenders, type Lease } from '../src/index.js';
import { contenderStats } from '../src/contender.js';
import { History, expire, harness } from './helpers.js';

const h = harness();
const PATH = '/locks/middle';

/** Paths watched by each session (`wchc`), as `0x<session hex>` → paths. */
async function watchesBySession(): Promise<Map<string, string[]>> {
  const [host, port] = inject('zkConnect').split(':');
  const out = await fourLetterWord(host!, Number(port), 'wchc');
  const map = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of out.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('0x')) map.set(line, (current = []));
    else if (line.startsWith('/') && current) current.push(line);
  }
  return map;
}

const hex = (session: bigint) => `0x${BigInt.asUintN(64, session).toString(16)}`;

/** Records every watched `get` the contender sends on `zk` (path and the time its reply arrived). */
function recordWatchedGets(zk: ZooKeeperClient): { path: string; at: number }[] {
  const seen: { path: string; at: number }[] = [];
  const original = zk.get.bind(zk);
  zk.get = ((path: string, options?: Parameters<ZooKeeperClient['get']>[1]) => {
    const p = original(path, options);
    if (options?.watch) p.then(() => seen.push({ path, at: performance.now() }), () => {});
    return p;
  }) as ZooKeeperClient['get'];
  return seen;
}

/** Registers an exists watch on `path` (which must exist); `at` resolves with the time `zk` sees it deleted. */
async function deletedAt(zk: ZooKeeperClient, path: string): Promise<{ at: Promise<number> }> {
  let resolve!: (t: number) => void;
  const p = new Promise<number>((r) => (resolve = r));
  const stat = await zk.exists(path, { watch: (e) => e.type === 'DELETED' && resolve(performance.now()) });
  expect(stat).not.toBeNull();
  return { at: p };
}

async function queue() {
  const [hZk, aZk, cZk, observer] = await h.clients(4, { sessionTimeout: 4_000 });
  const mZk = await h.client({ sessionTimeout: 3_000, proxy: true });
  const history = new History();
  const order: string[] = [];
  const hold = (id: string) => (lease: Lease) => {
    history.enter(id, lease.fencingToken);
    order.push(id);
    return lease;
  };
  const hLease = hold('h')(await new Lock(hZk!, PATH, { identifier: 'h' }).acquire());
  const a = new Lock(aZk!, PATH, { identifier: 'a' }).acquire({ timeout: 20_000 }).then(hold('a'));
  a.catch(() => {}); // awaited by the test; keeps a failed run's teardown quiet
  await expect.poll(() => new Lock(observer!, PATH).contenders()).toEqual(['h', 'a']);
  return { hZk: hZk!, aZk: aZk!, cZk: cZk!, mZk, observer: observer!, history, order, hold, hLease, a };
}

/** After M's node is gone: C re-wired to A, still waiting; then release H → A → C in order. */
async function checkRewireAndDrain(q: Awaited<ReturnType<typeof queue>>, c: Promise<Lease>, cGets: { path: string; at: number }[], mGone: { at: Promise<number> }, label: string, aNode: string, cSettled: () => boolean) {
  const t0 = await mGone.at;
  await expect.poll(() => cGets.some((g) => g.path === `${PATH}/${aNode}` && g.at >= t0), { timeout: 5_000 }).toBe(true);
  const rewire = cGets.find((g) => g.path === `${PATH}/${aNode}` && g.at >= t0)!;
  // On the server: C's session watches A's node only (nothing on the parent, nothing on H).
  const serverPath = q.observer.chroot + PATH;
  await expect.poll(async () => (await watchesBySession()).get(hex(q.cZk.sessionId)) ?? [], { timeout: 5_000 }).toEqual([`${serverPath}/${aNode}`]);
  expect(cSettled()).toBe(false); // not acquired early: A is still ahead
  expect(q.order).toEqual(['h']);
  console.info(`scenario 12 (${label}): C re-wired to its new predecessor ${(rewire.at - t0).toFixed(1)} ms after the middle node was deleted`);
  q.history.leave('h');
  await q.hLease.release();
  const aLease = await q.a;
  expect(cSettled()).toBe(false);
  q.history.leave('a');
  await aLease.release();
  const cLease = await c;
  q.history.leave('c');
  await cLease.release();
  expect(q.history.violations).toEqual([]);
}

describe('scenario 12: a middle waiter disappears', () => {
  it("its session expires: the successor re-lists, watches the new predecessor, does not acquire early; exclusion holds", async () => {
    const q = await queue();
    const m = new Lock(q.mZk, PATH, { identifier: 'm' });
    const mAcquire = m.acquire({ timeout: 20_000 }).then(q.hold('m'));
    mAcquire.catch(() => {});
    await expect.poll(() => new Lock(q.observer, PATH).contenders()).toEqual(['h', 'a', 'm']);
    const cGets = recordWatchedGets(q.cZk);
    let cDone = false;
    const c = new Lock(q.cZk, PATH, { identifier: 'c' }).acquire({ timeout: 20_000 }).then(q.hold('c'));
    void c.finally(() => (cDone = true)).catch(() => {});
    await expect.poll(() => new Lock(q.observer, PATH).contenders()).toEqual(['h', 'a', 'm', 'c']);
    const [, aNode, mNode] = sortContenders(await q.observer.getChildren(PATH)).map((x) => x.name);
    // C watches M (its predecessor) before the fault.
    await expect.poll(() => cGets.map((g) => g.path)).toEqual([`${PATH}/${mNode}`]);
    const mGone = await deletedAt(q.observer, `${PATH}/${mNode}`);
    const oldSession = q.mZk.sessionId;
    const watches0 = contenderStats.watches;
    await expire(q.mZk);
    await checkRewireAndDrain(q, c, cGets, mGone, 'session expired', aNode!, () => cDone);
    expect(contenderStats.watches - watches0).toBeGreaterThanOrEqual(1);
    // M re-queued on its new session behind C and gets the lock last; C kept its node.
    const mLease = await mAcquire;
    expect(mLease.sessionId).not.toBe(oldSession);
    expect(q.order).toEqual(['h', 'a', 'c', 'm']);
    q.history.leave('m');
    await mLease.release();
    expect(q.history.violations).toEqual([]);
    expect(await q.observer.getChildren(PATH)).toEqual([]);
  });

  it('its acquire() times out: the successor re-lists, watches the new predecessor, does not acquire early; exclusion holds', async () => {
    const q = await queue();
    const m = new Lock(q.mZk, PATH, { identifier: 'm' });
    const cGets = recordWatchedGets(q.cZk);
    let cDone = false;
    // M gives up after 1.5 s; C queues behind it at once.
    const mAcquire = m.acquire({ timeout: 1_500 });
    mAcquire.catch(() => {});
    await expect.poll(() => new Lock(q.observer, PATH).contenders()).toEqual(['h', 'a', 'm']);
    const c = new Lock(q.cZk, PATH, { identifier: 'c' }).acquire({ timeout: 20_000 }).then(q.hold('c'));
    void c.finally(() => (cDone = true)).catch(() => {});
    await expect.poll(() => new Lock(q.observer, PATH).contenders()).toEqual(['h', 'a', 'm', 'c']);
    const [, aNode, mNode] = sortContenders(await q.observer.getChildren(PATH)).map((x) => x.name);
    await expect.poll(() => cGets.map((g) => g.path)).toEqual([`${PATH}/${mNode}`]);
    const mGone = await deletedAt(q.observer, `${PATH}/${mNode}`);
    await expect(mAcquire).rejects.toBeInstanceOf(LockTimeoutError);
    expect(m.isAcquired).toBe(false);
    await checkRewireAndDrain(q, c, cGets, mGone, 'acquire timed out', aNode!, () => cDone);
    expect(q.order).toEqual(['h', 'a', 'c']);
    expect(q.mZk.state).toBe(ConnectionState.CONNECTED);
    expect(await q.observer.getChildren(PATH)).toEqual([]);
  });
});
