// Per-test clients in a fresh chroot on the shared server (part of `@zookit/testing/vitest`).
import { randomBytes } from 'node:crypto';
import { afterEach, inject } from 'vitest';
import { expireSession } from './expire-session.js';
import { FaultProxy } from './fault-proxy.js';

/** What {@link chrootClients} needs of a client (`@zookit/client`'s `ZooKeeperClient` has it). */
export interface ChrootClient {
  /** Connects; resolves once the session is established. */
  start(): Promise<unknown>;
  /** Closes the session. */
  close(): Promise<unknown>;
  /** Creates `path` and its missing ancestors. */
  ensurePath(path: string): Promise<unknown>;
}

/** What {@link chrootClients} passes to its `create` function. */
export interface ChrootClientConfig {
  /** Connect string: the shared server (or a {@link FaultProxy} in front of it) followed by the test's chroot. */
  hosts: string;
  /** Session timeout in ms. */
  sessionTimeout: number;
}

/** Options of one {@link ChrootClients.client} call. */
export interface ChrootClientOptions {
  /** Session timeout in ms (default 4000). */
  sessionTimeout?: number;
  /** Connect through a new {@link FaultProxy} in front of the shared server (exposed as `client.proxy`). */
  proxy?: boolean;
}

/** A client made by {@link chrootClients}, with the proxy it connects through, if any. */
export type ProxiedClient<C> = C & { proxy?: FaultProxy };

/** The per-test client factory returned by {@link chrootClients}. */
export interface ChrootClients<C extends ChrootClient> {
  /** A started client in the current test's chroot (created on first use); closed after the test. */
  client(options?: ChrootClientOptions): Promise<ProxiedClient<C>>;
  /** `n` started clients in the current test's chroot, made concurrently. */
  clients(n: number, options?: ChrootClientOptions): Promise<ProxiedClient<C>[]>;
}

const DEFAULT_SESSION_TIMEOUT = 4_000;

/** The shared server's first `host:port`, as a proxy target. */
function sharedServer(): { host: string; port: number } {
  const [host, port] = inject('zkConnect').split(',')[0]!.split(':');
  return { host: host!, port: Number(port) };
}

/**
 * Clients for the tests of one file, each test in a fresh chroot of the shared server
 * (`inject('zkConnect')`, see {@link uniqueChroot}), so tests that run in parallel never see
 * each other's nodes. Every client and proxy made during a test is closed after it (an
 * `afterEach` hook, so call this at the top of a file or `describe`).
 *
 * @param create - makes an unstarted client from a connect string and session timeout,
 *   e.g. `(config) => new ZooKeeperClient(config)`
 */
export function chrootClients<C extends ChrootClient>(create: (config: ChrootClientConfig) => C): ChrootClients<C> {
  const clients: C[] = [];
  const proxies: FaultProxy[] = [];
  let chroot: Promise<string> | undefined;
  afterEach(async () => {
    chroot = undefined;
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
    await Promise.all(proxies.splice(0).map((p) => p.close().catch(() => {})));
  });
  async function makeChroot(): Promise<string> {
    const path = uniqueChroot();
    const root = create({ hosts: inject('zkConnect'), sessionTimeout: DEFAULT_SESSION_TIMEOUT });
    try {
      await root.start();
      await root.ensurePath(path);
    } finally {
      await root.close().catch(() => {});
    }
    return path;
  }
  async function client(options: ChrootClientOptions = {}): Promise<ProxiedClient<C>> {
    chroot ??= makeChroot();
    const path = await chroot;
    let proxy: FaultProxy | undefined;
    if (options.proxy) {
      proxy = await FaultProxy.start({ target: sharedServer() });
      proxies.push(proxy);
    }
    const zk = create({ hosts: (proxy?.connectString ?? inject('zkConnect')) + path, sessionTimeout: options.sessionTimeout ?? DEFAULT_SESSION_TIMEOUT });
    clients.push(zk);
    await zk.start();
    return Object.assign(zk, proxy ? { proxy } : {});
  }
  return {
    client,
    clients: (n, options) => Promise.all(Array.from({ length: n }, () => client(options))),
  };
}

/**
 * Expires `zk`'s session on the shared server (see `expireSession`), the twin session
 * connecting to the server directly. New connections through the client's proxy, if it has
 * one, are refused meanwhile, so the client's immediate reconnect cannot win the session
 * back before the twin closes it.
 *
 * @param zk - a started `@zookit/client` client, e.g. from {@link chrootClients}
 */
export async function expireSharedSession(zk: object & { proxy?: FaultProxy }): Promise<void> {
  zk.proxy?.refuse();
  try {
    await expireSession(zk, { connectString: inject('zkConnect') });
  } finally {
    zk.proxy?.heal();
  }
}

/**
 * A fresh chroot path for one test, `/<prefix>-<12 hex chars>`, so tests sharing a server
 * never see each other's nodes. Append it to the connect string.
 *
 * @param prefix - first part of the name (default `t`; letters, digits, `-` and `_`)
 */
export function uniqueChroot(prefix = 't'): string {
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) throw new RangeError(`uniqueChroot prefix must match [A-Za-z0-9_-]+, got ${JSON.stringify(prefix)}`);
  return `/${prefix}-${randomBytes(6).toString('hex')}`;
}
