import { readFileSync } from 'node:fs';
import type { ClientOptions, TlsOptions } from '@zookit/client';
import { UsageError } from './errors.js';

/** How to connect, from the global options and the environment. Secrets stay in here, never printed. */
export interface ConnectConfig {
  /** `host:port[,…][/chroot]`, or undefined when neither `--server` nor `ZOOKEEPER_CONNECT` gave one. */
  hosts: string | undefined;
  /** Session and connect timeout, ms. */
  timeout: number;
  /** Refuse every write client-side (and accept read-only servers). */
  readOnly: boolean;
  auth: Array<{ scheme: string; credential: string }>;
  sasl: { username: string; password: string } | undefined;
  tls: TlsOptions | undefined;
}

/** The global options as commander hands them over. */
export interface GlobalOptions {
  server?: string;
  timeout?: string;
  readonly?: boolean;
  auth?: string[];
  saslUser?: string;
  saslPasswordFile?: string;
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServername?: string;
}

/** Builds the connection config; bad values are UsageErrors. */
export function connectConfig(options: GlobalOptions, env: Record<string, string | undefined>): ConnectConfig {
  const hosts = options.server ?? (env['ZOOKEEPER_CONNECT'] || undefined);
  if (hosts !== undefined) checkHosts(hosts, '--server');
  const timeout = options.timeout === undefined ? 10_000 : Number(options.timeout);
  if (!Number.isInteger(timeout) || timeout < 100) throw new UsageError(`--timeout must be a whole number of milliseconds >= 100 (got "${options.timeout}")`);
  const auth = (options.auth ?? []).map(parseAuth);
  if ((options.saslUser === undefined) !== (options.saslPasswordFile === undefined)) {
    throw new UsageError('--sasl-user and --sasl-password-file go together');
  }
  const sasl = options.saslUser === undefined ? undefined : { username: options.saslUser, password: readSecret(options.saslPasswordFile!, '--sasl-password-file') };
  return { hosts, timeout, readOnly: options.readonly === true, auth, sasl, tls: tlsOptions(options) };
}

/** Checks a connect string's shape: `host:port[,host:port…][/chroot]`. */
export function checkHosts(hosts: string, what: string): void {
  const slash = hosts.indexOf('/');
  const list = slash === -1 ? hosts : hosts.slice(0, slash);
  const ok = list.split(',').every((h) => /^(\[[0-9a-fA-F:.]+\]|[^:\s/]+)(:\d{1,5})?$/.test(h));
  if (!ok || list === '') throw new UsageError(`${what} must be host:port[,host:port…][/chroot] (got "${hosts}")`);
}

/** `scheme:credential`, e.g. `digest:user:password`. */
function parseAuth(text: string): { scheme: string; credential: string } {
  const i = text.indexOf(':');
  if (i <= 0 || i === text.length - 1) throw new UsageError('--auth must be scheme:credential (e.g. digest:user:password)');
  return { scheme: text.slice(0, i), credential: text.slice(i + 1) };
}

function readSecret(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new UsageError(`${what}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function readFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`${what}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function tlsOptions(o: GlobalOptions): TlsOptions | undefined {
  if (!o.tls && !o.tlsCa && !o.tlsCert && !o.tlsKey) return undefined;
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const tls: TlsOptions = {};
  if (o.tlsCa) tls.ca = readFile(o.tlsCa, '--tls-ca');
  if (o.tlsCert) tls.cert = readFile(o.tlsCert, '--tls-cert');
  if (o.tlsKey) tls.key = readFile(o.tlsKey, '--tls-key');
  if (o.tlsServername) tls.servername = o.tlsServername;
  return tls;
}

/** The client options for `hosts` under `config`. */
export function clientOptions(config: ConnectConfig, hosts: string): ClientOptions {
  const options: ClientOptions = {
    hosts,
    sessionTimeout: config.timeout,
    connectTimeout: config.timeout,
    requestTimeout: config.timeout,
    readOnly: config.readOnly,
  };
  if (config.auth.length > 0) options.authData = config.auth;
  if (config.sasl) options.sasl = { mechanism: 'DIGEST-MD5', ...config.sasl };
  if (config.tls) options.tls = config.tls;
  return options;
}
