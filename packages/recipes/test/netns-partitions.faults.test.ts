// Real network partitions (members in network namespaces of their own, cuts made by the
// kernel): scenario 1 (the leader cut off from both followers while its clients still
// reach it), 2 (a read-only client whose server is in the minority) and 3 (one-way cuts).
import { ConnectionState, NotReadOnlyError, type ZooKeeperClient } from '@zookit/client';
import { checkExclusive, monotonicMs, OperationHistory, type NamespaceEnsemble, type NamespaceMember } from '@zookit/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lock, type Lease, type OwnershipLostError } from '../src/index.js';
import { clientOn, firstAt, logHold, memberOf, ms, recordStates, sharedNamespaceEnsemble } from './netns-helpers.js';

const SESSION = 6_000;
// readOnly: a member cut from the quorum serves read-only clients (scenario 2); a new
// session on a read-only server must be a local one (without them it answers NOTREADONLY).
// Sessions that create ephemerals (every lock client here) are upgraded to global ones.
const shared = sharedNamespaceEnsemble({ size: 3, readOnly: true, extraConfig: ['localSessionsEnabled=true', 'localSessionsUpgradingEnabled=true'] });
const { opened } = shared;
let ens: NamespaceEnsemble;
beforeAll(() => {
  ens = shared.current;
});

async function roles(): Promise<{ leader: NamespaceMember; followers: [NamespaceMember, NamespaceMember] }> {
  const leader = ens.servers[await ens.leader()]!;
  const followers = ens.servers.filter((s) => s !== leader) as [NamespaceMember, NamespaceMember];
  return { leader, followers };
}

/** A waiter on `path` logging its hold in `history` once it acquires. */
function waiter(zk: ZooKeeperClient, path: string, id: string, history: OperationHistory) {
  const lock = new Lock(zk, path, { identifier: id });
  let hold: ReturnType<typeof logHold> | undefined;
  let acquiredAt: number | undefined;
  const lease = lock.acquire({ timeout: 45_000 }).then((l) => {
    acquiredAt = monotonicMs();
    hold = logHold(history, id, l);
    return l;
  });
  lease.catch(() => {});
  return { lock, lease, acquiredAt: () => acquiredAt, release: async () => (hold?.endHold(), (await lease).release()) };
}

describe('scenario 1: the leader is cut off from both followers while its clients still reach it', () => {
  it('its clients go SUSPENDED and move to the majority with their sessions; a default lease ends at SUSPENDED, a suspendedGrace lease stays held (uncertain, then re-verified); no two holders', async () => {
    const { leader, followers } = await roles();
    const [f1, f2] = followers;
    const h = await clientOn(ens, leader, { sessionTimeout: SESSION }, opened);
    const g = await clientOn(ens, leader, { sessionTimeout: SESSION }, opened);
    expect(await memberOf(ens, h)).toBe(leader);
    expect(await memberOf(ens, g)).toBe(leader);
    const w = await clientOn(ens, f1, { sessionTimeout: SESSION }, opened);
    const w2 = await clientOn(ens, f2, { sessionTimeout: SESSION }, opened);
    await w.ensurePath('/s1');
    const histA = new OperationHistory();
    const histB = new OperationHistory();
    const hLease = await new Lock(h, '/s1/a', { identifier: 'h' }).acquire();
    const hHold = logHold(histA, 'h', hLease);
    const gLease: Lease = await new Lock(g, '/s1/b', { identifier: 'g', suspendedGrace: Infinity }).acquire();
    const gHold = logHold(histB, 'g', gLease);
    const uncertain: Array<{ value: boolean; at: number }> = [];
    gLease.on('uncertain', (value) => uncertain.push({ value, at: monotonicMs() }));
    const wa = waiter(w, '/s1/a', 'w', histA);
    const wb = waiter(w2, '/s1/b', 'w2', histB);
    await expect.poll(() => wa.lock.contenders()).toEqual(['h', 'w']);
    await expect.poll(() => wb.lock.contenders()).toEqual(['g', 'w2']);
    const hStates = recordStates(h);
    const [hSession, gSession] = [h.sessionId, g.sessionId];

    const t0 = monotonicMs();
    await ens.partition([[leader], followers]);
    const next = ens.servers[await ens.waitForLeader(followers, 30_000)]!;
    const electedAt = monotonicMs();
    const wLease = await wa.lease; // H's node is deleted by H itself once it reconnects
    const reason = (hLease.signal.reason as OwnershipLostError).reason;
    expect(reason).toBe('suspended');
    await h.waitForState(ConnectionState.CONNECTED, { timeout: 30_000 });
    expect(h.sessionId).toBe(hSession); // SUSPENDED → CONNECTED: same session, on the majority
    expect(followers).toContain(await memberOf(ens, h));
    // G (LOST-only policy): uncertain while away, certain again after re-verifying; W2 still waits.
    await expect.poll(() => uncertain.map((u) => u.value), { timeout: 30_000 }).toEqual([true, false]);
    expect(g.sessionId).toBe(gSession);
    expect(gLease.isHeld).toBe(true);
    expect(wb.acquiredAt()).toBeUndefined();
    gHold.endHold();
    await gLease.release();
    await wb.lease;
    await wa.release();
    await wb.release();
    hHold.endHold();
    const checks = [checkExclusive(histA.events), checkExclusive(histB.events)];
    const suspendedAt = firstAt(hStates, ConnectionState.SUSPENDED, t0);
    const connectedAt = firstAt(hStates, ConnectionState.CONNECTED, t0);
    console.info(
      `scenario 1 (${SESSION} ms sessions): old leader ${leader.name} cut from ${followers.map((f) => f.name).join('+')}; new leader ${next.name} after ${ms(electedAt - t0)}; ` +
        `H SUSPENDED ${ms(suspendedAt! - t0)} (lease aborted 'suspended' ${ms(hHold.abortedAt()! - t0)}), CONNECTED to the majority ${ms(connectedAt! - t0)} with the same session; ` +
        `W acquired ${ms(wa.acquiredAt()! - t0)}; G uncertain ${ms(uncertain[0]!.at - t0)} → re-verified ${ms(uncertain[1]!.at - t0)}. ` +
        `History checker: /s1/a ${checks[0]!.summary}; /s1/b ${checks[1]!.summary}`,
    );
    for (const c of checks) expect(c.overlaps.concat(c.tokenOrder)).toEqual([]);
    expect(checks.map((c) => c.holds.length)).toEqual([2, 2]);
    expect(wLease.fencingToken).toBeGreaterThan(hLease.fencingToken);
  }, 90_000);
});

