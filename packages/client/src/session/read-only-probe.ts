import net from 'node:net';
import type { HostPort } from '../config.js';
import type { HostProvider } from './host-provider.js';

/**
 * While on a read-only server, looks for a read-write one with the `isro`
 * four-letter word, backing off from 100 ms to 60 s (as the Java client does).
 */
export class ReadWriteProbe {
  readonly #hosts: HostProvider;
  #probing = false;
  #delay = 50;
  #next = 0;
  #index = 0;

  constructor(hosts: HostProvider) {
    this.#hosts = hosts;
  }

  /** A new connection: the next probe may go at once. */
  reset(): void {
    this.#delay = 50;
    this.#next = 0;
  }

  /** Probes the next other host when one is due; `found` gets a host that answered `rw`. */
  maybeProbe(now: number, current: HostPort | null, found: (host: HostPort) => void): void {
    if (this.#probing || now < this.#next) return;
    const candidates = this.#hosts.others(current);
    if (candidates.length === 0) return;
    const target = candidates[this.#index++ % candidates.length]!;
    this.#probing = true;
    this.#delay = Math.min(60_000, this.#delay * 2);
    this.#next = now + this.#delay;
    void probeReadWrite(target, Math.min(1000, this.#delay)).then((rw) => {
      this.#probing = false;
      if (rw) found(target);
    });
  }
}

/** Asks a server with `isro` whether it serves writes; false on any failure. */
function probeReadWrite(target: HostPort, timeout: number): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect({ host: target.host, port: target.port });
    const done = (rw: boolean) => {
      socket.destroy();
      resolve(rw);
    };
    socket.setTimeout(timeout, () => done(false));
    socket.on('connect', () => socket.write('isro'));
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('end', () => done(answer.trim() === 'rw'));
    socket.on('error', () => done(false));
  });
}
