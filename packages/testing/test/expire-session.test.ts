import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FaultProxy,
  SESSION_CREDENTIALS,
  SessionExpiryError,
  expireSession,
  expireSessionById,
  startServer,
  type SessionCredentials,
  type ZooKeeperServer,
} from '../src/index.js';
import { RawSession, closedWithin } from './raw-zk.js';

describe('expireSession', () => {
  let zk: ZooKeeperServer;
  beforeAll(async () => {
    zk = await startServer();
  });
  afterAll(async () => {
    await zk?.[Symbol.asyncDispose]();
  });

  it('expires a live session: victim dropped, ephemerals gone, credentials rejected', async () => {
    const victim = await RawSession.connect(zk.host, zk.port, { timeoutMs: 30_000 });
    expect((await victim.create('/eph', Buffer.alloc(0), 1)).err).toBe(0);
    const creds: SessionCredentials = { sessionId: victim.response.sessionId, password: victim.response.passwd, host: zk.host, port: zk.port };
    const result = await expireSessionById(creds);
    expect(result.alreadyExpired).toBe(false);
    await closedWithin(victim, 5000);

    const observer = await RawSession.connect(zk.host, zk.port);
    expect(await observer.exists('/eph')).toBeUndefined();
    await observer.close();

    // Reconnecting with the old credentials: timeOut <= 0 (session expired) or a closed connection.
    try {
      const again = await RawSession.connect(zk.host, zk.port, { sessionId: creds.sessionId, password: creds.password });
      expect(again.response.timeOut).toBeLessThanOrEqual(0);
      again.socket.destroy();
    } catch (err) {
      expect(String(err)).toMatch(/closed/);
    }
    expect((await expireSessionById(creds)).alreadyExpired).toBe(true);
  });

  it('works on a client object through Symbol.for("zookit.sessionCredentials")', async () => {
    const victim = await RawSession.connect(zk.host, zk.port);
    const client = {
      [SESSION_CREDENTIALS]: (): SessionCredentials => ({ sessionId: victim.response.sessionId, password: victim.response.passwd, host: zk.host, port: zk.port }),
    };
    expect(SESSION_CREDENTIALS).toBe(Symbol.for('zookit.sessionCredentials'));
    expect((await expireSession(client, { connectString: zk.connectString })).alreadyExpired).toBe(false);
    await closedWithin(victim, 5000);
  });

  it('throws typed errors without leaking the password', async () => {
    await expect(expireSession({})).rejects.toBeInstanceOf(SessionExpiryError);
    await expect(expireSession({ [SESSION_CREDENTIALS]: () => undefined })).rejects.toBeInstanceOf(SessionExpiryError);
    await using proxy = await FaultProxy.start({ target: { host: zk.host, port: zk.port } });
    proxy.blackhole();
    const password = Buffer.from('0123456789abcdef');
    const err = await expireSessionById({ sessionId: 42n, password, host: '127.0.0.1', port: proxy.port }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionExpiryError);
    expect((err as Error).message).toMatch(/timed out/);
    expect((err as Error).message).not.toContain(password.toString('hex'));
    expect((err as Error).message).not.toContain(password.toString());
  });
});
