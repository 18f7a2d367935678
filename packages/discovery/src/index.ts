/**
 * `@zookit/discovery`: service discovery on ZooKeeper in Curator x-discovery's layout and
 * JSON — a registry, a cache of one service's instances and a provider that picks one —
 * so Node services and Java services (Curator, Spring Cloud Zookeeper) find each other.
 * @packageDocumentation
 */
export {
  ServiceDiscovery, type ServiceDiscoveryOptions, type ServiceDiscoveryEvents, type RegisterInput, type WriteOptions,
} from './service-discovery.js';
export { ServiceCache, type ServiceCacheOptions, type ServiceCacheEvents } from './service-cache.js';
export { ServiceProvider, type ServiceProviderOptions, type ProviderStrategy, type DownInstancePolicy } from './service-provider.js';
export { ServiceType, parseInstance, serializeInstance, type ServiceInstance } from './instance.js';
export { uriSpec, buildUri, type UriSpec, type UriSpecPart, type UriFields } from './uri-spec.js';
export { InstanceDecodeError, DiscoveryStateError } from './errors.js';
