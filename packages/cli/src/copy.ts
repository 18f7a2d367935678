import PQueue from 'p-queue';
import { NoNodeError, OPEN_ACL_UNSAFE, RolledBackError, Perms, parentOf, type Acl, type Stat, type ZooKeeperClient } from '@zookit/client';
import { CliError } from './errors.js';
import { relativePath, underRoot, walk } from './walk.js';

/** One node of a dump: its path, data (base64) and ACL. */
export interface DumpRecord {
  path: string;
  /** The node's data, base64. */
  data: string;
  acl: Array<{ perms: number; scheme: string; id: string }>;
}

/** The first line of a dump file. */
export interface DumpHeader {
  format: 'zk-dump';
  version: 1;
  /** The dumped subtree's root. */
  root: string;
}

/**
 * Ephemeral nodes belong to a session and are never copied. (The server reports 0 as the
 * owner of container and TTL nodes, so those are copied as plain persistent nodes.)
 */
function isEphemeral(stat: Stat): boolean {
  return stat.ephemeralOwner !== 0n;
}

/** Reads the subtree at `root` as dump records, parents first; ephemeral nodes skipped. */
export async function readTree(zk: ZooKeeperClient, root: string, signal?: AbortSignal): Promise<DumpRecord[]> {
  const nodes = await walk(zk, root, { data: true, acls: true, ...(signal ? { signal } : {}) });
  if (nodes.length === 0) throw new NoNodeError({ op: 'getChildren', path: root });
  return nodes.filter((n) => !isEphemeral(n.stat)).map((n) => ({
    path: n.path,
    data: n.data!.toString('base64'),
    acl: n.acls!.map((a) => ({ perms: a.perms, scheme: a.id.scheme, id: a.id.id })),
  }));
}

/** A dump file's text: the header line, then one JSON line per record. */
export function dumpText(root: string, records: readonly DumpRecord[]): string {
  const header: DumpHeader = { format: 'zk-dump', version: 1, root };
  return [header, ...records].map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** Parses a dump file's text: the header, then one record per line. */
export function parseDump(text: string, file: string): { header: DumpHeader; records: DumpRecord[] } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const parse = (line: string, n: number): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      throw new CliError(`${file}:${n + 1}: not a JSON line`);
    }
  };
  const header = parse(lines[0] ?? '', 0) as Partial<DumpHeader>;
  if (header.format !== 'zk-dump' || header.version !== 1 || typeof header.root !== 'string') throw new CliError(`${file}: not a zk dump (no zk-dump header line)`);
  const records = lines.slice(1).map((l, i) => {
    const r = parse(l, i + 1) as Partial<DumpRecord>;
    if (typeof r.path !== 'string' || typeof r.data !== 'string' || !Array.isArray(r.acl)) throw new CliError(`${file}:${i + 2}: a record needs path, data and acl`);
    return r as DumpRecord;
  });
  return { header: header as DumpHeader, records };
}

/** What restoring one record does on the target. */
type Action = 'create' | 'update-data' | 'update-acl' | 'update' | 'unchanged';

/** A planned restore: per node its target path and action, and the transactions for the writes. */
export interface Plan {
  steps: Array<{ path: string; action: Action; record: DumpRecord }>;
  /** Creates and data updates, grouped into transactions each under the frame limit. */
  batches: Array<Array<{ path: string; record: DumpRecord; op: 'create' | 'set' }>>;
  /** ACLs set after the batches (nodes whose own ACL would forbid creating their children, and ACL updates). */
  acls: Array<{ path: string; acl: Acl[] }>;
  /** With `prune`: target nodes the source does not have, deepest first (ephemeral ones are left alone). */
  deletes: string[];
}

/** Budget of one transaction in bytes: below the server's 1 MiB `jute.maxbuffer` with room for framing. */
const BATCH_BYTES = 1_000_000;
/** At most this many operations per transaction. */
const BATCH_OPS = 2_000;

const toAcl = (r: DumpRecord): Acl[] => r.acl.map((a) => ({ perms: a.perms, id: { scheme: a.scheme, id: a.id } }));
const sameAcl = (a: readonly Acl[], b: readonly Acl[]) =>
  a.length === b.length && a.every((x, i) => x.perms === b[i]!.perms && x.id.scheme === b[i]!.id.scheme && x.id.id === b[i]!.id.id);
const opBytes = (path: string, r: DumpRecord) =>
  48 + Buffer.byteLength(path) + Math.ceil((r.data.length * 3) / 4) + r.acl.reduce((n, a) => n + 16 + Buffer.byteLength(a.scheme) + Buffer.byteLength(a.id), 0);
const worldCanCreate = (acl: readonly Acl[]) => acl.some((a) => a.id.scheme === 'world' && a.id.id === 'anyone' && (a.perms & Perms.CREATE) !== 0);

