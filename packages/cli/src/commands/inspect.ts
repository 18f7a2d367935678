import { contenders, holders } from '../inspectors.js';
import { hex, preview } from '../format.js';
import { pathArg, register, type CommandSpec } from '../registry.js';
import { semaphoreAt, type LockRow } from '../semaphores.js';

/** The cells a lock contender and an election candidate print alike. */
const contenderCells = (r: { token: bigint; session: bigint; identifier: string }) => ({
  token: r.token.toString(), session: hex(r.session), identifier: preview(Buffer.from(r.identifier), 60),
});

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
      ...r, state: r.state === 'HOLDS' ? ctx.out.c.green(r.state) : r.state, ...contenderCells(r),
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
      ...r, role: r.role === 'LEADER' ? ctx.out.c.green(r.role) : r.role, ...contenderCells(r),
    });
    ctx.out.records(rows, `no candidates under ${path}`, human, [
      ['position', '#'], ['role', 'ROLE'], ['identifier', 'IDENTIFIER'], ['token', 'TOKEN(czxid)'], ['session', 'SESSION'], ['since', 'SINCE'], ['naming', 'LAYOUT'], ['node', 'NODE'],
    ]);
  },
};

register(locks, election);
