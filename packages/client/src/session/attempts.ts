import { ConnectionLossError, ConnectTimeoutError, TlsCertificateError } from '../errors.js';
import type { HostPort } from '../config.js';
import type { HostProvider } from './host-provider.js';

const INITIAL_RECONNECT_DELAY = 50;

/**
 * Bookkeeping of connection attempts: when the current one started, how many
 * failed in a row (for the backoff), each host's last failure (for the error of
 * a start() that times out), and the TLS refusals that make waiting pointless.
 */
export class ConnectAttempts {
  readonly #hosts: HostProvider;
  readonly #maxDelay: number;
  #startedAt = 0;
  #failures = 0;
  #certFailures = 0;
  #lastError: Error | undefined;
  readonly #byHost = new Map<string, Error>();

  constructor(hosts: HostProvider, maxDelay: number) {
    this.#hosts = hosts;
    this.#maxDelay = maxDelay;
  }

  get lastError(): Error | undefined {
    return this.#lastError;
  }

  set lastError(error: Error | undefined) {
    this.#lastError = error;
  }

  began(): void {
    this.#startedAt = performance.now();
  }

  /** How long the attempt in progress may take: the connect timeout shared among the hosts, at least 1 s. */
  overdue(now: number, connectTimeout: number, sessionTimeout: number): number | undefined {
    const limit = Math.max(1000, Math.min(connectTimeout, sessionTimeout / this.#hosts.size));
    return now - this.#startedAt > limit ? limit : undefined;
  }

  /** A session was established: the slate is clean. */
  succeeded(): void {
    this.#failures = 0;
    this.#certFailures = 0;
    this.#lastError = undefined;
    this.#byHost.clear();
  }

  /**
   * An attempt on `host` failed before a session: returns the delay before the next
   * one, or a TlsCertificateError when every host refused our TLS view of it and
   * no session was ever had (a misconfiguration that waiting will not fix).
   */
  failed(host: HostPort | null, err: Error | undefined, everConnected: boolean): number | TlsCertificateError {
    if (!err) {
      const where = `${host?.host}:${host?.port}`;
      err = new ConnectionLossError({ op: 'connect' }, `${where} closed the connection during the handshake (a TLS port reached without TLS, or a server refusing this client)`);
    }
    this.#lastError = err;
    if (host) this.#byHost.set(`${host.host}:${host.port}`, err);
    this.#failures++;
    this.#certFailures = isCertificateError(err) ? this.#certFailures + 1 : 0;
    if (this.#certFailures >= this.#hosts.size && !everConnected) {
      return new TlsCertificateError(`every server's TLS certificate was refused: ${err.message}`, { cause: err });
    }
    const cycles = Math.floor(this.#failures / this.#hosts.size);
    return this.#failures % this.#hosts.size !== 0 ? 0 : backoff(cycles, this.#maxDelay);
  }

  /** The error of a start() that gave up after `timeout` ms. */
  timeoutError(timeout: number): ConnectTimeoutError {
    const failures = [...this.#byHost].map(([host, error]) => ({ host, error }));
    return new ConnectTimeoutError(timeout, this.#hosts.list(), this.#lastError, failures);
  }
}

/** Node's codes for a server certificate that did not verify. */
function isCertificateError(err: Error | undefined): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_GET_ISSUER/.test(code));
}

/** Exponential backoff with jitter in [50%, 100%] of the step, capped. */
function backoff(cycles: number, max: number): number {
  const step = Math.min(max, INITIAL_RECONNECT_DELAY * 2 ** Math.min(cycles, 16));
  return Math.round(step * (0.5 + Math.random() * 0.5));
}
