import PQueue from 'p-queue';
import { NoNodeError, joinPath, type Acl, type Stat, type ZooKeeperClient } from '@zookit/client';
import { InterruptedError } from './errors.js';

/** One node of a walked subtree. */
export interface WalkNode {
  path: string;
  /** Depth below the walk's root (root = 0). */
  depth: number;
  stat: Stat;
  children: string[];
  data?: Buffer;
  acls?: Acl[];
}

/** Options of {@link walk}. */
export interface WalkOptions {
  /** Also read each node's data. */
  data?: boolean;
  /** Also read each node's ACL. */
  acls?: boolean;
  /** Skip the `/zookeeper` system subtree (default true). */
  skipSystem?: boolean;
  /** Stop at this depth below the root. */
  maxDepth?: number;
  signal?: AbortSignal;
}

/** Requests in flight at once while walking (pipelined on one connection). */
const CONCURRENCY = 64;

/**
 * Reads the subtree at `root`, requests pipelined (at most 64 in flight), and returns
 * it in depth-first order with children sorted by name (parents before children).
 * Nodes deleted during the walk are left out.
 */
export async function walk(zk: ZooKeeperClient, root: string, options: WalkOptions = {}): Promise<WalkNode[]> {
  const queue = new PQueue({ concurrency: CONCURRENCY });
  const found = new Map<string, WalkNode>();
  const skipSystem = options.skipSystem ?? true;
  const visit = async (path: string, depth: number): Promise<void> => {
    if (options.signal?.aborted) return;
    const node = await readNode(zk, path, depth, options);
    if (!node) return;
    found.set(path, node);
    if (options.maxDepth !== undefined && depth >= options.maxDepth) {
      node.children = node.children.sort();
      return;
    }
    node.children.sort();
    for (const child of node.children) {
      const childPath = joinPath(path, child);
      if (skipSystem && childPath === '/zookeeper') continue;
      void queue.add(() => visit(childPath, depth + 1));
    }
  };
  const rootVisit = queue.add(() => visit(root, 0));
  await rootVisit;
  await queue.onIdle();
  if (options.signal?.aborted) throw new InterruptedError();
  const out: WalkNode[] = [];
  const emit = (path: string) => {
    const node = found.get(path);
    if (!node) return;
    out.push(node);
    for (const c of node.children) emit(joinPath(path, c));
  };
  emit(root);
  return out;
}

async function readNode(zk: ZooKeeperClient, path: string, depth: number, options: WalkOptions): Promise<WalkNode | undefined> {
  try {
    const [list, got, acl] = await Promise.all([
      zk.getChildren(path, { includeStat: true }),
      options.data ? zk.get(path) : undefined,
      options.acls ? zk.getAcls(path) : undefined,
    ]);
    const node: WalkNode = { path, depth, stat: got?.stat ?? list.stat, children: list.children };
    if (got) node.data = got.data;
    if (acl) node.acls = acl.acls;
    return node;
  } catch (err) {
    if (err instanceof NoNodeError) return undefined;
    throw err;
  }
}

/** `path` relative to `root` (`/` for the root itself). */
export function relativePath(root: string, path: string): string {
  if (path === root) return '/';
  return root === '/' ? path : path.slice(root.length);
}

/** `rel` (from {@link relativePath}) under `root`. */
export function underRoot(root: string, rel: string): string {
  if (rel === '/') return root;
  return root === '/' ? rel : root + rel;
}
