import { ZooKeeperClient } from '@zookit/client';
import { FaultProxy, expireSession } from '@zookit/testing';
import { uniqueChroot } from '@zookit/testing/vitest';
import { afterEach, inject } from 'vitest';

/** Per-test harness (as in @zookit/recipes' tests): clients chrooted to one fresh path, proxies, all closed in afterEach. */
export function harness() {
  const clients: ZooKeeperClient[] = [];
  const proxies: FaultProxy[] = [];
  let chroot = '';
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
    await Promise.all(proxies.splice(0).map((p) => p.close().catch(() => {})));
    chroot = '';
  });
  const server = () => {
    const [host, port] = inject('zkConnect').split(':');
    return { host: host!, port: Number(port) };
  };
  async function ensureChroot(): Promise<string> {
    if (chroot) return chroot;
    chroot = uniqueChroot();
    const root = new ZooKeeperClient({ hosts: inject('zkConnect'), sessionTimeout: 4_000 });
    await root.start();
    await root.ensurePath(chroot);
    await root.close();
    return chroot;
  }
  return {
    /** A started client on the shared server (directly, or through a new FaultProxy). */
    async client(options: { sessionTimeout?: number; proxy?: boolean } = {}): Promise<ZooKeeperClient & { proxy?: FaultProxy }> {
      const ch = await ensureChroot();
      let hosts = inject('zkConnect');
      let proxy: FaultProxy | undefined;
      if (options.proxy) {
        proxy = await FaultProxy.start({ target: server() });
        proxies.push(proxy);
        hosts = proxy.connectString;
      }
      const zk = new ZooKeeperClient({ hosts: hosts + ch, sessionTimeout: options.sessionTimeout ?? 4_000 });
      clients.push(zk);
      await zk.start();
      return Object.assign(zk, proxy ? { proxy } : {});
    },
    async clients(n: number, options: { sessionTimeout?: number; proxy?: boolean } = {}) {
      return Promise.all(Array.from({ length: n }, () => this.client(options)));
    },
  };
}

/**
 * Expires `zk`'s session on the server. New connections through its proxy are refused
 * meanwhile, so the client's immediate reconnect cannot win the session back before the
 * twin closes it; the twin connects to the server directly.
 */
export async function expire(zk: ZooKeeperClient & { proxy?: FaultProxy }): Promise<void> {
  zk.proxy?.refuse();
  try {
    await expireSession(zk, { connectString: inject('zkConnect') });
  } finally {
    zk.proxy?.heal();
  }
}

/** Resolves with the arguments of the next emission of `event` on `emitter` (bounded). */
export function next<T extends unknown[] = unknown[]>(emitter: object, event: string, timeout = 15_000): Promise<T> {
  const e = emitter as { once(event: string, fn: (...a: unknown[]) => void): unknown };
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no '${event}' within ${timeout} ms`)), timeout);
    e.once(event, (...a: unknown[]) => {
      clearTimeout(t);
      resolve(a as T);
    });
  });
}
