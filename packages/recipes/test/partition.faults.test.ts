// Scenario 7: the holder is black-holed (F3) until the server expires its session, while
// a waiter on a direct connection queues behind it. Scenario 9 variant (c): the create's
// reply is lost and the session expires before the reconnect.
import { ConnectionState, type ZooKeeperClient } from '@zookit/client';
import { expireSessionById, type SessionCredentials } from '@zookit/testing';
import { describe, expect, inject, it } from 'vitest';
import { Lock, OwnershipLostError, sortContenders, type Lease } from '../src/index.js';
import { contenderStats } from '../src/contender.js';
import { aborted, harness } from './helpers.js';

const h = harness();
const CREATE2 = 15;
const SESSION = 3_000;

function recordStates(zk: ZooKeeperClient): { state: ConnectionState; at: number }[] {
  const states: { state: ConnectionState; at: number }[] = [];
  zk.on('state', (state) => states.push({ state, at: performance.now() }));
  return states;
}

/** `at` resolves with the time `zk` sees `path` deleted (exists watch registered now). */
async function deletion(zk: ZooKeeperClient, path: string): Promise<{ at: Promise<number> }> {
  let resolve!: (t: number) => void;
  const at = new Promise<number>((r) => (resolve = r));
  expect(await zk.exists(path, { watch: (e) => e.type === 'DELETED' && resolve(performance.now()) })).not.toBeNull();
  return { at };
}

/** Holder through a proxy, waiter direct; the holder's proxy is black-holed. */
async function blackholedHolder(suspendedGrace: number | undefined) {
  const holderZk = await h.client({ sessionTimeout: SESSION, proxy: true });
  const waiterZk = await h.client({ sessionTimeout: 4_000 });
  const path = '/locks/blackhole';
  const lease = await new Lock(holderZk, path, { identifier: 'h', ...(suspendedGrace === undefined ? {} : { suspendedGrace }) }).acquire();
  const uncertain: { value: boolean; at: number }[] = [];
  lease.on('uncertain', (value) => uncertain.push({ value, at: performance.now() }));
  const waiter = new Lock(waiterZk, path, { identifier: 'w' });
  let waiterAt = 0;
  const waiting = waiter.acquire({ timeout: 20_000 }).then((l) => {
    waiterAt = performance.now();
    return l;
  });
  waiting.catch(() => {});
  await expect.poll(() => waiter.contenders()).toEqual(['h', 'w']);
  const nodeGone = await deletion(waiterZk, lease.path);
  const states = recordStates(holderZk);
  const oldSession = holderZk.sessionId;
  let abortAt = 0;
  const abort = aborted(lease.signal).then((reason) => {
    abortAt = performance.now();
    return reason as OwnershipLostError;
  });
  const t0 = performance.now();
  holderZk.proxy!.blackhole();
  const waiterLease = await waiting;
  const deletedAt = await nodeGone.at;
  expect(waiterAt).toBeGreaterThanOrEqual(deletedAt); // the waiter acquired only after the server removed the node
  expect(deletedAt - t0).toBeGreaterThan(SESSION / 2); // removed by the server's expiry (the holder's own delete cannot get through)
  return { holderZk, waiterZk, lease, waiterLease, states, uncertain, oldSession, abort, t0, waiterAt: () => waiterAt, abortAt: () => abortAt, deletedAt };
}

/** Heals the holder's proxy and checks it ends LOST, then reconnects with a new session. */
async function restore(r: Awaited<ReturnType<typeof blackholedHolder>>) {
  r.holderZk.proxy!.heal();
  await r.holderZk.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
  expect(r.holderZk.sessionId).not.toBe(r.oldSession);
  expect(r.states.map((s) => s.state)).toContain(ConnectionState.LOST);
  await r.waiterLease.release();
  expect(await r.waiterZk.getChildren('/locks/blackhole')).toEqual([]);
}