describe('scenario 2: a readOnly client whose server is in the minority', () => {
  it('a readOnly client on the minority member is READ_ONLY: reads work, writes fail with NotReadOnlyError; back to CONNECTED (writes work) once healed', async () => {
    const { leader, followers } = await roles();
    const [f1, f2] = followers;
    // The admin prepares the data before the cut. The test process is on f1's side, so the
    // admin (on f2) is cut off too: its 4 s session may expire on the quorum during the cut
    // (the server then answers its reconnect with an expired session). The write made after
    // the heal is checked through a client opened after the heal.
    const admin = await clientOn(ens, f2, {}, opened);
    const adminStates = recordStates(admin);
    await admin.ensurePath('/s2');
    await admin.create('/s2/data', 'v1').catch(() => admin.set('/s2/data', 'v1'));
    await expect.poll(() => f1.fourLetterWord('srvr').then((s) => /Node count: (\d+)/.exec(s)?.[1]), { timeout: 10_000 }).toBe(/Node count: (\d+)/.exec(await f2.fourLetterWord('srvr'))?.[1]);
    // A readOnly client that already has a read-write session: 3.8 refuses to reopen a global session in read-only mode (reported below).
    const old = await clientOn(ens, f1, { readOnly: true, sessionTimeout: 4_000 }, opened);
    const oldStates = recordStates(old);
    const t0 = monotonicMs();
    await ens.partition([[f1, ens.testProcess], [leader, f2]]);
    expect(await ens.waitForMode(f1, ['read-only'], 30_000)).toBe('read-only');
    const readOnlyServerAt = monotonicMs();
    const r = await clientOn(ens, f1, { readOnly: true, sessionTimeout: 10_000 }, opened); // start() resolves on READ_ONLY
    expect(r.state).toBe(ConnectionState.READ_ONLY);
    const states = recordStates(r);
    expect((await r.get('/s2/data')).data.toString()).toBe('v1');
    expect(await r.getChildren('/s2')).toEqual(['data']);
    await expect(r.set('/s2/data', 'v2')).rejects.toBeInstanceOf(NotReadOnlyError);
    await expect(r.create('/s2/other', 'x')).rejects.toBeInstanceOf(NotReadOnlyError);
    expect(r.state).toBe(ConnectionState.READ_ONLY); // a refused write does not drop the connection
    const healAt = monotonicMs();
    await ens.heal();
    await r.waitForState(ConnectionState.CONNECTED, { timeout: 60_000 });
    const backAt = monotonicMs();
    await r.set('/s2/data', 'v2');
    const check = await clientOn(ens, f2, {}, opened);
    expect((await check.get('/s2/data')).data.toString()).toBe('v2');
    console.info(
      `scenario 2: ${f1.name} cut from ${leader.name}+${f2.name} (test process on its side): ${f1.name} read-only ${ms(readOnlyServerAt - t0)} after the cut; ` +
        `a new readOnly client READ_ONLY at once, reads served, writes NotReadOnlyError; healed → CONNECTED ${ms(backAt - healAt)} later (isro probe backoff), states ${states.map((s) => s.state).join(' → ')}; ` +
        `the readOnly client that already had a read-write session: ${oldStates.map((s) => `${s.state} ${ms(s.at - t0)}`).join(' → ')} (a read-only server refuses to reopen a global session: READ_ONLY only with a new session); ` +
        `the admin client on ${f2.name}, cut off with the test process: ${adminStates.map((s) => `${s.state} ${ms(s.at - t0)}`).join(' → ')}`,
    );
  }, 120_000);
});

