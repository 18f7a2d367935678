import { NoNodeError, joinPath, type Stat, type ZooKeeperClient } from '@zookit/client';
import { compareSeq, sortContenders, type ParsedChild } from '@zookit/recipes';
import { hex, preview } from './format.js';

// How the recipes' layouts are read (zookit's, Curator's, kazoo's): shared by the `locks`,
// `election`, `services` and `queue` commands and by the web console (`zk ui`).

async function getOrNull(zk: ZooKeeperClient, path: string): Promise<{ data: Buffer; stat: Stat } | undefined> {
  try {
    return await zk.get(path);
  } catch (err) {
    if (err instanceof NoNodeError) return undefined;
    throw err;
  }
}

async function childrenOrEmpty(zk: ZooKeeperClient, path: string): Promise<string[]> {
  try {
    return await zk.getChildren(path);
  } catch (err) {
    if (err instanceof NoNodeError) return [];
    throw err;
  }
}

/** A recipe node read from the server. */
export interface Contender extends ParsedChild {
  data: Buffer;
  stat: Stat;
  /** Who wrote it, from the name: Curator's `_c_<uuid>-` prefix (also zookit's default), kazoo's 32 hex digits. */
  naming: 'curator' | 'kazoo' | 'plain';
}

async function readNodes(zk: ZooKeeperClient, parent: string, names: readonly string[]): Promise<Array<{ name: string; data: Buffer; stat: Stat } | undefined>> {
  return Promise.all(names.map(async (name) => {
    try {
      const { data, stat } = await zk.get(joinPath(parent, name));
      return { name, data, stat };
    } catch (err) {
      if (err instanceof NoNodeError) return undefined; // gone meanwhile
      throw err;
    }
  }));
}

/** The contenders of a lock, election or latch at `path`, in queue order (the recipes' own naming rules). */
export async function contenders(zk: ZooKeeperClient, path: string): Promise<Contender[]> {
  const ordered = sortContenders(await zk.getChildren(path));
  const nodes = await readNodes(zk, path, ordered.map((c) => c.name));
  return ordered.flatMap((c, i) => {
    const n = nodes[i];
    if (!n) return [];
    const naming = c.name.startsWith('_c_') ? 'curator' : /^[0-9a-f]{32}/.test(c.name) ? 'kazoo' : 'plain';
    return [{ ...c, data: n.data, stat: n.stat, naming }];
  });
}

/** Which contenders hold: exclusive → the first; read locks → every read before the first writer; `leases` → the first n. */
export function holders(list: readonly Contender[], leases: number | undefined): Set<string> {
  if (leases !== undefined) return new Set(list.slice(0, leases).map((c) => c.name));
  const first = list[0];
  if (!first) return new Set();
  if (first.kind === 'exclusive') return new Set([first.name]);
  const firstWriter = list.findIndex((c) => c.kind === 'exclusive');
  return new Set(list.slice(0, firstWriter === -1 ? list.length : firstWriter).map((c) => c.name));
}

/** A Curator x-discovery instance (`<base>/<name>/<id>`, JSON by Curator's JsonInstanceSerializer). */
interface Instance {
  name?: string;
  id?: string;
  address?: string;
  port?: number | null;
  sslPort?: number | null;
  payload?: unknown;
  registrationTimeUTC?: number;
  serviceType?: string;
  uriSpec?: { parts?: Array<{ value: string; variable: boolean }> } | null;
  /** Written by zookit discovery (and Curator's non-compatible mode) when false: a disabled instance. */
  enabled?: boolean;
}

const uriText = (spec: Instance['uriSpec']): string => (spec?.parts ?? []).map((p) => (p.variable ? `{${p.value}}` : p.value)).join('');

/** One instance of a discovery registry (Curator x-discovery's JSON, zookit discovery's). */
export interface ServiceRow {
  name: string;
  id: string;
  address: string;
  port: number | null;
  sslPort: number | null;
  serviceType: string;
  registered: string;
  uri: string;
  payload: unknown;
  enabled: boolean;
  session: bigint;
}

