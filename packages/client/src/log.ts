import type { Logger } from './options.js';

/**
 * Calls one level of the user's logger, if it has that level. A logger that throws
 * must not break the client: its throw is swallowed. Returns whether a line was logged.
 */
export function logSafely(logger: Logger | undefined, level: keyof Logger, message: string, meta?: Record<string, unknown>): boolean {
  const fn = logger?.[level];
  if (!fn) return false;
  try {
    fn.call(logger, message, meta);
    return true;
  } catch {
    return false;
  }
}
