// Fault scenarios for the harness itself (F1, F7 of RELIABILITY.md): leader frozen with
// SIGSTOP, quorum loss and recovery. Runs in the serial faults pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMode, startEnsemble, type ZooKeeperEnsemble } from '../src/index.js';
import { RawSession } from './raw-zk.js';

describe('ensemble faults', () => {
  let ens: ZooKeeperEnsemble;
  beforeAll(async () => {
    ens = await startEnsemble({ size: 3 });
  });
  afterAll(async () => {
    await ens?.stop();
  });

  it('a frozen leader is replaced and rejoins as follower after SIGCONT', async () => {
    const old = await ens.leader();
    const frozen = ens.servers[old]!;
    await frozen.pause();
    const next = await ens.leader(30_000); // paused members are skipped
    expect(next).not.toBe(old);
    await frozen.resume();
    await ens.waitForQuorum(30_000);
    expect(parseMode(await frozen.fourLetterWord('srvr', 5000))).toBe('follower');
  });

  it('survives losing quorum: two members killed, then restarted', async () => {
    const s = await RawSession.connect('127.0.0.1', ens.servers[0]!.port);
    expect((await s.create('/before-outage', Buffer.from('x'))).err).toBe(0);
    await s.close();
    await ens.servers[1]!.kill();
    await ens.servers[2]!.kill();
    // The lone member stops serving once it notices (within a few ticks).
    await expect
      .poll(async () => parseMode(await ens.servers[0]!.fourLetterWord('srvr', 2000).catch(() => '')), { timeout: 15_000, interval: 100 })
      .toBeUndefined();
    await Promise.all([ens.servers[1]!.restart(), ens.servers[2]!.restart()]);
    await ens.waitForQuorum(30_000);
    const t = await RawSession.connect('127.0.0.1', ens.servers[2]!.port);
    expect((await t.getData('/before-outage')).data?.toString()).toBe('x');
    await t.close();
  });
});
