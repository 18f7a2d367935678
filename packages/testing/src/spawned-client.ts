import { ZooKitTestingError } from './errors.js';
import type { NetEndpoint } from './netns.js';

/** A spawned client did not send the awaited message in time, or exited first. */
export class SpawnedClientError extends ZooKitTestingError {
  /** @param message - what was awaited and the client's stderr tail */
  constructor(message: string) {
    super('SPAWNED_CLIENT_FAILED', message);
  }
}

/** How a spawned client's process ended. */
export interface SpawnedClientExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A Node process running in a network namespace of its own, started by
 * `NamespaceEnsemble.spawnClient`. It talks to the test over Node's IPC channel:
 * `process.send(message)` in the script arrives in {@link messages} and
 * {@link waitFor}; {@link send} reaches `process.on('message')` there.
 */
export interface SpawnedClient extends NetEndpoint {
  /** The network namespace it runs in. */
  readonly namespace: string;
  /** Every message received so far, in order (bounded). */
  readonly messages: unknown[];
  /** Resolves when the process has exited. */
  readonly exited: Promise<SpawnedClientExit>;
  /** PID of the client's Node process while it runs. */
  readonly pid: number | undefined;
  /** The last 16 KiB of its stderr. */
  readonly stderr: string;
  /** Send a message to the script (`process.on('message')`); ignored once it exited. */
  send(message: unknown): void;
  /**
   * The first message (received before or after this call) for which `predicate` holds.
   * @throws {@link SpawnedClientError} after `timeoutMs` (default 30 s) or if the process exits first
   */
  waitFor<T = unknown>(predicate: (message: T) => boolean, timeoutMs?: number): Promise<T>;
  /** SIGTERM, SIGKILL after `graceMs` (default 3 s); resolves once it exited. */
  stop(graceMs?: number): Promise<SpawnedClientExit>;
}
