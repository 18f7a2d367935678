import { NoNodeError, type WatchedEvent } from '@zookit/client';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { dataJson, dataText, statText } from '../format.js';
import { pathArg, register, type CommandSpec } from '../registry.js';
import { walk } from '../walk.js';

/** A one-shot watch that prints its event when it fires. */
export function printWatch(ctx: Context) {
  return (event: WatchedEvent) => {
    const print = () => ctx.out.emit({ watch: event }, () => `WATCHER: ${event.type} ${event.path}`);
    if (ctx.interject) ctx.interject(print);
    else print();
  };
}

const ls: CommandSpec = {
  name: 'ls',
  summary: 'List the children of a node',
  args: '[path]',
  options: [
    { flags: '-s, --stat', description: 'also print the Stat' },
    { flags: '-w, --watch', description: 'leave a child watch (printed when it fires)' },
    { flags: '-R, --recursive', description: 'every path of the subtree' },
  ],
  async run(ctx, [p], o) {
    const path = pathArg(p ?? '/');
    const zk = await ctx.client();
    if (o['recursive']) {
      for (const node of await walk(zk, path, { signal: ctx.signal, skipSystem: false })) ctx.out.emit({ path: node.path }, () => node.path);
      return;
    }
    const { children, stat } = await zk.getChildren(path, { includeStat: true, ...(o['watch'] ? { watch: printWatch(ctx) } : {}) });
    children.sort();
    ctx.out.emit({ path, children, ...(o['stat'] ? { stat } : {}) }, () =>
      [...children, ...(o['stat'] ? [statText(stat)] : [])].join('\n') || undefined);
  },
};

const get: CommandSpec = {
  name: 'get',
  summary: "Print a node's data",
  args: '<path>',
  options: [
    { flags: '-s, --stat', description: 'also print the Stat' },
    { flags: '-w, --watch', description: 'leave a data watch (printed when it fires)' },
  ],
  async run(ctx, [p], o) {
    const path = pathArg(p);
    const zk = await ctx.client();
    const { data, stat } = await zk.get(path, o['watch'] ? { watch: printWatch(ctx) } : {});
    ctx.out.emit({ path, ...dataJson(data), ...(o['stat'] ? { stat } : {}) }, () =>
      [dataText(data), ...(o['stat'] ? [statText(stat)] : [])].join('\n'));
  },
};

const stat: CommandSpec = {
  name: 'stat',
  summary: "Print a node's Stat",
  args: '<path>',
  options: [{ flags: '-w, --watch', description: 'leave a watch (printed when it fires)' }],
  async run(ctx, [p], o) {
    const path = pathArg(p);
    const zk = await ctx.client();
    const s = await zk.exists(path, o['watch'] ? { watch: printWatch(ctx) } : {});
    // exists() answers null for a missing node; report it like zkCli, as NONODE.
    if (!s) throw new NoNodeError({ op: 'exists', path });
    ctx.out.emit({ path, stat: s }, () => statText(s!));
  },
};

const create: CommandSpec = {
  name: 'create',
  summary: 'Create a node',
  args: '<path> [data]',
  write: true,
  options: [
    { flags: '-s, --sequential', description: 'append a sequence number' },
    { flags: '-e, --ephemeral', description: 'delete it when this session ends' },
    { flags: '-c, --container', description: 'a container node' },
    { flags: '-t, --ttl <ms>', description: 'a TTL node (server needs extendedTypesEnabled)', int: { min: 1 } },
    { flags: '-p, --parents', description: 'create missing parents' },
  ],
  async run(ctx, [p, d], o) {
    const sequential = o['sequential'] === true;
    const path = typeof p === 'string' && sequential && p.endsWith('/') ? p : pathArg(p);
    const zk = await ctx.client();
    const created = await zk.create(path, (d as string | undefined) ?? null, {
      sequential,
      ephemeral: o['ephemeral'] === true,
      container: o['container'] === true,
      makePath: o['parents'] === true,
      ...(o['ttl'] !== undefined ? { ttl: o['ttl'] as number } : {}),
    });
    ctx.out.emit({ created }, () => `Created ${created}`);
  },
};

