// Error reporting and isolated listener delivery shared by the discovery classes (not exported).
import type { EventEmitter } from 'eventemitter3';
import type { Logger, ZooKeeperClient } from '@zookit/client';

/**
 * Calls every listener of `event` through the client's `runCallback`: a throw or a
 * rejected promise is reported once (a `CallbackError` on the client's `'error'`) and never
 * stops the next listener nor reaches the caller.
 */
export function emitIsolated(
  emitter: EventEmitter<any>,
  zk: ZooKeeperClient,
  label: string,
  event: string,
  ...args: unknown[]
): void {
  for (const fn of emitter.listeners(event) as Array<(...a: unknown[]) => unknown>) {
    zk.runCallback(`${label} '${event}' listener`, fn.bind(emitter), ...args);
  }
}

/**
 * Reports a background failure: through the logger (or the console when there is neither
 * a logger nor an `'error'` listener, so nothing is lost silently), then on `'error'`.
 */
export function reportError(
  emitter: EventEmitter<any>,
  zk: ZooKeeperClient,
  logger: Logger | undefined,
  label: string,
  message: string,
  err: Error,
): void {
  if (logger?.warn) logger.warn(message, { error: err });
  else if (emitter.listenerCount('error') === 0) console.warn(`${message}: ${err.message}`);
  emitIsolated(emitter, zk, label, 'error', err);
}
