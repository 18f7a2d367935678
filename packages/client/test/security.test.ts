// Scenario 27 (RELIABILITY.md): digest auth and ACLs across reconnects and a server restart;
// rejected credentials are terminal; non-ASCII passwords.
import { describe, expect, it, onTestFinished } from 'vitest';
import { FaultProxy, startServer, type ProxyConnection, type ZooKeeperServer } from '@zookit/testing';
import { AuthFailedError, ClientClosedError, NoAuthError, Perms, makeDigestAcl } from '../src/index.js';
import { client, recordStates } from './helpers.js';

const OP_AUTH = 100;
const OP_GET_DATA = 4;

/**
 * A proxy that records, per connection, the opcodes of the client's request frames in
 * order (the first frame of a connection is the ConnectRequest, recorded as 'connect').
 */
async function recordingProxy(server: ZooKeeperServer): Promise<{ proxy: FaultProxy; ops: Map<number, Array<number | 'connect'>> }> {
  const ops = new Map<number, Array<number | 'connect'>>();
  const pending = new Map<number, Buffer>();
  const onClientData = (chunk: Buffer, conn: ProxyConnection): Buffer => {
    let buf = Buffer.concat([pending.get(conn.id) ?? Buffer.alloc(0), chunk]);
    const list = ops.get(conn.id) ?? [];
    ops.set(conn.id, list);
    // Bounded: at most one frame per 4 bytes of input.
    for (let i = 0; i < 1_000_000 && buf.length >= 4; i++) {
      const len = buf.readInt32BE(0);
      if (len < 0 || buf.length < 4 + len) break;
      list.push(list.length === 0 ? 'connect' : buf.readInt32BE(8));
      buf = buf.subarray(4 + len);
    }
    pending.set(conn.id, Buffer.from(buf));
    return chunk;
  };
  const proxy = await FaultProxy.start({ target: { host: server.host, port: server.port }, onClientData });
  return { proxy, ops };
}

async function serverAndProxy(): Promise<{ server: ZooKeeperServer; proxy: FaultProxy; ops: Map<number, Array<number | 'connect'>> }> {
  const server = await startServer();
  const { proxy, ops } = await recordingProxy(server);
  onTestFinished(async () => {
    await proxy.close();
    await server.stop();
  });
  return { server, proxy, ops };
}

