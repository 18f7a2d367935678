import { NoNodeError, joinPath, type Stat, type ZooKeeperClient } from '@zookit/client';
import { compareSeq } from '@zookit/recipes';
import { isText } from '../format.js';
import { pathArg, register, type CommandSpec } from '../registry.js';

const hex = (v: bigint) => `0x${v.toString(16)}`;
const preview = (data: Buffer, max = 50): string => {
  if (!isText(data)) return `<${data.length} bytes>`;
  const s = data.toString('utf8').replace(/\s+/g, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

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

const services: CommandSpec = {
  name: 'services',
  summary: 'Service instances registered with Curator x-discovery (or zookit discovery): address, port, payload, session',
  args: '[name]',
  options: [{ flags: '-b, --base <path>', description: 'the registry base path (default /services)' }],
  async run(ctx, [n], o) {
    const base = pathArg((o['base'] as string | undefined) ?? '/services', '--base');
    const zk = await ctx.client();
    const names = typeof n === 'string' ? [n] : (await zk.getChildren(base)).sort();
    const rows: Array<Record<string, unknown>> = [];
    for (const name of names) {
      const ids = (await childrenOrEmpty(zk, joinPath(base, name))).sort();
      const nodes = await Promise.all(ids.map((id) => getOrNull(zk, joinPath(joinPath(base, name), id))));
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
          name: inst.name ?? name, id: inst.id ?? id, address: inst.address ?? '', port: inst.port ?? null, sslPort: inst.sslPort ?? null,
          serviceType: inst.serviceType ?? '', registered: inst.registrationTimeUTC ? new Date(inst.registrationTimeUTC).toISOString() : '',
          uri: uriText(inst.uriSpec), payload: inst.payload ?? null, enabled: inst.enabled !== false, session: node.stat.ephemeralOwner,
        });
      });
    }
    if (ctx.out.json) return void rows.forEach((r) => ctx.out.emit(r));
    if (rows.length === 0) return ctx.out.note(`no instances under ${base}${typeof n === 'string' ? `/${n}` : ''}`);
    ctx.out.table(rows.map((r) => ({ ...r, id: r['enabled'] ? r['id'] : `${String(r['id'])} (disabled)`, port: r['port'] ?? '', sslPort: r['sslPort'] ?? '', session: hex(r['session'] as bigint), payload: r['payload'] === null ? '' : JSON.stringify(r['payload']) })), [
      ['name', 'NAME'], ['id', 'ID'], ['address', 'ADDRESS'], ['port', 'PORT'], ['sslPort', 'SSL'], ['serviceType', 'TYPE'], ['session', 'SESSION'], ['registered', 'REGISTERED'], ['payload', 'PAYLOAD'],
    ]);
  },
};

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

interface QueueRow {
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

async function queueRows(zk: ZooKeeperClient, path: string): Promise<QueueRow[]> {
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

const queue: CommandSpec = {
  name: 'queue',
  summary: 'The items of a queue in consumption order (Curator DistributedQueue, kazoo Queue and LockingQueue)',
  args: '<path>',
  async run(ctx, [p]) {
    const path = pathArg(p);
    const rows = await queueRows(await ctx.client(), path);
    if (ctx.out.json) return void rows.forEach((r) => ctx.out.emit(r));
    if (rows.length === 0) return ctx.out.note(`no queue items under ${path}`);
    ctx.out.table(rows.map((r) => ({ ...r, priority: r.priority ?? '', items: r.items.join(' | ') })), [
      ['position', '#'], ['state', 'STATE'], ['priority', 'PRIO'], ['seq', 'SEQ'], ['items', 'ITEM'], ['takenBy', 'TAKEN BY'], ['layout', 'LAYOUT'], ['node', 'NODE'],
    ]);
  },
};

register(services, queue);
