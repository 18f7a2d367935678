// How the contenders' own nodes are named, per role and naming scheme. Not exported.
import { randomUUID } from 'node:crypto';
import type { Naming } from './node-names.js';

/** Node names per recipe role, for each naming scheme. */
export const NODE_NAMES = {
  lock: { curator: 'lock-', kazoo: '__lock__' },
  read: { curator: '__READ__', kazoo: '__rlock__' },
  write: { curator: '__WRIT__', kazoo: '__lock__' },
  latch: { curator: 'latch-', kazoo: '__lock__' },
} as const;

/** The role of a contender node (picks its name). */
export type NodeRole = keyof typeof NODE_NAMES;

/**
 * A fresh per-attempt prefix: Curator's `_c_<uuid>-` or kazoo's 32 hex digits. The full
 * node name is `<prefix><nodeName>` and the server appends the sequence number.
 */
export function attemptPrefix(naming: Naming): string {
  const uuid = randomUUID();
  return naming === 'kazoo' ? uuid.replaceAll('-', '') : `_c_${uuid}-`;
}
