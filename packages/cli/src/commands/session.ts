import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { aclText, dataText, hex, parseAcl, permsText } from '../format.js';
import { commands, findCommand, pathArg, register, toCommander, type CommandSpec } from '../registry.js';
import { walk } from '../walk.js';

const getAcl: CommandSpec = {
  name: 'getAcl',
  summary: "Print a node's ACL",
  args: '<path>',
  options: [{ flags: '-s, --stat', description: 'also print the ACL version' }],
  async run(ctx, [p], o) {
    const path = pathArg(p);
    const zk = await ctx.client();
    const { acls, stat } = await zk.getAcls(path);
    if (ctx.out.json) ctx.out.emit({ path, acls, ...(o['stat'] ? { aclVersion: stat.aversion } : {}) });
    else ctx.out.table(acls.map((a) => ({ scheme: a.id.scheme, id: a.id.id, perms: permsText(a.perms) })), [['scheme', 'SCHEME'], ['id', 'ID'], ['perms', 'PERMS']]);
    if (o['stat'] && !ctx.out.json) ctx.out.line(`aclVersion = ${stat.aversion}`);
  },
};

const setAcl: CommandSpec = {
  name: 'setAcl',
  summary: "Replace a node's ACL (scheme:id:perms[,…]; -R for the subtree)",
  args: '<path> <acl>',
  write: true,
  options: [
    { flags: '-v, --version <n>', description: 'only if the ACL version is n', int: { min: -1 } },
    { flags: '-R, --recursive', description: 'the whole subtree' },
  ],
  async run(ctx, [p, a], o) {
    const path = pathArg(p);
    const acls = parseAcl(a as string);
    const zk = await ctx.client();
    const paths = o['recursive'] ? (await walk(zk, path, { signal: ctx.signal })).map((n) => n.path) : [path];
    const version = o['version'] as number | undefined;
    await Promise.all(paths.map((x) => zk.setAcls(x, acls, x === path && version !== undefined ? { version } : {})));
    ctx.out.emit({ path, acl: aclText(acls), nodes: paths.length }, () => (paths.length > 1 ? `ACL set on ${paths.length} nodes` : undefined));
  },
};

const addauth: CommandSpec = {
  name: 'addauth',
  summary: 'Add credentials to the session (kept out of the history; `addauth digest USER` asks for the password)',
  args: '<scheme> <auth>',
  async run(ctx, [scheme, auth]) {
    let credential = auth as string;
    if (scheme === 'digest' && !credential.includes(':')) {
      if (!ctx.askSecret) throw new UsageError('addauth digest needs USER:PASSWORD (the shell asks for the password when given USER alone)');
      credential = `${credential}:${await ctx.askSecret(`password for ${credential}: `)}`;
    }
    const zk = await ctx.client();
    await zk.addAuth(scheme as string, credential);
    ctx.out.emit({ added: scheme });
  },
};

const whoami: CommandSpec = {
  name: 'whoami',
  summary: 'The identities authenticated on this session',
  async run(ctx) {
    const zk = await ctx.client();
    const ids = await zk.whoAmI();
    ctx.out.table(ids.map((i) => ({ scheme: i.authScheme, user: i.user })), [['scheme', 'SCHEME'], ['user', 'USER']]);
  },
};

const config: CommandSpec = {
  name: 'config',
  summary: "The ensemble's configuration (/zookeeper/config)",
  async run(ctx) {
    const zk = await ctx.client();
    const { data, stat } = await zk.getConfig();
    ctx.out.emit({ config: data.toString('utf8'), version: stat.mzxid }, () => dataText(data) || '(empty: a standalone server without dynamic config)');
  },
};

const connect: CommandSpec = {
  name: 'connect',
  summary: 'Connect to another server (host:port[,…][/chroot])',
  args: '<hosts>',
  async run(ctx, [hosts]) {
    const zk = await ctx.connect(hosts as string);
    ctx.out.emit({ connected: hosts, sessionId: zk.sessionId }, () => `Connected to ${hosts} (session ${hex(zk.sessionId)})`);
  },
};

const close: CommandSpec = {
  name: 'close',
  summary: 'Close the session (the next command reconnects)',
  async run(ctx) {
    await ctx.disconnect();
    ctx.out.emit({ closed: true });
  },
};

const history: CommandSpec = {
  name: 'history',
  summary: 'The commands entered in this shell',
  async run(ctx: Context) {
    const rows = ctx.history.map((line, i) => ({ n: i + 1, command: line }));
    if (ctx.out.json) for (const r of rows) ctx.out.emit(r);
    else for (const r of rows) ctx.out.line(`${String(r.n).padStart(4)}  ${r.command}`);
  },
};

const help: CommandSpec = {
  name: 'help',
  summary: 'List the commands, or show one command in full',
  args: '[command]',
  async run(ctx, [name]) {
    if (typeof name === 'string') {
      const spec = findCommand(name);
      if (!spec) throw new UsageError(`unknown command "${name}"`);
      ctx.out.raw(toCommander(spec, () => {}).helpInformation());
      return;
    }
    ctx.out.table(commands().map((c) => ({ command: c.name, summary: c.summary })), [['command', 'COMMAND'], ['summary', 'WHAT IT DOES']]);
  },
};

register(getAcl, setAcl, addauth, whoami, config, connect, close, history, help);
