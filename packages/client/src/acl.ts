import { createHash } from 'node:crypto';
import type { Acl, Id } from './types.js';

/** Permission bits. */
export const Perms = {
  READ: 1,
  WRITE: 2,
  CREATE: 4,
  DELETE: 8,
  ADMIN: 16,
  ALL: 31,
} as const;
export type Perms = (typeof Perms)[keyof typeof Perms];

/** `world:anyone`. */
export const ANYONE_ID_UNSAFE: Id = Object.freeze({ scheme: 'world', id: 'anyone' });
/** The identity of whoever is authenticated on the session (`auth:`). */
export const AUTH_IDS: Id = Object.freeze({ scheme: 'auth', id: '' });

/** Everyone may do everything. */
export const OPEN_ACL_UNSAFE: readonly Acl[] = Object.freeze([Object.freeze({ perms: Perms.ALL, id: ANYONE_ID_UNSAFE })]);
/** Only the creator's authenticated identities may do anything. */
export const CREATOR_ALL_ACL: readonly Acl[] = Object.freeze([Object.freeze({ perms: Perms.ALL, id: AUTH_IDS })]);
/** Everyone may read. */
export const READ_ACL_UNSAFE: readonly Acl[] = Object.freeze([Object.freeze({ perms: Perms.READ, id: ANYONE_ID_UNSAFE })]);

/** Builds an ACL entry; `perms` is a permission mask or a list of names. */
export function makeAcl(scheme: string, id: string, perms: number | ReadonlyArray<keyof typeof Perms>): Acl {
  const mask = typeof perms === 'number' ? perms : perms.reduce((m, p) => m | Perms[p], 0);
  return { perms: mask, id: { scheme, id } };
}

/**
 * The digest id ZooKeeper stores for `user:password`: `user:base64(sha1(user:password))`.
 * The hash is unsalted: treat it as a secret too.
 */
export function digestId(username: string, password: string): string {
  const hash = createHash('sha1').update(`${username}:${password}`, 'utf8').digest('base64');
  return `${username}:${hash}`;
}

/** A digest ACL entry for `username` with `password`. */
export function makeDigestAcl(username: string, password: string, perms: number | ReadonlyArray<keyof typeof Perms> = Perms.ALL): Acl {
  return makeAcl('digest', digestId(username, password), perms);
}
