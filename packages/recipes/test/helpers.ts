import { ZooKeeperClient } from '@zookit/client';
import { FaultProxy, expireSession } from '@zookit/testing';
import { uniqueChroot } from '@zookit/testing/vitest';
import { afterEach, inject } from 'vitest';

/** Per-test harness: clients chrooted to one fresh path, proxies, all closed in afterEach. */
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

/** Resolves when `signal` aborts, with its reason. */
export function aborted(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
}

/**
 * A shared history: each holder enters with its token, leaves later. Detects overlaps
 * beyond `capacity` and tokens that go backwards for exclusive holders.
 */
export class History {
  holders = new Set<string>();
  maxSeen = 0;
  lastToken = -1n;
  violations: string[] = [];
  acquisitions = 0;
  constructor(readonly capacity = 1) {}
  enter(id: string, token: bigint): void {
    this.acquisitions++;
    this.holders.add(id);
    this.maxSeen = Math.max(this.maxSeen, this.holders.size);
    if (this.holders.size > this.capacity) this.violations.push(`${[...this.holders].join(',')} hold at once`);
    if (this.capacity === 1) {
      if (token <= this.lastToken) this.violations.push(`token ${token} <= ${this.lastToken}`);
      this.lastToken = token;
    }
  }
  leave(id: string): void {
    this.holders.delete(id);
  }
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
