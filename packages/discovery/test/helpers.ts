import { ZooKeeperClient } from '@zookit/client';
import { chrootClients } from '@zookit/testing/vitest';

/** Per-test harness: clients chrooted to one fresh path per test, optionally through a FaultProxy, closed after it. */
export const harness = () => chrootClients((config) => new ZooKeeperClient(config));

export { expireSharedSession as expire } from '@zookit/testing/vitest';

/** Resolves with the arguments of the next emission of `event` on `emitter` (bounded). */
export function next<T extends unknown[] = unknown[]>(emitter: object, event: string, timeout = 15_000): Promise<T> {
  const e = emitter as { once(event: string, fn: (...a: unknown[]) => void): unknown };
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no '${event}' within ${timeout} ms`)), timeout);
    e.once(event, (...a: unknown[]) => {
      clearTimeout(t);
      resolve(a as T);
    });
  });
}