const set: CommandSpec = {
  name: 'set',
  summary: "Replace a node's data",
  args: '<path> <data>',
  write: true,
  options: [
    { flags: '-v, --version <n>', description: 'only if the data version is n', int: { min: -1 } },
    { flags: '-s, --stat', description: 'print the new Stat' },
  ],
  async run(ctx, [p, d], o) {
    const zk = await ctx.client();
    const s = await zk.set(pathArg(p), d as string, o['version'] !== undefined ? { version: o['version'] as number } : {});
    ctx.out.emit({ path: p, stat: s }, () => (o['stat'] ? statText(s) : undefined));
  },
};

const del: CommandSpec = {
  name: 'delete',
  aliases: ['rm'],
  summary: 'Delete a node (it must have no children)',
  args: '<path>',
  write: true,
  options: [{ flags: '-v, --version <n>', description: 'only if the data version is n', int: { min: -1 } }],
  async run(ctx, [p], o) {
    const zk = await ctx.client();
    const path = pathArg(p);
    await zk.delete(path, o['version'] !== undefined ? { version: o['version'] as number } : {});
    ctx.out.emit({ deleted: path });
  },
};

/** Asks before a destructive command: `--yes`, or a yes at the shell's prompt. */
async function confirmed(ctx: Context, question: string, yes: unknown): Promise<boolean> {
  if (yes === true || ctx.yes) return true;
  if (!ctx.confirm) throw new UsageError(`${question.replace(/\?$/, '')}: pass --yes to confirm`);
  return ctx.confirm(question);
}

const deleteall: CommandSpec = {
  name: 'deleteall',
  aliases: ['rmr'],
  summary: 'Delete a node and its whole subtree (asks first; --yes in scripts)',
  args: '<path>',
  write: true,
  options: [{ flags: '-y, --yes', description: 'do not ask' }],
  async run(ctx, [p], o) {
    const path = pathArg(p);
    const zk = await ctx.client();
    const count = await zk.getAllChildrenNumber(path);
    if (!(await confirmed(ctx, `delete ${path} and its ${count} descendants?`, o['yes']))) {
      ctx.out.line('not deleted');
      return;
    }
    await zk.delete(path, { recursive: true });
    ctx.out.emit({ deleted: path, descendants: count }, () => `Deleted ${path} and ${count} descendants`);
  },
};

const sync: CommandSpec = {
  name: 'sync',
  summary: 'Wait until the connected server has caught up with the leader',
  args: '<path>',
  async run(ctx, [p]) {
    const zk = await ctx.client();
    const path = pathArg(p);
    await zk.sync(path);
    ctx.out.emit({ synced: path }, () => `Sync is OK`);
  },
};

const getAllChildrenNumber: CommandSpec = {
  name: 'getAllChildrenNumber',
  summary: 'Count the nodes under a path, at any depth',
  args: '<path>',
  async run(ctx, [p]) {
    const zk = await ctx.client();
    const path = pathArg(p);
    const n = await zk.getAllChildrenNumber(path);
    ctx.out.emit({ path, count: n }, () => String(n));
  },
};

const getEphemerals: CommandSpec = {
  name: 'getEphemerals',
  summary: "This session's ephemeral nodes (under a path)",
  args: '[path]',
  async run(ctx, [p]) {
    const zk = await ctx.client();
    const paths = (await zk.getEphemerals(pathArg(p ?? '/'))).sort();
    ctx.out.emit({ ephemerals: paths }, () => paths.join('\n') || undefined);
  },
};

register(ls, get, stat, create, set, del, deleteall, sync, getAllChildrenNumber, getEphemerals);