describe('digest auth and ACLs across reconnects (scenario 27)', () => {
  it('a node readable only by alice stays readable across a cut and a server restart; auth goes out before queued requests', async () => {
    const { server, proxy, ops } = await serverAndProxy();
    // A long session: a JVM restart on a busy CI machine plus the reconnect backoff must not
    // outlast it (the test is about auth and ACLs across reconnects, not about expiry).
    const zk = client(proxy.connectString, { sessionTimeout: 30_000 });
    const states = recordStates(zk);
    await zk.start();
    await zk.addAuth('digest', 'alice:alice-secret');
    await zk.create('/alice-only', 'for alice', { acl: [makeDigestAcl('alice', 'alice-secret', Perms.ALL)] });
    const sessionId = zk.sessionId;

    // An unauthenticated client is kept out.
    const stranger = client(server.connectString);
    await stranger.start();
    await expect(stranger.get('/alice-only')).rejects.toBeInstanceOf(NoAuthError);

    // 1. Cut; queue a read while disconnected; it must succeed after reconnect.
    proxy.refuse();
    proxy.cut();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    const queued = zk.get('/alice-only');
    expect(zk.inFlight.queued).toBe(1);
    proxy.heal();
    expect((await queued).data.toString()).toBe('for alice');
    expect(zk.sessionId).toBe(sessionId);

    // 2. Kill and restart the server (data kept); the session resumes and auth is re-sent.
    await server.kill();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    const queued2 = zk.get('/alice-only');
    await server.restart();
    expect((await queued2).data.toString()).toBe('for alice');
    expect(zk.sessionId).toBe(sessionId);
    expect(await zk.whoAmI()).toContainEqual({ authScheme: 'digest', user: 'alice' });
    expect(states).toEqual(['CONNECTED', 'SUSPENDED', 'CONNECTED', 'SUSPENDED', 'CONNECTED']);

    // On every connection after the first: ConnectRequest, then auth, then the queued read.
    const reconnects = [...ops.entries()].filter(([id, l]) => id > 1 && l.includes(OP_GET_DATA)).map(([, l]) => l);
    expect(reconnects.length).toBeGreaterThanOrEqual(2);
    for (const list of reconnects) {
      const firstAuth = list.indexOf(OP_AUTH);
      const firstRead = list.indexOf(OP_GET_DATA);
      expect(firstAuth).toBe(1);
      expect(firstAuth).toBeLessThan(firstRead);
    }
  });

  it('a wrong digest password is not an authentication failure in ZooKeeper (any user:password is accepted) but the ACL says NoAuth', async () => {
    const { server } = await serverAndProxy();
    const owner = client(server.connectString);
    await owner.start();
    await owner.create('/guarded', 'x', { acl: [makeDigestAcl('alice', 'right', Perms.ALL)] });
    const wrong = client(server.connectString);
    await wrong.start();
    await wrong.addAuth('digest', 'alice:wrong');
    await expect(wrong.get('/guarded')).rejects.toBeInstanceOf(NoAuthError);
    expect(wrong.state).toBe('CONNECTED');
  });

  it('credentials from authData the server rejects, with no error listener and no logger: a process warning, not silence', async () => {
    const { proxy } = await serverAndProxy();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    onTestFinished(() => void process.off('warning', onWarning));
    const zk = client(proxy.connectString, { authData: [{ scheme: 'no-such-scheme', credential: 'user:pw' }] });
    await zk.start().catch(() => {});
    await expect.poll(() => zk.closed, { timeout: 5_000 }).toBe(true);
    await expect.poll(() => warnings.filter((w) => w instanceof AuthFailedError).length).toBe(1);
  });

  it('credentials the server rejects: AuthFailedError, state LOST, no reconnect loop, pending requests settle', async () => {
    const { proxy } = await serverAndProxy();
    const zk = client(proxy.connectString);
    const states = recordStates(zk);
    const errors: Error[] = [];
    zk.on('error', (e) => errors.push(e));
    await zk.start();
    // No provider for this scheme: the server answers AUTHFAILED and closes the session.
    const auth = zk.addAuth('no-such-scheme', 'user:pw');
    const pending = zk.get('/').catch((e: unknown) => e);
    await expect(auth).rejects.toBeInstanceOf(AuthFailedError);
    await zk.waitForState('LOST', { timeout: 5_000 }).catch(() => {});
    expect(zk.state).toBe('LOST');
    expect(errors.some((e) => e instanceof AuthFailedError)).toBe(true);
    // The request sent behind the rejected credentials fails with the same terminal error.
    expect(await pending).toBeInstanceOf(AuthFailedError);
    const accepted = proxy.stats.accepted;
    // Terminal: nothing reconnects (observe for longer than several backoff steps).
    await new Promise((r) => setTimeout(r, 1_000));
    expect(proxy.stats.accepted).toBe(accepted);
    expect(accepted).toBe(1);
    expect(states).toEqual(['CONNECTED', 'LOST']);
    await expect(zk.get('/')).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('a non-ASCII digest password works (the server runs with -Dfile.encoding=UTF-8)', async () => {
    const { server, proxy } = await serverAndProxy();
    const user = 'jürgen';
    const password = 'pässwörd✓ 東京 🔑';
    const zk = client(proxy.connectString, { sessionTimeout: 10_000 });
    await zk.start();
    await zk.addAuth('digest', `${user}:${password}`);
    await zk.create('/umlaut', 'ü', { acl: [makeDigestAcl(user, password, Perms.ALL)] });
    expect((await zk.get('/umlaut')).data.toString()).toBe('ü');
    expect(await zk.whoAmI()).toContainEqual({ authScheme: 'digest', user });
    // The same credentials from another session, and after a reconnect.
    const twin = client(server.connectString, { authData: [{ scheme: 'digest', credential: `${user}:${password}` }] });
    await twin.start();
    expect((await twin.get('/umlaut')).data.toString()).toBe('ü');
    proxy.cut();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    expect((await zk.get('/umlaut')).data.toString()).toBe('ü');
    // A near miss (NFD instead of NFC) is a different password.
    const nfd = client(server.connectString);
    await nfd.start();
    await nfd.addAuth('digest', `${user}:${password.normalize('NFD')}`);
    await expect(nfd.get('/umlaut')).rejects.toBeInstanceOf(NoAuthError);
  });
});
