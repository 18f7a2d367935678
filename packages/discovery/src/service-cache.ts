import type { Logger, ZooKeeperClient } from '@zookit/client';
import { RecipeEmitter, TreeCache, type CacheChange } from '@zookit/recipes';
import { DiscoveryStateError, InstanceDecodeError } from './errors.js';
import { parseInstance, type ServiceInstance } from './instance.js';
import { logFailure, setReporter } from './report.js';

const LABEL = 'ServiceCache';

/** Options of {@link ServiceCache}. */
export interface ServiceCacheOptions {
  /** Where skipped instance nodes and background failures are logged. */
  logger?: Logger | undefined;
}

/** Events of {@link ServiceCache}; every listener runs isolated and may be async (a rejection is reported like a throw). */
export interface ServiceCacheEvents<P> {
  /** The set of instances (or one's data) changed; `instances` is the new list. */
  changed: (instances: readonly ServiceInstance<P>[]) => unknown;
  /** The connection was suspended or the session lost: the list may be out of date. */
  stale: () => unknown;
  /** A rebuild after a (re)connect is done (after its `changed`); `stale` is false again. */
  resynced: () => unknown;
  /** A skipped instance node (InstanceDecodeError), or a provider filter that threw. (The TreeCache underneath reports its own failures on the client's `'error'`.) */
  error: (error: Error) => unknown;
}

/**
 * The instances of one service: a view of a {@link TreeCache} of `<basePath>/<name>` (one
 * persistent recursive watch, depth 1), so it has TreeCache's rules: changes follow the
 * watch, a rebuild after every reconnect emits only the true difference, `stale` from a
 * suspension or a lost session until then. A node whose data is not an instance is left
 * out and reported once per version as an InstanceDecodeError. Get one from
 * `ServiceDiscovery.serviceCache(name)`.
 *
 * ```ts
 * const cache = sd.serviceCache('orders');
 * cache.on('changed', (list) => console.log(list.length, 'orders instances'));
 * await cache.start();
 * ```
 */
export class ServiceCache<P = unknown> extends RecipeEmitter<ServiceCacheEvents<P>> {
  readonly #path: string;
  readonly #logger: Logger | undefined;
  readonly #tree: TreeCache;
  readonly #instances = new Map<string, ServiceInstance<P>>();
  #list: readonly ServiceInstance<P>[] | null = null;
  #state: 'new' | 'started' | 'closed' = 'new';
  #dirty = false;
  /** From a `stale` until the (re)load after it is done: changes are announced once, at its end. */
  #loading = true;

  constructor(zk: ZooKeeperClient, servicePath: string, options: ServiceCacheOptions = {}) {
    super(zk, LABEL);
    this.#path = servicePath;
    this.#logger = options.logger;
    this.#tree = new TreeCache(zk, servicePath, { maxDepth: 1 });
    const put = (c: CacheChange) => this.#put(c);
    this.#tree.on('created', put).on('changed', put).on('deleted', (c) => this.#drop(c.path));
    this.#tree.on('initialized', () => this.#flush());
    setReporter(this, (message, err) => this.#report(message, err));
    this.#tree.on('resynced', () => {
      this.#flush();
      this.emit('resynced');
    });
    this.#tree.on('stale', () => {
      this.#loading = true;
      this.emit('stale');
    });
  }

  /** The service's path, `<basePath>/<name>`. */
  get path(): string {
    return this.#path;
  }

  /** True until the first load, and from a suspension or lost session until the rebuild after it. */
  get stale(): boolean {
    return this.#tree.stale;
  }

  /** Loads the instances and starts following changes; resolves once they are loaded. */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new DiscoveryStateError(`the cache of ${this.#path} was already started`);
    this.#state = 'started';
    await this.#tree.start();
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
    await this.#tree.close();
    this.#instances.clear();
    this.#list = null;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Reports a background failure: the logger, then `'error'` (isolated). */
  #report(message: string, err: Error): void {
    logFailure(this.#logger, this.listenerCount('error'), message, err);
    this.emit('error', err);
  }

  #put(c: CacheChange): void {
    if (c.path === this.#path || c.data === null) return;
    try {
      this.#instances.set(c.path, parseInstance(c.path, c.data) as ServiceInstance<P>);
    } catch (err) {
      if (!(err instanceof InstanceDecodeError)) throw err;
      this.#report('discovery: skipped an instance node', err);
      if (!this.#instances.delete(c.path)) return; // the list did not change
    }
    this.#touch();
  }

  #drop(path: string): void {
    if (this.#instances.delete(path)) this.#touch();
  }

  /** A change: announced now when live, or once at the end of a rebuild. */
  #touch(): void {
    this.#list = null;
    this.#dirty = true;
    if (!this.#loading) this.#flush();
  }

  #flush(): void {
    this.#loading = false;
    if (!this.#dirty) return;
    this.#dirty = false;
    this.emit('changed', this.instances());
  }
}
