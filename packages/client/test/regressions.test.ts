// Regressions for client bugs found while writing the security/hardening suites.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { FaultProxy, startServer, type ZooKeeperServer } from '@zookit/testing';
import { AuthFailedError, ConnectTimeoutError, InvalidArgumentError, ZooKitError } from '../src/index.js';
import { client, recordStates } from './helpers.js';

let tlsServer: ZooKeeperServer;
beforeAll(async () => {
  tlsServer = await startServer({ tls: true });
});
afterAll(async () => {
  await tlsServer?.[Symbol.asyncDispose]();
});

describe('TLS options that tls.connect refuses synchronously', () => {
  it('a wrong key passphrase is a typed error (constructor or rejected start()) that does not show the passphrase, never a synchronous throw or an unhandled rejection later', async () => {
    const t = tlsServer.tls!;
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    onTestFinished(() => void process.off('unhandledRejection', onUnhandled));
    let err: unknown;
    try {
      const zk = client(t.connectString, { tls: { ca: t.ca, cert: t.clientCert, key: t.clientKeyEncrypted, passphrase: 'wrong' }, connectTimeout: 1_000 });
      // Today: start() throws synchronously a raw OpenSSL Error ("bad decrypt") ...
      err = await zk.start().catch((e: unknown) => e);
      await zk.stop(); // ... and this stop() rejects the orphaned start promise: unhandled rejection.
    } catch (e) {
      err = e;
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(err).toBeInstanceOf(ZooKitError);
    expect(err instanceof InvalidArgumentError || err instanceof ConnectTimeoutError).toBe(true);
    expect(String(err)).not.toContain('wrong');
    expect(unhandled).toEqual([]);
  });
});

describe('credentials the server rejects (AUTHFAILED)', () => {
  it('go CONNECTED -> LOST directly (no SUSPENDED), on the one connection (no reconnect socket)', async () => {
    const server = await startServer();
    const proxy = await FaultProxy.start({ target: { host: server.host, port: server.port } });
    onTestFinished(async () => {
      await proxy.close();
      await server.stop();
    });
    const zk = client(proxy.connectString);
    const states = recordStates(zk);
    await zk.start();
    await expect(zk.addAuth('no-such-scheme', 'x:y')).rejects.toBeInstanceOf(AuthFailedError);
    await zk.waitForState('LOST', { timeout: 5_000 });
    expect(states).toEqual(['CONNECTED', 'LOST']);
    expect(proxy.stats.accepted).toBe(1);
  });
});

describe('a plaintext client on a TLS port', () => {
  it('fails with a ConnectTimeoutError whose cause says the server closed the connection during the handshake', async () => {
    const zk = client(tlsServer.tls!.connectString, { connectTimeout: 1_500 });
    const err = await zk.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectTimeoutError);
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(String((err as Error).cause)).toMatch(/closed|handshake|TLS/i);
  });
});
