import { ConnectionState } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { Lock, OwnershipLostError } from '../src/index.js';
import { aborted, harness } from './helpers.js';

const h = harness();
const DELETE = 2;

describe('Lease uncertainty within the grace period', () => {
  it("is uncertain while SUSPENDED (event true), certain again only after re-verifying on reconnect (event false)", async () => {
    const [zk] = await h.clients(1, { sessionTimeout: 4_000, proxy: true });
    const lease = await new Lock(zk!, '/locks/unc', { suspendedGrace: 3_000 }).acquire();
    const events: [boolean, number | undefined][] = [];
    const back = new Promise<void>((resolve) =>
      lease.on('uncertain', (u) => {
        events.push([u, lease.validUntil()]);
        if (!u) resolve();
      }),
    );
    expect(lease.uncertain).toBe(false);
    expect(lease.validUntil()).toBeDefined();
    zk!.proxy!.refuse(); // new connections fail until heal()
    zk!.proxy!.cut();
    await zk!.waitForState(ConnectionState.SUSPENDED, { timeout: 5_000 });
    expect(lease.uncertain).toBe(true);
    expect(lease.isHeld).toBe(true);
    expect(lease.validUntil()).toBeUndefined();
    const healedAt = performance.now();
    zk!.proxy!.heal();
    await back;
    expect(events.map(([u]) => u)).toEqual([true, false]);
    expect(events[0]![1]).toBeUndefined();
    expect(events[1]![1]!).toBeGreaterThan(healedAt); // re-verified after the reconnect
    expect(lease.isHeld && !lease.uncertain).toBe(true);
    await lease.release();
  });

  it("ends with reason 'suspended' when the grace period passes while disconnected, and releases the node once back", async () => {
    const [zk, other] = await h.clients(2, { sessionTimeout: 4_000, proxy: true });
    const lease = await new Lock(zk!, '/locks/unc2', { suspendedGrace: 300 }).acquire();
    const uncertain: boolean[] = [];
    lease.on('uncertain', (u) => uncertain.push(u));
    zk!.proxy!.refuse();
    zk!.proxy!.cut();
    const reason = (await aborted(lease.signal)) as OwnershipLostError;
    expect(reason.reason).toBe('suspended');
    expect(uncertain).toEqual([true]); // never reported certain again
    expect(lease.uncertain).toBe(false);
    zk!.proxy!.heal();
    await zk!.waitForState(ConnectionState.CONNECTED, { timeout: 5_000 });
    await lease.release();
    await expect.poll(() => other!.getChildren('/locks/unc2'), { timeout: 5_000 }).toEqual([]);
  });

  it("with suspendedGrace: Infinity (LOST-only policy) stays uncertain while away and ends 'lost' when the session expires", async () => {
    const [zk, waiterZk] = await h.clients(2, { sessionTimeout: 2_000, proxy: true });
    const lease = await new Lock(zk!, '/locks/inf', { suspendedGrace: Infinity }).acquire();
    const waiting = new Lock(waiterZk!, '/locks/inf').acquire({ timeout: 15_000 });
    await expect.poll(() => waiterZk!.getChildren('/locks/inf').then((c) => c.length)).toBe(2);
    zk!.proxy!.blackhole();
    await zk!.waitForState(ConnectionState.SUSPENDED, { timeout: 5_000 });
    expect(lease.uncertain).toBe(true);
    expect(lease.isHeld).toBe(true);
    const next = await waiting; // the server expired the black-holed session
    zk!.proxy!.heal();
    const reason = (await aborted(lease.signal)) as OwnershipLostError;
    expect(reason.reason).toBe('lost');
    await next.release();
  });

  it("learns on reconnect that its node was deleted while it was away ('deleted'), without calling verify()", async () => {
    const [zk, other] = await h.clients(2, { sessionTimeout: 4_000, proxy: true });
    const lease = await new Lock(zk!, '/locks/away', { suspendedGrace: 3_000 }).acquire();
    zk!.proxy!.refuse();
    zk!.proxy!.cut();
    await zk!.waitForState(ConnectionState.SUSPENDED, { timeout: 5_000 });
    await other!.delete(lease.path);
    zk!.proxy!.heal();
    const reason = (await aborted(lease.signal)) as OwnershipLostError;
    expect(reason.reason).toBe('deleted');
    expect(lease.uncertain).toBe(false);
  });
});

describe('scenario 10: reply lost on release', () => {
  it('release() completes after the reconnect (NoNode on the retry counts as done); the next waiter acquires; no leftover nodes', async () => {
    const [zk, waiterZk] = await h.clients(2, { sessionTimeout: 4_000, proxy: true });
    for (let round = 0; round < 3; round++) {
      const lease = await new Lock(zk!, '/locks/rel').acquire({ timeout: 10_000 });
      const waiting = new Lock(waiterZk!, '/locks/rel').acquire({ timeout: 10_000 });
      await expect.poll(() => waiterZk!.getChildren('/locks/rel').then((c) => c.length)).toBe(2);
      const session = zk!.sessionId;
      const cut = zk!.proxy!.cutAfterRequest(DELETE);
      const released = lease.release();
      const event = await cut.fired;
      expect(event?.opcode).toBe(DELETE);
      await released; // settles once reconnected
      expect(zk!.sessionId).toBe(session);
      expect(zk!.state).toBe(ConnectionState.CONNECTED);
      const next = await waiting;
      expect(next.fencingToken).toBeGreaterThan(lease.fencingToken);
      expect(await waiterZk!.getChildren('/locks/rel')).toHaveLength(1);
      await next.release();
      expect(await waiterZk!.getChildren('/locks/rel')).toEqual([]);
    }
  });

  it('release() during a black-hole shorter than the session timeout completes after the heal; no leftover nodes', async () => {
    const [zk, waiterZk] = await h.clients(2, { sessionTimeout: 4_000, proxy: true });
    const lease = await new Lock(zk!, '/locks/relbh').acquire();
    const waiting = new Lock(waiterZk!, '/locks/relbh').acquire({ timeout: 10_000 });
    await expect.poll(() => waiterZk!.getChildren('/locks/relbh').then((c) => c.length)).toBe(2);
    zk!.proxy!.blackhole();
    let done = false;
    const released = lease.release().then(() => (done = true));
    await expect.poll(() => zk!.proxy!.stats.droppedClientToServer).toBeGreaterThan(0); // the delete went into the black hole
    expect(done).toBe(false);
    zk!.proxy!.heal();
    await released;
    const next = await waiting;
    await next.release();
    expect(await waiterZk!.getChildren('/locks/relbh')).toEqual([]);
  });

  it('release() counts as done when the session is lost meanwhile', async () => {
    const [zk, other] = await h.clients(2, { sessionTimeout: 2_000, proxy: true });
    const lease = await new Lock(zk!, '/locks/rellost', { suspendedGrace: Infinity }).acquire();
    const lost = zk!.waitForState(ConnectionState.LOST, { timeout: 10_000 });
    zk!.proxy!.blackhole();
    const released = lease.release();
    await lost; // the client's own timer declares LOST after the session timeout
    await released;
    zk!.proxy!.heal();
    await expect.poll(() => other!.getChildren('/locks/rellost'), { timeout: 5_000 }).toEqual([]);
  });
});