describe('scenario 7: holder black-holed until the server expires it', () => {
  it("default policy: the holder's signal aborts at SUSPENDED, before the waiter acquires (margin > 0)", async () => {
    const r = await blackholedHolder(undefined);
    const reason = await r.abort;
    expect(reason.reason).toBe('suspended');
    const suspendedAt = r.states.find((s) => s.state === ConnectionState.SUSPENDED)!.at;
    expect(r.abortAt()).toBeGreaterThanOrEqual(suspendedAt);
    const margin = r.waiterAt() - r.abortAt();
    expect(margin).toBeGreaterThan(0); // the holder's "certain" interval ended before the waiter's began
    expect(r.uncertain).toEqual([]); // grace 0: never uncertain, ended instead
    await restore(r);
    console.info(
      `scenario 7 (default policy, ${SESSION} ms session): holder SUSPENDED ${(suspendedAt - r.t0).toFixed(0)} ms after the black-hole (2/3 timeout = ${((SESSION * 2) / 3).toFixed(0)}), ` +
        `signal aborted ${(r.abortAt() - r.t0).toFixed(0)} ms, node removed by the server ${(r.deletedAt - r.t0).toFixed(0)} ms, waiter acquired ${(r.waiterAt() - r.t0).toFixed(0)} ms: margin ${margin.toFixed(0)} ms`,
    );
  }, 30_000);

  it('suspendedGrace: Infinity (LOST-only): the holder stays uncertain while away; the overlap with the waiter is logged, not asserted', async () => {
    const r = await blackholedHolder(Infinity);
    expect(r.uncertain[0]?.value).toBe(true); // uncertain from SUSPENDED on
    const waiterAt = r.waiterAt();
    const stillHeldWhenWaiterAcquired = r.abortAt() === 0 || r.abortAt() > waiterAt;
    await restore(r);
    const reason = await r.abort;
    expect(reason.reason).toBe('lost');
    expect(r.lease.isHeld).toBe(false);
    const overlap = r.abortAt() - waiterAt;
    const suspendedAt = r.states.find((s) => s.state === ConnectionState.SUSPENDED)!.at;
    console.info(
      `scenario 7 (suspendedGrace: Infinity): holder uncertain from ${(suspendedAt - r.t0).toFixed(0)} ms, waiter acquired ${(waiterAt - r.t0).toFixed(0)} ms, holder learned LOST ${(r.abortAt() - r.t0).toFixed(0)} ms: ` +
        `${overlap > 0 ? `overlap ${overlap.toFixed(0)} ms (holder still "held", uncertain)` : `no overlap (holder's local LOST ${(-overlap).toFixed(0)} ms before the waiter acquired)`}; still held at the waiter's acquisition: ${stillHeldWhenWaiterAcquired}`,
    );
  }, 30_000);
});

describe('scenario 9 (c): create applied, reply lost, session expired before the reconnect', () => {
  it('does not adopt the old session’s node; exactly one node per contender; others never block on an orphan', async () => {
    const zk = await h.client({ sessionTimeout: 4_000, proxy: true });
    const [b, c] = await h.clients(2, { sessionTimeout: 4_000 });
    const path = '/locks/ghost-expired';
    await b!.ensurePath(path); // so that the cut hits the contender's create2, not a NoNode one
    const rounds = 3;
    for (let i = 0; i < rounds; i++) {
      const held = await new Lock(b!, path, { identifier: 'b' }).acquire();
      await zk.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
      const creds = (zk as unknown as Record<symbol, () => SessionCredentials | undefined>)[Symbol.for('zookit.sessionCredentials')]!.call(zk)!;
      const oldSession = zk.sessionId;
      const adoptions = contenderStats.adoptions;
      const cut = zk.proxy!.cutAfterRequest(CREATE2);
      zk.proxy!.refuse(); // the reconnect fails until the session has been expired
      const lock = new Lock(zk, path, { identifier: 'a' });
      let aLease: Lease | undefined;
      const acquiring = lock.acquire({ timeout: 20_000 }).then((l) => (aLease = l));
      acquiring.catch(() => {});
      expect(await cut.fired).toBeDefined();
      // The ghost: applied on the server, owned by the old session, its reply never seen.
      const names = sortContenders(await b!.getChildren(path)).map((x) => x.name);
      expect(names).toHaveLength(2);
      const ghost = names[1]!;
      expect((await b!.exists(`${path}/${ghost}`))!.ephemeralOwner).toBe(oldSession);
      // C queues behind the ghost and watches it.
      const cLock = new Lock(c!, path, { identifier: 'c' });
      let cAcquired = false;
      const cWaiting = cLock.acquire({ timeout: 20_000 }).then((l) => {
        cAcquired = true;
        return l;
      });
      cWaiting.catch(() => {});
      await expect.poll(() => b!.getChildren(path).then((x) => x.length)).toBe(3);
      const ghostGone = await deletion(b!, `${path}/${ghost}`);
      expect((await expireSessionById(creds, { connectString: inject('zkConnect') })).alreadyExpired).toBe(false);
      await ghostGone.at;
      zk.proxy!.heal();
      await expect.poll(() => zk.sessionId !== oldSession && zk.state === ConnectionState.CONNECTED, { timeout: 10_000 }).toBe(true);
      // One node per contender, each owned by its contender's current session; the ghost is not adopted.
      await expect
        .poll(async () => {
          const now = await b!.getChildren(path);
          const owners = await Promise.all(now.map((n) => b!.exists(`${path}/${n}`).then((s) => s?.ephemeralOwner)));
          return owners.map(String).toSorted();
        }, { timeout: 10_000 })
        .toEqual([b!.sessionId, c!.sessionId, zk.sessionId].map(String).toSorted());
      expect(contenderStats.adoptions).toBe(adoptions);
      expect(await cLock.contenders()).toEqual(['b', 'c', 'a']); // the new session re-queued behind C
      expect(cAcquired).toBe(false);
      // Hand-offs: B → C (not blocked by the orphan) → A on its new session.
      await held.release();
      const cLease = await cWaiting;
      expect(aLease).toBeUndefined();
      await cLease.release();
      await acquiring;
      expect(aLease!.sessionId).toBe(zk.sessionId);
      expect(aLease!.sessionId).not.toBe(oldSession);
      expect(aLease!.path.endsWith(ghost)).toBe(false);
      await aLease!.release();
      expect(await b!.getChildren(path)).toEqual([]);
    }
  }, 90_000);
});
