// The ZooKeeper side of an example run: a fresh base path of its own, removed afterwards.
import { randomBytes } from 'node:crypto';
import { ZooKeeperClient } from '@zookit/client';
import { withTimeout } from './processes.mjs';

/** A base path no other run uses: `/zookit-examples/<name>-<8 hex digits>`. */
export function scratchPath(name) {
  return `/zookit-examples/${name}-${randomBytes(4).toString('hex')}`;
}

/**
 * Deletes `base` and everything under it, best effort and bounded (5 s, its own session):
 * after an abort the servers may be gone already, and a run's result never depends on it.
 */
export async function removeScratch(connectString, base) {
  const zk = new ZooKeeperClient({ hosts: connectString, connectTimeout: 5_000 });
  try {
    await withTimeout(
      zk.start().then(() => zk.delete(base, { recursive: true })),
      5_000,
    );
  } catch {
    // best effort
  } finally {
    await zk.stop();
  }
}
