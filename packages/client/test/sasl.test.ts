// Scenario 28 (RELIABILITY.md): SASL DIGEST-MD5 against a real server that enforces SASL
// (`startServer({ sasl })`: JAAS file, SASLAuthenticationProvider, enforce.auth.schemes=sasl).
// Right password works and is re-sent on every reconnect; a wrong one is AuthFailedError and
// terminal; no SASL where it is required is SessionClosedRequireSaslAuthError and terminal;
// the SASL password never appears in anything the client says.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { FaultProxy, startServer, type ZooKeeperServer } from '@zookit/testing';
import {
  AuthFailedError,
  ConnectTimeoutError,
  NoAuthError,
  Perms,
  SessionClosedRequireSaslAuthError,
  makeAcl,
  type ClientOptions,
} from '../src/index.js';
import { Capture } from './capture.js';
import { client, recordStates } from './helpers.js';

const ALICE_PASSWORD = 'alice-Sasl-Secret-91';
const USERS = { alice: ALICE_PASSWORD, bob: 'bob-Sasl-Secret-42' };

function sasl(username: string, password: string): Pick<ClientOptions, 'sasl'> {
  return { sasl: { mechanism: 'DIGEST-MD5', username, password } } as Pick<ClientOptions, 'sasl'>;
}

async function proxyTo(server: ZooKeeperServer): Promise<FaultProxy> {
  const proxy = await FaultProxy.start({ target: { host: server.host, port: server.port } });
  onTestFinished(() => proxy.close());
  return proxy;
}

/** Resolves with what `p` rejected with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${String(v)}`);
    },
    (e: unknown) => e,
  );
}

describe('SASL DIGEST-MD5 with enforcement (scenario 28)', () => {
  let server: ZooKeeperServer;
  beforeAll(async () => {
    server = await startServer({ sasl: { users: USERS } });
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });

  it('the right password: connected as sasl:alice, usable in ACLs, re-authenticated after a cut and a server restart', async () => {
    const proxy = await proxyTo(server);
    const zk = client(proxy.connectString, { sessionTimeout: 30_000, ...sasl('alice', ALICE_PASSWORD) }); // 30 s: outlives a slow JVM restart below
    const t0 = performance.now();
    await zk.start();
    const okMs = performance.now() - t0;
    expect(okMs).toBeLessThan(5_000);
    console.info(`scenario 28: right password -> CONNECTED in ${Math.round(okMs)} ms`);
    expect(await zk.whoAmI()).toContainEqual({ authScheme: 'sasl', user: 'alice' });
    await zk.create('/alice-sasl', 'a', { acl: [makeAcl('sasl', 'alice', Perms.ALL)] });
    const sessionId = zk.sessionId;

    const bob = client(server.connectString, sasl('bob', USERS.bob));
    await bob.start();
    await expect(bob.get('/alice-sasl')).rejects.toBeInstanceOf(NoAuthError);

    proxy.refuse();
    proxy.cut();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    const queued = zk.get('/alice-sasl');
    proxy.heal();
    expect((await queued).data.toString()).toBe('a');
    expect(zk.sessionId).toBe(sessionId);

    await server.kill();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    const queued2 = zk.get('/alice-sasl');
    await server.restart();
    expect((await queued2).data.toString()).toBe('a');
    expect(await zk.whoAmI()).toContainEqual({ authScheme: 'sasl', user: 'alice' });
  }, 60_000);

  it('a wrong password: AuthFailedError, state LOST, no reconnect loop', async () => {
    const proxy = await proxyTo(server);
    const zk = client(proxy.connectString, { connectTimeout: 5_000, ...sasl('alice', 'not-the-password') });
    const states = recordStates(zk);
    const t0 = performance.now();
    const err = await rejection(zk.start());
    const ms = performance.now() - t0;
    // Typed and immediate, not the connect timeout.
    const cause = err instanceof ConnectTimeoutError ? err.cause : err;
    expect(cause).toBeInstanceOf(AuthFailedError);
    expect(err).toBeInstanceOf(AuthFailedError);
    expect(ms).toBeLessThan(3_000);
    console.info(`scenario 28: wrong password -> ${(err as Error).constructor.name} in ${Math.round(ms)} ms`);
    expect(zk.state).toBe('LOST');
    const accepted = proxy.stats.accepted;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(proxy.stats.accepted).toBe(accepted);
    expect(accepted).toBe(1);
    expect(states).not.toContain('CONNECTED');
  });

  it('an unknown user: AuthFailedError, terminal', async () => {
    const zk = client(server.connectString, { connectTimeout: 5_000, ...sasl('mallory', 'x') });
    const err = await rejection(zk.start());
    expect(err).toBeInstanceOf(AuthFailedError);
    expect(zk.state).toBe('LOST');
  });

  it('no SASL where the server requires it: SessionClosedRequireSaslAuthError, terminal, no retry storm', async () => {
    const proxy = await proxyTo(server);
    const zk = client(proxy.connectString, { connectTimeout: 5_000 });
    const t0 = performance.now();
    // Depending on where the client notices, start() or the first request rejects.
    const err = await zk.start().then(
      () => rejection(zk.get('/')),
      (e: unknown) => e,
    );
    const ms = performance.now() - t0;
    const cause = err instanceof ConnectTimeoutError ? err.cause : err;
    expect(cause).toBeInstanceOf(SessionClosedRequireSaslAuthError);
    expect(ms).toBeLessThan(3_000);
    console.info(`scenario 28: no SASL -> ${(err as Error).constructor.name} in ${Math.round(ms)} ms`);
    await zk.waitForState('LOST', { timeout: 3_000 }).catch(() => {});
    expect(zk.state).toBe('LOST');
    const accepted = proxy.stats.accepted;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(proxy.stats.accepted).toBe(accepted);
    expect(accepted).toBeLessThanOrEqual(2);
  });

  it('the SASL password never appears in logs, errors, events or inspect output', async () => {
    const cap = new Capture();
    cap.secret('alice password', ALICE_PASSWORD);
    cap.secret('wrong password', 'Wrong-Sasl-Password-77');
    const proxy = await proxyTo(server);
    const zk = cap.client({ hosts: proxy.connectString, ...sasl('alice', ALICE_PASSWORD) });
    await zk.start();
    cap.grabPassword(zk);
    proxy.cut();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    cap.grabPassword(zk);
    cap.observe(zk);
    const bad = cap.client({ hosts: server.connectString, connectTimeout: 3_000, ...sasl('alice', 'Wrong-Sasl-Password-77') });
    await bad.start().catch((e: unknown) => cap.error(e));
    cap.observe(bad);
    expect(cap.hits()).toEqual([]);
  });
});
