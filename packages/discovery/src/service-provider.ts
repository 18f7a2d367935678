import { InvalidArgumentError } from '@zookit/client';
import type { ServiceInstance } from './instance.js';
import { reportThrough } from './report.js';
import type { ServiceCache } from './service-cache.js';

/** How a provider picks among the usable instances (Curator's strategies). */
export type ProviderStrategy = 'round-robin' | 'random' | 'sticky';

/** Curator's DownInstancePolicy: `errorThreshold` errors noted within `timeout` ms leave an instance out until `timeout` ms after the first. */
export interface DownInstancePolicy {
  /** Default 30 000 ms. */
  timeout?: number;
  /** Default 2. */
  errorThreshold?: number;
}

/** Options of {@link ServiceProvider}. */
export interface ServiceProviderOptions<P = unknown> {
  /** Default `'round-robin'`. `'sticky'` keeps returning one instance while it stays usable (then picks round-robin). */
  strategy?: ProviderStrategy;
  /** Only instances it accepts are used. A filter that throws rejects the instance (and the throw is reported). */
  filter?: (instance: ServiceInstance<P>) => boolean;
  /** When noted errors leave an instance out. */
  downInstancePolicy?: DownInstancePolicy;
}

interface Down {
  first: number;
  errors: number;
}

/**
 * Picks an instance of one service for each call, from a {@link ServiceCache}: enabled
 * instances accepted by the filter and not left out for noted errors. Get one from
 * `ServiceDiscovery.serviceProvider(name, options)`.
 *
 * ```ts
 * const orders = sd.serviceProvider('orders', { strategy: 'round-robin' });
 * await orders.start();
 * const target = orders.getInstance(); // null when none is usable
 * ```
 */
export class ServiceProvider<P = unknown> {
  readonly #cache: ServiceCache<P>;
  readonly #strategy: ProviderStrategy;
  readonly #filter: ((instance: ServiceInstance<P>) => boolean) | undefined;
  readonly #timeout: number;
  readonly #threshold: number;
  readonly #down = new Map<string, Down>();
  #next = 0;
  #sticky: ServiceInstance<P> | null = null;
  #memo: { from: readonly ServiceInstance<P>[]; usable: readonly ServiceInstance<P>[] } | null = null;

  constructor(cache: ServiceCache<P>, options: ServiceProviderOptions<P> = {}) {
    const { strategy = 'round-robin', filter, downInstancePolicy = {} } = options;
    if (!['round-robin', 'random', 'sticky'].includes(strategy)) throw new InvalidArgumentError('strategy', "must be 'round-robin', 'random' or 'sticky'");
    if (filter !== undefined && typeof filter !== 'function') throw new InvalidArgumentError('filter', 'must be a function');
    const { timeout = 30_000, errorThreshold = 2 } = downInstancePolicy;
    if (!Number.isFinite(timeout) || timeout < 0) throw new InvalidArgumentError('downInstancePolicy.timeout', 'must be a non-negative number of ms');
    if (!Number.isInteger(errorThreshold) || errorThreshold < 1) throw new InvalidArgumentError('downInstancePolicy.errorThreshold', 'must be a positive integer');
    this.#cache = cache;
    this.#strategy = strategy;
    this.#filter = filter;
    this.#timeout = timeout;
    this.#threshold = errorThreshold;
  }

  /** The cache this provider reads (for its events and `stale`). */
  get cache(): ServiceCache<P> {
    return this.#cache;
  }

  /** Starts the cache; resolves once the instances are loaded. */
  start(): Promise<void> {
    return this.#cache.start();
  }

  /** One usable instance, or null when there is none. */
  getInstance(): ServiceInstance<P> | null {
    const usable = this.#usable();
    if (usable.length === 0) return null;
    switch (this.#strategy) {
      case 'random':
        return usable[Math.floor(Math.random() * usable.length)]!;
      case 'sticky':
        if (!this.#sticky || !usable.some((i) => i.id === this.#sticky!.id)) this.#sticky = this.#roundRobin(usable);
        else this.#sticky = usable.find((i) => i.id === this.#sticky!.id)!;
        return this.#sticky;
      default:
        return this.#roundRobin(usable);
    }
  }

  /** Every usable instance: enabled, accepted by the filter, not left out for errors. */
  getAllInstances(): ServiceInstance<P>[] {
    return [...this.#usable()];
  }

  /** The usable instances; without a filter or down instances, computed once per cache change. */
  #usable(): readonly ServiceInstance<P>[] {
    const all = this.#cache.instances();
    if (!this.#filter && this.#down.size === 0) {
      if (this.#memo?.from !== all) this.#memo = { from: all, usable: all.filter((i) => i.enabled) };
      return this.#memo.usable;
    }
    const now = Date.now();
    for (const [id, d] of this.#down) if (now - d.first >= this.#timeout) this.#down.delete(id);
    return all.filter((i) => i.enabled && !this.#isDown(i.id) && this.#accepts(i));
  }

  /** Notes a failed call to `instance`: `errorThreshold` errors within `timeout` leave it out until `timeout` after the first. */
  noteError(instance: ServiceInstance<P>): void {
    if (!instance || typeof instance.id !== 'string') throw new InvalidArgumentError('instance', 'must be a service instance');
    const now = Date.now();
    const d = this.#down.get(instance.id);
    if (!d || now - d.first >= this.#timeout) this.#down.set(instance.id, { first: now, errors: 1 });
    else d.errors++;
  }

  /** Closes the cache. Idempotent. */
  close(): Promise<void> {
    this.#down.clear();
    return this.#cache.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #roundRobin(usable: readonly ServiceInstance<P>[]): ServiceInstance<P> {
    const i = this.#next % usable.length;
    this.#next = (this.#next + 1) % 0x7fffffff;
    return usable[i]!;
  }

  #isDown(id: string): boolean {
    const d = this.#down.get(id);
    return d !== undefined && d.errors >= this.#threshold;
  }

  #accepts(instance: ServiceInstance<P>): boolean {
    if (!this.#filter) return true;
    try {
      return this.#filter(instance) === true;
    } catch (err) {
      reportThrough(this.#cache, 'discovery: a provider filter threw', err instanceof Error ? err : new Error(String(err)));
      return false;
    }
  }
}
