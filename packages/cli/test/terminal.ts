// `zk` on a real pseudo-terminal, for the shell's tests.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { BIN } from './helpers.ts';

const RELAY = path.resolve(import.meta.dirname, 'pty-relay.py');

/** `zk` on a real pseudo-terminal (120x40): type keys, read what the screen shows. */
export class Terminal {
  readonly #child: ChildProcess;
  #raw = '';
  /** Where the next wait starts looking: the end of the last match. */
  #at = 0;
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string> = {}) {
    this.#child = spawn('python3', [RELAY, process.execPath, BIN, ...args], { env: { PATH: process.env['PATH'] ?? '', TERM: 'xterm', ...env } });
    this.#child.stdout!.on('data', (d: Buffer) => (this.#raw += d.toString('utf8')));
    this.#child.stderr!.on('data', (d: Buffer) => (this.#raw += d.toString('utf8')));
    this.exited = new Promise((resolve) => this.#child.on('exit', (code) => resolve(code)));
  }

  /** Everything shown so far, escape sequences removed. */
  get screen(): string {
    return this.#raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
  }

  /** Types keys (`\r` is Enter, `\t` Tab, `\x03` Ctrl-C). */
  type(keys: string): void {
    this.#child.stdin!.write(keys);
  }

  /** Waits until the screen, after the last match, matches; the next wait starts after this match. */
  async waitFor(pattern: RegExp | string): Promise<void> {
    const from = this.#at;
    const find = (): number => {
      const s = this.screen.slice(from);
      if (typeof pattern === 'string') return s.includes(pattern) ? from + s.indexOf(pattern) + pattern.length : -1;
      const m = pattern.exec(s);
      return m ? from + m.index + m[0].length : -1;
    };
    // Polls the screen (what a person does); bounded.
    const deadline = performance.now() + 15_000;
    while (find() < 0) {
      if (performance.now() > deadline) throw new Error(`screen never showed ${String(pattern)}; it shows:\n${this.screen.slice(from)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    this.#at = find();
  }

  /** Waits for the prompt number `n` in `state`. */
  prompt(n: number, state = 'CONNECTED'): Promise<void> {
    return this.waitFor(new RegExp(`\\[zk: [^\\]]*\\(${state}\\) ${n}\\] `));
  }

  /** Types `keys`, then waits for each of `shows` in order: text, a pattern, or a number for that CONNECTED prompt. */
  async step(keys: string, ...shows: Array<RegExp | string | number>): Promise<void> {
    this.type(keys);
    for (const show of shows) await (typeof show === 'number' ? this.prompt(show) : this.waitFor(show));
  }

  kill(): void {
    this.#child.kill('SIGKILL');
  }
}
