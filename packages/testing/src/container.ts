import { existsSync } from 'node:fs';
import http from 'node:http';
import { ServerControlUnavailableError, ZooKeeperNotFoundError } from './errors.js';
import { fourLetterWord } from './four-letter-word.js';
import { DEFAULT_FOUR_LETTER_WORDS, type ServerConfigOptions } from './server-config.js';
import type { ZooKeeperServer } from './server.js';

/** Where the Docker engine should be, from `DOCKER_HOST` or the default socket. */
function dockerEndpoint(): { socketPath: string } | { host: string; port: number } | undefined {
  const env = process.env['DOCKER_HOST'];
  if (env?.startsWith('unix://')) return { socketPath: env.slice('unix://'.length) };
  if (env?.startsWith('tcp://')) {
    const url = new URL(env.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  if (existsSync('/var/run/docker.sock')) return { socketPath: '/var/run/docker.sock' };
  return undefined;
}

/** True if a Docker engine answers `GET /_ping` within 1.5 s. */
export async function dockerAvailable(): Promise<boolean> {
  const endpoint = dockerEndpoint();
  if (!endpoint) return false;
  return new Promise<boolean>((resolve) => {
    const req = http.get({ ...endpoint, path: '/_ping', timeout: 1500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * Start the official `zookeeper:3.8` image with testcontainers (an optional dependency).
 * Only `stop()`/`kill()` and four-letter words are supported; `pause`, `resume` and
 * `restart` throw {@link ServerControlUnavailableError} (the mapped port could change).
 */
export async function startContainerServer(options: ServerConfigOptions): Promise<ZooKeeperServer> {
  let tc: typeof import('testcontainers');
  try {
    tc = await import('testcontainers');
  } catch {
    throw new ZooKeeperNotFoundError('a Docker engine answered but the optional dependency `testcontainers` is not installed');
  }
  const javaFlags = ['-Dfile.encoding=UTF-8'];
  if (options.extendedTypesEnabled) javaFlags.push('-Dzookeeper.extendedTypesEnabled=true');
  if (options.readOnly) javaFlags.push('-Dreadonlymode.enabled=true');
  javaFlags.push(...(options.jvmFlags ?? []));
  const container = await new tc.GenericContainer('zookeeper:3.8')
    .withExposedPorts(2181)
    .withEnvironment({
      ZOO_TICK_TIME: String(options.tickTime ?? 200),
      ZOO_4LW_COMMANDS_WHITELIST: options.fourLetterWords ?? DEFAULT_FOUR_LETTER_WORDS,
      ZOO_ADMINSERVER_ENABLED: 'false',
      ZOO_CFG_EXTRA: [
        `minSessionTimeout=${options.minSessionTimeout ?? 400}`,
        `maxSessionTimeout=${options.maxSessionTimeout ?? 60000}`,
        ...(options.extraConfig ?? []),
      ].join(' '),
      JVMFLAGS: javaFlags.join(' '),
    })
    .withWaitStrategy(tc.Wait.forListeningPorts())
    .withStartupTimeout(options.startTimeoutMs ?? 60_000)
    .start();
  const host = container.getHost();
  const port = container.getMappedPort(2181);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await container.stop();
  };
  return {
    host,
    port,
    connectString: `${host}:${port}`,
    dataDir: undefined,
    logFile: undefined,
    source: 'container',
    controllable: false,
    pid: undefined,
    paused: false,
    stop,
    kill: stop,
    restart: () => Promise.reject(new ServerControlUnavailableError('restart', 'container')),
    pause: () => Promise.reject(new ServerControlUnavailableError('pause', 'container')),
    resume: () => Promise.reject(new ServerControlUnavailableError('resume', 'container')),
    fourLetterWord: (cmd: string, timeoutMs?: number) => fourLetterWord(host, port, cmd, timeoutMs),
    [Symbol.asyncDispose]: stop,
  };
}
