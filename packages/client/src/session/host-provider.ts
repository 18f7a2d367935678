import type { HostPort } from '../config.js';

export type { HostPort };

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