/** The instances under `<base>/<name>` for each name (every service under `base` when `name` is not given). */
export async function serviceRows(zk: ZooKeeperClient, base: string, name?: string): Promise<ServiceRow[]> {
  const names = name !== undefined ? [name] : (await zk.getChildren(base)).sort();
  const rows: ServiceRow[] = [];
  for (const service of names) {
    const ids = (await childrenOrEmpty(zk, joinPath(base, service))).sort();
    const nodes = await Promise.all(ids.map((id) => getOrNull(zk, joinPath(joinPath(base, service), id))));
    ids.forEach((id, i) => {
      const node = nodes[i];
      if (!node) return;
      let inst: Instance = {};
      try {
        inst = JSON.parse(node.data.toString('utf8')) as Instance;
      } catch {
        // not an instance record: listed with what the node says
      }
      rows.push({
        name: inst.name ?? service, id: inst.id ?? id, address: inst.address ?? '', port: inst.port ?? null, sslPort: inst.sslPort ?? null,
        serviceType: inst.serviceType ?? '', registered: inst.registrationTimeUTC ? new Date(inst.registrationTimeUTC).toISOString() : '',
        uri: uriText(inst.uriSpec), payload: inst.payload ?? null, enabled: inst.enabled !== false, session: node.stat.ephemeralOwner,
      });
    });
  }
  return rows;
}

/** Curator's multi-item envelope (ItemSerializer): int 0x00010001, then (0x01, int length, bytes)*, then 0x02. */
function curatorItems(data: Buffer): Buffer[] | undefined {
  if (data.length < 5 || data.readInt32BE(0) !== 0x00010001) return undefined;
  const items: Buffer[] = [];
  let at = 4;
  while (at < data.length) {
    const op = data[at++];
    if (op === 0x02) return items;
    if (op !== 0x01 || at + 4 > data.length) return undefined;
    const len = data.readInt32BE(at);
    at += 4;
    if (len < 0 || at + len > data.length) return undefined;
    items.push(data.subarray(at, at + len));
    at += len;
  }
  return undefined;
}

export interface QueueRow {
  position: number;
  layout: string;
  node: string;
  priority: number | null;
  seq: number;
  state: string;
  takenBy: string;
  items: string[];
  czxid: bigint;
}

const KAZOO_ENTRY = /^entry-(\d{3})-(\d{10})$/;
const CURATOR_ITEM = /^queue-(\d{10})$/;

export async function queueRows(zk: ZooKeeperClient, path: string): Promise<QueueRow[]> {
  const children = await zk.getChildren(path);
  const locking = children.includes('entries');
  const dir = locking ? joinPath(path, 'entries') : path;
  const names = (locking ? await zk.getChildren(dir) : children).filter((c) => KAZOO_ENTRY.test(c) || CURATOR_ITEM.test(c));
  const taken = locking ? new Set(await childrenOrEmpty(zk, joinPath(path, 'taken'))) : new Set<string>();
  const parsed = names.map((name) => {
    const k = KAZOO_ENTRY.exec(name);
    if (k) return { name, priority: Number(k[1]), seq: Number(k[2]), layout: locking ? 'kazoo LockingQueue' : 'kazoo Queue' };
    return { name, priority: null, seq: Number(CURATOR_ITEM.exec(name)![1]), layout: 'Curator DistributedQueue' };
  });
  // kazoo takes the lowest priority number first, then the oldest; Curator goes by sequence.
  parsed.sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0) || compareSeq(a.seq, b.seq));
  const [nodes, owners] = await Promise.all([
    Promise.all(parsed.map((e) => getOrNull(zk, joinPath(dir, e.name)))),
    Promise.all(parsed.map((e) => (taken.has(e.name) ? getOrNull(zk, joinPath(joinPath(path, 'taken'), e.name)) : Promise.resolve(undefined)))),
  ]);
  return parsed.flatMap((e, i) => {
    const node = nodes[i];
    if (!node) return [];
    const owner = owners[i];
    const items = e.priority === null ? (curatorItems(node.data) ?? [node.data]) : [node.data];
    return [{
      position: i, layout: e.layout, node: e.name, priority: e.priority, seq: e.seq, state: owner ? 'taken' : 'ready',
      takenBy: owner ? `${owner.data.toString('utf8')} (session ${hex(owner.stat.ephemeralOwner)})` : '', items: items.map((b) => preview(b)), czxid: node.stat.czxid,
    }];
  });
}

