import { partitionerState, queueRows, serviceRows } from '../inspectors.js';
import { hex } from '../format.js';
import { pathArg, register, type CommandSpec } from '../registry.js';

const services: CommandSpec = {
  name: 'services',
  summary: 'Service instances registered with Curator x-discovery (or zookit discovery): address, port, payload, session',
  args: '[name]',
  options: [{ flags: '-b, --base <path>', description: 'the registry base path (default /services)' }],
  async run(ctx, [n], o) {
    const base = pathArg((o['base'] as string | undefined) ?? '/services', '--base');
    const rows = await serviceRows(await ctx.client(), base, typeof n === 'string' ? n : undefined);
    const human = (r: (typeof rows)[number]) => ({
      ...r, id: r.enabled ? r.id : `${r.id} (disabled)`, port: r.port ?? '', sslPort: r.sslPort ?? '', session: hex(r.session), payload: r.payload === null ? '' : JSON.stringify(r.payload),
    });
    ctx.out.records(rows, `no instances under ${base}${typeof n === 'string' ? `/${n}` : ''}`, human, [
      ['name', 'NAME'], ['id', 'ID'], ['address', 'ADDRESS'], ['port', 'PORT'], ['sslPort', 'SSL'], ['serviceType', 'TYPE'], ['session', 'SESSION'], ['registered', 'REGISTERED'], ['payload', 'PAYLOAD'],
    ]);
  },
};

const queue: CommandSpec = {
  name: 'queue',
  summary: 'The items of a queue in consumption order (Curator DistributedQueue, kazoo Queue and LockingQueue)',
  args: '<path>',
  async run(ctx, [p]) {
    const path = pathArg(p);
    const rows = await queueRows(await ctx.client(), path);
    ctx.out.records(rows, `no queue items under ${path}`, (r) => ({ ...r, priority: r.priority ?? '', items: r.items.join(' | ') }), [
      ['position', '#'], ['state', 'STATE'], ['priority', 'PRIO'], ['seq', 'SEQ'], ['items', 'ITEM'], ['takenBy', 'TAKEN BY'], ['layout', 'LAYOUT'], ['node', 'NODE'],
    ]);
  },
};

const partitioner: CommandSpec = {
  name: 'partitioner',
  summary: 'The members of a SetPartitioner (zookit or kazoo) and, per item, the member holding its lock and who waits',
  args: '<path>',
  async run(ctx, [p]) {
    const path = pathArg(p);
    const { members, items } = await partitionerState(await ctx.client(), path);
    if (ctx.out.json) {
      for (const m of members) ctx.out.emit({ type: 'member', ...m });
      for (const i of items) ctx.out.emit({ type: 'item', ...i });
      return;
    }
    if (members.length === 0 && items.length === 0) return ctx.out.note(`no partitioner members or item locks under ${path}`);
    const free = items.filter((i) => i.state === 'free').length;
    ctx.out.note(`${members.length} member${members.length === 1 ? '' : 's'}, ${items.length} item${items.length === 1 ? '' : 's'} (${free} not held)`);
    ctx.out.table(members.map((m) => ({ ...m, session: hex(m.session), items: m.items.join(',') })), [['identifier', 'MEMBER'], ['session', 'SESSION'], ['items', 'HOLDS'], ['node', 'NODE']]);
    if (members.length > 0 && items.length > 0) ctx.out.line();
    ctx.out.table(items.map((i) => ({
      ...i, state: i.state === 'HOLDS' ? ctx.out.c.green(i.state) : ctx.out.c.yellow(i.state), session: i.session === null ? '' : hex(i.session),
      token: i.token?.toString() ?? '', waiters: i.waiters.join(', '),
    })), [['item', 'ITEM'], ['state', 'STATE'], ['holder', 'HOLDER'], ['session', 'SESSION'], ['token', 'TOKEN(czxid)'], ['waiters', 'WAITING']]);
  },
};

register(services, queue, partitioner);
