import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ZooKeeperServer } from '../src/index.js';
import { RawSession } from './raw-zk.js';

const SESSIONCLOSEDREQUIRESASLAUTH = -124;

describe('startServer({ tls })', () => {
  let zk: ZooKeeperServer;
  beforeAll(async () => {
    zk = await startServer({ tls: true });
  });
  afterAll(async () => {
    await zk?.[Symbol.asyncDispose]();
  });

  it('opens a secure port on 127.0.0.1 next to the plain one, with throw-away certificates', async () => {
    const t = zk.tls!;
    expect(t.host).toBe('127.0.0.1');
    expect(t.port).not.toBe(zk.port);
    expect(t.connectString).toBe(`127.0.0.1:${t.port}`);
    expect(t.clientAuth).toBe('none');
    const conf = readFileSync(`${zk.dataDir}/zoo.cfg`, 'utf8');
    expect(conf).toMatch(/^secureClientPortAddress=127\.0\.0\.1$/m);
    expect(conf).toMatch(/^ssl\.clientAuth=none$/m);
    // The server certificate is signed by the CA and names 127.0.0.1 and localhost.
    const ca = new X509Certificate(t.ca);
    const server = new X509Certificate(t.serverCert);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    const client = new X509Certificate(t.clientCert);
    expect(client.subject).toBe('CN=zk-client');
    expect(t.clientDn).toBe('CN=zk-client');
    expect(t.clientKey).toMatch(/BEGIN PRIVATE KEY/);
    expect(t.clientKeyEncrypted).toMatch(/BEGIN ENCRYPTED PRIVATE KEY/);
    // Four-letter words still work on the plain port.
    expect(await zk.fourLetterWord('ruok')).toBe('imok');
  });

  it('serves a session over TLS with hostname (IP) verification', async () => {
    const s = await RawSession.connect(zk.tls!.host, zk.tls!.port, { tls: { ca: zk.tls!.ca } });
    try {
      expect(s.response.timeOut).toBeGreaterThan(0);
      expect((await s.create('/over-tls', Buffer.from('x'))).err).toBe(0);
      expect((await s.getData('/over-tls')).data?.toString()).toBe('x');
    } finally {
      await s.close();
    }
  });

  it('keeps the secure port and certificates across restart()', async () => {
    const before = zk.tls!;
    await zk.restart();
    expect(zk.tls).toBe(before);
    const s = await RawSession.connect(zk.tls!.host, zk.tls!.port, { tls: { ca: zk.tls!.ca } });
    expect((await s.getData('/over-tls')).data?.toString()).toBe('x');
    await s.close();
  });
});

describe('startServer({ tls: { clientAuth: "need" } })', () => {
  it('refuses a client without a certificate and accepts one with the generated client certificate', async () => {
    await using zk = await startServer({ tls: { clientAuth: 'need' } });
    const t = zk.tls!;
    const err = await RawSession.connect(t.host, t.port, { tls: { ca: t.ca } }).then(
      (s) => (s.socket.destroy(), undefined),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(String((err as NodeJS.ErrnoException).code)).toMatch(/BAD_CERTIFICATE|CERTIFICATE_REQUIRED|ECONNRESET/);
    const s = await RawSession.connect(t.host, t.port, { tls: { ca: t.ca, cert: t.clientCert, key: t.clientKey } });
    expect(s.response.timeOut).toBeGreaterThan(0);
    await s.close();
    const s2 = await RawSession.connect(t.host, t.port, {
      tls: { ca: t.ca, cert: t.clientCert, key: t.clientKeyEncrypted, passphrase: t.clientKeyPassphrase },
    });
    expect(s2.response.timeOut).toBeGreaterThan(0);
    await s2.close();
  });

  it('can leave the IP out of the server certificate (to test hostname verification)', async () => {
    await using zk = await startServer({ tls: { serverSubjectAltNames: ['DNS:localhost'] } });
    const err = await RawSession.connect(zk.tls!.host, zk.tls!.port, { tls: { ca: zk.tls!.ca } }).then(
      (s) => (s.socket.destroy(), undefined),
      (e: unknown) => e,
    );
    expect((err as NodeJS.ErrnoException).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});

describe('startServer({ sasl })', () => {
  it('writes a JAAS file, enables the SASL provider and enforces SASL', async () => {
    await using zk = await startServer({ sasl: { users: { alice: 'secret', bob: 'pa"ss\\word' } } });
    expect(zk.sasl?.enforced).toBe(true);
    const jaas = readFileSync(zk.sasl!.jaasFile, 'utf8');
    expect(jaas).toMatch(/DigestLoginModule required/);
    expect(jaas).toContain('user_alice="secret"');
    expect(jaas).toContain('user_bob="pa\\"ss\\\\word"');
    const cmdline = readFileSync(`/proc/${zk.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain(`-Djava.security.auth.login.config=${zk.sasl!.jaasFile}`);
    const conf = readFileSync(`${zk.dataDir}/zoo.cfg`, 'utf8');
    expect(conf).toMatch(/^enforce\.auth\.enabled=true$/m);
    expect(conf).toMatch(/^enforce\.auth\.schemes=sasl$/m);
    // A client that skips SASL is refused on its first request.
    const s = await RawSession.connect(zk.host, zk.port);
    const reply = await s.create('/no-sasl', Buffer.alloc(0)).catch((e: unknown) => e);
    if (!(reply instanceof Error)) expect((reply as { err: number }).err).toBe(SESSIONCLOSEDREQUIRESASLAUTH);
    s.socket.destroy();
  });

  it('enforce: false only enables the provider', async () => {
    await using zk = await startServer({ sasl: { users: { alice: 'secret' }, enforce: false } });
    expect(zk.sasl?.enforced).toBe(false);
    const s = await RawSession.connect(zk.host, zk.port);
    expect((await s.create('/open', Buffer.alloc(0))).err).toBe(0);
    await s.close();
  });

  it('rejects user names the JAAS syntax cannot carry', async () => {
    await expect(startServer({ sasl: { users: { 'a b': 'x' } } })).rejects.toBeInstanceOf(RangeError);
  });
});
