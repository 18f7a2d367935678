import type { ZooKeeperClient } from '@zookit/client';
import { decideExclusive, decideRead } from './contender.js';
import { setLockSpec } from './lock-kind.js';
import { Lock, type LockOptions } from './lock.js';

/**
 * A read/write lock (kazoo's `ReadLock`/`WriteLock`, Curator's `InterProcessReadWriteLock`)
 * on one path: any number of readers, or one writer. A reader waits only for writers
 * queued ahead of it; a writer waits for everyone ahead. Each side is a {@link Lock}.
 *
 * ```ts
 * const rw = new ReadWriteLock(zk, '/locks/table');
 * await using lease = await rw.readLock.acquire();
 * ```
 */
export class ReadWriteLock {
  /** Shared side: nodes `__READ__` (Curator) or `__rlock__` (kazoo). */
  readonly readLock: Lock;
  /** Exclusive side: nodes `__WRIT__` (Curator) or `__lock__` (kazoo). */
  readonly writeLock: Lock;

  constructor(zk: ZooKeeperClient, path: string, options: LockOptions = {}) {
    const read = { kind: { role: 'read', decide: decideRead }, watchesChildren: false, recipe: 'ReadLock' } as const;
    const write = { kind: { role: 'write', decide: decideExclusive }, watchesChildren: false, recipe: 'WriteLock' } as const;
    this.readLock = setLockSpec(new Lock(zk, path, options), read);
    this.writeLock = setLockSpec(new Lock(zk, path, options), write);
  }
}
