import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FourLetterWordError,
  ServerControlUnavailableError,
  ZooKeeperNotFoundError,
  findLocalInstallation,
  startServer,
  type ZooKeeperServer,
} from '../src/index.js';
import { trackedProcessCount } from '../src/process-registry.js';
import { RawSession } from './raw-zk.js';

describe('standalone server', () => {
  let zk: ZooKeeperServer;
  beforeAll(async () => {
    zk = await startServer({ source: 'local', extendedTypesEnabled: true });
  });
  afterAll(async () => {
    await zk?.[Symbol.asyncDispose]();
  });

  it('listens on loopback and answers four-letter words', async () => {
    expect(zk.host).toBe('127.0.0.1');
    expect(zk.connectString).toBe(`127.0.0.1:${zk.port}`);
    expect(zk.controllable).toBe(true);
    expect(await zk.fourLetterWord('ruok')).toBe('imok');
    expect(await zk.fourLetterWord('srvr')).toMatch(/Mode: standalone/);
    const conf = await zk.fourLetterWord('conf');
    expect(conf).toMatch(/tickTime=200/);
    expect(conf).toMatch(/minSessionTimeout=400/);
    expect(conf).toMatch(/maxSessionTimeout=60000/);
    expect(await zk.fourLetterWord('envi')).toMatch(/java\.version=/);
    const cmdline = readFileSync(`/proc/${zk.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain('-Dfile.encoding=UTF-8');
    expect(cmdline).toContain('-Dzookeeper.extendedTypesEnabled=true');
    expect(cmdline).toContain('-Xmx256m');
    expect(existsSync(zk.logFile!)).toBe(true);
  });

  it('accepts a session and stores data', async () => {
    const s = await RawSession.connect(zk.host, zk.port);
    expect(s.response.timeOut).toBe(4000);
    expect(s.response.sessionId).not.toBe(0n);
    expect((await s.create('/hello', Buffer.from('world'))).err).toBe(0);
    expect((await s.getData('/hello')).data?.toString()).toBe('world');
    await s.close();
  });

  it('supports TTL nodes when extendedTypesEnabled is set', async () => {
    const s = await RawSession.connect(zk.host, zk.port);
    expect((await s.createTTL('/ttl-node', Buffer.from('x'), 60_000n)).err).toBe(0);
    await s.close();
  });

  it('restarts on the same port with its data', async () => {
    const port = zk.port;
    const pid = zk.pid;
    await zk.restart();
    expect(zk.port).toBe(port);
    expect(zk.pid).not.toBe(pid);
    const s = await RawSession.connect(zk.host, zk.port);
    expect((await s.getData('/hello')).data?.toString()).toBe('world');
    await s.close();
  });

  it('pauses (nothing answers) and resumes', async () => {
    await zk.pause();
    expect(zk.paused).toBe(true);
    await expect(zk.fourLetterWord('ruok', 500)).rejects.toMatchObject({ code: 'FOUR_LETTER_WORD_TIMEOUT' });
    await zk.resume();
    expect(zk.paused).toBe(false);
    expect(await zk.fourLetterWord('ruok', 5000)).toBe('imok');
  });

  it('is killed with SIGKILL and comes back with restart()', async () => {
    await zk.kill();
    expect(zk.pid).toBeUndefined();
    await expect(zk.fourLetterWord('ruok', 1000)).rejects.toBeInstanceOf(FourLetterWordError);
    await zk.restart();
    expect(await zk.fourLetterWord('ruok')).toBe('imok');
    const s = await RawSession.connect(zk.host, zk.port);
    expect((await s.getData('/hello')).data?.toString()).toBe('world');
    await s.close();
  });
});

describe('server lifecycle', () => {
  it('stop() is final, removes the data directory and leaves no tracked JVM', async () => {
    const before = trackedProcessCount();
    const zk = await startServer({ source: 'local', tickTime: 100, minSessionTimeout: 200, maxSessionTimeout: 5000 });
    expect(trackedProcessCount()).toBe(before + 1);
    const dir = zk.dataDir!;
    expect(existsSync(dir)).toBe(true);
    expect(await zk.fourLetterWord('conf')).toMatch(/maxSessionTimeout=5000/);
    await zk.stop();
    expect(existsSync(dir)).toBe(false);
    expect(trackedProcessCount()).toBe(before);
    await expect(zk.restart()).rejects.toThrow(/stopped for good/);
    await zk.stop(); // idempotent
  });

  it('await using disposes the server', async () => {
    let dir: string;
    {
      await using zk = await startServer({ source: 'local', extraConfig: ['globalOutstandingLimit=500'] });
      dir = zk.dataDir!;
      expect(await zk.fourLetterWord('ruok')).toBe('imok');
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('rejects bad options', async () => {
    await expect(startServer({ minSessionTimeout: 5000, maxSessionTimeout: 1000 })).rejects.toBeInstanceOf(RangeError);
    await expect(startServer({ extraConfig: ['a=b\nc=d'] })).rejects.toBeInstanceOf(RangeError);
  });
});

describe('server sources', () => {
  it('uses ZOOKEEPER_CONNECT as a non-controllable external server', async () => {
    const saved = process.env['ZOOKEEPER_CONNECT'];
    process.env['ZOOKEEPER_CONNECT'] = '127.0.0.1:1,127.0.0.1:2/chroot';
    try {
      const zk = await startServer();
      expect(zk.source).toBe('external');
      expect(zk.controllable).toBe(false);
      expect(zk.connectString).toBe('127.0.0.1:1,127.0.0.1:2/chroot');
      expect(zk.host).toBe('127.0.0.1');
      expect(zk.port).toBe(1);
      for (const op of ['stop', 'kill', 'restart', 'pause', 'resume'] as const) {
        await expect(zk[op]()).rejects.toBeInstanceOf(ServerControlUnavailableError);
      }
      await zk[Symbol.asyncDispose]();
    } finally {
      if (saved === undefined) delete process.env['ZOOKEEPER_CONNECT'];
      else process.env['ZOOKEEPER_CONNECT'] = saved;
    }
  });

  it('explains how to get ZooKeeper when java or jars are missing', () => {
    expect(() => findLocalInstallation({ PATH: '' })).toThrow(ZooKeeperNotFoundError);
    expect(() => findLocalInstallation({ PATH: '' })).toThrow(/apt-get install -y zookeeper/);
    expect(() => findLocalInstallation({ ZOOKEEPER_HOME: '/nonexistent-zk-home', PATH: process.env['PATH'] ?? '' })).toThrow(ZooKeeperNotFoundError);
  });
});
