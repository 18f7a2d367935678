import { getProperty, hasProperty, setProperty } from 'dot-prop';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { bytesText, isText } from '../format.js';
import { pathArg, register, type CommandSpec } from '../registry.js';
import { walk, type WalkNode } from '../walk.js';

function regexArg(text: unknown, ignoreCase: unknown): RegExp {
  try {
    return new RegExp(text as string, ignoreCase ? 'i' : '');
  } catch (err) {
    throw new UsageError(`bad regular expression: ${(err as Error).message}`);
  }
}

function treeLines(nodes: readonly WalkNode[]): string[] {
  const out: string[] = [];
  const last = new Map<string, boolean>();
  for (const n of nodes) {
    n.children.forEach((c, i) => last.set(n.path === '/' ? `/${c}` : `${n.path}/${c}`, i === n.children.length - 1));
  }
  const prefixes: string[] = [];
  for (const n of nodes) {
    if (n.depth === 0) {
      out.push(n.path);
      continue;
    }
    prefixes.length = n.depth - 1;
    const isLast = last.get(n.path) ?? true;
    const name = n.path.slice(n.path.lastIndexOf('/') + 1);
    out.push(`${prefixes.join('')}${isLast ? '└── ' : '├── '}${name}`);
    prefixes[n.depth - 1] = isLast ? '    ' : '│   ';
  }
  return out;
}

const tree: CommandSpec = {
  name: 'tree',
  summary: 'Print the subtree as a tree',
  args: '[path]',
  options: [{ flags: '-d, --depth <n>', description: 'at most n levels', int: { min: 0 } }],
  async run(ctx, [p], o) {
    const path = pathArg(p ?? '/');
    const nodes = await walk(await ctx.client(), path, { signal: ctx.signal, ...(o['depth'] !== undefined ? { maxDepth: o['depth'] as number } : {}) });
    if (ctx.out.json) for (const n of nodes) ctx.out.emit({ path: n.path, depth: n.depth, numChildren: n.stat.numChildren });
    else ctx.out.line(treeLines(nodes).join('\n'));
  },
};

const find: CommandSpec = {
  name: 'find',
  summary: 'Paths under a path whose full path matches a regular expression',
  args: '<path> [regex]',
  options: [{ flags: '-i, --ignore-case', description: 'case-insensitive' }],
  async run(ctx, [p, r], o) {
    const path = pathArg(p);
    const re = regexArg(r ?? '', o['ignoreCase']);
    for (const n of await walk(await ctx.client(), path, { signal: ctx.signal })) {
      if (re.test(n.path)) ctx.out.emit({ path: n.path }, () => n.path);
    }
  },
};

const grep: CommandSpec = {
  name: 'grep',
  summary: "Nodes under a path whose data (a line of it) matches a regular expression",
  args: '<path> <regex>',
  options: [
    { flags: '-i, --ignore-case', description: 'case-insensitive' },
    { flags: '-l, --files-with-matches', description: 'print only the paths' },
  ],
  async run(ctx, [p, r], o) {
    const path = pathArg(p);
    const re = regexArg(r, o['ignoreCase']);
    let found = 0;
    for (const n of await walk(await ctx.client(), path, { signal: ctx.signal, data: true })) {
      if (!n.data || !isText(n.data)) continue;
      const matches = n.data.toString('utf8').split('\n').filter((l) => re.test(l));
      if (matches.length === 0) continue;
      found++;
      if (o['filesWithMatches']) ctx.out.emit({ path: n.path }, () => n.path);
      else for (const line of matches) ctx.out.emit({ path: n.path, line }, () => `${ctx.out.c.magenta(n.path)}: ${line}`);
    }
    if (found === 0) ctx.out.note('no match');
  },
};

const du: CommandSpec = {
  name: 'du',
  summary: 'Data bytes and node counts of a subtree, per child',
  args: '[path]',
  async run(ctx, [p]) {
    const path = pathArg(p ?? '/');
    const nodes = await walk(await ctx.client(), path, { signal: ctx.signal });
    const totals = new Map<string, { nodes: number; bytes: number }>();
    for (const n of nodes) {
      const key = n.depth === 0 ? n.path : childOf(path, n.path);
      for (const k of n.depth === 0 ? [key] : [key, path]) {
        const t = totals.get(k) ?? { nodes: 0, bytes: 0 };
        t.nodes++;
        t.bytes += n.stat.dataLength;
        totals.set(k, t);
      }
    }
    const rows = [...totals].map(([k, t]) => ({ path: k, nodes: t.nodes, bytes: t.bytes, size: bytesText(t.bytes) }));
    rows.sort((a, b) => (a.path === path ? 1 : b.path === path ? -1 : a.path.localeCompare(b.path)));
    if (ctx.out.json) for (const r of rows) ctx.out.emit({ path: r.path, nodes: r.nodes, bytes: r.bytes });
    else ctx.out.table(rows, [['size', 'SIZE'], ['nodes', 'NODES'], ['path', 'PATH']]);
  },
};

function childOf(root: string, path: string): string {
  const rest = root === '/' ? path : path.slice(root.length);
  const i = rest.indexOf('/', 1);
  return (root === '/' ? '' : root) + (i === -1 ? rest : rest.slice(0, i));
}

async function readJson(ctx: Context, path: string): Promise<{ doc: unknown; version: number }> {
  const { data, stat } = await (await ctx.client()).get(path);
  try {
    return { doc: JSON.parse(data.toString('utf8')) as unknown, version: stat.version };
  } catch {
    throw new UsageError(`${path} does not hold JSON`);
  }
}

const jsonGet: CommandSpec = {
  name: 'json-get',
  summary: "A value inside a node's JSON data (dotted key: a.b.0.c)",
  args: '<path> [key]',
  async run(ctx, [p, k]) {
    const path = pathArg(p);
    const { doc } = await readJson(ctx, path);
    const key = k as string | undefined;
    if (key !== undefined && !hasProperty(doc as object, key)) throw new UsageError(`${path} has no key "${key}"`);
    const value = key === undefined ? doc : getProperty(doc as object, key);
    ctx.out.emit(value, () => (typeof value === 'string' ? value : JSON.stringify(value, null, 2)));
  },
};

const jsonSet: CommandSpec = {
  name: 'json-set',
  summary: "Set a value inside a node's JSON data (the value is JSON, or else a string)",
  args: '<path> <key> <value>',
  write: true,
  async run(ctx, [p, k, v]) {
    const path = pathArg(p);
    const { doc, version } = await readJson(ctx, path);
    if (doc === null || typeof doc !== 'object') throw new UsageError(`${path} holds a JSON ${doc === null ? 'null' : typeof doc}, not an object or array`);
    let value: unknown;
    try {
      value = JSON.parse(v as string);
    } catch {
      value = v;
    }
    setProperty(doc as Record<string, unknown>, k as string, value);
    // Only if nobody changed the node since it was read (BADVERSION otherwise).
    const stat = await (await ctx.client()).set(path, JSON.stringify(doc), { version });
    ctx.out.emit({ path, key: k, value, version: stat.version });
  },
};

register(tree, find, grep, du, jsonGet, jsonSet);
