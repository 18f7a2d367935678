/**
 * `@zookit/testing`: real ZooKeeper servers and ensembles with fault controls, for tests,
 * demos and benchmarks. Vitest helpers live in the `@zookit/testing/vitest` subpath.
 * @packageDocumentation
 */
export {
  ZooKitTestingError,
  ZooKeeperNotFoundError,
  ServerControlUnavailableError,
  ServerStartError,
  FourLetterWordError,
  SessionExpiryError,
} from './errors.js';
export { fourLetterWord, parseMode } from './four-letter-word.js';
export { allocatePorts } from './ports.js';
export { findLocalInstallation, findJava, DEBIAN_JAR_DIR, type LocalInstallation } from './installation.js';
export { DEFAULT_FOUR_LETTER_WORDS, type ServerConfigOptions } from './server-config.js';
export {
  startServer,
  type ZooKeeperServer,
  type StartServerOptions,
  type ServerSource,
  type TlsClientAuth,
  type TlsServerOptions,
  type TlsServerInfo,
  type SaslServerOptions,
  type SaslServerInfo,
} from './server.js';
export { generateTlsMaterial, type TlsMaterial, type TlsMaterialOptions } from './tls.js';
export { startEnsemble } from './ensemble.js';
export type { ZooKeeperEnsemble, EnsembleMember, StartEnsembleOptions } from './ensemble-types.js';
export { FaultProxy, type FaultProxyOptions, type FaultMode, type DataInterceptor, type CutAfterRequestHandle } from './fault-proxy.js';
export type { FaultProxyStats, ProxyConnection, CutEvent } from './proxy-connection.js';
export {
  expireSession,
  expireSessionById,
  SESSION_CREDENTIALS,
  type SessionCredentials,
  type ExpireSessionOptions,
  type ExpireSessionResult,
} from './expire-session.js';
export { NetworkNamespacesUnavailableError, NetworkCommandError, sweepStaleNamespaces, type NetEndpoint } from './netns.js';
export { type NamespaceEnsemble, type NamespaceMember, type SpawnClientOptions } from './namespace-ensemble.js';
export { SpawnedClientError, type SpawnedClient, type SpawnedClientExit } from './spawned-client.js';
export {
  OperationHistory,
  checkExclusive,
  checkCounter,
  monotonicMs,
  type HistoryEvent,
  type Hold,
  type ExclusiveCheck,
  type CounterCheck,
} from './history.js';
export { DEFAULT_ZOOKEEPER_IMAGE, dockerAvailable } from './container.js';
