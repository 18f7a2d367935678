import { UsageError } from '../errors.js';
import { register, type CommandSpec } from '../registry.js';
import { startConsole } from '../ui/server.js';

const ui: CommandSpec = {
  name: 'ui',
  summary: 'A live web console on 127.0.0.1 (tree, node data, recipe views, ensemble); read-only unless --allow-writes',
  options: [
    { flags: '-s, --server <hosts>', description: 'host:port[,…][/chroot] (default: the global --server or $ZOOKEEPER_CONNECT)' },
    { flags: '-p, --port <n>', description: 'port on 127.0.0.1 (default: any free port)', int: { min: 0 } },
    { flags: '--allow-writes', description: 'allow create, edit, delete and import from the page' },
  ],
  async run(ctx, _args, o) {
    const allowWrites = o['allowWrites'] === true;
    if (allowWrites) ctx.checkWritable('ui --allow-writes');
    const port = o['port'] as number | undefined;
    if (port !== undefined && port > 65535) throw new UsageError('--port must be at most 65535');
    const zk = typeof o['server'] === 'string' ? await ctx.connect(o['server']) : await ctx.client();
    const web = await startConsole({ zk, hosts: ctx.hosts!, port: port ?? 0, allowWrites }).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(err.code === 'EADDRINUSE' ? `port ${port} is in use` : `cannot listen: ${err.message}`);
    });
    ctx.out.emit({ url: web.url, allowWrites }, () => `zk ui: ${web.url} (${allowWrites ? 'writes allowed' : 'read-only'}; Ctrl-C stops it)`);
    try {
      await ctx.cancelled();
    } finally {
      await web.close();
    }
  },
};

register(ui);
