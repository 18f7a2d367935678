import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fourLetterWord, parseMode, startEnsemble, type ZooKeeperEnsemble } from '../src/index.js';
import { RawSession } from './raw-zk.js';

describe('3-node ensemble', () => {
  let ens: ZooKeeperEnsemble;
  beforeAll(async () => {
    ens = await startEnsemble({ size: 3 });
  });
  afterAll(async () => {
    await ens?.stop();
  });

  it('has distinct loopback ports and one leader', async () => {
    expect(ens.servers.map((s) => s.id)).toEqual([1, 2, 3]);
    const ports = ens.servers.flatMap((s) => [s.port, s.quorumPort, s.electionPort]);
    expect(new Set(ports).size).toBe(9);
    expect(ens.connectString.split(',')).toHaveLength(3);
    const modes = await Promise.all(ens.servers.map(async (s) => parseMode(await s.fourLetterWord('srvr'))));
    expect(modes.filter((m) => m === 'leader')).toHaveLength(1);
    expect(modes.filter((m) => m === 'follower')).toHaveLength(2);
    const i = await ens.leader();
    expect(modes[i]).toBe('leader');
  });

  it('replicates writes between members', async () => {
    const a = await RawSession.connect('127.0.0.1', ens.servers[0]!.port);
    expect((await a.create('/replicated', Buffer.from('r'))).err).toBe(0);
    await a.close();
    const b = await RawSession.connect('127.0.0.1', ens.servers[2]!.port);
    // A follower may lag by a moment.
    await expect.poll(async () => (await b.getData('/replicated')).data?.toString(), { timeout: 5_000, interval: 50 }).toBe('r');
    await b.close();
  });

  it('elects a new leader when the leader is killed, and the old leader rejoins', async () => {
    const old = await ens.leader();
    const oldLeader = ens.servers[old]!;
    await oldLeader.kill();
    expect(oldLeader.pid).toBeUndefined();
    const next = await ens.leader(30_000);
    expect(next).not.toBe(old);
    await ens.waitForQuorum();
    await oldLeader.restart();
    expect(parseMode(await oldLeader.fourLetterWord('srvr'))).toMatch(/^(leader|follower)$/);
    await ens.waitForQuorum();
    // Data survived.
    const s = await RawSession.connect('127.0.0.1', oldLeader.port);
    expect((await s.getData('/replicated')).data?.toString()).toBe('r');
    await s.close();
  });

  it('pauses and resumes a follower', async () => {
    const leader = await ens.leader();
    const follower = ens.servers[(leader + 1) % 3]!;
    await follower.pause();
    await expect(fourLetterWord('127.0.0.1', follower.port, 'ruok', 500)).rejects.toMatchObject({ code: 'FOUR_LETTER_WORD_TIMEOUT' });
    // The other two still form a quorum.
    await ens.waitForQuorum();
    await follower.resume();
    await ens.waitForQuorum();
    expect(parseMode(await follower.fourLetterWord('srvr', 5000))).toMatch(/^(leader|follower)$/);
  });

  it('stops gracefully and restarts a member', async () => {
    const m = ens.servers[0]!;
    await m.stop();
    expect(m.pid).toBeUndefined();
    await ens.waitForQuorum();
    await m.restart();
    await ens.waitForQuorum();
  });
});

describe('read-only mode', () => {
  it('a member cut off from quorum serves read-only when readOnly is set', async () => {
    await using ens = await startEnsemble({ size: 3, readOnly: true });
    await ens.servers[1]!.kill();
    await ens.servers[2]!.kill();
    await expect
      .poll(async () => parseMode(await ens.servers[0]!.fourLetterWord('srvr', 2000).catch(() => '')), { timeout: 20_000, interval: 100 })
      .toBe('read-only');
    expect(await ens.servers[0]!.fourLetterWord('isro')).toBe('ro');
  });
});
