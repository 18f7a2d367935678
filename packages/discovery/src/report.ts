// Error reporting and isolated listener delivery shared by the discovery classes (not exported).
import type { EventEmitter } from 'eventemitter3';
import type { Logger } from '@zookit/client';

/**
 * Calls every listener of `event` in its own try: a throw or a rejected promise is
 * logged and never stops the next listener nor reaches the caller.
 */
export function emitIsolated<E extends EventEmitter.ValidEventTypes>(
  emitter: EventEmitter<E>,
  event: EventEmitter.EventNames<E>,
  logger: Logger | undefined,
  ...args: unknown[]
): void {
  for (const fn of emitter.listeners(event) as Array<(...a: unknown[]) => unknown>) {
    try {
      const r = fn.apply(emitter, args);
      if (r && typeof (r as Promise<unknown>).then === 'function') {
        (r as Promise<unknown>).then(undefined, (err: unknown) => logListenerFailure(logger, String(event), err));
      }
    } catch (err) {
      logListenerFailure(logger, String(event), err);
    }
  }
}

function logListenerFailure(logger: Logger | undefined, event: string, err: unknown): void {
  const message = `discovery: a '${event}' listener threw`;
  if (logger?.error) logger.error(message, { error: err });
  else console.error(message, err);
}

/**
 * Reports a background failure: through the logger (or the console when there is neither
 * a logger nor an `'error'` listener, so nothing is lost silently), then on `'error'`.
 */
export function reportError(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  emitter: EventEmitter<any>,
  logger: Logger | undefined,
  message: string,
  err: Error,
): void {
  if (logger?.warn) logger.warn(message, { error: err });
  else if (emitter.listenerCount('error') === 0) console.warn(`${message}: ${err.message}`);
  emitIsolated(emitter, 'error' as never, logger, err);
}
