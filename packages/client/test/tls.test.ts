// Scenario 29 (RELIABILITY.md): TLS and mutual TLS against a real ZooKeeper secure port.
// Certificates are generated at test time by @zookit/testing (openssl, throw-away CA).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { FaultProxy, generateTlsMaterial, startServer, type TlsMaterial, type ZooKeeperServer } from '@zookit/testing';
import { ClientClosedError, ConnectTimeoutError, InvalidArgumentError, NoAuthError, Perms, TlsCertificateError, makeAcl, type ZooKeeperClient } from '../src/index.js';
import { client } from './helpers.js';

/**
 * The TLS error behind a failed start(): the cause of a ConnectTimeoutError, or of a
 * TlsCertificateError (every host's certificate refused: reported at once).
 */
async function startError(zk: ZooKeeperClient): Promise<{ error: ConnectTimeoutError | TlsCertificateError; cause: NodeJS.ErrnoException | undefined; ms: number }> {
  const t0 = performance.now();
  const error = await zk.start().then(
    () => {
      throw new Error('start() unexpectedly succeeded');
    },
    (e: unknown) => e,
  );
  expect(error instanceof ConnectTimeoutError || error instanceof TlsCertificateError).toBe(true);
  return { error: error as ConnectTimeoutError, cause: (error as Error).cause as NodeJS.ErrnoException | undefined, ms: performance.now() - t0 };
}

async function proxyTo(port: number): Promise<FaultProxy> {
  const proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port } });
  onTestFinished(() => proxy.close());
  return proxy;
}

