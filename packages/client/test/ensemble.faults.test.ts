// Fault pass: client-level ensemble scenarios of RELIABILITY.md not covered by
// ensemble.serial.test.ts — 2 (member frozen for 2x the session timeout), 3 (leader frozen),
// 4 (quorum lost longer than the session timeout) and 19 (read after another client's
// write, with and without sync). One 3-node ensemble for the file; every wait is bounded.
import { beforeAll, describe, expect, it } from 'vitest';
import type { EnsembleMember, ZooKeeperEnsemble } from '@zookit/testing';
import { type ZooKeeperClient } from '../src/index.js';
import { ephemeralsBySession } from '../../../test-support/zk-dump.ts';
import { client, memberOf as memberOfEnsemble, recordStates, sharedEnsemble } from './helpers.js';

const shared = sharedEnsemble();
let ensemble: ZooKeeperEnsemble;
beforeAll(() => {
  ensemble = shared.current;
});
const memberOf = (zk: ZooKeeperClient): EnsembleMember => memberOfEnsemble(ensemble, zk);

describe('ensemble faults (client)', () => {
  it('19: read after another client\'s write: with sync first, zero stale reads in 1000 rounds', async () => {
    await ensemble.waitForQuorum();
    const [m1, , m3] = ensemble.servers;
    const a = client(m1!.connectString, { sessionTimeout: 10_000 });
    const b = client(m3!.connectString, { sessionTimeout: 10_000 });
    await Promise.all([a.start(), b.start()]);
    await a.create('/rw19', '0');
    // Runs first in this file, on an ensemble that has not changed leader: 3.8 gives no
    // read-your-writes through sync across a leader change (see docs/reliability.md).
    let staleWithout = 0;
    let staleWith = 0;
    for (let i = 1; i <= 1_000; i++) {
      await a.set('/rw19', String(i));
      // "Tell B in-process": B reads at once, with sync on odd rounds and without on even ones.
      if (i % 2 === 1) {
        await b.sync('/rw19');
        if ((await b.get('/rw19')).data.toString() !== String(i)) staleWith++;
      } else if ((await b.get('/rw19')).data.toString() !== String(i)) staleWithout++;
    }
    console.info(`scenario 19: stale reads without sync ${staleWithout}/500, with sync ${staleWith}/500`);
    expect(staleWith).toBe(0);
    await a.delete('/rw19');
  }, 120_000);

  it('2: the member is frozen for 2x the session timeout: SUSPENDED within the read timeout, same session on another member', async () => {
    const zk = client(ensemble.connectString, { sessionTimeout: 4_000 });
    const states = recordStates(zk);
    await zk.start();
    const sessionId = zk.sessionId;
    await zk.create('/frozen-eph', null, { ephemeral: true });
    const member = memberOf(zk);
    const t0 = performance.now();
    await member.pause();
    let detectedMs = 0;
    let reconnectMs = 0;
    try {
      await zk.waitForState('SUSPENDED', { timeout: 10_000 });
      detectedMs = performance.now() - t0;
      const queued = zk.exists('/frozen-eph');
      await zk.waitForState('CONNECTED', { timeout: 20_000 });
      reconnectMs = performance.now() - t0 - detectedMs;
      expect((await queued)?.ephemeralOwner).toBe(sessionId);
      // Keep the member frozen for 2x the session timeout in total.
      const rest = 2 * zk.sessionTimeout - (performance.now() - t0);
      if (rest > 0) await zk.sync('/').then(() => new Promise((r) => setTimeout(r, rest)));
    } finally {
      await member.resume();
    }
    // Read timeout = 2/3 of the negotiated timeout; one tick of slack.
    expect(detectedMs).toBeGreaterThanOrEqual((zk.sessionTimeout * 2) / 3 - 100);
    expect(detectedMs).toBeLessThan(zk.sessionTimeout);
    expect(zk.sessionId).toBe(sessionId);
    expect(memberOf(zk).id).not.toBe(member.id);
    expect(states).toEqual(['CONNECTED', 'SUSPENDED', 'CONNECTED']);
    await ensemble.waitForQuorum();
    console.info(`scenario 2: detection ${Math.round(detectedMs)} ms (2/3 timeout = ${Math.round((zk.sessionTimeout * 2) / 3)}), reconnect ${Math.round(reconnectMs)} ms`);
    await zk.delete('/frozen-eph');
  }, 60_000);

  it('3: the leader frozen for 10 s: clients keep their sessions; a client never reads older data than it has seen', async () => {
    const leaderIdx = await ensemble.leader();
    const leader = ensemble.servers[leaderIdx]!;
    const followers = ensemble.servers.filter((s) => s !== leader);
    const zk = client(followers.map((s) => s.connectString).join(','), { sessionTimeout: 8_000 });
    const onLeader = client(leader.connectString, { sessionTimeout: 20_000, connectTimeout: 30_000 });
    await Promise.all([zk.start(), onLeader.start()]);
    await zk.create('/stale-check', '1');
    await onLeader.sync('/stale-check');
    const seenByLeaderClient = (await onLeader.get('/stale-check')).stat.mzxid;
    const sessionId = zk.sessionId;
    const t0 = performance.now();
    await leader.pause();
    try {
      await ensemble.waitForQuorum(30_000);
      // A write through the new leader while the old one is frozen.
      await zk.retry(() => zk.set('/stale-check', '2'), { maxTries: 20 });
    } finally {
      await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (performance.now() - t0))));
      await leader.resume();
    }
    await ensemble.waitForQuorum(30_000);
    expect(zk.sessionId).toBe(sessionId);
    // The client that was on the old leader: same session or a typed LOST, and never older data.
    await onLeader.waitForState('CONNECTED', { timeout: 30_000 });
    const r = await onLeader.get('/stale-check');
    expect(r.stat.mzxid).toBeGreaterThanOrEqual(seenByLeaderClient);
  }, 90_000);

  it('4: quorum lost for 2x the session timeout: SUSPENDED, then LOST by the local clock; on return the old session is closed, no stale ephemerals', async () => {
    const zk = client(ensemble.connectString, { sessionTimeout: 3_000, connectTimeout: 60_000 });
    const observer = client(ensemble.connectString, { sessionTimeout: 30_000, connectTimeout: 60_000 });
    const states = recordStates(zk);
    await Promise.all([zk.start(), observer.start()]);
    await zk.create('/quorum-eph', null, { ephemeral: true });
    const oldSession = `0x${zk.sessionId.toString(16)}`;
    const victims = ensemble.servers.filter((s) => s !== memberOf(observer)).slice(0, 2);
    const t0 = performance.now();
    await Promise.all(victims.map((m) => m.kill()));
    try {
      await zk.waitForState('SUSPENDED', { timeout: 10_000 });
      const suspendedAt = performance.now() - t0;
      await zk.waitForState('LOST', { timeout: 15_000 });
      const lostAt = performance.now() - t0;
      expect(lostAt - suspendedAt).toBeGreaterThanOrEqual(1_000);
      const rest = 2 * 3_000 - (performance.now() - t0);
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
      console.info(`scenario 4: SUSPENDED after ${Math.round(suspendedAt)} ms, LOST after ${Math.round(lostAt)} ms`);
    } finally {
      await Promise.all(victims.map((m) => m.restart()));
    }
    await ensemble.waitForQuorum(60_000);
    await zk.waitForState('CONNECTED', { timeout: 30_000 });
    expect(`0x${zk.sessionId.toString(16)}`).not.toBe(oldSession);
    // The old session's ephemeral is gone (closed by the client's zombie close, or expired);
    // bounded wait of about one session timeout for the server to settle.
    await expect
      .poll(
        async () => {
          await observer.sync('/');
          return (await ephemeralsBySession(ensemble.servers.filter((m) => m.pid && !m.paused), 3_000)).get(oldSession)?.size ?? 0;
        },
        { timeout: 5_000, interval: 100 },
      )
      .toBe(0);
    expect(await observer.exists('/quorum-eph')).toBeNull();
    // The client may reconnect to the survivor before it notices the lost quorum
    // (CONNECTED, SUSPENDED, CONNECTED, SUSPENDED, ...): LOST must come after a SUSPENDED.
    const lost = states.indexOf('LOST');
    expect(lost).toBeGreaterThan(0);
    expect(states[lost - 1]).toBe('SUSPENDED');
  }, 120_000);

});
