import { contenders, holders } from '../inspectors.js';
import { isText } from '../format.js';
import { pathArg, register, type CommandSpec } from '../registry.js';
import { semaphoreAt, type LockRow } from '../semaphores.js';

const text = (data: Buffer, max = 60): string => {
  if (data.length === 0) return '';
  if (!isText(data)) return `<${data.length} bytes>`;
  const s = data.toString('utf8').replace(/\s+/g, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};
const hex = (v: bigint) => `0x${v.toString(16)}`;

const locks: CommandSpec = {
  name: 'locks',
  summary: 'The holder(s) and waiters of a lock or semaphore (zookit, Curator or kazoo): fencing tokens, sessions, identifiers',
  args: '<path>',
  options: [{ flags: '-l, --leases <n>', description: 'a semaphore: the first n hold', int: { min: 1 } }],
  async run(ctx, [p], o) {
    const path = pathArg(p);
    const zk = await ctx.client();
    const leases = o['leases'] as number | undefined;
    const semaphore = await semaphoreAt(zk, path, leases);
    let rows: LockRow[];
    if (semaphore) {
      rows = semaphore.rows;
      const held = rows.filter((r) => r.state === 'HOLDS').length;
      ctx.out.note(`${semaphore.layout}: ${held} lease${held === 1 ? '' : 's'} held${semaphore.maxLeases === undefined ? '' : ` of ${semaphore.maxLeases}`}`);
    } else {
      const list = await contenders(zk, path);
      const held = holders(list, leases);
      rows = list.map((c, i) => ({
        position: i, state: held.has(c.name) ? 'HOLDS' : 'waits', kind: c.kind, seq: c.seq, token: c.stat.czxid,
        session: c.stat.ephemeralOwner, identifier: c.data.toString('utf8'), naming: c.naming, node: c.name,
      }));
    }
    const human = (r: LockRow) => ({
      ...r, state: r.state === 'HOLDS' ? ctx.out.c.green(r.state) : r.state, token: r.token.toString(), session: hex(r.session), identifier: text(Buffer.from(r.identifier)),
    });
    ctx.out.records(rows, `no lock contenders under ${path}`, human, [
      ['position', '#'], ['state', 'STATE'], ['kind', 'KIND'], ['token', 'TOKEN(czxid)'], ['session', 'SESSION'], ['identifier', 'IDENTIFIER'], ['naming', 'LAYOUT'], ['node', 'NODE'],
    ]);
  },
};

const election: CommandSpec = {
  name: 'election',
  summary: 'The leader and the queue of candidates of an election or leader latch (zookit, Curator, kazoo)',
  args: '<path>',
  async run(ctx, [p]) {
    const path = pathArg(p);
    const list = await contenders(await ctx.client(), path);
    const rows = list.map((c, i) => ({
      position: i, role: i === 0 ? 'LEADER' : 'follower', identifier: c.data.toString('utf8'), seq: c.seq, token: c.stat.czxid,
      session: c.stat.ephemeralOwner, since: new Date(c.stat.ctime).toISOString(), naming: c.naming, node: c.name,
    }));
    const human = (r: (typeof rows)[number]) => ({
      ...r, role: r.role === 'LEADER' ? ctx.out.c.green(r.role) : r.role, token: r.token.toString(), session: hex(r.session), identifier: text(Buffer.from(r.identifier)),
    });
    ctx.out.records(rows, `no candidates under ${path}`, human, [
      ['position', '#'], ['role', 'ROLE'], ['identifier', 'IDENTIFIER'], ['token', 'TOKEN(czxid)'], ['session', 'SESSION'], ['since', 'SINCE'], ['naming', 'LAYOUT'], ['node', 'NODE'],
    ]);
  },
};

register(locks, election);