describe('TLS (clientAuth want)', () => {
  let zk: ZooKeeperServer;
  let otherCa: TlsMaterial;
  let otherDir: string;
  beforeAll(async () => {
    otherDir = await mkdtemp(path.join(os.tmpdir(), 'zookit-other-ca-'));
    [zk, otherCa] = await Promise.all([startServer({ tls: { clientAuth: 'want' } }), generateTlsMaterial(otherDir, { caName: 'not-the-servers-ca' })]);
  });
  afterAll(async () => {
    await zk?.[Symbol.asyncDispose]();
    await rm(otherDir, { recursive: true, force: true });
  });

  it('connects, creates and reads over TLS with the right CA; hostname (IP SAN) is verified by default', async () => {
    const t0 = performance.now();
    const c = client(zk.tls!.connectString, { tls: { ca: zk.tls!.ca } });
    await c.start();
    const handshakeMs = performance.now() - t0;
    expect(handshakeMs).toBeLessThan(5_000);
    await c.create('/tls-hello', 'over tls');
    expect((await c.get('/tls-hello')).data.toString()).toBe('over tls');
    // Without a client certificate the only identity is the IP.
    expect((await c.whoAmI()).map((i) => i.authScheme)).not.toContain('x509');
    // Latency of sequential reads over TLS vs the plain port of the same server (informational).
    const plain = client(zk.connectString);
    await plain.start();
    const time = async (zkc: typeof c): Promise<number> => {
      const t = performance.now();
      for (let i = 0; i < 500; i++) await zkc.get('/tls-hello');
      return performance.now() - t;
    };
    await time(c);
    await time(plain);
    const [tlsMs, plainMs] = [await time(c), await time(plain)];
    console.info(`scenario 29: TLS handshake+session ${Math.round(handshakeMs)} ms; 500 sequential gets TLS ${Math.round(tlsMs)} ms vs plain ${Math.round(plainMs)} ms (ratio ${(tlsMs / plainMs).toFixed(2)})`);
    await c.delete('/tls-hello');
  });

  it('a wrong CA: start() rejects at once with TlsCertificateError (cause: the certificate error), no retry, no plaintext fallback', async () => {
    const proxy = await proxyTo(zk.tls!.port);
    const c = client(proxy.connectString, { tls: { ca: otherCa.ca }, connectTimeout: 10_000 });
    const t0 = performance.now();
    const err = await c.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsCertificateError);
    expect(((err as Error).cause as NodeJS.ErrnoException).code).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
    // Every host (here one) refused: a misconfiguration, reported without waiting out connectTimeout.
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(proxy.stats.accepted).toBe(1);
    expect(c.state).toBe('LOST');
    expect(c.closed).toBe(true);
  });

  it('a wrong server name: the certificate is refused (ERR_TLS_CERT_ALTNAME_INVALID)', async () => {
    const c = client(zk.tls!.connectString, { tls: { ca: zk.tls!.ca, servername: 'not-zookeeper.example' }, connectTimeout: 10_000 });
    const err = await c.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsCertificateError);
    expect(((err as Error).cause as NodeJS.ErrnoException).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('a plaintext client aimed at the TLS port fails within its connect timeout with a typed error', async () => {
    const proxy = await proxyTo(zk.tls!.port);
    const c = client(proxy.connectString, { connectTimeout: 2_000 });
    const { error, cause, ms } = await startError(c);
    expect(ms).toBeLessThan(2_000 + 1_500);
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    expect((error as ConnectTimeoutError).hosts).toEqual([proxy.connectString]);
    // The cause says the server closed the connection during the handshake.
    expect(cause).toBeInstanceOf(Error);
    expect(proxy.stats.accepted).toBeLessThanOrEqual(12);
  });

  it('a TLS client aimed at the plain port fails within its connect timeout with the TLS error as cause', async () => {
    const proxy = await proxyTo(zk.port);
    const c = client(proxy.connectString, { tls: { ca: zk.tls!.ca }, connectTimeout: 2_000 });
    const { cause, ms } = await startError(c);
    expect(ms).toBeLessThan(2_000 + 1_500);
    expect(cause).toBeInstanceOf(Error);
    expect(cause?.code ?? cause?.message).toMatch(/ECONNRESET|EPROTO|disconnected|ERR_SSL/i);
    expect(proxy.stats.accepted).toBeLessThanOrEqual(12);
  });

  it('with clientAuth want, a client certificate (encrypted key + passphrase) authenticates as x509', async () => {
    const t = zk.tls!;
    const c = client(t.connectString, { tls: { ca: t.ca, cert: t.clientCert, key: t.clientKeyEncrypted, passphrase: t.clientKeyPassphrase } });
    await c.start();
    expect(await c.whoAmI()).toContainEqual({ authScheme: 'x509', user: t.clientDn });
  });

  it('an encrypted key with the wrong passphrase: start() rejects with InvalidArgumentError (tls), not a connect timeout after retries; the client is closed', async () => {
    const t = zk.tls!;
    const c = client(t.connectString, { tls: { ca: t.ca, cert: t.clientCert, key: t.clientKeyEncrypted, passphrase: 'not-the-passphrase' } });
    const err = await c.start().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).message).toMatch(/tls.*the connection options were refused/s);
    expect(c.state).toBe('LOST');
    await expect(c.get('/')).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('rejectUnauthorized: false is an explicit opt-out that connects despite the wrong CA', async () => {
    const c = client(zk.tls!.connectString, { tls: { ca: otherCa.ca, rejectUnauthorized: false } });
    await c.start();
    expect(c.state).toBe('CONNECTED');
  });
});

describe('mutual TLS (clientAuth need)', () => {
  let zk: ZooKeeperServer;
  beforeAll(async () => {
    zk = await startServer({ tls: { clientAuth: 'need' } });
  });
  afterAll(async () => {
    await zk?.[Symbol.asyncDispose]();
  });

  it('without a client certificate: the handshake alert is the typed error\'s cause', async () => {
    const c = client(zk.tls!.connectString, { tls: { ca: zk.tls!.ca }, connectTimeout: 1_500 });
    const { cause } = await startError(c);
    expect(cause?.code ?? cause?.message).toMatch(/BAD_CERTIFICATE|CERTIFICATE_REQUIRED|ECONNRESET|HANDSHAKE_FAILURE/);
  });

  it('with a client certificate: whoAmI shows x509 CN=zk-client, usable in ACLs', async () => {
    const t = zk.tls!;
    const c = client(t.connectString, { tls: { ca: t.ca, cert: t.clientCert, key: t.clientKey } });
    await c.start();
    expect(await c.whoAmI()).toContainEqual({ authScheme: 'x509', user: 'CN=zk-client' });
    await c.create('/x509-only', 'secret data', { acl: [makeAcl('x509', t.clientDn, Perms.ALL)] });
    expect((await c.get('/x509-only')).data.toString()).toBe('secret data');
    expect((await c.getAcls('/x509-only')).acls).toEqual([{ perms: Perms.ALL, id: { scheme: 'x509', id: 'CN=zk-client' } }]);
    // The plain port has no certificate identity: the ACL keeps it out.
    const plain = client(zk.connectString);
    await plain.start();
    await expect(plain.get('/x509-only')).rejects.toBeInstanceOf(NoAuthError);
    expect((await plain.exists('/x509-only'))?.version).toBe(0);
  });
});

describe('hostname verification', () => {
  it('a server certificate without IP:127.0.0.1 is refused when connecting by IP', async () => {
    await using zk = await startServer({ tls: { serverSubjectAltNames: ['DNS:localhost'] } });
    const c = client(zk.tls!.connectString, { tls: { ca: zk.tls!.ca }, connectTimeout: 1_500 });
    const { cause } = await startError(c);
    expect(cause?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    // ...and accepted when the name it does carry is given as servername.
    const ok = client(zk.tls!.connectString, { tls: { ca: zk.tls!.ca, servername: 'localhost' } });
    await ok.start();
    expect(ok.state).toBe('CONNECTED');
  });
});
