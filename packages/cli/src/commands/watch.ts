import { EventType, InvalidArgumentError, type WatchedEvent, type WatcherType } from '@zookit/client';
import { UsageError } from '../errors.js';
import { pathArg, register, type CommandSpec } from '../registry.js';
import { printWatch } from './basic.js';

const addWatch: CommandSpec = {
  name: 'addWatch',
  summary: 'Add a persistent watch; its events print as they come',
  args: '<path>',
  options: [{ flags: '-m, --mode <mode>', description: 'PERSISTENT or PERSISTENT_RECURSIVE (default)' }],
  async run(ctx, [p], o) {
    const path = pathArg(p);
    const mode = ((o['mode'] as string | undefined) ?? 'PERSISTENT_RECURSIVE').toUpperCase();
    if (mode !== 'PERSISTENT' && mode !== 'PERSISTENT_RECURSIVE') throw new UsageError(`addWatch: -m must be PERSISTENT or PERSISTENT_RECURSIVE (got "${o['mode']}")`);
    const zk = await ctx.client();
    await zk.addWatch(path, printWatch(ctx), { recursive: mode === 'PERSISTENT_RECURSIVE' });
    ctx.out.emit({ watching: path, mode });
  },
};

const removewatches: CommandSpec = {
  name: 'removewatches',
  summary: "Remove this session's watches at a path (-c children, -d data, -p persistent, default all)",
  args: '<path>',
  options: [
    { flags: '-c, --children', description: 'child watches' },
    { flags: '-d, --data', description: 'data watches' },
    { flags: '-p, --persistent', description: 'persistent watches' },
    { flags: '-a, --any', description: 'every kind (default)' },
    { flags: '-l, --local', description: 'remove them here without telling the server' },
  ],
  async run(ctx, [p], o) {
    const path = pathArg(p);
    const type: WatcherType = o['children'] ? 'children' : o['data'] ? 'data' : o['persistent'] ? 'persistent' : 'any';
    const zk = await ctx.client();
    try {
      await zk.removeWatches(path, undefined, { type, local: o['local'] === true });
    } catch (err) {
      if (err instanceof InvalidArgumentError && err.argument === 'listener') throw new UsageError(`removewatches: this session has no ${type === 'any' ? '' : `${type} `}watch at ${path}`);
      throw err;
    }
    ctx.out.emit({ removed: path, type });
  },
};

const watch: CommandSpec = {
  name: 'watch',
  summary: 'Stream the events under a path live (persistent watch; Ctrl-C stops)',
  args: '<path>',
  options: [
    { flags: '-R, --recursive', description: 'the whole subtree' },
    { flags: '-n, --count <n>', description: 'stop after n events', int: { min: 1 } },
  ],
  async run(ctx, [p], o) {
    const path = pathArg(p);
    const limit = (o['count'] as number | undefined) ?? Infinity;
    const zk = await ctx.client();
    const queue: WatchedEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (event: WatchedEvent) => {
      queue.push(event);
      wake?.();
    };
    const onAbort = () => wake?.();
    ctx.signal.addEventListener('abort', onAbort);
    await zk.addWatch(path, listener, { recursive: o['recursive'] === true });
    ctx.out.note(`watching ${path}${o['recursive'] ? ' and its subtree' : ''} (Ctrl-C stops)`);
    let seen = 0;
    try {
      while (seen < limit && !ctx.signal.aborted) {
        const event = queue.shift();
        if (!event) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        seen++;
        ctx.out.emit({ time: new Date().toISOString(), ...event }, () => `${new Date().toISOString()}  ${event.type.padEnd(7)}  ${event.path}`);
        if (event.type === EventType.NONE) break;
      }
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      await zk.removeWatches(path, listener, { type: 'persistent' }).catch(() => {});
    }
  },
};

register(addWatch, removewatches, watch);