/** Compares `records` (from `fromRoot`) with the target under `toRoot` and plans the writes. */
export async function plan(zk: ZooKeeperClient, records: readonly DumpRecord[], fromRoot: string, toRoot: string, options: { prune?: boolean } = {}): Promise<Plan> {
  const targets = records.map((r) => underRoot(toRoot, relativePath(fromRoot, r.path)));
  const queue = new PQueue({ concurrency: 128 });
  const existing = await Promise.all(targets.map((path) => queue.add(async () => {
    try {
      const [{ data }, { acls }] = await Promise.all([zk.get(path), zk.getAcls(path)]);
      return { data, acls };
    } catch (err) {
      if (err instanceof NoNodeError) return undefined;
      throw err;
    }
  })));
  const hasChildren = new Set(targets.map((t) => parentOf(t)));
  const result: Plan = { steps: [], batches: [], acls: [], deletes: [] };
  let batch: Plan['batches'][number] = [];
  let bytes = 0;
  const add = (path: string, record: DumpRecord, op: 'create' | 'set') => {
    const size = opBytes(path, record);
    if (batch.length > 0 && (bytes + size > BATCH_BYTES || batch.length >= BATCH_OPS)) {
      result.batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push({ path, record, op });
    bytes += size;
  };
  records.forEach((record, i) => {
    const path = targets[i]!;
    const now = existing[i];
    const acl = toAcl(record);
    if (!now) {
      add(path, record, 'create');
      if (hasChildren.has(path) && !worldCanCreate(acl)) result.acls.push({ path, acl });
      result.steps.push({ path, action: 'create', record });
      return;
    }
    const dataDiffers = !now.data.equals(Buffer.from(record.data, 'base64'));
    const aclDiffers = !sameAcl(now.acls, acl);
    if (dataDiffers) add(path, record, 'set');
    if (aclDiffers) result.acls.push({ path, acl });
    const action: Action = dataDiffers && aclDiffers ? 'update' : dataDiffers ? 'update-data' : aclDiffers ? 'update-acl' : 'unchanged';
    result.steps.push({ path, action, record });
  });
  if (batch.length > 0) result.batches.push(batch);
  if (options.prune) result.deletes = await extras(zk, new Set(targets), toRoot);
  return result;
}

/** Nodes under `toRoot` not in `keep`, deepest first; ephemeral nodes (someone's session) are kept. */
async function extras(zk: ZooKeeperClient, keep: ReadonlySet<string>, toRoot: string): Promise<string[]> {
  const nodes = await walk(zk, toRoot);
  const ephemeral = nodes.filter((n) => isEphemeral(n.stat)).map((n) => n.path);
  // Neither an ephemeral node nor any node above one can go.
  const holdsEphemeral = (path: string) => ephemeral.some((e) => e === path || e.startsWith(`${path}/`));
  return nodes
    .filter((n) => !keep.has(n.path) && !holdsEphemeral(n.path))
    .sort((a, b) => b.depth - a.depth)
    .map((n) => n.path);
}

/** Applies a plan: the parent of the target root, then each transaction in order, then the ACLs. */
export async function apply(zk: ZooKeeperClient, p: Plan, toRoot: string, signal?: AbortSignal): Promise<void> {
  if (toRoot !== '/') await zk.ensurePath(parentOf(toRoot));
  const deferred = new Set(p.acls.map((a) => a.path));
  for (const batch of p.batches) {
    signal?.throwIfAborted();
    const tx = zk.transaction();
    for (const { path, record, op } of batch) {
      const data = Buffer.from(record.data, 'base64');
      if (op === 'set') tx.setData(path, data);
      else tx.create(path, data, { acl: deferred.has(path) ? OPEN_ACL_UNSAFE : toAcl(record) });
    }
    const results = await tx.commit();
    const failed = results.find((r) => r instanceof Error && !(r instanceof RolledBackError));
    if (failed instanceof Error) throw failed;
  }
  await Promise.all(p.acls.map(({ path, acl }) => zk.setAcls(path, acl)));
  await deleteDeepestFirst(zk, p.deletes);
}

/** Deletes `paths` (deepest first), a level at a time, pipelined; nodes already gone are fine. */
async function deleteDeepestFirst(zk: ZooKeeperClient, paths: readonly string[]): Promise<void> {
  const depth = (path: string) => path.split('/').length;
  for (let i = 0; i < paths.length;) {
    const level = depth(paths[i]!);
    let j = i;
    while (j < paths.length && depth(paths[j]!) === level) j++;
    await Promise.all(paths.slice(i, j).map((path) => zk.delete(path).catch((err: unknown) => {
      if (!(err instanceof NoNodeError)) throw err;
    })));
    i = j;
  }
}

/** Copies the subtree `fromRoot` of `from` to `toRoot` on `to`; returns the plan it carried out (or would, with `dryRun`). */
export async function copyTree(from: ZooKeeperClient, fromRoot: string, to: ZooKeeperClient, toRoot: string, options: { dryRun?: boolean; prune?: boolean; signal?: AbortSignal } = {}): Promise<Plan> {
  const records = await readTree(from, fromRoot, options.signal);
  const p = await plan(to, records, fromRoot, toRoot, { prune: options.prune === true });
  if (!options.dryRun) await apply(to, p, toRoot, options.signal);
  return p;
}
