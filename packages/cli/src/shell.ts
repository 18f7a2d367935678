import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { ConnectionState } from '@zookit/client';
import type { Context } from './context.js';
import { ExitCode } from './errors.js';
import { runLine, type Io } from './main.js';
import { commands } from './registry.js';
import { splitCommands } from './tokenize.js';

/** Lines kept in the history file and in memory. */
const HISTORY_SIZE = 1000;

/** Commands whose arguments are secrets: never written to the history. */
const SECRET_COMMANDS = new Set(['addauth']);

/** The shell's prompt: `[zk: HOSTS(STATE) N] `, the state coloured on a terminal. */
function prompt(ctx: Context, n: number): string {
  const state = ctx.state;
  const c = ctx.out.c;
  const paint = state === ConnectionState.CONNECTED ? c.green : state === ConnectionState.READ_ONLY ? c.cyan : state === ConnectionState.SUSPENDED ? c.yellow : c.red;
  return `[zk: ${ctx.hosts ?? '(no server)'}(${paint(state)}) ${n}] `;
}

function loadHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

/** A line without its secrets: `addauth digest user:pw` never reaches the history. */
export function isSecret(line: string): boolean {
  try {
    return splitCommands(line).some((words) => SECRET_COMMANDS.has(words[0] ?? ''));
  } catch {
    return false;
  }
}

/** Tab completion: command names first, then paths, listed live from the server. */
async function complete(ctx: Context, line: string): Promise<[string[], string]> {
  const current = line.slice(line.lastIndexOf(' ') + 1);
  const before = line.slice(0, line.length - current.length).trim();
  const statement = before.split(';').pop()!.trim();
  if (statement === '') {
    const names = commands().map((c) => c.name).filter((n) => n.startsWith(current));
    return [names, current];
  }
  if (!current.startsWith('/')) return [[], current];
  const zk = ctx.connectedClient();
  if (!zk) return [[], current];
  const slash = current.lastIndexOf('/');
  const parent = slash === 0 ? '/' : current.slice(0, slash);
  const partial = current.slice(slash + 1);
  const children = await zk.getChildren(parent);
  const base = parent === '/' ? '/' : `${parent}/`;
  return [children.filter((c) => c.startsWith(partial)).sort().map((c) => base + c), current];
}

/**
 * The interactive shell on Node's readline: line editing, history across runs (secrets
 * left out), tab completion of commands and live paths, a prompt with the connection
 * state; Ctrl-C cancels the running command (or clears the line), Ctrl-D or `exit` leaves.
 */
export async function runShell(ctx: Context, io: Io, options: { historyFile: string | undefined }): Promise<number> {
  const file = options.historyFile ?? io.env['ZK_HISTORY_FILE'] ?? path.join(homedir(), '.zk_history');
  const rl = createInterface({
    input: io.stdin,
    output: io.stdout as NodeJS.WritableStream,
    terminal: true,
    history: loadHistory(file),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string, callback: (err: null, result: [string[], string]) => void) => {
      complete(ctx, line).then((r) => callback(null, r), () => callback(null, [[], line]));
    },
  });
  let count = 0;
  let running: AbortController | undefined;
  let ready = false;
  const refresh = () => rl.setPrompt(prompt(ctx, count));
  ctx.onState = () => {
    refresh();
    if (ready && !running) rl.prompt(true);
  };
  ctx.confirm = (question) => new Promise((resolve) => rl.question(`${question} [y/N] `, (a) => resolve(/^y(es)?$/i.test(a.trim()))));
  rl.on('SIGINT', () => {
    if (running) running.abort();
    else {
      rl.write(null, { ctrl: true, name: 'u' });
      io.stdout.write('^C\n');
      rl.prompt();
    }
  });
  ctx.out.note('zk shell: "help" lists the commands, Tab completes, Ctrl-D leaves.');
  if (ctx.hosts !== undefined) await ctx.client().catch((err: unknown) => ctx.out.error(err));
  refresh();
  rl.prompt();
  ready = true;
  for await (const line of rl) {
    const trimmed = line.trim();
    if (trimmed === 'exit' || trimmed === 'quit') break;
    if (trimmed !== '') await runShellLine(ctx, rl, trimmed, file, (c) => (running = c));
    running = undefined;
    count++;
    refresh();
    rl.prompt();
  }
  ctx.onState = undefined;
  rl.close();
  return ExitCode.OK;
}

async function runShellLine(ctx: Context, rl: Interface, line: string, file: string, setRunning: (c: AbortController) => void): Promise<void> {
  const secret = isSecret(line);
  const history = (rl as unknown as { history: string[] }).history;
  if (secret) {
    if (history[0] === line) history.shift();
  } else {
    ctx.history.push(line);
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      appendFileSync(file, `${line}\n`, { mode: 0o600 });
    } catch (err) {
      ctx.out.note(`zk: cannot write the history file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  let statements: string[][];
  try {
    statements = splitCommands(line);
  } catch (err) {
    ctx.out.error(err);
    return;
  }
  for (const words of statements) {
    const controller = new AbortController();
    setRunning(controller);
    ctx.signal = controller.signal;
    const code = await runLine(ctx, words);
    if (code === ExitCode.INTERRUPTED) break;
  }
}
