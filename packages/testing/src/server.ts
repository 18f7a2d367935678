import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ServerControlUnavailableError, ServerStartError, ZooKeeperNotFoundError } from './errors.js';
import { fourLetterWord } from './four-letter-word.js';
import { findLocalInstallation, type LocalInstallation } from './installation.js';
import { JvmProcess } from './jvm-process.js';
import { allocatePorts } from './ports.js';
import { dockerAvailable, startContainerServer } from './container.js';
import { baseConfigLines, baseJvmArgs, validateOptions } from './server-args.js';
import type { ServerConfigOptions } from './server-config.js';
import type {
  SaslServerInfo,
  SaslServerOptions,
  ServerSource,
  TlsServerInfo,
  TlsServerOptions,
  ZooKeeperServer,
} from './server-types.js';
import { generateTlsMaterial } from './tls.js';

export type {
  SaslServerInfo,
  SaslServerOptions,
  ServerSource,
  TlsClientAuth,
  TlsServerInfo,
  TlsServerOptions,
  ZooKeeperServer,
} from './server-types.js';

/** Options for {@link startServer}. */
export interface StartServerOptions extends ServerConfigOptions {
  /**
   * Which source to use: `'auto'` (default: `ZOOKEEPER_CONNECT`, then a local
   * installation, then a container if a Docker engine answers), `'local'` (only a
   * local JVM), `'external'` (only `ZOOKEEPER_CONNECT`) or `'container'` (only Docker,
   * through the optional peer `testcontainers`).
   */
  source?: ServerSource | 'auto';
  /**
   * The container image (source `'container'`, or `'auto'` falling back to Docker):
   * default `$ZOOKIT_ZOOKEEPER_IMAGE`, else the official `zookeeper:3.8`. Any image whose
   * `PATH` has ZooKeeper's `zkServer.sh` works (see `scripts/zookeeper-image.sh`).
   */
  image?: string;
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
  /** Client address (default `127.0.0.1`); a namespace address for `network: 'namespaces'`. */
  host?: string;
  /** Command prefix the JVM runs under (`ip netns exec NS`). */
  launcher?: readonly string[];
  /** Source address of the harness's own four-letter words. */
  localAddress?: string;
}

/** A server JVM started and controlled by this process. */
export class LocalServer implements ZooKeeperServer {
  readonly host: string;
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
    this.host = init.host ?? '127.0.0.1';
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
      ...(init.launcher ? { launcher: init.launcher } : {}),
      ...(init.localAddress ? { localAddress: init.localAddress } : {}),
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
    return fourLetterWord(this.host, this.port, cmd, timeoutMs, this.init.localAddress);
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
 * `/usr/share/java`); a container (`image`, default `$ZOOKIT_ZOOKEEPER_IMAGE` or
 * `zookeeper:3.8`) through testcontainers if a Docker engine answers.
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
  if (secured && (source === 'external' || source === 'container')) {
    throw new RangeError(`tls and sasl need a local server; they cannot be used with source "${source}"`);
  }
  if (source === 'container') return startContainerServer(options);
  if (source !== 'local' && external && !secured) return new ExternalServer(external);
  if (source === 'external') throw new ZooKeeperNotFoundError('source "external" requested but ZOOKEEPER_CONNECT is not set');
  const install = findLocalInstallation();
  if (install) return startLocalStandalone(install, options);
  if (source === 'auto' && !secured && (await dockerAvailable())) return startContainerServer(options);
  throw new ZooKeeperNotFoundError('no /usr/share/java/zookeeper.jar, ZOOKEEPER_HOME is unset, and no Docker engine answered');
}
