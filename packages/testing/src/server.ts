import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ServerControlUnavailableError, ServerStartError, ZooKeeperNotFoundError } from './errors.js';
import { fourLetterWord } from './four-letter-word.js';
import { findLocalInstallation, type LocalInstallation } from './installation.js';
import { JvmProcess } from './jvm-process.js';
import { allocatePorts } from './ports.js';
import { baseConfigLines, baseJvmArgs, validateOptions, type ServerConfigOptions } from './server-config.js';
import { generateTlsMaterial, type TlsMaterial } from './tls.js';

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
  /** Client host (always `127.0.0.1` for local servers). */
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

/** Options for {@link startServer}. */
export interface StartServerOptions extends ServerConfigOptions {
  /**
   * Which source to use: `'auto'` (default: `ZOOKEEPER_CONNECT`, then a local
   * installation, then testcontainers if a Docker engine answers), `'local'` (only a
   * local JVM), or `'external'` (only `ZOOKEEPER_CONNECT`).
   */
  source?: 'auto' | 'local' | 'external';
  /**
   * Also open a TLS client port (`secureClientPort` on 127.0.0.1, Netty connection
   * factory) with certificates generated at start with `openssl`: `true`, or options.
   * Implies a local server.
   */
  tls?: boolean | TlsServerOptions;
  /** Enable SASL DIGEST-MD5 with these users (a JAAS file is written). Implies a local server. */
  sasl?: SaslServerOptions;
}

/** Modes a standalone server reports when it serves requests. */
const STANDALONE_READY_MODES = ['standalone'] as const;

/** Parameters of one locally run server JVM. */
export interface LocalServerInit {
  name: string;
  install: LocalInstallation;
  mainClass: string;
  dataDir: string;
  port: number;
  configLines: string[];
  jvmArgs: string[];
  readyModes: readonly string[];
  startTimeoutMs: number;
  stopTimeoutMs: number;
  /** Whether `stop()` is final and removes `dataDir` (standalone) or not (ensemble member). */
  finalStop: boolean;
  tls?: TlsServerInfo | undefined;
  sasl?: SaslServerInfo | undefined;
}

/** A server JVM started and controlled by this process. */
export class LocalServer implements ZooKeeperServer {
  readonly host = '127.0.0.1';
  readonly port: number;
  readonly connectString: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly configFile: string;
  readonly source = 'local' as const;
  readonly controllable = true;
  readonly tls: TlsServerInfo | undefined;
  readonly sasl: SaslServerInfo | undefined;
  private readonly jvm: JvmProcess;
  private disposed = false;

  constructor(private readonly init: LocalServerInit) {
    this.port = init.port;
    this.connectString = `${this.host}:${this.port}`;
    this.dataDir = init.dataDir;
    this.logFile = path.join(init.dataDir, 'server.log');
    this.configFile = path.join(init.dataDir, 'zoo.cfg');
    this.tls = init.tls;
    this.sasl = init.sasl;
    this.jvm = new JvmProcess({
      java: init.install.java,
      args: [...init.jvmArgs, '-cp', init.install.classpath, init.mainClass, this.configFile],
      logFile: this.logFile,
      host: this.host,
      port: this.port,
    });
  }

  get pid(): number | undefined {
    return this.jvm.pid;
  }

  get paused(): boolean {
    return this.jvm.isPaused;
  }

  /** True while the JVM runs. */
  get running(): boolean {
    return this.jvm.isRunning;
  }

  /** Write `zoo.cfg` and launch, without waiting. */
  async launch(): Promise<void> {
    if (this.disposed) throw new Error(`${this.init.name} was stopped for good; start a new server`);
    await writeFile(this.configFile, `${this.init.configLines.join('\n')}\n`);
    this.jvm.launch();
  }

  /** Wait until `srvr` reports one of the ready modes. */
  async waitReady(timeoutMs = this.init.startTimeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await this.jvm.waitReady(this.init.readyModes, timeoutMs, `${this.init.name} (${this.connectString})`);
    // The secure port is bound just after the plain one.
    if (this.tls) await waitListening(this.tls.host, this.tls.port, deadline, `${this.init.name} TLS port`);
  }

  async stop(): Promise<void> {
    await this.jvm.terminate(this.init.stopTimeoutMs);
    if (this.init.finalStop) await this.destroy();
  }

  async kill(): Promise<void> {
    await this.jvm.kill();
  }

  async restart(): Promise<void> {
    if (this.disposed) throw new Error(`${this.init.name} was stopped for good; start a new server`);
    await this.jvm.terminate(this.init.stopTimeoutMs);
    await this.launch();
    await this.waitReady();
  }

  async pause(): Promise<void> {
    await this.jvm.pause();
  }

