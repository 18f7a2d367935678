import { NoNodeError, NodeExistsError, NotEmptyError } from './errors.js';
import { joinPath } from './paths.js';
import { prependChroot } from './chroot.js';
import type { Stat } from './types.js';

/** The operations the tree helpers need from the client. */
export interface TreeOps {
  chroot: string;
  exists(path: string): Promise<Stat | null>;
  getChildren(path: string): Promise<string[]>;
  /** Creates a node without data (server path), failing with NodeExistsError when it is there. */
  createEmpty(serverPath: string): Promise<void>;
  deleteNode(path: string, version: number): Promise<void>;
}

/** Creates `path` and every missing parent, without data; resolves when it exists. */
export async function ensurePath(ops: TreeOps, path: string): Promise<void> {
  const full = prependChroot(ops.chroot, path);
  if (full === '/') return;
  if (ops.chroot && (await ops.exists(path)) !== null) return;
  // Every prefix in one pipelined burst: the server applies them in order.
  const prefixes: string[] = [];
  for (let i = full.indexOf('/', 1); i !== -1; i = full.indexOf('/', i + 1)) prefixes.push(full.slice(0, i));
  prefixes.push(full);
  const results = await Promise.allSettled(prefixes.map((sp) => ops.createEmpty(sp)));
  const last = results[results.length - 1]!;
  if (last.status === 'fulfilled' || last.reason instanceof NodeExistsError) return;
  const first = results.find((r) => r.status === 'rejected' && !(r.reason instanceof NodeExistsError)) as PromiseRejectedResult;
  throw first.reason;
}

/** Deletes `path` and its subtree, children first, tolerating nodes that vanish meanwhile (bounded rounds). */
export async function deleteTree(ops: TreeOps, path: string, version: number): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    let children: string[];
    try {
      children = await ops.getChildren(path);
    } catch (err) {
      if (err instanceof NoNodeError) return;
      throw err;
    }
    await Promise.all(children.map((c) => deleteTree(ops, joinPath(path, c), -1)));
    if (path === '/') return;
    try {
      await ops.deleteNode(path, version);
      return;
    } catch (err) {
      if (err instanceof NoNodeError) return;
      if (!(err instanceof NotEmptyError)) throw err;
      // A child appeared meanwhile: go round again.
    }
  }
  throw new NotEmptyError({ op: 'delete', path }, `NOTEMPTY: ${path} (delete): children kept appearing`);
}
