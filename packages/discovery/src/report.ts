// Background-failure reporting shared by the discovery classes (not exported from the entry).
import type { Logger } from '@zookit/client';

/** How an owner reports a background failure: {@link logFailure}, then its `'error'` event. */
type Reporter = (message: string, err: Error) => void;

const reporters = new WeakMap<object, Reporter>();

/**
 * Logs a background failure: through the logger, or the console when there is neither a
 * logger nor an `'error'` listener, so nothing is lost silently. The caller then emits it.
 */
export function logFailure(logger: Logger | undefined, errorListeners: number, message: string, err: Error): void {
  if (logger?.warn) logger.warn(message, { error: err });
  else if (errorListeners === 0) console.warn(`${message}: ${err.message}`);
}

/** Lets other discovery classes report failures through `owner` without a public method. */
export function setReporter(owner: object, reporter: Reporter): void {
  reporters.set(owner, reporter);
}

/** Reports `err` through `owner`'s reporter (see {@link setReporter}). */
export function reportThrough(owner: object, message: string, err: Error): void {
  reporters.get(owner)?.(message, err);
}