  async resume(): Promise<void> {
    this.jvm.resume();
  }

  fourLetterWord(cmd: string, timeoutMs?: number): Promise<string> {
    return fourLetterWord(this.host, this.port, cmd, timeoutMs);
  }

  /** Kill if needed and remove the data directory. Idempotent. */
  async destroy(): Promise<void> {
    this.disposed = true;
    await this.jvm.kill();
    await rm(this.dataDir, { recursive: true, force: true, maxRetries: 3 });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.disposed) return;
    try {
      await this.jvm.terminate(this.init.stopTimeoutMs);
    } finally {
      await this.destroy();
    }
  }
}

/** A server this process does not control (from `ZOOKEEPER_CONNECT`). */
class ExternalServer implements ZooKeeperServer {
  readonly host: string;
  readonly port: number;
  readonly dataDir = undefined;
  readonly logFile = undefined;
  readonly pid = undefined;
  readonly paused = false;
  readonly source = 'external' as const;
  readonly controllable = false;

  /** @param connectString - `host:port[,host:port...][/chroot]` */
  constructor(readonly connectString: string) {
    const first = connectString.split('/')[0]?.split(',')[0]?.trim() ?? '';
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(first);
    this.host = m?.[1] ?? (first || '127.0.0.1');
    this.port = m?.[2] ? Number(m[2]) : 2181;
  }

  stop(): Promise<void> {
    return Promise.reject(new ServerControlUnavailableError('stop', this.source));
  }
  kill(): Promise<void> {
    return Promise.reject(new ServerControlUnavailableError('kill', this.source));
  }
  restart(): Promise<void> {
    return Promise.reject(new ServerControlUnavailableError('restart', this.source));
  }
  pause(): Promise<void> {
    return Promise.reject(new ServerControlUnavailableError('pause', this.source));
  }
  resume(): Promise<void> {
    return Promise.reject(new ServerControlUnavailableError('resume', this.source));
  }
  fourLetterWord(cmd: string, timeoutMs?: number): Promise<string> {
    return fourLetterWord(this.host, this.port, cmd, timeoutMs);
  }
  async [Symbol.asyncDispose](): Promise<void> {
    // Nothing to release: we did not start it.
  }
}

/** Standalone server main class. */
const STANDALONE_MAIN = 'org.apache.zookeeper.server.ZooKeeperServerMain';

