import { EventEmitter } from 'eventemitter3';
import type { Logger, ZooKeeperClient } from '@zookit/client';
import { ChildrenSource, type ChildNode } from './children-source.js';
import { DiscoveryStateError, InstanceDecodeError } from './errors.js';
import { parseInstance, type ServiceInstance } from './instance.js';
import { emitIsolated, reportError } from './report.js';

/** Options of {@link ServiceCache}. */
export interface ServiceCacheOptions {
  /** Where skipped instance nodes and background failures are logged. */
  logger?: Logger | undefined;
}

/** Events of {@link ServiceCache}; every listener runs isolated. */
export interface ServiceCacheEvents<P> {
  /** The set of instances (or one's data) changed; `instances` is the new list. */
  changed: (instances: readonly ServiceInstance<P>[]) => void;
  /** The connection was suspended or the session lost: the list may be out of date. */
  stale: () => void;
  /** A rebuild after a (re)connect is done (after its `changed`); `stale` is false again. */
  resynced: () => void;
  /** A skipped instance node (InstanceDecodeError) or a background failure. */
  error: (error: Error) => void;
}

/**
 * The instances of one service, kept current by one persistent recursive watch on
 * `<basePath>/<name>`. A node whose data is not an instance is left out and reported once
 * per version as an InstanceDecodeError. Get one from `ServiceDiscovery.serviceCache(name)`.
 *
 * ```ts
 * const cache = sd.serviceCache('orders');
 * cache.on('changed', (list) => console.log(list.length, 'orders instances'));
 * await cache.start();
 * ```
 */
export class ServiceCache<P = unknown> extends EventEmitter<ServiceCacheEvents<P>> {
  readonly #path: string;
  readonly #logger: Logger | undefined;
  readonly #source: ChildrenSource;
  readonly #instances = new Map<string, ServiceInstance<P>>();
  #list: readonly ServiceInstance<P>[] | null = null;
  #state: 'new' | 'started' | 'closed' = 'new';
  #dirty = false;

  constructor(zk: ZooKeeperClient, servicePath: string, options: ServiceCacheOptions = {}) {
    super();
    this.#path = servicePath;
    this.#logger = options.logger;
    this.#source = new ChildrenSource(zk, servicePath, {
      created: (child, node) => this.#put(child, node),
      changed: (child, node) => this.#put(child, node),
      deleted: (child) => this.#drop(child),
      ready: (first) => this.#ready(first),
      stale: () => emitIsolated(this, 'stale', this.#logger),
      error: (err) => reportError(this, this.#logger, `discovery: cache of ${servicePath}`, err),
    });
  }

  /** The service's path, `<basePath>/<name>`. */
  get path(): string {
    return this.#path;
  }

  /** True until the first load, and from a suspension or lost session until the rebuild after it. */
  get stale(): boolean {
    return this.#source.stale;
  }

  /** Loads the instances and starts following changes; resolves once they are loaded. */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new DiscoveryStateError(`the cache of ${this.#path} was already started`);
    this.#state = 'started';
    await this.#source.start();
  }

  /** The current instances (a snapshot, in no particular order). */
  instances(): readonly ServiceInstance<P>[] {
    this.#list ??= Object.freeze([...this.#instances.values()]);
    return this.#list;
  }

  /** Stops following changes. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    await this.#source.close();
    this.#instances.clear();
    this.#list = null;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #put(child: string, node: ChildNode): void {
    const path = `${this.#path}/${child}`;
    try {
      this.#instances.set(child, parseInstance(path, node.data) as ServiceInstance<P>);
    } catch (err) {
      if (!(err instanceof InstanceDecodeError)) throw err;
      this.#instances.delete(child);
      reportError(this, this.#logger, 'discovery: skipped an instance node', err);
    }
    this.#touch();
  }

  #drop(child: string): void {
    if (this.#instances.delete(child)) this.#touch();
  }

  #ready(first: boolean): void {
    this.#flush();
    if (!first) emitIsolated(this, 'resynced', this.#logger);
  }

  /** A change: announced now when live, or once at the end of a rebuild. */
  #touch(): void {
    this.#list = null;
    this.#dirty = true;
    if (!this.#source.stale) this.#flush();
  }

  #flush(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    emitIsolated(this, 'changed', this.#logger, this.instances());
  }
}
