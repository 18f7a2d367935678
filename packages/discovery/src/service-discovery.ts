import { randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import {
  ConnectionState, InvalidArgumentError, NoNodeError, validatePath, type Logger, type ZooKeeperClient,
} from '@zookit/client';
import { RecipeEmitter } from '@zookit/recipes';
import { DiscoveryStateError } from './errors.js';
import { parseInstance, serializeInstance, ServiceType, type ServiceInstance } from './instance.js';
import { childrenOf, readService } from './read-instances.js';
import { Registration } from './registration.js';
import { logFailure } from './report.js';
import { ServiceCache, type ServiceCacheOptions } from './service-cache.js';
import { ServiceProvider, type ServiceProviderOptions } from './service-provider.js';
import { uriSpec, type UriSpec } from './uri-spec.js';

/** Options of {@link ServiceDiscovery}. */
export interface ServiceDiscoveryOptions {
  /** Where services live: `<basePath>/<name>/<id>` (Curator's `basePath`). */
  basePath: string;
  /** Java class name written as `"@class"` into object payloads that have none (e.g. `'java.util.LinkedHashMap'`). */
  payloadClass?: string;
  /** Where background failures (a bad instance node, a failed re-registration) are logged. */
  logger?: Logger;
}

/** What {@link ServiceDiscovery.register} takes: the instance's fields, most of them optional. */
export interface RegisterInput<P = unknown> {
  name: string;
  /** Default: a random UUID. */
  id?: string;
  /** Default: the first non-internal IPv4 address of this host. */
  address?: string | null;
  port?: number | null;
  sslPort?: number | null;
  payload?: P | null;
  /** Default: DYNAMIC (an ephemeral node). */
  serviceType?: ServiceType;
  /** A template (`'{scheme}://{address}:{port}'`) or a parsed spec. */
  uriSpec?: string | UriSpec | null;
  /** Default: true. */
  enabled?: boolean;
  /** Default: now. */
  registrationTimeUTC?: number;
}

/** Options of a single write. */
export interface WriteOptions {
  /** `"@class"` for this instance's object payload, overriding the discovery's `payloadClass`. */
  payloadClass?: string;
}

/** Events of {@link ServiceDiscovery}. */
export interface ServiceDiscoveryEvents {
  /** A background failure: a bad instance node skipped by a query, a re-registration that failed. */
  error: (error: Error) => unknown;
}

/**
 * A registry of services in ZooKeeper, in Curator x-discovery's layout and JSON, so Java
 * services (Curator, Spring Cloud Zookeeper) and Node services find each other.
 *
 * ```ts
 * const sd = new ServiceDiscovery(zk, { basePath: '/services' });
 * await sd.start();
 * const me = await sd.register({ name: 'orders', port: 8080, payload: { zone: 'a' } });
 * ```
 */
export class ServiceDiscovery<P = unknown> extends RecipeEmitter<ServiceDiscoveryEvents> {
  readonly #zk: ZooKeeperClient;
  readonly #basePath: string;
  readonly #payloadClass: string | undefined;
  readonly #logger: Logger | undefined;
  readonly #registrations = new Map<string, Registration>();
  readonly #closeables = new Set<{ close(): Promise<void> }>();
  #started = false;
  #closed = false;
  #unobserve: (() => void) | null = null;

  constructor(zk: ZooKeeperClient, options: ServiceDiscoveryOptions) {
    super(zk, 'ServiceDiscovery');
    if (!options || typeof options !== 'object') throw new InvalidArgumentError('options', 'must be an object with basePath');
    validatePath(options.basePath);
    if (options.basePath === '/') throw new InvalidArgumentError('basePath', 'must not be the root');
    if (options.payloadClass !== undefined && (typeof options.payloadClass !== 'string' || options.payloadClass === '')) {
      throw new InvalidArgumentError('payloadClass', 'must be a non-empty Java class name');
    }
    this.#zk = zk;
    this.#basePath = options.basePath;
    this.#payloadClass = options.payloadClass;
    this.#logger = options.logger;
  }

  /** The base path. */
  get basePath(): string {
    return this.#basePath;
  }

  /** The client this registry uses. */
  get client(): ZooKeeperClient {
    return this.#zk;
  }

  /** The instances this registry registered (and keeps registered), by id. */
  get registered(): ReadonlyMap<string, ServiceInstance<P>> {
    return new Map([...this.#registrations].map(([id, r]) => [id, r.instance as ServiceInstance<P>]));
  }

  /** Starts watching the connection, to re-register after a new session. Idempotent. */
  async start(): Promise<void> {
    this.#checkOpen();
    if (this.#started) return;
    this.#started = true;
    // An observer, not a 'state' listener: it runs before user listeners, which cannot hide a transition from it.
    this.#unobserve = this.#zk.observe({
      state: (state, previous) => {
        if (state === ConnectionState.CONNECTED && previous !== ConnectionState.CONNECTED) this.#reRegister();
      },
    });
  }

  /**
   * Registers an instance: writes `<basePath>/<name>/<id>` (parents as containers), and keeps
   * it registered across sessions. Resolves with the instance as written.
   * @throws InvalidArgumentError bad input (nothing is sent); DiscoveryStateError not started, or the id is already registered here
   */
  async register(input: RegisterInput<P>, options: WriteOptions = {}): Promise<ServiceInstance<P>> {
    this.#checkStarted();
    const instance = buildInstance(input);
    const bytes = serializeInstance(instance, this.#classes(options));
    if (this.#registrations.has(instance.id)) throw new DiscoveryStateError(`instance ${instance.id} is already registered; use update()`);
    const reg = new Registration(this.#zk, this.#servicePath(instance.name), instance, bytes);
    this.#registrations.set(instance.id, reg);
    try {
      await reg.run(() => reg.ensure(true));
    } catch (err) {
      if (this.#registrations.get(instance.id) === reg) this.#registrations.delete(instance.id);
      throw err;
    }
    return instance as ServiceInstance<P>;
  }

  /**
   * Rewrites an instance's data. An instance registered here is updated (and re-registered
   * with the new data after a new session); any other (another process's, a Java service's)
   * has its node's data set. Fields the JSON held that zookit does not model, and the
   * payload's `"@class"`, are kept.
   * @throws InvalidArgumentError a field of the wrong type (nothing is sent); NoNodeError the instance is not registered anywhere; DiscoveryStateError not started
   */
  async update(instance: ServiceInstance<P>, options: WriteOptions = {}): Promise<ServiceInstance<P>> {
    this.#checkStarted();
    if (!instance || typeof instance !== 'object') throw new InvalidArgumentError('instance', 'must be a service instance');
    buildInstance({ ...instance }); // the same checks as register(); the instance itself is written (with what it carries)
    const bytes = serializeInstance(instance, this.#classes(options));
    const reg = this.#registrations.get(instance.id);
    if (!reg) {
      await this.#zk.set(`${this.#servicePath(instance.name)}/${instance.id}`, bytes);
      return instance;
    }
    if (reg.instance.name !== instance.name) throw new InvalidArgumentError('name', `instance ${instance.id} is registered as "${reg.instance.name}"`);
    await reg.run(async () => {
      reg.instance = instance;
      reg.bytes = bytes;
      await reg.ensure(true);
    });
    return instance;
  }

  /** Removes an instance registered here (its node is deleted). An unknown instance is a no-op. */
  async unregister(instance: ServiceInstance<P> | string): Promise<void> {
    this.#checkOpen();
    const id = typeof instance === 'string' ? instance : instance?.id;
    const reg = this.#registrations.get(checkSegment('id', id));
    if (!reg) return;
    this.#registrations.delete(reg.instance.id);
    await reg.run(() => reg.remove());
  }

  /** The names of the registered services (children of the base path). */
  async queryForNames(): Promise<string[]> {
    this.#checkOpen();
    return childrenOf(this.#zk, this.#basePath);
  }

  /**
   * Every decodable instance of a service; children and data read together. A node whose
   * data is not an instance is skipped and reported (`'error'`, logger) as an InstanceDecodeError.
   */
  async queryForInstances(name: string): Promise<ServiceInstance<P>[]> {
    this.#checkOpen();
    const nodes = await readService(this.#zk, this.#servicePath(name));
    const out: ServiceInstance<P>[] = [];
    for (const n of nodes) {
      if (n.instance) out.push(n.instance as ServiceInstance<P>);
      else if (n.error) this.#report('discovery: skipped an instance node', n.error);
    }
    return out;
  }

  /**
   * One instance, or null when its node does not exist.
   * @throws InstanceDecodeError the node's data is not an instance
   */
  async queryForInstance(name: string, id: string): Promise<ServiceInstance<P> | null> {
    this.#checkOpen();
    const path = `${this.#servicePath(name)}/${checkSegment('id', id)}`;
    try {
      const { data } = await this.#zk.get(path);
      return parseInstance(path, data) as ServiceInstance<P>;
    } catch (err) {
      if (err instanceof NoNodeError) return null;
      throw err;
    }
  }

  /** A cache of one service's instances (call `start()` on it). Closed with this registry. */
  serviceCache(name: string, options: ServiceCacheOptions = {}): ServiceCache<P> {
    this.#checkOpen();
    const cache = new ServiceCache<P>(this.#zk, this.#servicePath(name), { logger: this.#logger, ...options });
    return this.#track(cache);
  }

  /** A provider picking instances of one service (call `start()` on it). Closed with this registry. */
  serviceProvider(name: string, options: ServiceProviderOptions<P> = {}): ServiceProvider<P> {
    this.#checkOpen();
    const provider = new ServiceProvider<P>(this.serviceCache(name), options);
    return this.#track(provider);
  }

  /** Closes caches and providers, unregisters every instance registered here, stops watching. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unobserve?.();
    await Promise.allSettled([...this.#closeables].map((c) => c.close()));
    const regs = [...this.#registrations.values()];
    this.#registrations.clear();
    const results = await Promise.allSettled(regs.map((r) => r.run(() => r.remove())));
    for (const r of results) if (r.status === 'rejected') this.#report('discovery: could not unregister an instance on close', r.reason as Error);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #report(message: string, err: Error): void {
    logFailure(this.#logger, this.listenerCount('error'), message, err);
    this.emit('error', err);
  }

  #reRegister(): void {
    for (const reg of this.#registrations.values()) {
      reg.run(() => reg.ensure(false)).catch((err: Error) => {
        if (this.#registrations.get(reg.instance.id) === reg) this.#report(`discovery: could not re-register ${reg.instance.name}/${reg.instance.id}`, err);
      });
    }
  }

  #track<T extends { close(): Promise<void> }>(c: T): T {
    this.#closeables.add(c);
    const close = c.close.bind(c);
    c.close = async () => {
      this.#closeables.delete(c);
      await close();
    };
    return c;
  }

  #classes(options: WriteOptions): { payloadClass?: string | undefined; defaultPayloadClass?: string | undefined } {
    if (options.payloadClass !== undefined && (typeof options.payloadClass !== 'string' || options.payloadClass === '')) {
      throw new InvalidArgumentError('payloadClass', 'must be a non-empty Java class name');
    }
    return { payloadClass: options.payloadClass, defaultPayloadClass: this.#payloadClass };
  }

  #servicePath(name: string): string {
    return `${this.#basePath}/${checkSegment('name', name)}`;
  }

  #checkOpen(): void {
    if (this.#closed) throw new DiscoveryStateError('the service discovery is closed');
  }

  #checkStarted(): void {
    this.#checkOpen();
    if (!this.#started) throw new DiscoveryStateError('call start() first');
  }
}

const INPUT_KEYS = new Set(['name', 'id', 'address', 'port', 'sslPort', 'payload', 'serviceType', 'uriSpec', 'enabled', 'registrationTimeUTC']);

/** Validates a registration's input and fills in the defaults. */
function buildInstance<P>(input: RegisterInput<P>): ServiceInstance<P> {
  if (!input || typeof input !== 'object') throw new InvalidArgumentError('instance', 'must be an object');
  for (const k of Object.keys(input)) if (!INPUT_KEYS.has(k)) throw new InvalidArgumentError(k, 'is not a field of a service instance');
  const port = (arg: string, v: unknown): number | null => {
    if (v === undefined || v === null) return null;
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 65535) throw new InvalidArgumentError(arg, 'must be an integer port (0-65535) or null');
    return v as number;
  };
  const type = input.serviceType ?? ServiceType.DYNAMIC;
  if (!Object.values(ServiceType).includes(type)) throw new InvalidArgumentError('serviceType', `must be one of ${Object.values(ServiceType).join(', ')}`);
  if (input.address !== undefined && input.address !== null && typeof input.address !== 'string') throw new InvalidArgumentError('address', 'must be a string');
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') throw new InvalidArgumentError('enabled', 'must be a boolean');
  const time = input.registrationTimeUTC ?? Date.now();
  if (!Number.isSafeInteger(time)) throw new InvalidArgumentError('registrationTimeUTC', 'must be an integer (ms since the epoch)');
  const spec = input.uriSpec;
  const payload = input.payload ?? null;
  if (payload !== null) checkJson(payload);
  const instance: ServiceInstance<P> = {
    name: checkSegment('name', input.name),
    id: input.id === undefined ? randomUUID() : checkSegment('id', input.id),
    address: input.address === undefined ? localAddress() : input.address,
    port: port('port', input.port),
    sslPort: port('sslPort', input.sslPort),
    payload,
    registrationTimeUTC: time,
    serviceType: type,
    uriSpec: spec === undefined || spec === null ? null : typeof spec === 'string' ? uriSpec(spec) : copySpec(spec),
    enabled: input.enabled ?? true,
  };
  return instance;
}

function checkJson(payload: unknown): void {
  try {
    JSON.stringify(payload);
  } catch (err) {
    throw new InvalidArgumentError('payload', `must be serialisable as JSON (${(err as Error).message})`);
  }
}

function copySpec(spec: UriSpec): UriSpec {
  const ok = spec && Array.isArray(spec.parts) && spec.parts.every((p) => p && typeof p.value === 'string' && typeof p.variable === 'boolean');
  if (!ok) throw new InvalidArgumentError('uriSpec', 'must be a template string or { parts: [{ value, variable }, ...] }');
  return { parts: spec.parts.map((p) => ({ value: p.value, variable: p.variable })) };
}

function localAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/** Checks a service name or instance id: one non-empty path segment. */
function checkSegment(argument: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.includes('/') || value === '.' || value === '..' || value.includes('\u0000')) {
    throw new InvalidArgumentError(argument, `must be a non-empty string without "/" (got ${JSON.stringify(value)})`);
  }
  return value;
}
