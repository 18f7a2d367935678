import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import { ConnectionState } from '@zookit/client';
import type { Context } from './context.js';
import { ExitCode } from './errors.js';
import type { Io } from './io.js';
import { runLine } from './run-line.js';
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

/** The history file's last lines, newest first; a file grown past twice the size is cut back. */
function loadHistory(file: string): string[] {
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  } catch {
    return [];
  }
  const kept = lines.slice(-HISTORY_SIZE);
  if (lines.length > 2 * HISTORY_SIZE) {
    try {
      writeFileSync(file, `${kept.join('\n')}\n`, { mode: 0o600 });
    } catch {
      // a read-only history file is still read
    }
  }
  return kept.reverse();
}

/** True when the line carries a secret (`addauth …`): such lines never reach the history. */
function isSecret(line: string): boolean {
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
 * What readline writes to: the terminal, except while a secret is typed (muted: no echo).
 * Reports the terminal's width so line editing and completion lists wrap right.
 */
class TerminalOutput extends Writable {
  muted = false;
  readonly isTTY = true;
  readonly #target: Io['stdout'] & { columns?: number; rows?: number; on?(event: 'resize', fn: () => void): unknown };

  constructor(target: Io['stdout']) {
    super();
    this.#target = target;
    this.#target.on?.('resize', () => this.emit('resize'));
  }

  get columns(): number {
    return this.#target.columns ?? 80;
  }

  get rows(): number {
    return this.#target.rows ?? 24;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    if (!this.muted) this.#target.write(chunk.toString());
    callback();
  }
}

/**
 * The interactive shell on Node's readline: line editing, history across runs (secrets
 * left out), tab completion of commands and live paths, a prompt with the connection
 * state; Ctrl-C cancels the running command (or clears the line), Ctrl-D or `exit` leaves.
 */
export async function runShell(ctx: Context, io: Io, options: { historyFile: string | undefined }): Promise<number> {
  const shell = new Shell(ctx, io, options.historyFile ?? io.env['ZK_HISTORY_FILE'] ?? path.join(homedir(), '.zk_history'));
  return shell.run();
}

class Shell {
  readonly #ctx: Context;
  readonly #io: Io;
  readonly #file: string;
  readonly #output: TerminalOutput;
  readonly #rl: Interface;
  #count = 0;
  #running: AbortController | undefined;
  #ready = false;

  constructor(ctx: Context, io: Io, file: string) {
    this.#ctx = ctx;
    this.#io = io;
    this.#file = file;
    this.#output = new TerminalOutput(io.stdout);
    this.#rl = createInterface({
      input: io.stdin,
      output: this.#output,
      terminal: true,
      history: loadHistory(file),
      historySize: HISTORY_SIZE,
      removeHistoryDuplicates: true,
      completer: (line: string, callback: (err: null, result: [string[], string]) => void) => {
        complete(ctx, line).then((r) => callback(null, r), () => callback(null, [[], '']));
      },
    });
    this.#wire();
  }

  /** Connects the context's hooks (prompts, questions, output from watches) to readline. */
  #wire(): void {
    const ctx = this.#ctx;
    const rl = this.#rl;
    ctx.onState = () => {
      this.#refresh();
      if (this.#ready && !this.#running) rl.prompt(true);
    };
    ctx.confirm = (question) => new Promise((resolve) => rl.question(`${question} [y/N] `, (a) => {
      this.#forget(a);
      resolve(/^y(es)?$/i.test(a.trim()));
    }));
    ctx.askSecret = (question) => new Promise((resolve) => {
      rl.question(question, (answer) => {
        this.#forget(answer);
        this.#output.muted = false;
        this.#io.stdout.write('\n');
        resolve(answer);
      });
      this.#output.muted = true;
    });
    ctx.interject = (print) => {
      if (this.#running || !this.#ready) return print();
      this.#io.stdout.write('\r\x1b[K');
      print();
      rl.prompt(true);
    };
    rl.on('SIGINT', () => {
      if (this.#running) return this.#running.abort();
      rl.write(null, { ctrl: true, name: 'u' });
      this.#io.stdout.write('^C\n');
      rl.prompt();
    });
  }

  /** readline keeps answers to questions in its history too: drop them (a password, a "y"). */
  #forget(answer: string): void {
    const history = (this.#rl as unknown as { history: string[] }).history;
    if (answer !== '' && history[0] === answer) history.shift();
  }

  #refresh(): void {
    this.#rl.setPrompt(prompt(this.#ctx, this.#count));
  }

  async run(): Promise<number> {
    const ctx = this.#ctx;
    ctx.out.note('zk shell: "help" lists the commands, Tab completes, Ctrl-D leaves.');
    if (ctx.hosts !== undefined) await ctx.client().catch((err: unknown) => ctx.out.error(err));
    this.#refresh();
    this.#rl.prompt();
    this.#ready = true;
    for await (const line of this.#rl) {
      const trimmed = line.trim();
      if (trimmed === 'exit' || trimmed === 'quit') break;
      if (trimmed !== '') await this.#runLine(trimmed);
      this.#running = undefined;
      this.#count++;
      this.#refresh();
      this.#rl.prompt();
    }
    ctx.onState = undefined;
    ctx.interject = undefined;
    this.#rl.close();
    return ExitCode.OK;
  }

  async #runLine(line: string): Promise<void> {
    this.#remember(line);
    let statements: string[][];
    try {
      statements = splitCommands(line);
    } catch (err) {
      this.#ctx.out.error(err);
      return;
    }
    for (const words of statements) {
      const controller = new AbortController();
      this.#running = controller;
      this.#ctx.signal = controller.signal;
      const code = await runLine(this.#ctx, words);
      if (code === ExitCode.INTERRUPTED) break;
    }
  }

  /** Keeps the line in the history (memory and file), unless it carries a secret. */
  #remember(line: string): void {
    const history = (this.#rl as unknown as { history: string[] }).history;
    if (isSecret(line)) {
      if (history[0] === line) history.shift();
      return;
    }
    this.#ctx.history.push(line);
    try {
      mkdirSync(path.dirname(this.#file), { recursive: true });
      appendFileSync(this.#file, `${line}\n`, { mode: 0o600 });
    } catch (err) {
      this.#ctx.out.note(`zk: cannot write the history file ${this.#file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
}
