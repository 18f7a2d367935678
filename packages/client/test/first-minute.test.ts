// The errors a new user meets in the first minute: a call before start(), a wrong port,
// a host name that does not resolve.
import { describe, expect, inject, it } from 'vitest';
import { allocatePorts } from '@zookit/testing';
import { ClientNotStartedError, ConnectTimeoutError, InvalidArgumentError } from '../src/index.js';
import { client } from './helpers.js';

describe('first-minute errors', () => {
  it('a call before start() rejects at once with ClientNotStartedError; after start() it works', async () => {
    const zk = client(inject('zkConnect'), { requestTimeout: 1_000 });
    const t0 = performance.now();
    await expect(zk.get('/')).rejects.toBeInstanceOf(ClientNotStartedError);
    await expect(zk.exists('/')).rejects.toThrow(/before start\(\)/);
    await expect(zk.transaction().check('/', -1).commit()).rejects.toBeInstanceOf(ClientNotStartedError);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(zk.inFlight).toEqual({ sent: 0, queued: 0 });
    await zk.start();
    expect((await zk.get('/')).stat.version).toBeGreaterThanOrEqual(0);
  });

  it('start({ timeout }) fails fast against refused ports and says every host refused, with the cause per host', async () => {
    const ports = await allocatePorts(2); // free, nobody listens: connections are refused
    const hosts = ports.map((p) => `127.0.0.1:${p}`);
    const zk = client(hosts.join(','));
    const t0 = performance.now();
    const err = await zk.start({ timeout: 700 }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(ConnectTimeoutError);
    const e = err as ConnectTimeoutError;
    expect(e.message).toContain('within 700 ms');
    expect(e.message).toContain('every host refused the connection');
    expect(e.failures.map((f) => f.host).sort()).toEqual([...hosts].sort());
    for (const f of e.failures) expect((f.error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(zk.closed).toBe(true);
  });

  it('a host name that does not resolve is named in the error, beside a refused port', async () => {
    const [port] = await allocatePorts(1);
    const zk = client(`zookeeper.invalid:2181,127.0.0.1:${port}`);
    const err = (await zk.start({ timeout: 1_500 }).catch((e: unknown) => e)) as ConnectTimeoutError;
    expect(err).toBeInstanceOf(ConnectTimeoutError);
    expect(err.message).toContain('every host refused the connection or could not be resolved');
    const byHost = new Map(err.failures.map((f) => [f.host, (f.error as NodeJS.ErrnoException).code]));
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(byHost.get('zookeeper.invalid:2181'));
    expect(byHost.get(`127.0.0.1:${port}`)).toBe('ECONNREFUSED');
  });

  it('start() refuses a bad timeout before connecting', async () => {
    const zk = client(inject('zkConnect'));
    await expect(zk.start({ timeout: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(zk.start({ timeout: 100, bogus: 1 } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(zk.closed).toBe(false);
  });
});
