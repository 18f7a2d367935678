// Scenario 30 (RELIABILITY.md): secret hygiene. Everything the client says — logs at every
// level, errors (message, stack, cause chain, inspect, JSON), emitted events, inspect/JSON
// of the client — is captured through fault scenarios and searched for every secret it
// was given or negotiated: session passwords (raw, hex, base64, byte lists), digest
// passwords and their ACL hashes, rejected credentials, TLS key passphrases.
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { FaultProxy, expireSession, startServer, type ZooKeeperServer } from '@zookit/testing';
import { Perms, digestId, makeDigestAcl, sessionCredentials } from '../src/index.js';
import { Capture } from './capture.js';

describe('secret hygiene (scenario 30)', () => {
  let server: ZooKeeperServer;
  let tlsServer: ZooKeeperServer;
  beforeAll(async () => {
    [server, tlsServer] = await Promise.all([startServer(), startServer({ tls: { clientAuth: 'need' } })]);
  });
  afterAll(async () => {
    await Promise.all([server?.[Symbol.asyncDispose](), tlsServer?.[Symbol.asyncDispose]()]);
  });

  it('no secret appears in logs, errors, events or inspect output through cut, expiry, corrupt bytes and rejected auth', async () => {
    const cap = new Capture();
    const digestPassword = 'Digest-PW-7f3a91';
    const rejectedCredential = 'Rejected-Cred-c0ffee';
    cap.secret('digest password', digestPassword);
    cap.secret('digest ACL hash', digestId('alice', digestPassword).split(':')[1]!);
    cap.secret('rejected credential', rejectedCredential);
    let corrupt = false;
    const proxy = await FaultProxy.start({
      target: { host: server.host, port: server.port },
      onServerData: (chunk) => {
        if (!corrupt) return chunk;
        corrupt = false;
        const bad = Buffer.from(chunk);
        bad.writeInt32BE(-5, 0);
        return bad;
      },
    });
    onTestFinished(() => proxy.close());

    const zk = cap.client({ hosts: proxy.connectString, authData: [{ scheme: 'digest', credential: `alice:${digestPassword}` }] });
    await zk.start();
    cap.grabPassword(zk);
    await zk.create('/s', 'x', { acl: [makeDigestAcl('alice', digestPassword, Perms.ALL)] });
    await zk.getAcls('/s');
    // 1. cut
    proxy.cut();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    cap.grabPassword(zk);
    // 2. corrupt frame
    corrupt = true;
    await zk.get('/s').catch((e: unknown) => cap.error(e));
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    // 3. real expiry via the twin connection
    proxy.refuse();
    await expireSession(zk, { connectString: server.connectString });
    await zk.waitForState('SUSPENDED', { timeout: 5_000 }).catch((e: unknown) => cap.error(e));
    const pending = zk.get('/s').catch((e: unknown) => cap.error(e));
    proxy.heal();
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    await pending;
    cap.grabPassword(zk);
    await zk.get('/s').catch((e: unknown) => cap.error(e));
    cap.observe(zk);
    // 4. credentials the server rejects (terminal)
    await zk.addAuth('no-such-scheme', `bob:${rejectedCredential}`).catch((e: unknown) => cap.error(e));
    await zk.get('/s').catch((e: unknown) => cap.error(e));
    cap.observe(zk);

    // Several sessions' passwords were collected, and plenty was captured.
    expect([...cap.secrets.keys()].filter((k) => k.startsWith('session')).length).toBeGreaterThanOrEqual(16);
    expect(cap.text.join('\n')).toMatch(/state|session/);
    expect(cap.hits()).toEqual([]);
  });

  it('no TLS key passphrase or session password appears through a TLS connection, a cut and a wrong-CA attempt', async () => {
    const cap = new Capture();
    const t = tlsServer.tls!;
    cap.secret('key passphrase', t.clientKeyPassphrase);
    cap.secret('client key body', t.clientKey.split('\n')[1]!);
    const proxy = await FaultProxy.start({ target: { host: t.host, port: t.port } });
    onTestFinished(() => proxy.close());
    const tls = { ca: t.ca, cert: t.clientCert, key: t.clientKeyEncrypted, passphrase: t.clientKeyPassphrase };
    const zk = cap.client({ hosts: proxy.connectString, tls });
    await zk.start();
    cap.grabPassword(zk);
    proxy.cut();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    cap.grabPassword(zk);
    cap.observe(zk);
    // No certificate accepted by the server's CA check: a handshake failure, logged and in the error's cause.
    const other = cap.client({ hosts: t.connectString, tls: { ca: t.ca, passphrase: t.clientKeyPassphrase }, connectTimeout: 1_000 });
    await other.start().catch((e: unknown) => cap.error(e));
    cap.observe(other);
    expect(cap.text.join('\n')).toMatch(/connection attempt failed/);
    expect(cap.hits()).toEqual([]);
  });

  it('the probe itself finds a leaked secret in any of the encodings', async () => {
    const cap = new Capture();
    const zk = cap.client({ hosts: server.connectString });
    await zk.start();
    cap.grabPassword(zk);
    const pw = zk[sessionCredentials]()!.password;
    for (const leak of [pw.toString('hex'), pw.toString('base64'), inspect(pw), JSON.stringify(pw)]) {
      const probe = new Capture();
      for (const [k, v] of cap.secrets) probe.secret(k, v);
      probe.logger.debug('oops', { leak });
      expect(probe.hits().length).toBeGreaterThan(0);
    }
    expect(cap.hits()).toEqual([]);
  });
});
