// One registered instance and the writes that keep its node in place (not exported).
//
// Re-registration is narrower than Curator's (CURATOR-320, which deletes and re-creates on
// every reconnect, so consumers see the instance vanish and come back): after a reconnect
// the node is written only when it is missing, or is an ephemeral of another session (an
// expired predecessor whose node the server has not removed yet).
import {
  ConnectionState, NoNodeError, NodeExistsError, BadVersionError, SessionExpiredError, isRetryable, type ZooKeeperClient,
} from '@zookit/client';
import { ServiceType, type ServiceInstance } from './instance.js';

const ATTEMPTS = 6;

/** A registration this process owns. Every write to its node runs through `run`, one at a time. */
export class Registration {
  instance: ServiceInstance;
  bytes: Buffer;
  /** The node's path (for DYNAMIC_SEQUENTIAL, known once created). */
  path: string | null;
  /** True once the node was written at least once. */
  written = false;
  #chain: Promise<unknown> = Promise.resolve();
  /** A create was sent: after a lost reply, a sequential node of ours may exist under a name we never saw. */
  #triedCreate = false;

  constructor(
    readonly zk: ZooKeeperClient,
    readonly servicePath: string,
    instance: ServiceInstance,
    bytes: Buffer,
  ) {
    this.instance = instance;
    this.bytes = bytes;
    this.path = this.sequential ? null : `${servicePath}/${instance.id}`;
  }

  get ephemeral(): boolean {
    return this.instance.serviceType === ServiceType.DYNAMIC || this.sequential;
  }

  get sequential(): boolean {
    return this.instance.serviceType === ServiceType.DYNAMIC_SEQUENTIAL;
  }

  /** Runs `fn` after every earlier write of this registration has settled. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#chain.then(fn, fn);
    this.#chain = p.catch(() => {});
    return p;
  }

  /**
   * Makes the node hold this registration: creates it when missing, replaces another
   * session's ephemeral, and (before the first write, or with `overwrite`) sets the data of
   * a node that is ours. Retries through connection loss, for at most twice the session timeout.
   */
  async ensure(overwrite: boolean): Promise<void> {
    const deadline = this.#deadline();
    let last: unknown;
    for (let i = 0; i < ATTEMPTS && performance.now() < deadline; i++) {
      try {
        await this.#connected(deadline);
        await this.#ensureOnce(overwrite || !this.written);
        this.written = true;
        return;
      } catch (err) {
        last = err;
        if (!(isRetryable(err) || err instanceof SessionExpiredError || err instanceof NodeExistsError || err instanceof NoNodeError || err instanceof BadVersionError)) throw err;
      }
    }
    throw last;
  }

  async #ensureOnce(overwrite: boolean): Promise<void> {
    const zk = this.zk;
    if (this.path === null) {
      this.path = await this.#adoptSequential();
      if (this.path === null) return this.#create();
    }
    const stat = await zk.exists(this.path);
    if (!stat) return this.#create();
    const ours = !this.ephemeral ? stat.ephemeralOwner === 0n : stat.ephemeralOwner === zk.sessionId;
    if (ours) {
      if (overwrite) await zk.set(this.path, this.bytes, { version: stat.version });
      return;
    }
    await zk.delete(this.path, { version: stat.version });
    return this.#create();
  }

  /** After a lost reply, a sequential create may have happened: find our node by id prefix and owner. */
  async #adoptSequential(): Promise<string | null> {
    if (!this.written && !this.#triedCreate) return null;
    const id = this.instance.id;
    let children: string[];
    try {
      children = await this.zk.getChildren(this.servicePath);
    } catch (err) {
      if (err instanceof NoNodeError) return null;
      throw err;
    }
    const mine = children.filter((c) => c.length === id.length + 10 && c.startsWith(id) && /^\d{10}$/.test(c.slice(id.length)));
    const stats = await Promise.all(mine.map((c) => this.zk.exists(`${this.servicePath}/${c}`)));
    const i = stats.findIndex((s) => s !== null && s.ephemeralOwner === this.zk.sessionId);
    return i < 0 ? null : `${this.servicePath}/${mine[i]}`;
  }

  /** Creates the node, its missing parents as containers (as Curator's `creatingParentContainersIfNeeded`). */
  async #create(): Promise<void> {
    const path = this.sequential ? `${this.servicePath}/${this.instance.id}` : this.path!;
    const options = { ephemeral: this.ephemeral, sequential: this.sequential } as const;
    this.#triedCreate = true;
    let created: string;
    try {
      created = await this.zk.create(path, this.bytes, options);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      await ensureContainers(this.zk, this.servicePath);
      created = await this.zk.create(path, this.bytes, options);
    }
    this.path = created;
  }

  /**
   * Deletes the node: done once it is gone, or (ephemeral) once the session that owned it
   * is. Retries through connection loss, for at most twice the session timeout.
   */
  async remove(): Promise<void> {
    const session = this.zk.sessionId;
    const deadline = this.#deadline();
    let last: unknown;
    for (let i = 0; i < ATTEMPTS && performance.now() < deadline; i++) {
      if (this.path === null) return;
      // A closed client's or an ended session's ephemerals are gone already.
      if (this.ephemeral && (this.zk.closed || this.zk.sessionId !== session)) return;
      try {
        await this.#connected(deadline);
        await this.zk.delete(this.path);
        return;
      } catch (err) {
        if (err instanceof NoNodeError) return;
        if (!(isRetryable(err) || err instanceof SessionExpiredError)) throw err;
        last = err;
      }
    }
    throw last;
  }

  /** Every write of a registration gives up after twice the session timeout without success. */
  #deadline(): number {
    return performance.now() + Math.max(this.zk.sessionTimeout, 1_000) * 2;
  }

  async #connected(deadline: number): Promise<void> {
    if (this.zk.state === ConnectionState.CONNECTED) return;
    await this.zk.waitForState(ConnectionState.CONNECTED, { timeout: Math.max(1, deadline - performance.now()) });
  }
}

/** Creates every missing level of `path` as a container node (pipelined; existing levels are fine). */
async function ensureContainers(zk: ZooKeeperClient, path: string): Promise<void> {
  const levels: string[] = [];
  for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) levels.push(path.slice(0, i));
  levels.push(path);
  const results = await Promise.allSettled(levels.map((p) => zk.create(p, null, { container: true })));
  for (const r of results) {
    if (r.status === 'rejected' && !(r.reason instanceof NodeExistsError)) throw r.reason;
  }
}
