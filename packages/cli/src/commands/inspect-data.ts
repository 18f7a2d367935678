import { queueRows, serviceRows } from '../inspectors.js';
import { pathArg, register, type CommandSpec } from '../registry.js';

const hex = (v: bigint) => `0x${v.toString(16)}`;

const services: CommandSpec = {
  name: 'services',
  summary: 'Service instances registered with Curator x-discovery (or zookit discovery): address, port, payload, session',
  args: '[name]',
  options: [{ flags: '-b, --base <path>', description: 'the registry base path (default /services)' }],
  async run(ctx, [n], o) {
    const base = pathArg((o['base'] as string | undefined) ?? '/services', '--base');
    const rows = await serviceRows(await ctx.client(), base, typeof n === 'string' ? n : undefined);
    if (ctx.out.json) return void rows.forEach((r) => ctx.out.emit(r));
    if (rows.length === 0) return ctx.out.note(`no instances under ${base}${typeof n === 'string' ? `/${n}` : ''}`);
    ctx.out.table(rows.map((r) => ({ ...r, id: r.enabled ? r.id : `${r.id} (disabled)`, port: r.port ?? '', sslPort: r.sslPort ?? '', session: hex(r.session), payload: r.payload === null ? '' : JSON.stringify(r.payload) })), [
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
    if (ctx.out.json) return void rows.forEach((r) => ctx.out.emit(r));
    if (rows.length === 0) return ctx.out.note(`no queue items under ${path}`);
    ctx.out.table(rows.map((r) => ({ ...r, priority: r.priority ?? '', items: r.items.join(' | ') })), [
      ['position', '#'], ['state', 'STATE'], ['priority', 'PRIO'], ['seq', 'SEQ'], ['items', 'ITEM'], ['takenBy', 'TAKEN BY'], ['layout', 'LAYOUT'], ['node', 'NODE'],
    ]);
  },
};

register(services, queue);