/** Resolve once a TCP connect to host:port succeeds, bounded by `deadline`. */
async function waitListening(host: string, port: number, deadline: number, label: string): Promise<void> {
  for (let attempt = 0; attempt < 1000 && Date.now() < deadline; attempt++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      const t = setTimeout(() => (s.destroy(), resolve(false)), 1000);
      s.once('connect', () => (clearTimeout(t), s.destroy(), resolve(true)));
      s.once('error', () => (clearTimeout(t), resolve(false)));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new ServerStartError(`${label} ${host}:${port} not listening in time`, '', 'SERVER_START_TIMEOUT');
}

/** `user_<name>="<password>"` lines need names without spaces or quotes; passwords are escaped. */
function jaasServerSection(users: Readonly<Record<string, string>>): string {
  const lines = Object.entries(users).map(([name, password]) => {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new RangeError(`SASL user names must match [A-Za-z0-9_.-]+, got ${JSON.stringify(name)}`);
    if (/[\r\n]/.test(password)) throw new RangeError('SASL passwords must not contain newlines');
    return `  user_${name}="${password.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  });
  if (lines.length === 0) throw new RangeError('sasl.users must name at least one user');
  return `Server {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n${lines.join('\n')};\n};\n`;
}

/** zoo.cfg lines and JVM flags for the `tls` and `sasl` options; writes certificates and JAAS file into `dataDir`. */
async function securitySetup(
  options: StartServerOptions,
  dataDir: string,
  securePort: number | undefined,
): Promise<{ lines: string[]; jvmFlags: string[]; tls?: TlsServerInfo; sasl?: SaslServerInfo }> {
  const lines: string[] = [];
  const jvmFlags: string[] = [];
  let tls: TlsServerInfo | undefined;
  let sasl: SaslServerInfo | undefined;
  if (options.tls && securePort !== undefined) {
    const tlsOptions = options.tls === true ? {} : options.tls;
    const clientAuth = tlsOptions.clientAuth ?? 'none';
    if (!['none', 'want', 'need'].includes(clientAuth)) throw new RangeError(`tls.clientAuth must be none, want or need, got ${JSON.stringify(clientAuth)}`);
    const dir = path.join(dataDir, 'tls');
    await mkdir(dir, { mode: 0o700 });
    const material = await generateTlsMaterial(dir, tlsOptions.serverSubjectAltNames ? { serverSubjectAltNames: tlsOptions.serverSubjectAltNames } : {});
    lines.push(
      `secureClientPort=${securePort}`,
      // Mandatory: without it the secure port binds 0.0.0.0.
      'secureClientPortAddress=127.0.0.1',
      'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory',
      `ssl.keyStore.location=${material.serverKeyStoreFile}`,
      'ssl.keyStore.type=PEM',
      `ssl.trustStore.location=${material.caFile}`,
      'ssl.trustStore.type=PEM',
      `ssl.clientAuth=${clientAuth}`,
      'authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider',
    );
    tls = { ...material, host: '127.0.0.1', port: securePort, connectString: `127.0.0.1:${securePort}`, clientAuth };
  }
  if (options.sasl) {
    const jaasFile = path.join(dataDir, 'jaas.conf');
    await writeFile(jaasFile, jaasServerSection(options.sasl.users), { mode: 0o600 });
    jvmFlags.push(`-Djava.security.auth.login.config=${jaasFile}`);
    lines.push('authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider');
    const enforced = options.sasl.enforce ?? true;
    if (enforced) lines.push('enforce.auth.enabled=true', 'enforce.auth.schemes=sasl');
    sasl = { users: { ...options.sasl.users }, enforced, jaasFile };
  }
  return { lines, jvmFlags, ...(tls ? { tls } : {}), ...(sasl ? { sasl } : {}) };
}

async function startLocalStandalone(install: LocalInstallation, options: StartServerOptions): Promise<LocalServer> {
  const maxAttempts = 3;
  for (let attempt = 1; ; attempt++) {
    const [port, securePort] = await allocatePorts(options.tls ? 2 : 1);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zookit-zk-'));
    let security: Awaited<ReturnType<typeof securitySetup>>;
    try {
      security = await securitySetup(options, dataDir, securePort);
    } catch (err) {
      await rm(dataDir, { recursive: true, force: true });
      throw err;
    }
    const server = new LocalServer({
      name: 'standalone ZooKeeper',
      install,
      mainClass: STANDALONE_MAIN,
      dataDir,
      port: port!,
      configLines: [...baseConfigLines(options, dataDir, port!), ...security.lines, ...(options.extraConfig ?? [])],
      jvmArgs: [...baseJvmArgs(options), ...security.jvmFlags],
      readyModes: STANDALONE_READY_MODES,
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 5_000,
      finalStop: true,
      tls: security.tls,
      sasl: security.sasl,
    });
    try {
      await server.launch();
      await server.waitReady();
      return server;
    } catch (err) {
      await server.destroy().catch(() => undefined);
      if (err instanceof ServerStartError && err.code === 'PORT_IN_USE' && attempt < maxAttempts) continue;
      throw err;
    }
  }
}

/**
 * Start a standalone ZooKeeper server on a free loopback port with its own temporary data
 * directory, and wait until it serves (`srvr` reports `Mode: standalone`).
 *
 * Source order (with `source: 'auto'`): `ZOOKEEPER_CONNECT` (returns a server whose
 * controls throw {@link ServerControlUnavailableError}); a local installation (`ZOOKEEPER_HOME`, else Debian's
 * `/usr/share/java`); the `zookeeper:3.8` image via testcontainers if a Docker engine
 * answers.
 *
 * @example
 * ```ts
 * await using zk = await startServer({ extendedTypesEnabled: true });
 * console.log(zk.connectString); // 127.0.0.1:41234
 * ```
 * @throws {@link ZooKeeperNotFoundError} if no source is available
 * @throws {@link ServerStartError} if the JVM does not become ready (message has the log tail)
 */
export async function startServer(options: StartServerOptions = {}): Promise<ZooKeeperServer> {
  validateOptions(options);
  const source = options.source ?? 'auto';
  const external = process.env['ZOOKEEPER_CONNECT']?.trim();
  const secured = Boolean(options.tls || options.sasl);
  if (secured && source === 'external') throw new RangeError('tls and sasl need a server started here; they cannot be used with source "external"');
  if (source !== 'local' && external && !secured) return new ExternalServer(external);
  if (source === 'external') throw new ZooKeeperNotFoundError('source "external" requested but ZOOKEEPER_CONNECT is not set');
  const install = findLocalInstallation();
  if (install) return startLocalStandalone(install, options);
  if (source === 'auto' && !secured) {
    const { dockerAvailable, startContainerServer } = await import('./container.js');
    if (await dockerAvailable()) return startContainerServer(options);
  }
  throw new ZooKeeperNotFoundError('no /usr/share/java/zookeeper.jar, ZOOKEEPER_HOME is unset, and no Docker engine answered');
}
