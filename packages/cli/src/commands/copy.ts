import { readFile, writeFile } from 'node:fs/promises';
import type { ZooKeeperClient } from '@zookit/client';
import type { Context } from '../context.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { apply, copyTree, dumpText, parseDump, plan, readTree, type DumpRecord, type Plan } from '../copy.js';
import { pathArg, register, type CommandSpec } from '../registry.js';
import { relativePath } from '../walk.js';

const dump: CommandSpec = {
  name: 'dump',
  summary: 'Write a subtree to a file: JSON lines of path, base64 data and ACL (ephemeral nodes skipped)',
  args: '<path> <file>',
  async run(ctx, [p, file]) {
    const path = pathArg(p);
    const records = await readTree(await ctx.client(), path, ctx.signal);
    const text = dumpText(path, records);
    try {
      await writeFile(file as string, text);
    } catch (err) {
      throw new CliError(`cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    ctx.out.emit({ dumped: path, file, nodes: records.length }, () => `Dumped ${records.length} nodes of ${path} to ${file}`);
  },
};

function reportPlan(ctx: Context, p: Plan, dryRun: boolean, what: string): void {
  const count = (a: string) => p.steps.filter((s) => s.action === a || (a === 'update' && s.action.startsWith('update'))).length;
  const summary = { created: count('create'), updated: count('update'), unchanged: count('unchanged'), deleted: p.deletes.length, transactions: p.batches.length, dryRun };
  if (dryRun) {
    for (const s of p.steps) if (s.action !== 'unchanged') ctx.out.emit({ path: s.path, action: s.action }, () => `${s.action.padEnd(11)} ${s.path}`);
    for (const path of p.deletes) ctx.out.emit({ path, action: 'delete' }, () => `${'delete'.padEnd(11)} ${path}`);
  }
  const deleted = p.deletes.length > 0 ? `, ${dryRun ? 'delete' : 'deleted'} ${summary.deleted}` : '';
  ctx.out.emit(summary, () =>
    `${dryRun ? 'Would create' : 'Created'} ${summary.created}, ${dryRun ? 'update' : 'updated'} ${summary.updated}${deleted}, left ${summary.unchanged} unchanged (${what}, ${summary.transactions} transactions)`);
}

const restore: CommandSpec = {
  name: 'restore',
  summary: 'Write a dump file back into the cluster (batched transactions; --dry-run shows the plan)',
  args: '<file>',
  options: [
    { flags: '--to <path>', description: 'restore under this path instead of the dumped one' },
    { flags: '-n, --dry-run', description: 'print the plan, write nothing' },
    { flags: '--delete', description: 'also delete target nodes the dump does not have (ephemeral ones are kept)' },
  ],
  async run(ctx, [file], o) {
    let text: string;
    try {
      text = await readFile(file as string, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (o['dryRun'] !== true) ctx.checkWritable('restore');
    const { header, records } = parseDump(text, file as string);
    const to = o['to'] === undefined ? header.root : pathArg(o['to'], '--to');
    const zk = await ctx.client();
    const p = await plan(zk, records, header.root, to, { prune: o['delete'] === true });
    const dryRun = o['dryRun'] === true;
    if (!dryRun) await apply(zk, p, to, ctx.signal);
    reportPlan(ctx, p, dryRun, `into ${to}`);
  },
};

/** `HOSTS[/chroot]` of another cluster, and the path there (the same path). */
async function otherCluster(ctx: Context, hosts: unknown): Promise<ZooKeeperClient> {
  if (typeof hosts !== 'string') throw new CliError('missing HOSTS');
  return ctx.other(hosts);
}

const mirror: CommandSpec = {
  name: 'mirror',
  summary: 'Copy a subtree into another cluster (same path there; --dry-run shows the plan)',
  args: '<path>',
  options: [
    { flags: '--to <hosts>', description: 'the target cluster: host:port[,…][/chroot] (required)' },
    { flags: '-n, --dry-run', description: 'print the plan, write nothing' },
    { flags: '--delete', description: 'also delete target nodes the source does not have (ephemeral ones are kept)' },
  ],
  async run(ctx, [p], o) {
    const path = pathArg(p);
    if (o['to'] === undefined) throw new UsageError('mirror: --to HOSTS[/chroot] is required');
    if (o['dryRun'] !== true) ctx.checkWritable('mirror');
    const from = await ctx.client();
    const to = await otherCluster(ctx, o['to']);
    try {
      const dryRun = o['dryRun'] === true;
      const result = await copyTree(from, path, to, path, { dryRun, prune: o['delete'] === true, signal: ctx.signal });
      reportPlan(ctx, result, dryRun, `into ${String(o['to'])}`);
    } finally {
      await ctx.release(to);
    }
  },
};

type Change = 'added' | 'removed' | 'data' | 'acl' | 'data+acl';

/** Differences between two subtrees, by path relative to each root. */
function compare(left: readonly DumpRecord[], leftRoot: string, right: readonly DumpRecord[], rightRoot: string): Array<{ path: string; change: Change }> {
  const l = new Map(left.map((r) => [relativePath(leftRoot, r.path), r]));
  const r = new Map(right.map((x) => [relativePath(rightRoot, x.path), x]));
  const out: Array<{ path: string; change: Change }> = [];
  for (const [path, a] of l) {
    const b = r.get(path);
    if (!b) {
      out.push({ path, change: 'removed' });
      continue;
    }
    const data = a.data !== b.data;
    const acl = JSON.stringify(a.acl) !== JSON.stringify(b.acl);
    if (data || acl) out.push({ path, change: data && acl ? 'data+acl' : data ? 'data' : 'acl' });
  }
  for (const path of r.keys()) if (!l.has(path)) out.push({ path, change: 'added' });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const MARK: Record<Change, string> = { added: '+', removed: '-', data: '~', acl: '~', 'data+acl': '~' };

const diff: CommandSpec = {
  name: 'diff',
  summary: 'Compare two subtrees (or a subtree with the same one on --against HOSTS); exit 1 when they differ',
  args: '<path> [other]',
  options: [{ flags: '--against <hosts>', description: 'compare with this cluster: host:port[,…][/chroot]' }],
  async run(ctx, [p, q], o) {
    const left = pathArg(p);
    const zk = await ctx.client();
    const right = q === undefined ? left : pathArg(q, 'second path');
    if (q === undefined && o['against'] === undefined) throw new UsageError('diff: give a second path or --against HOSTS');
    const other = o['against'] === undefined ? undefined : await otherCluster(ctx, o['against']);
    try {
      const [a, b] = await Promise.all([readTree(zk, left, ctx.signal), readTree(other ?? zk, right, ctx.signal)]);
      const changes = compare(a, left, b, right);
      for (const c of changes) {
        ctx.out.emit(c, () => {
          const line = `${MARK[c.change]} ${c.path}${c.change === 'added' || c.change === 'removed' ? '' : `  (${c.change})`}`;
          return c.change === 'added' ? ctx.out.c.green(line) : c.change === 'removed' ? ctx.out.c.red(line) : ctx.out.c.yellow(line);
        });
      }
      if (changes.length === 0) ctx.out.note('no differences');
      return changes.length > 0 ? ExitCode.DIFFERS : ExitCode.OK;
    } finally {
      if (other) await ctx.release(other);
    }
  },
};

register(dump, restore, mirror, diff);
