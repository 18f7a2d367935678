import { CreateFlag, OpCode, writeCreate } from '@zookit/protocol';
import { InvalidArgumentError } from './errors.js';
import { checkOptions, toData } from './config.js';
import { validatePath } from './paths.js';
import { prependChroot } from './chroot.js';
import type { MultiOp } from './transaction.js';
import type { Acl, CreateOptions } from './types.js';

const CREATE_KEYS = ['ephemeral', 'sequential', 'container', 'ttl', 'acl', 'makePath', 'withStat'] as const;
const MAX_TTL = 2 ** 40 - 1;

/**
 * Checks a create's arguments (InvalidArgumentError before anything is sent) and
 * builds the operation: create, create2, createContainer or createTTL.
 */
export function createOp(path: string, data: unknown, options: CreateOptions, chroot: string, defaultAcl: readonly Acl[]): MultiOp {
  checkOptions(options, CREATE_KEYS);
  const sequential = options.sequential === true;
  validatePath(path, sequential);
  const buf = toData(data);
  const acl = options.acl ?? defaultAcl;
  if (!Array.isArray(acl) || acl.length === 0) throw new InvalidArgumentError('acl', 'must be a non-empty array of ACL entries');
  const sp = prependChroot(chroot, path);
  if (options.ttl !== undefined) {
    if (!Number.isInteger(options.ttl) || options.ttl <= 0 || options.ttl > MAX_TTL) throw new InvalidArgumentError('ttl', `must be an integer in (0, ${MAX_TTL}]`);
    if (options.ephemeral || options.container) throw new InvalidArgumentError('ttl', 'cannot be combined with ephemeral or container');
    const flags = sequential ? CreateFlag.PERSISTENT_SEQUENTIAL_WITH_TTL : CreateFlag.PERSISTENT_WITH_TTL;
    const ttl = BigInt(options.ttl);
    return { type: OpCode.createTTL, op: 'create', path, write: (w) => writeCreate(w, sp, buf, acl, flags, ttl) };
  }
  if (options.container) {
    if (options.ephemeral || sequential) throw new InvalidArgumentError('container', 'cannot be ephemeral or sequential');
    return { type: OpCode.createContainer, op: 'create', path, write: (w) => writeCreate(w, sp, buf, acl, CreateFlag.CONTAINER) };
  }
  const flags = (options.ephemeral ? 1 : 0) | (sequential ? 2 : 0);
  return { type: options.withStat ? OpCode.create2 : OpCode.create, op: 'create', path, write: (w) => writeCreate(w, sp, buf, acl, flags) };
}
