// The client's options checked and resolved into what the session runs with, and the
// argument checks the operations share (not exported from the entry).
import { InvalidArgumentError } from './errors.js';
import type { ClientOptions, Logger, SaslOptions, SessionCredentials, TlsOptions } from './options.js';
import { validatePath } from './paths.js';

/** The connect string when `hosts` is not given. */
export const DEFAULT_HOSTS = '127.0.0.1:2181';

const DEFAULTS = {
  hosts: DEFAULT_HOSTS,
  sessionTimeout: 10_000,
  connectTimeout: 15_000,
  maxFrameSize: 4 * 1024 * 1024,
  maxRequestSize: 0xfffff,
  maxReconnectDelay: 2_000,
} as const;

/** One server address. */
export interface HostPort {
  host: string;
  port: number;
}

/** The options the session runs with, checked and with their defaults. */
export interface SessionConfig {
  hosts: HostPort[];
  chroot: string;
  sessionTimeout: number;
  connectTimeout: number;
  requestTimeout: number;
  readOnly: boolean;
  maxFrameSize: number;
  maxRequestSize: number;
  maxReconnectDelay: number;
  randomizeHosts: boolean;
  tls: TlsOptions | undefined;
  logger: Logger | undefined;
  sasl: SaslOptions | undefined;
  resume: { sessionId: bigint; password: Buffer } | undefined;
}

const CLIENT_KEYS = [
  'hosts', 'sessionTimeout', 'connectTimeout', 'requestTimeout', 'readOnly', 'defaultAcl', 'authData',
  'maxFrameSize', 'maxRequestSize', 'maxReconnectDelay', 'randomizeHosts', 'tls', 'logger', 'sasl', 'session',
];

/** Checks every client option (InvalidArgumentError on the first bad one) and fills in the defaults. */
export function resolveOptions(options: ClientOptions): SessionConfig {
  checkOptions(options, CLIENT_KEYS);
  checkSaslOptions(options.sasl);
  const { hosts, chroot } = parseConnectString(options.hosts ?? DEFAULTS.hosts);
  const sessionTimeout = checkDuration(options.sessionTimeout, 'sessionTimeout', 1) ?? DEFAULTS.sessionTimeout;
  return {
    hosts,
    chroot,
    sessionTimeout,
    connectTimeout: checkDuration(options.connectTimeout, 'connectTimeout', 1) ?? DEFAULTS.connectTimeout,
    requestTimeout: checkDuration(options.requestTimeout, 'requestTimeout') ?? sessionTimeout,
    readOnly: options.readOnly ?? false,
    maxFrameSize: checkDuration(options.maxFrameSize, 'maxFrameSize', 1024) ?? DEFAULTS.maxFrameSize,
    maxRequestSize: checkDuration(options.maxRequestSize, 'maxRequestSize', 64) ?? DEFAULTS.maxRequestSize,
    maxReconnectDelay: checkDuration(options.maxReconnectDelay, 'maxReconnectDelay') ?? DEFAULTS.maxReconnectDelay,
    randomizeHosts: options.randomizeHosts ?? true,
    tls: options.tls,
    logger: options.logger,
    sasl: options.sasl ? { ...options.sasl } : undefined,
    resume: checkSession(options.session),
  };
}

function checkSession(session: SessionCredentials | undefined): SessionConfig['resume'] {
  if (session === undefined) return undefined;
  checkOptions(session, ['id', 'password'], 'session');
  if (typeof session.id !== 'bigint' || session.id <= 0n) throw new InvalidArgumentError('session.id', 'must be a positive bigint');
  if (!(session.password instanceof Uint8Array) || session.password.length !== 16) throw new InvalidArgumentError('session.password', 'must be 16 bytes');
  return { sessionId: session.id, password: Buffer.from(session.password) };
}

function checkSaslOptions(sasl: SaslOptions | undefined): void {
  if (sasl === undefined) return;
  if (sasl.mechanism !== 'DIGEST-MD5') throw new InvalidArgumentError('sasl.mechanism', 'only DIGEST-MD5 is supported');
  if (typeof sasl.username !== 'string' || !sasl.username) throw new InvalidArgumentError('sasl.username', 'must be a non-empty string');
  if (typeof sasl.password !== 'string') throw new InvalidArgumentError('sasl.password', 'must be a string');
}

/** Parses `h1:2181,[::1]:2182/app`; the port defaults to 2181. */
function parseConnectString(hosts: string): { hosts: HostPort[]; chroot: string } {
  if (typeof hosts !== 'string' || hosts.trim() === '') throw new InvalidArgumentError('hosts', 'must be a non-empty string');
  const slash = hosts.indexOf('/');
  let chroot = slash === -1 ? '' : hosts.slice(slash);
  if (chroot === '/') chroot = '';
  if (chroot) validatePath(chroot, false, 'hosts (chroot)');
  const out = (slash === -1 ? hosts : hosts.slice(0, slash)).split(',').map((p) => p.trim()).filter(Boolean).map(parseHostPort);
  if (out.length === 0) throw new InvalidArgumentError('hosts', 'names no server');
  return { hosts: out, chroot };
}

function parseHostPort(part: string): HostPort {
  let host: string;
  let portText: string | undefined;
  if (part.startsWith('[')) {
    const end = part.indexOf(']');
    if (end === -1) throw new InvalidArgumentError('hosts', `bad IPv6 address "${part}"`);
    host = part.slice(1, end);
    portText = part[end + 1] === ':' ? part.slice(end + 2) : undefined;
  } else {
    const colon = part.lastIndexOf(':');
    host = colon === -1 ? part : part.slice(0, colon);
    portText = colon === -1 ? undefined : part.slice(colon + 1);
  }
  const port = portText === undefined ? 2181 : Number(portText);
  if (!host || !Number.isInteger(port) || port <= 0 || port > 65535) throw new InvalidArgumentError('hosts', `bad address "${part}"`);
  return { host, port };
}

/** Throws InvalidArgumentError when `options` has a key not in `allowed`. */
export function checkOptions(options: object | undefined, allowed: readonly string[], argument = 'options'): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object') throw new InvalidArgumentError(argument, 'must be an object');
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new InvalidArgumentError(argument, `unknown option "${key}"`);
  }
}

export function checkDuration(value: unknown, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidArgumentError(name, `must be a number of milliseconds >= ${min}`);
  }
  return value;
}

export function checkVersion(value: unknown, name = 'version'): number {
  if (value === undefined) return -1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -1 || value > 0x7fffffff) {
    throw new InvalidArgumentError(name, 'must be an integer >= -1');
  }
  return value;
}

/** Node data from a Buffer, Uint8Array or string (UTF-8). */
export function toData(data: unknown, argument = 'data'): Buffer {
  if (data === undefined || data === null) return EMPTY;
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new InvalidArgumentError(argument, 'must be a Buffer, Uint8Array or string');
}

const EMPTY = Buffer.alloc(0);
