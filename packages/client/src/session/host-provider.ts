import { InvalidArgumentError } from '../errors.js';
import { validatePath } from '../paths.js';

/** One server address. */
export interface HostPort {
  host: string;
  port: number;
}

/** A parsed connect string: `host:port,host:port/chroot`. */
export interface ConnectString {
  hosts: HostPort[];
  chroot: string;
}

/** Parses `h1:2181,[::1]:2182/app`; the port defaults to 2181. */
export function parseConnectString(hosts: string): ConnectString {
  if (typeof hosts !== 'string' || hosts.trim() === '') throw new InvalidArgumentError('hosts', 'must be a non-empty string');
  const slash = hosts.indexOf('/');
  let chroot = slash === -1 ? '' : hosts.slice(slash);
  const list = slash === -1 ? hosts : hosts.slice(0, slash);
  if (chroot === '/') chroot = '';
  if (chroot) validatePath(chroot, false, 'hosts (chroot)');
  const out: HostPort[] = [];
  for (const raw of list.split(',')) {
    const part = raw.trim();
    if (!part) continue;
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
    if (!host || !Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new InvalidArgumentError('hosts', `bad address "${part}"`);
    }
    out.push({ host, port });
  }
  if (out.length === 0) throw new InvalidArgumentError('hosts', 'names no server');
  return { hosts: out, chroot };
}

/** Hands out hosts round-robin from a list shuffled once. */
export class HostProvider {
  readonly #hosts: HostPort[];
  #next = 0;

  constructor(hosts: HostPort[], randomize = true) {
    this.#hosts = [...hosts];
    if (randomize) {
      for (let i = this.#hosts.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [this.#hosts[i], this.#hosts[j]] = [this.#hosts[j]!, this.#hosts[i]!];
      }
    }
  }

  get size(): number {
    return this.#hosts.length;
  }

  /** Hands out `host` next (a read-write server found by a probe). */
  prefer(host: HostPort): void {
    const i = this.#hosts.findIndex((h) => h.host === host.host && h.port === host.port);
    if (i >= 0) this.#next = i;
  }

  /** All hosts but `current`, in list order starting after it. */
  others(current: HostPort | null): HostPort[] {
    return this.#hosts.filter((h) => h !== current);
  }

  next(): HostPort {
    const h = this.#hosts[this.#next % this.#hosts.length]!;
    this.#next = (this.#next + 1) % this.#hosts.length;
    return h;
  }

  list(): string[] {
    return this.#hosts.map((h) => (h.host.includes(':') ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`));
  }
}
