import { beforeAll, describe, expect, it } from 'vitest';
import { startEnsemble, type EnsembleMember, type ZooKeeperEnsemble } from '@zookit/testing';
import { NotReadOnlyError, type ZooKeeperClient } from '../src/index.js';
import { client, memberOf as memberOfEnsemble, recordStates, sharedEnsemble } from './helpers.js';

const shared = sharedEnsemble();
let ensemble: ZooKeeperEnsemble;
beforeAll(() => {
  ensemble = shared.current;
});
const memberOf = (zk: ZooKeeperClient): EnsembleMember => memberOfEnsemble(ensemble, zk);

describe('client on a 3-node ensemble', () => {
  it('moves to another member with the same session when its member is killed', async () => {
    const zk = client(ensemble.connectString, { sessionTimeout: 6_000 });
    const states = recordStates(zk);
    await zk.start();
    const sessionId = zk.sessionId;
    await zk.create('/killed-eph', 'x', { ephemeral: true });
    const member = memberOf(zk);
    await member.kill();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    const queued = zk.exists('/killed-eph');
    await zk.waitForState('CONNECTED', { timeout: 20_000 });
    expect(zk.sessionId).toBe(sessionId);
    expect((await queued)?.ephemeralOwner).toBe(sessionId);
    expect(memberOf(zk).id).not.toBe(member.id);
    expect(states).toEqual(['CONNECTED', 'SUSPENDED', 'CONNECTED']);
    await zk.delete('/killed-eph');
    await member.restart();
    await ensemble.waitForQuorum();
  });

  it('detects a frozen member by its silence and resumes the session elsewhere', async () => {
    const zk = client(ensemble.connectString, { sessionTimeout: 4_000 });
    await zk.start();
    const sessionId = zk.sessionId;
    const member = memberOf(zk);
    const t0 = performance.now();
    await member.pause();
    try {
      await zk.waitForState('SUSPENDED', { timeout: 10_000 });
      const detected = performance.now() - t0;
      expect(detected).toBeGreaterThanOrEqual(zk.sessionTimeout * (2 / 3) - 100);
      await zk.waitForState('CONNECTED', { timeout: 20_000 });
    } finally {
      await member.resume();
    }
    expect(zk.sessionId).toBe(sessionId);
    expect(memberOf(zk).id).not.toBe(member.id);
    await ensemble.waitForQuorum();
  });

  it('keeps one session through a rolling restart of every member', async () => {
    const zk = client(ensemble.connectString, { sessionTimeout: 8_000 });
    const states = recordStates(zk);
    await zk.start();
    const sessionId = zk.sessionId;
    await zk.create('/rolling', 'x', { ephemeral: true });
    const events: string[] = [];
    await zk.addWatch('/rolling', (e) => events.push(e.type));
    for (const member of ensemble.servers) {
      await member.kill();
      await member.restart();
      await ensemble.waitForQuorum();
    }
    await zk.waitForState('CONNECTED', { timeout: 20_000 });
    await zk.set('/rolling', 'y');
    expect(zk.sessionId).toBe(sessionId);
    expect(states).not.toContain('LOST');
    await zk.sync('/rolling');
    await zk.exists('/rolling');
    expect(events).toContain('CHANGED');
    await zk.delete('/rolling');
  });
});

describe('read-only mode', () => {
  it('connects to a partitioned member that serves reads and reports READ_ONLY', async () => {
    // A read-only server creates new sessions as local sessions only.
    await using ro = await startEnsemble({ size: 3, readOnly: true, extraConfig: ['localSessionsEnabled=true'] });
    const writer = client(ro.connectString);
    await writer.start();
    await writer.create('/ro', 'data');
    await writer.stop();
    const survivor = ro.servers[0]!;
    await Promise.all(ro.servers.slice(1).map((m) => m.kill()));
    const zk = client(survivor.connectString, { readOnly: true, sessionTimeout: 4_000, connectTimeout: 30_000 });
    await zk.start();
    expect(zk.state).toBe('READ_ONLY');
    expect((await zk.get('/ro')).data.toString()).toBe('data');
    await expect(zk.create('/w')).rejects.toBeInstanceOf(NotReadOnlyError);

    // When the quorum is back, the client finds a read-write server by probing and moves there.
    const states = recordStates(zk);
    await Promise.all(ro.servers.slice(1).map((m) => m.restart()));
    await ro.waitForQuorum();
    await zk.waitForState('CONNECTED', { timeout: 60_000 });
    expect(await zk.create('/w')).toBe('/w');
    expect(states).toContain('CONNECTED');
  }, 120_000);
});
