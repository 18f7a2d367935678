import { Perms, joinPath, type Acl, type Stat, type ZooKeeperClient } from '@zookit/client';
import { parseChild, type TreeCache } from '@zookit/recipes';
import { hex, isText } from '../format.js';
import { contenders, holders, partitionerState, queueRows, serviceRows } from '../inspectors.js';
import { semaphoreAt } from '../semaphores.js';

// What the page reads. Tree listings come from the live TreeCache (no request to the
// server); a node's data and ACL are read from the server when it is opened.

/** Children listed per page of the tree (a node with 10,000 children is paged). */
export const PAGE_SIZE = 100;

/** A page of a node's children, sorted by name, each with its own children count. */
export function childrenPage(cache: TreeCache, path: string, offset: number, limit: number): Record<string, unknown> | undefined {
  const names = cache.children(path);
  if (names === undefined) return undefined;
  const sorted = [...names].sort();
  const children = sorted.slice(offset, offset + limit).map((name) => {
    const child = joinPath(path, name);
    const node = cache.get(child);
    const owner = node?.stat.ephemeralOwner ?? 0n;
    return { name, path: child, children: cache.children(child)?.length ?? 0, ephemeralOwner: owner === 0n ? null : hex(owner) };
  });
  return { path, total: sorted.length, offset, limit, children, stale: cache.stale };
}

/** A Stat in words: times as ISO dates, versions by name, zxids and the owner session in hex. */
function statWords(stat: Stat): Record<string, unknown> {
  return {
    created: new Date(stat.ctime).toISOString(), modified: new Date(stat.mtime).toISOString(),
    dataVersion: stat.version, childrenVersion: stat.cversion, aclVersion: stat.aversion,
    ephemeralOwner: stat.ephemeralOwner === 0n ? null : hex(stat.ephemeralOwner),
    dataLength: stat.dataLength, numChildren: stat.numChildren,
    createdZxid: hex(stat.czxid), modifiedZxid: hex(stat.mzxid), childrenZxid: hex(stat.pzxid),
  };
}

const PERM_LETTERS: Array<[number, string]> = [[Perms.CREATE, 'c'], [Perms.DELETE, 'd'], [Perms.READ, 'r'], [Perms.WRITE, 'w'], [Perms.ADMIN, 'a']];

/** An ACL entry as the page shows it (`digest` ids carry a hash, never a password). */
function aclWords(acl: Acl): Record<string, unknown> {
  return { scheme: acl.id.scheme, id: acl.id.id, perms: PERM_LETTERS.map(([bit, l]) => ((acl.perms & bit) !== 0 ? l : '-')).join('') };
}

/** A node's data (base64, plus the text when it is UTF-8), stat in words and ACL. */
export async function nodeDetail(zk: ZooKeeperClient, path: string): Promise<Record<string, unknown>> {
  const [{ data, stat }, { acls }] = await Promise.all([zk.get(path), zk.getAcls(path)]);
  return {
    path, base64: data.toString('base64'), text: isText(data) ? data.toString('utf8') : null,
    version: stat.version, stat: statWords(stat), acl: acls.map(aclWords),
  };
}

/** The recipe views the page offers. */
export type RecipeKind = 'lock' | 'election' | 'queue' | 'services' | 'partitioner';

/** The kinds, as the page's `kind` parameter names them. */
export const RECIPE_KINDS: readonly RecipeKind[] = ['lock', 'election', 'queue', 'services', 'partitioner'];

const QUEUE_ITEM = /^(entry-\d{3}-\d{10}|queue-\d{10})$/;

/** Which recipe layout the children of a node look like (undefined: none). */
export function detectRecipe(cache: TreeCache, path: string): RecipeKind | undefined {
  const names = cache.children(path) ?? [];
  if (names.includes('party') && names.includes('locks')) return 'partitioner'; // kazoo's SetPartitioner layout
  if (names.includes('entries') || names.some((n) => QUEUE_ITEM.test(n))) return 'queue';
  const parsed = names.map(parseChild).filter((c) => c !== undefined);
  const semaphore = names.includes('leases') || (names.length > 0 && names.every((n) => /^[0-9a-f]{32}$/.test(n)));
  if (semaphore) return 'lock';
  if (parsed.length > 0) return parsed.some((c) => c.name.includes('latch-')) || /elect|leader/i.test(path) ? 'election' : 'lock';
  if (/(^|\/)services$/.test(path) && names.length > 0) return 'services';
  return undefined;
}

/** A recipe view's rows (and, for a partitioner, its members): the CLI inspectors' reading code. */
export async function recipeView(zk: ZooKeeperClient, path: string, kind: RecipeKind): Promise<{ rows: Array<Record<string, unknown>>; members?: Array<Record<string, unknown>> }> {
  if (kind === 'partitioner') {
    const { members, items } = await partitionerState(zk, path);
    return {
      members: members.map((m) => ({ ...m, session: hex(m.session) })),
      rows: items.map((i) => ({ ...i, node: i.item, session: i.session === null ? null : hex(i.session), token: i.token?.toString() ?? null })),
    };
  }
  return { rows: await recipeRows(zk, path, kind) };
}

async function recipeRows(zk: ZooKeeperClient, path: string, kind: Exclude<RecipeKind, 'partitioner'>): Promise<Array<Record<string, unknown>>> {
  if (kind === 'services') {
    return (await serviceRows(zk, path)).map((r) => ({ ...r, session: hex(r.session) }));
  }
  if (kind === 'queue') {
    return (await queueRows(zk, path)).map((r) => ({ ...r, czxid: r.czxid.toString() }));
  }
  const semaphore = kind === 'lock' ? await semaphoreAt(zk, path, undefined) : undefined;
  if (semaphore) {
    return semaphore.rows.map((r) => ({ ...r, token: r.token.toString(), session: hex(r.session), since: null, layout: semaphore.layout, maxLeases: semaphore.maxLeases ?? null }));
  }
  const list = await contenders(zk, path);
  const held = holders(list, undefined);
  return list.map((c, i) => ({
    position: i,
    state: kind === 'election' ? (i === 0 ? 'LEADER' : 'candidate') : held.has(c.name) ? 'HOLDS' : 'waits',
    kind: c.kind, token: c.stat.czxid.toString(), session: hex(c.stat.ephemeralOwner),
    identifier: isText(c.data) ? c.data.toString('utf8') : `<${c.data.length} bytes>`,
    since: c.stat.ctime, naming: c.naming, node: c.name,
  }));
}