/** A member of a SetPartitioner's party (kazoo's ShallowParty node `<uuid hex>-<identifier>`). */
interface PartitionMember {
  identifier: string;
  node: string;
  session: bigint;
  /** The items whose lock this member's session holds, sorted. */
  items: string[];
}

/** One item of a SetPartitioner (a `<path>/locks/<item>` lock): who holds it, who waits. */
interface PartitionItem {
  item: string;
  state: 'HOLDS' | 'free';
  /** The holding member's identifier (`session 0x…` when no party member has that session); '' when free. */
  holder: string;
  session: bigint | null;
  /** The holder's lock node czxid (its fencing token). */
  token: bigint | null;
  /** Who waits for the lock, in queue order (members' identifiers, or `session 0x…`). */
  waiters: string[];
}

/** A SetPartitioner (zookit's or kazoo's layout): its party and each item's lock. */
export interface PartitionerState {
  members: PartitionMember[];
  items: PartitionItem[];
}

async function contendersOrEmpty(zk: ZooKeeperClient, path: string): Promise<Contender[]> {
  try {
    return await contenders(zk, path);
  } catch (err) {
    if (err instanceof NoNodeError) return []; // the item's lock node went meanwhile
    throw err;
  }
}

/**
 * The members of the SetPartitioner at `path` (`<path>/party`) and, per item lock under
 * `<path>/locks`, its holder and waiters, matched to members by session. Only items ever
 * locked are known to ZooKeeper (the set itself is not stored).
 */
export async function partitionerState(zk: ZooKeeperClient, path: string): Promise<PartitionerState> {
  const partyPath = joinPath(path, 'party');
  const locksPath = joinPath(path, 'locks');
  const [partyNames, itemNames] = await Promise.all([childrenOrEmpty(zk, partyPath), childrenOrEmpty(zk, locksPath)]);
  const party = await readNodes(zk, partyPath, partyNames.sort());
  const members: PartitionMember[] = party.flatMap((n) => (n ? [{ identifier: n.name.slice(n.name.indexOf('-') + 1), node: n.name, session: n.stat.ephemeralOwner, items: [] }] : []));
  members.sort((a, b) => (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0));
  const who = (session: bigint): string => {
    const names = members.filter((m) => m.session === session).map((m) => m.identifier);
    return names.length > 0 ? names.join(', ') : `session ${hex(session)}`;
  };
  const sortedItems = itemNames.sort();
  const queues = await Promise.all(sortedItems.map((item) => contendersOrEmpty(zk, joinPath(locksPath, item))));
  const items = sortedItems.map((item, i): PartitionItem => {
    const list = queues[i]!;
    const held = holders(list, undefined);
    const holder = list.find((c) => held.has(c.name));
    if (holder) for (const m of members) if (m.session === holder.stat.ephemeralOwner) m.items.push(item);
    return {
      item, state: holder ? 'HOLDS' : 'free', holder: holder ? who(holder.stat.ephemeralOwner) : '', session: holder?.stat.ephemeralOwner ?? null,
      token: holder?.stat.czxid ?? null, waiters: list.filter((c) => !held.has(c.name)).map((c) => who(c.stat.ephemeralOwner)),
    };
  });
  return { members, items };
}
