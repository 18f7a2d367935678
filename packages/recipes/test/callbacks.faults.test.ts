// The recipes learn of SUSPENDED/LOST on the client's internal channel: a user 'state'
// listener that throws (registered FIRST) cannot keep a holder from learning it lost,
// and a throwing lease listener cannot break another lease.
import { ConnectionState } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { Lock, OwnershipLostError } from '../src/index.js';
import { aborted, callbackErrors, harness, noUnhandledRejections } from './helpers.js';

const h = harness();

noUnhandledRejections();

describe('a throwing state listener registered first', () => {
  it("cannot keep a held lease from ending on LOST-by-clock (connection black-holed past a 2 s session)", async () => {
    const [zk] = await h.clients(1, { sessionTimeout: 2_000, proxy: true });
    const errors = callbackErrors(zk!);
    const states: ConnectionState[] = [];
    zk!.on('state', (s) => {
      states.push(s);
      throw new Error('user state listener fails');
    });
    // LOST-only policy: nothing but the session's loss may end this lease.
    const lease = await new Lock(zk!, '/cb/lock', { suspendedGrace: Infinity }).acquire();
    zk!.proxy!.blackhole();
    const reason = (await aborted(lease.signal)) as OwnershipLostError;
    expect(reason).toBeInstanceOf(OwnershipLostError);
    expect(reason.reason).toBe('lost');
    expect(zk!.state).toBe(ConnectionState.LOST);
    expect(states).toContain(ConnectionState.LOST); // the user listener was called (and threw) too
    expect(errors.some((e) => (e.cause as Error).message === 'user state listener fails')).toBe(true);
    zk!.proxy!.heal();
  });

  it('cannot keep a held lease from ending at SUSPENDED (default grace 0)', async () => {
    const [zk] = await h.clients(1, { sessionTimeout: 4_000, proxy: true });
    callbackErrors(zk!);
    zk!.on('state', () => {
      throw new Error('user state listener fails');
    });
    const lease = await new Lock(zk!, '/cb/lock0').acquire();
    zk!.proxy!.refuse();
    zk!.proxy!.cut();
    const reason = (await aborted(lease.signal)) as OwnershipLostError;
    expect(reason.reason).toBe('suspended');
    zk!.proxy!.heal();
  });
});

describe("a throwing 'uncertain' listener", () => {
  it('does not break another lease: both go uncertain, and both are verified again after the reconnect', async () => {
    const [zk] = await h.clients(1, { sessionTimeout: 4_000, proxy: true });
    const errors = callbackErrors(zk!);
    const a = await new Lock(zk!, '/cb/unc-a', { suspendedGrace: 3_000 }).acquire();
    const b = await new Lock(zk!, '/cb/unc-b', { suspendedGrace: 3_000 }).acquire();
    a.on('uncertain', () => {
      throw new Error('uncertain listener fails');
    });
    const seenA: boolean[] = [];
    const seenB: boolean[] = [];
    a.on('uncertain', (u) => seenA.push(u));
    b.on('uncertain', (u) => seenB.push(u));
    zk!.proxy!.refuse();
    zk!.proxy!.cut();
    await expect.poll(() => [a.uncertain, b.uncertain]).toEqual([true, true]);
    zk!.proxy!.heal();
    await expect.poll(() => [seenA, seenB], { timeout: 5_000 }).toEqual([[true, false], [true, false]]);
    expect(a.isHeld && b.isHeld && !a.uncertain && !b.uncertain).toBe(true);
    expect(errors.filter((e) => (e.cause as Error).message === 'uncertain listener fails')).toHaveLength(2);
    await Promise.all([a.release(), b.release()]);
  });
});
