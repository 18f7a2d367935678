import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ServerControlUnavailableError, ServerStartError, ZooKeeperNotFoundError } from './errors.js';
import { fourLetterWord } from './four-letter-word.js';
import { findLocalInstallation, type LocalInstallation } from './installation.js';
import { JvmProcess } from './jvm-process.js';
import { allocatePorts } from './ports.js';
import { baseConfigLines, baseJvmArgs, validateOptions, type ServerConfigOptions } from './server-config.js';

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
}

/** Options for {@link startServer}. */
export interface StartServerOptions extends ServerConfigOptions {
  /**
   * Which source to use: `'auto'` (default: `ZOOKEEPER_CONNECT`, then a local
   * installation, then testcontainers if a Docker engine answers), `'local'` (only a
   * local JVM), or `'external'` (only `ZOOKEEPER_CONNECT`).
   */
  source?: 'auto' | 'local' | 'external';
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
  private readonly jvm: JvmProcess;
  private disposed = false;

  constructor(private readonly init: LocalServerInit) {
    this.port = init.port;
    this.connectString = `${this.host}:${this.port}`;
    this.dataDir = init.dataDir;
    this.logFile = path.join(init.dataDir, 'server.log');
    this.configFile = path.join(init.dataDir, 'zoo.cfg');
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
    await this.jvm.waitReady(this.init.readyModes, timeoutMs, `${this.init.name} (${this.connectString})`);
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
    this.jvm.pause();
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
export class ExternalServer implements ZooKeeperServer {
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
export const STANDALONE_MAIN = 'org.apache.zookeeper.server.ZooKeeperServerMain';

async function startLocalStandalone(install: LocalInstallation, options: StartServerOptions): Promise<LocalServer> {
  const maxAttempts = 3;
  for (let attempt = 1; ; attempt++) {
    const [port] = await allocatePorts(1);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zookit-zk-'));
    const server = new LocalServer({
      name: 'standalone ZooKeeper',
      install,
      mainClass: STANDALONE_MAIN,
      dataDir,
      port: port!,
      configLines: [...baseConfigLines(options, dataDir, port!), ...(options.extraConfig ?? [])],
      jvmArgs: baseJvmArgs(options),
      readyModes: STANDALONE_READY_MODES,
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 5_000,
      finalStop: true,
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
 * Source order (with `source: 'auto'`): `ZOOKEEPER_CONNECT` (returns a non-controllable
 * {@link ExternalServer}); a local installation (`ZOOKEEPER_HOME`, else Debian's
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
  if (source !== 'local' && external) return new ExternalServer(external);
  if (source === 'external') throw new ZooKeeperNotFoundError('source "external" requested but ZOOKEEPER_CONNECT is not set');
  const install = findLocalInstallation();
  if (install) return startLocalStandalone(install, options);
  if (source === 'auto') {
    const { dockerAvailable, startContainerServer } = await import('./container.js');
    if (await dockerAvailable()) return startContainerServer(options);
  }
  throw new ZooKeeperNotFoundError('no /usr/share/java/zookeeper.jar, ZOOKEEPER_HOME is unset, and no Docker engine answered');
}
