// chrootClients and expireSharedSession against the shared server, with a raw-session client
// (@zookit/testing does not depend on @zookit/client): what a test sees, and what is
// closed after it.
import { describe, expect, inject, it } from 'vitest';
import { SESSION_CREDENTIALS, type SessionCredentials } from '../src/index.js';
import { chrootClients, expireSharedSession, type ChrootClientConfig, type ProxiedClient } from '../src/vitest.js';
import { RawSession, closedWithin } from './raw-zk.js';

/** A client over one raw session: records its config and what was done to it. */
class ProbeClient {
  session: RawSession | undefined;
  closed = false;
  constructor(readonly config: ChrootClientConfig) {}
  /** host:port of the first host, and the chroot (the raw session does not apply it). */
  get target(): { host: string; port: number; chroot: string } {
    const slash = this.config.hosts.indexOf('/');
    const [host, port] = (slash < 0 ? this.config.hosts : this.config.hosts.slice(0, slash)).split(',')[0]!.split(':');
    return { host: host!, port: Number(port), chroot: slash < 0 ? '' : this.config.hosts.slice(slash) };
  }
  async start(): Promise<void> {
    this.session = await RawSession.connect(this.target.host, this.target.port, { timeoutMs: this.config.sessionTimeout });
  }
  async ensurePath(path: string): Promise<void> {
    const err = (await this.session!.create(path, Buffer.alloc(0))).err;
    if (err !== 0 && err !== -110) throw new Error(`create ${path}: ${err}`);
  }
  async close(): Promise<void> {
    this.closed = true;
    await this.session?.close();
  }
  [SESSION_CREDENTIALS](): SessionCredentials {
    const { host, port } = this.target;
    return { sessionId: this.session!.response.sessionId, password: this.session!.response.passwd, host, port };
  }
}

/** Whether `path` exists on the shared server. */
async function existsOnServer(path: string): Promise<boolean> {
  const [host, port] = inject('zkConnect').split(':');
  const s = await RawSession.connect(host!, Number(port));
  try {
    return (await s.exists(path)) !== undefined;
  } finally {
    await s.close();
  }
}

describe('chrootClients', () => {
  const h = chrootClients((config) => new ProbeClient(config));
  const earlier: ProxiedClient<ProbeClient>[] = [];

  it('starts clients on the shared server in one fresh chroot per test, which exists', async () => {
    const [a, b] = await h.clients(2);
    const c = await h.client({ sessionTimeout: 6_000 });
    for (const zk of [a!, b!, c]) {
      expect(zk.session).toBeDefined();
      expect(zk.closed).toBe(false);
      expect(zk.proxy).toBeUndefined();
      expect(zk.config.hosts).toMatch(new RegExp(`^${inject('zkConnect')}/t-[0-9a-f]{12}$`));
    }
    expect(b!.target.chroot).toBe(a!.target.chroot);
    expect(c.target.chroot).toBe(a!.target.chroot);
    expect([a!.config.sessionTimeout, c.config.sessionTimeout]).toEqual([4_000, 6_000]);
    expect(await existsOnServer(a!.target.chroot)).toBe(true);
    earlier.push(a!, b!, c);
  });

  it('closed the previous test\'s clients, and gives this test another chroot', async () => {
    expect(earlier.map((zk) => zk.closed)).toEqual([true, true, true]);
    await closedWithin(earlier[0]!.session!, 5_000);
    const zk = await h.client();
    expect(zk.target.chroot).not.toBe(earlier[0]!.target.chroot);
    earlier.splice(0, earlier.length, zk);
  });

  it('connects through a FaultProxy on request, and closes it after the test', async () => {
    expect(earlier[0]!.closed).toBe(true);
    const zk = await h.client({ proxy: true });
    expect(zk.proxy).toBeDefined();
    expect(zk.config.hosts.startsWith(zk.proxy!.connectString + '/t-')).toBe(true);
    expect(zk.target.port).toBe(zk.proxy!.port);
    earlier.splice(0, earlier.length, zk);
  });

  it('closed the previous test\'s proxy; expireSharedSession expires a session and leaves its proxy passing traffic', async () => {
    const proxy = earlier[0]!.proxy!;
    expect(proxy.connections).toBe(0);
    await expect(RawSession.connect(proxy.host, proxy.port, { waitMs: 2_000 })).rejects.toThrow();
    const zk = await h.client({ proxy: true });
    await expireSharedSession(zk);
    await closedWithin(zk.session!, 10_000);
    expect(zk.proxy!.mode).toBe('pass');
    const again = await RawSession.connect(zk.target.host, zk.target.port);
    await again.close();
  });
});
