// The public shapes of a test server, shared by the local, external and container sources
// (kept apart from server.ts so that container.ts does not import it back).
import type { TlsMaterial } from './tls.js';

/** Where a server came from. */
export type ServerSource = 'local' | 'external' | 'container';

/**
 * A ZooKeeper server under test. Control methods (`stop`, `kill`, `restart`, `pause`,
 * `resume`) work for servers started by this process (`controllable === true`); for an
 * existing ensemble from `ZOOKEEPER_CONNECT` they throw {@link ServerControlUnavailableError}.
 */
export interface ZooKeeperServer extends AsyncDisposable {
  /** `host:port` for a client. */
  readonly connectString: string;
  /** Client host (`127.0.0.1` for local servers; the member's namespace address with `network: 'namespaces'`). */
  readonly host: string;
  /** Client port. */
  readonly port: number;
  /** Data directory (also holds `zoo.cfg` and `server.log`); `undefined` if not local. */
  readonly dataDir: string | undefined;
  /** Log file with the JVM's stdout and stderr; `undefined` if not local. */
  readonly logFile: string | undefined;
  /** Where the server came from. */
  readonly source: ServerSource;
  /** Whether the control methods work. */
  readonly controllable: boolean;
  /** PID of the server JVM while running (local servers only). */
  readonly pid: number | undefined;
  /** True between `pause()` and `resume()`. */
  readonly paused: boolean;
  /**
   * Stop gracefully: SIGTERM, SIGKILL after `stopTimeoutMs`, wait for exit. For a
   * standalone server this is final and removes the data directory; for an ensemble
   * member the data is kept so `restart()` can bring it back.
   */
  stop(): Promise<void>;
  /** SIGKILL the JVM and wait for it to exit; data is kept, `restart()` brings it back. */
  kill(): Promise<void>;
  /** Stop if running, then start again with the same config, port and data; wait until ready. */
  restart(): Promise<void>;
  /** SIGSTOP the JVM (it keeps its sockets but answers nothing). */
  pause(): Promise<void>;
  /** SIGCONT after `pause()`. */
  resume(): Promise<void>;
  /** Send a four-letter word to this server (see {@link fourLetterWord}). */
  fourLetterWord(cmd: string, timeoutMs?: number): Promise<string>;
  /** The TLS client port and its certificates, when started with `tls`. */
  readonly tls?: TlsServerInfo | undefined;
  /** The SASL users and JAAS file, when started with `sasl`. */
  readonly sasl?: SaslServerInfo | undefined;
}

/** How the TLS port treats client certificates (ZooKeeper's `ssl.clientAuth`). */
export type TlsClientAuth = 'none' | 'want' | 'need';

/** Options of a TLS test server (`startServer({ tls })`). */
export interface TlsServerOptions {
  /** `ssl.clientAuth` (default `'none'`; ZooKeeper's own default is `need`). */
  clientAuth?: TlsClientAuth;
  /** SANs of the server certificate (default `['IP:127.0.0.1', 'DNS:localhost']`). */
  serverSubjectAltNames?: readonly string[];
}

/**
 * The TLS side of a test server: its secure port (on 127.0.0.1) and throw-away
 * certificates generated at start (PEM strings, ready for Node's `tls` options).
 * The plain `port` stays open for four-letter words.
 */
export interface TlsServerInfo extends TlsMaterial {
  /** Host of the secure port (`127.0.0.1`). */
  host: string;
  /** The `secureClientPort`. */
  port: number;
  /** `127.0.0.1:<secure port>`. */
  connectString: string;
  /** The server's `ssl.clientAuth`. */
  clientAuth: TlsClientAuth;
}

/** Options of a SASL test server (`startServer({ sasl })`). */
export interface SaslServerOptions {
  /** DIGEST-MD5 users: name → password. */
  users: Readonly<Record<string, string>>;
  /**
   * Require SASL from every client (`enforce.auth.enabled=true`,
   * `enforce.auth.schemes=sasl`). Default true; false only enables the provider.
   */
  enforce?: boolean;
}

/** The SASL side of a test server. */
export interface SaslServerInfo {
  /** The DIGEST-MD5 users the server accepts. */
  users: Readonly<Record<string, string>>;
  /** Whether the server refuses clients that do not authenticate with SASL. */
  enforced: boolean;
  /** The JAAS file passed with `-Djava.security.auth.login.config`. */
  jaasFile: string;
}

