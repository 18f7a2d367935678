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
  STANDALONE_MAIN,
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
export { startEnsemble, QUORUM_MAIN, type ZooKeeperEnsemble, type EnsembleMember, type StartEnsembleOptions } from './ensemble.js';
export {
  FaultProxy,
  type FaultProxyOptions,
  type FaultProxyStats,
  type FaultMode,
  type ProxyConnection,
  type DataInterceptor,
  type CutEvent,
  type CutAfterRequestHandle,
} from './fault-proxy.js';
export {
  expireSession,
  expireSessionById,
  encodeConnectRequest,
  decodeConnectResponse,
  SESSION_CREDENTIALS,
  type SessionCredentials,
  type ExpireSessionOptions,
  type ExpireSessionResult,
  type ConnectResponse,
} from './expire-session.js';
export { trackedProcessCount } from './process-registry.js';
export { DEFAULT_ZOOKEEPER_IMAGE, dockerAvailable } from './container.js';