describe('scenario 3: one-way partitions', () => {
  it('leader → follower only: the follower drops out, its client moves on with its session; the leader keeps its quorum; the lock holds', async () => {
    const { leader, followers } = await roles();
    const [f1, f2] = followers;
    const c = await clientOn(ens, f1, { sessionTimeout: SESSION }, opened);
    expect(await memberOf(ens, c)).toBe(f1);
    const w = await clientOn(ens, f2, { sessionTimeout: SESSION }, opened);
    await c.ensurePath('/s3');
    const hist = new OperationHistory();
    const lease = await new Lock(c, '/s3/a', { identifier: 'c', suspendedGrace: Infinity }).acquire();
    const hold = logHold(hist, 'c', lease);
    const wa = waiter(w, '/s3/a', 'w', hist);
    await expect.poll(() => wa.lock.contenders()).toEqual(['c', 'w']);
    const states = recordStates(c);
    const session = c.sessionId;
    const t0 = monotonicMs();
    await ens.oneWay(leader, f1);
    await c.waitForState(ConnectionState.SUSPENDED, { timeout: 30_000 });
    await c.waitForState(ConnectionState.CONNECTED, { timeout: 30_000 });
    expect(c.sessionId).toBe(session);
    expect(await memberOf(ens, c)).not.toBe(f1);
    await expect.poll(() => lease.uncertain, { timeout: 10_000 }).toBe(false);
    expect(lease.isHeld).toBe(true);
    expect(ens.servers[await ens.waitForLeader([leader, f2], 10_000)]).toBe(leader); // leader + f2 keep the quorum
    const f1Mode = (await ens.modes())[ens.servers.indexOf(f1)];
    expect(f1Mode).not.toBe('follower'); // f1 cannot hear the leader: it stops serving
    hold.endHold();
    await lease.release();
    await wa.lease;
    await wa.release();
    const check = checkExclusive(hist.events);
    console.info(
      `scenario 3a: ${leader.name} → ${f1.name} dropped: client on ${f1.name} SUSPENDED ${ms(firstAt(states, ConnectionState.SUSPENDED, t0)! - t0)}, CONNECTED elsewhere ${ms(firstAt(states, ConnectionState.CONNECTED, t0)! - t0)} (same session); ` +
        `${f1.name} mode ${f1Mode ?? 'not serving'}; lease (suspendedGrace: Infinity) kept; history: ${check.summary}`,
    );
    expect(check.overlaps.concat(check.tokenOrder)).toEqual([]);
  }, 90_000);

  it("client → server only: the client's read timeout detects the silent server; it reconnects elsewhere with its session; a default lease ends at SUSPENDED and the waiter acquires after", async () => {
    const { followers } = await roles();
    const [f1, f2] = followers;
    const c = await clientOn(ens, f1, { sessionTimeout: SESSION }, opened);
    expect(await memberOf(ens, c)).toBe(f1);
    const w = await clientOn(ens, f2, { sessionTimeout: SESSION }, opened);
    await c.ensurePath('/s3');
    const hist = new OperationHistory();
    const lease = await new Lock(c, '/s3/b', { identifier: 'c' }).acquire();
    const hold = logHold(hist, 'c', lease);
    const wa = waiter(w, '/s3/b', 'w', hist);
    await expect.poll(() => wa.lock.contenders()).toEqual(['c', 'w']);
    const states = recordStates(c);
    const session = c.sessionId;
    const t0 = monotonicMs();
    await ens.oneWay(ens.testProcess, f1); // our packets to f1 vanish; f1's to us still arrive
    await c.waitForState(ConnectionState.SUSPENDED, { timeout: 30_000 });
    const suspendedAt = monotonicMs();
    await wa.lease;
    await c.waitForState(ConnectionState.CONNECTED, { timeout: 30_000 });
    expect(c.sessionId).toBe(session);
    expect(await c.exists('/s3')).not.toBeNull(); // answered: not by f1, which never hears us
    expect((lease.signal.reason as OwnershipLostError).reason).toBe('suspended');
    await wa.release();
    const check = checkExclusive(hist.events);
    const detection = suspendedAt - t0;
    console.info(
      `scenario 3b: test process → ${f1.name} dropped: SUSPENDED after ${ms(detection)} (read timeout 2/3 × ${c.sessionTimeout} = ${ms((c.sessionTimeout * 2) / 3)}), ` +
        `CONNECTED elsewhere ${ms(firstAt(states, ConnectionState.CONNECTED, t0)! - t0)} (same session); lease aborted ${ms(hold.abortedAt()! - t0)}, waiter acquired ${ms(wa.acquiredAt()! - t0)}; history: ${check.summary}`,
    );
    expect(detection).toBeLessThan(c.sessionTimeout); // before the server could expire the session
    expect(check.overlaps.concat(check.tokenOrder)).toEqual([]);
  }, 90_000);
});
