import { createInterface } from 'node:readline';
import { Command, CommanderError, Option } from 'commander';
import { connectConfig, type GlobalOptions } from './config.js';
import { Context } from './context.js';
import { ExitCode, UsageError, describeError, exitCodeFor } from './errors.js';
import { Output } from './output.js';
import type { Io } from './io.js';
import { runLine } from './run-line.js';
import { splitCommands } from './tokenize.js';
import './commands/index.js';

/** The version printed by `zk --version`. */
export const VERSION = '0.1.0';

function program(io: Io): Command {
  return new Command('zk')
    .description('The ZooKeeper shell and command line.\n\n  zk [options] COMMAND [ARGS…]   run one command\n  zk -c "CMD; CMD"               run several\n  zk < script                    commands from stdin\n  zk                             the interactive shell\n\nCommands: zk help')
    .usage('[options] [command [args…]]')
    .version(VERSION, '-V, --version')
    .option('-s, --server <hosts>', 'host:port[,host:port…][/chroot] (default: $ZOOKEEPER_CONNECT)')
    .option('--json', 'one JSON document per line (NDJSON) instead of text')
    .option('-c, --command <script>', 'run these ;-separated commands and exit')
    .option('--timeout <ms>', 'session and connect timeout in ms (default 10000)')
    .option('--readonly', 'refuse every write (client-side); read-only servers are accepted')
    .addOption(new Option('--auth <scheme:credential>', 'add credentials, e.g. digest:user:password (repeatable)').argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]))
    .option('--sasl-user <user>', 'SASL DIGEST-MD5 user')
    .option('--sasl-password-file <file>', 'file holding the SASL password')
    .option('--tls', 'connect with TLS')
    .option('--tls-ca <file>', 'CA certificate(s) to trust (PEM)')
    .option('--tls-cert <file>', 'client certificate (PEM)')
    .option('--tls-key <file>', 'client key (PEM)')
    .option('--tls-servername <name>', 'server name to verify')
    .option('-y, --yes', 'do not ask before destructive commands')
    .option('--no-color', 'no colours, even on a terminal')
    .option('--history-file <file>', 'shell history file (default ~/.zk_history)')
    .argument('[command...]')
    .passThroughOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => {}, outputError: () => {} });
}

interface Parsed {
  options: GlobalOptions & { json?: boolean; command?: string; yes?: boolean; color?: boolean; historyFile?: string };
  words: string[];
}

/**
 * Runs `zk` with `argv` (without `node` and the script) and resolves with the exit code.
 * Never throws: every failure is one line on stderr and an exit code.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let parsed: Parsed;
  try {
    const cmd = program(io);
    cmd.parse([...argv], { from: 'user' });
    parsed = { options: cmd.opts(), words: cmd.args };
  } catch (err) {
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version')) return ExitCode.OK;
    const message = err instanceof CommanderError ? err.message.replace(/^error: /, '') : describeError(err);
    io.stderr.write(`zk: ${message} (see zk --help)\n`);
    return ExitCode.USAGE;
  }
  const { options, words } = parsed;
  const out = new Output(io.stdout, io.stderr, { json: options.json === true, color: io.stdout.isTTY === true && options.color !== false && !io.env['NO_COLOR'] });
  let ctx: Context;
  try {
    ctx = new Context(out, connectConfig(options, io.env), { yes: options.yes === true });
  } catch (err) {
    out.error(err);
    return exitCodeFor(err);
  }
  if (io.signal) ctx.signal = io.signal;
  if (words.length > 0 && options.command !== undefined) {
    out.error(new UsageError('give a command either as arguments or with -c, not both'));
    return ExitCode.USAGE;
  }
  try {
    if (words.length > 0) return await runLine(ctx, words);
    if (options.command !== undefined) return await runScript(ctx, options.command);
    if (io.stdin.isTTY !== true) return await runStdin(ctx, io.stdin);
    const { runShell } = await import('./shell.js');
    return await runShell(ctx, io, { historyFile: options.historyFile });
  } finally {
    await ctx.closeAll();
  }
}

/** Runs `;`-separated commands in order, stopping at the first failure. */
async function runScript(ctx: Context, script: string): Promise<number> {
  let lines: string[][];
  try {
    lines = splitCommands(script);
  } catch (err) {
    ctx.out.error(err);
    return exitCodeFor(err);
  }
  if (lines.length === 0) {
    ctx.out.error(new UsageError('-c: no command given'));
    return ExitCode.USAGE;
  }
  let status: number = ExitCode.OK;
  for (const words of lines) {
    status = await runLine(ctx, words);
    if (status !== ExitCode.OK && status !== ExitCode.DIFFERS) return status;
  }
  return status;
}

/** Runs the commands read from a non-terminal stdin, line by line as they arrive. */
async function runStdin(ctx: Context, stdin: NodeJS.ReadableStream): Promise<number> {
  const rl = createInterface({ input: stdin, crlfDelay: Infinity, terminal: false });
  let status: number = ExitCode.OK;
  for await (const line of rl) {
    if (line.trim() === '') continue;
    status = await runScript(ctx, line);
    if (status !== ExitCode.OK && status !== ExitCode.DIFFERS) {
      rl.close();
      return status;
    }
  }
  return status;
}
