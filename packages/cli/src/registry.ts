import { Command, CommanderError, InvalidArgumentError as CommanderArgumentError, Option } from 'commander';
import { validatePath } from '@zookit/client';
import type { Context } from './context.js';
import { InterruptedError, UsageError, type ExitCode } from './errors.js';

/** One option of a command (commander flag syntax: `-v, --version <n>`). */
interface OptionSpec {
  flags: string;
  description: string;
  /** Parse the value as an integer of at least `min`. */
  int?: { min: number };
}

/** A command of `zk`. */
export interface CommandSpec {
  name: string;
  aliases?: readonly string[];
  summary: string;
  /** Positional arguments in commander syntax: `<path> [data]`. */
  args?: string;
  options?: readonly OptionSpec[];
  /** Changes data on the server: refused under `--readonly`. */
  write?: boolean;
  /** Runs `(ctx, positional args, options)`; resolves with an exit code (0 when nothing). */
  run(ctx: Context, args: Array<string | string[] | undefined>, opts: Record<string, unknown>): Promise<ExitCode | void>;
}

const registry = new Map<string, CommandSpec>();

/** Adds commands to the registry. */
export function register(...specs: CommandSpec[]): void {
  for (const spec of specs) {
    for (const name of [spec.name, ...(spec.aliases ?? [])]) registry.set(name, spec);
  }
}

/** Every command, once each, by name. */
export function commands(): CommandSpec[] {
  return [...new Set(registry.values())].sort((a, b) => a.name.localeCompare(b.name));
}

/** A command by name or alias. */
export function findCommand(name: string): CommandSpec | undefined {
  return registry.get(name);
}

function parseIntOption(min: number) {
  return (value: string) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new CommanderArgumentError(`must be an integer >= ${min}`);
    return n;
  };
}

/** The commander Command for a spec (never prints, never exits: errors are thrown). */
export function toCommander(spec: CommandSpec, write: (text: string) => void): Command {
  const cmd = new Command(spec.name)
    .description(spec.summary)
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: () => {}, outputError: () => {} })
    .allowExcessArguments(false)
    .showSuggestionAfterError(true);
  if (spec.aliases) cmd.aliases([...spec.aliases]);
  if (spec.args) cmd.arguments(spec.args);
  for (const o of spec.options ?? []) {
    const option = new Option(o.flags, o.description);
    if (o.int) option.argParser(parseIntOption(o.int.min));
    cmd.addOption(option);
  }
  return cmd;
}

/** Parses and runs one command line (already split into words). */
export async function dispatch(ctx: Context, words: readonly string[]): Promise<ExitCode | void> {
  const [name, ...rest] = words;
  if (name === undefined) return;
  const spec = registry.get(name);
  if (!spec) throw new UsageError(`unknown command "${name}" (try "help")${suggest(name)}`);
  const cmd = toCommander(spec, (text) => ctx.out.raw(text));
  let parsed: { args: Array<string | string[] | undefined>; opts: Record<string, unknown> } | undefined;
  cmd.action((...a: unknown[]) => {
    parsed = { args: a.slice(0, -2) as Array<string | string[] | undefined>, opts: a[a.length - 2] as Record<string, unknown> };
  });
  try {
    cmd.parse(rest, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return;
      throw new UsageError(`${spec.name}: ${err.message.replace(/^error: /, '')}`);
    }
    throw err;
  }
  if (!parsed) return;
  if (spec.write) ctx.checkWritable(spec.name);
  return cancellable(ctx, spec.run(ctx, parsed.args, parsed.opts));
}

/** Rejects with InterruptedError when the running command is cancelled. */
async function cancellable<T>(ctx: Context, work: Promise<T>): Promise<T> {
  const signal = ctx.signal;
  if (signal.aborted) throw new InterruptedError();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new InterruptedError());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
    work.catch(() => {});
  }
}

function suggest(name: string): string {
  const close = commands().map((c) => c.name).filter((c) => c.toLowerCase().startsWith(name.slice(0, 3).toLowerCase()));
  return close.length > 0 ? `; did you mean ${close.slice(0, 3).join(', ')}?` : '';
}

/** A path argument, checked like the server checks it (UsageError otherwise). */
export function pathArg(value: unknown, what = 'path'): string {
  if (typeof value !== 'string') throw new UsageError(`missing ${what}`);
  try {
    validatePath(value);
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/^invalid path: /, `${what} `)}`);
  }
  return value;
}
