import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { ServerControlUnavailableError, ServerStartError, ZooKeeperNotFoundError } from './errors.js';
import { fourLetterWord, parseMode } from './four-letter-word.js';
import { allocatePorts } from './ports.js';
import { runAtExit } from './process-registry.js';
import { baseConfigLines, baseJvmArgs } from './server-args.js';
import type { ServerConfigOptions } from './server-config.js';
import type { ZooKeeperServer } from './server-types.js';

/** The image used when neither the `image` option nor `ZOOKIT_ZOOKEEPER_IMAGE` names one. */
export const DEFAULT_ZOOKEEPER_IMAGE = 'zookeeper:3.8';

/** Options of a container server (a subset of `StartServerOptions`). */
export interface ContainerServerOptions extends ServerConfigOptions {
  /** Image name; default `$ZOOKIT_ZOOKEEPER_IMAGE`, else {@link DEFAULT_ZOOKEEPER_IMAGE}. */
  image?: string;
}

type DockerEndpoint = { socketPath: string } | { host: string; port: number };

/** Where the Docker engine should be, from `DOCKER_HOST` or the default socket. */
function dockerEndpoint(): DockerEndpoint | undefined {
  const env = process.env['DOCKER_HOST'];
  if (env?.startsWith('unix://')) return { socketPath: env.slice('unix://'.length) };
  if (env?.startsWith('tcp://')) {
    const url = new URL(env.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  if (existsSync('/var/run/docker.sock')) return { socketPath: '/var/run/docker.sock' };
  return undefined;
}

/** Status code and body of `GET path` on the Docker engine, or undefined if it does not answer in 1.5 s. */
function dockerGet(path: string): Promise<{ status: number; body: string } | undefined> {
  const endpoint = dockerEndpoint();
  if (!endpoint) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const req = http.get({ ...endpoint, path, timeout: 1500 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** True if a Docker engine answers `GET /_ping` within 1.5 s. */
export async function dockerAvailable(): Promise<boolean> {
  return (await dockerGet('/_ping'))?.status === 200;
}

/** True if the engine has `image` locally. */
async function imagePresent(image: string): Promise<boolean> {
  return (await dockerGet(`/images/${encodeURIComponent(image)}/json`))?.status === 200;
}

/**
 * Disable testcontainers' Ryuk (its reaper container) when it could not run: the
 * ZooKeeper image is local and no Ryuk image is, i.e. a machine that builds its images
 * instead of pulling them. An explicit `TESTCONTAINERS_RYUK_DISABLED` always wins.
 * Without Ryuk, containers are removed by `stop()` and, if the process exits first, by
 * an exit hook (`docker rm -f`).
 */
async function chooseRyuk(image: string): Promise<boolean> {
  if (process.env['TESTCONTAINERS_RYUK_DISABLED'] !== undefined) return process.env['TESTCONTAINERS_RYUK_DISABLED'] !== 'true';
  const ryukRepo = (process.env['RYUK_CONTAINER_IMAGE'] ?? 'testcontainers/ryuk').replace(/:[^/:]*$/, '');
  const filters = encodeURIComponent(JSON.stringify({ reference: [ryukRepo] }));
  const ryukImages = await dockerGet(`/images/json?filters=${filters}`);
  const haveRyuk = ryukImages?.status === 200 && ryukImages.body.trim() !== '[]';
  if (haveRyuk || !(await imagePresent(image))) return true;
  process.env['TESTCONTAINERS_RYUK_DISABLED'] = 'true';
  return false;
}

/** `zkServer.sh start-foreground <cfg>` in the container, for the official image and Debian-built ones alike. */
const CONFIG_PATH = '/zookit/zoo.cfg';

/** Poll `srvr` until the server reports `standalone`, bounded by `timeoutMs`. */
async function waitStandalone(port: number, timeoutMs: number, logs: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answer = await fourLetterWord('127.0.0.1', port, 'srvr', 1000).catch(() => '');
    if (parseMode(answer) === 'standalone') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new ServerStartError(`container ZooKeeper on 127.0.0.1:${port} not ready within ${timeoutMs} ms`, await logs(), 'SERVER_START_TIMEOUT');
}

/** The container's last 40 log lines (for a start that failed), read for at most a second. */
async function lastLogLines(container: { logs(opts: { tail: number }): Promise<NodeJS.ReadableStream> }): Promise<string> {
  const chunks: string[] = [];
  const stream = await container.logs({ tail: 40 }).catch(() => undefined);
  if (!stream) return '(no container logs)';
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    stream.on('data', (chunk: Buffer | string) => chunks.push(String(chunk)));
    stream.on('end', () => (clearTimeout(timer), resolve()));
    stream.on('error', () => (clearTimeout(timer), resolve()));
  });
  return chunks.join('');
}

/**
 * Start a standalone ZooKeeper in a container with testcontainers (an optional peer).
 *
 * The container uses the host's network: ZooKeeper listens on a free loopback port,
 * like a local server, so no port mapping is involved and the port survives `restart()`.
 * The harness writes the `zoo.cfg` (same settings as a local server) and runs
 * `zkServer.sh start-foreground` with it, so any image with ZooKeeper's scripts on its
 * `PATH` works: the official `zookeeper` image, or one built by
 * `scripts/zookeeper-image.sh`. `stop()` and `kill()` remove the container; `restart()`
 * restarts it with its data; `pause()`/`resume()` throw `ServerControlUnavailableError`.
 */
export async function startContainerServer(options: ContainerServerOptions): Promise<ZooKeeperServer> {
  const image = options.image ?? process.env['ZOOKIT_ZOOKEEPER_IMAGE'] ?? DEFAULT_ZOOKEEPER_IMAGE;
  if (!(await dockerAvailable())) throw new ZooKeeperNotFoundError('source "container" requested but no Docker engine answered');
  let tc: typeof import('testcontainers');
  try {
    tc = await import('testcontainers');
  } catch {
    throw new ZooKeeperNotFoundError('a Docker engine answered but the optional peer dependency `testcontainers` is not installed');
  }
  await chooseRyuk(image);
  // Inside a container (/.dockerenv) testcontainers looks up the `bridge` network's
  // gateway to reach containers; with host networking (and `--bridge=none`) the
  // containers are on this host's loopback, so say so unless the user chose a host.
  if (existsSync('/.dockerenv')) process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';
  const [port] = await allocatePorts(1);
  const config = [...baseConfigLines(options, '/tmp/zookit-data', port!), ...(options.extraConfig ?? [])];
  const container = await new tc.GenericContainer(image)
    .withNetworkMode('host')
    .withCopyContentToContainer([{ content: `${config.join('\n')}\n`, target: CONFIG_PATH, mode: 0o644 }])
    .withEnvironment({ JVMFLAGS: baseJvmArgs(options).join(' ') })
    .withCommand(['zkServer.sh', 'start-foreground', CONFIG_PATH])
    .withStartupTimeout(options.startTimeoutMs ?? 60_000)
    .start();
  const id = container.getId();
  const untrack = runAtExit(() => void spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore', timeout: 10_000 }));
  const logs = (): Promise<string> => lastLogLines(container);
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  let stopped = false;
  const stopWith = async (timeout: number): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await container.stop({ timeout, remove: true });
    untrack();
  };
  try {
    await waitStandalone(port!, startTimeoutMs, logs);
  } catch (err) {
    await stopWith(0).catch(() => undefined);
    throw err;
  }
  return containerServer({
    id,
    port: port!,
    stop: () => stopWith(options.stopTimeoutMs ?? 5_000),
    kill: () => stopWith(0),
    restart: async () => {
      if (stopped) throw new Error('container ZooKeeper was stopped for good; start a new server');
      await container.restart({ timeout: options.stopTimeoutMs ?? 5_000 });
      await waitStandalone(port!, startTimeoutMs, logs);
    },
  });
}

interface ContainerControls {
  id: string;
  port: number;
  stop(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
}

/** The {@link ZooKeeperServer} view of a started container. */
function containerServer(c: ContainerControls): ZooKeeperServer & { readonly containerId: string } {
  const host = '127.0.0.1';
  const unavailable = (operation: string) => (): Promise<void> => Promise.reject(new ServerControlUnavailableError(operation, 'container'));
  return {
    containerId: c.id,
    host,
    port: c.port,
    connectString: `${host}:${c.port}`,
    dataDir: undefined,
    logFile: undefined,
    source: 'container',
    controllable: false,
    pid: undefined,
    paused: false,
    stop: c.stop,
    kill: c.kill,
    restart: c.restart,
    pause: unavailable('pause'),
    resume: unavailable('resume'),
    fourLetterWord: (cmd: string, timeoutMs?: number) => fourLetterWord(host, c.port, cmd, timeoutMs),
    [Symbol.asyncDispose]: c.stop,
  };
}
