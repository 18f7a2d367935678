import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FaultProxy } from '@zookit/testing';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { BIN, fixture } from './helpers.ts';

const f = fixture();
const RELAY = path.resolve(import.meta.dirname, 'pty-relay.py');
const terminals: Terminal[] = [];
const proxies: FaultProxy[] = [];
afterEach(async () => {
  for (const t of terminals.splice(0)) t.kill();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

/** `zk` on a real pseudo-terminal (120x40): type keys, read what the screen shows. */
class Terminal {
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
    terminals.push(this);
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

describe('the interactive shell, through a pseudo-terminal', { timeout: 60_000 }, () => {
  it('runs commands, completes commands and live paths with Tab, asks before deleteall, keeps history across runs without secrets', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/app/alpha', 'A-DATA', { makePath: true });
    await client.create('/app/beta');
    await client.create('/apple');
    const history = path.join(mkdtempSync(path.join(tmpdir(), 'zk-shell-')), 'history');
    const t = new Terminal(['--server', hosts, '--history-file', history]);
    await t.prompt(0);
    await t.step('ls /\r', 'app\napple\n', 1);
    // One match: Tab completes the path from the server.
    await t.step('get /app/al\t', 'get /app/alpha');
    await t.step('\r', 'A-DATA\n', 2);
    // Two matches: Tab completes the common part, a second Tab lists them.
    await t.step('ls /ap\t', 'ls /app');
    await t.step('\t', /\/app +\/apple/);
    t.type('\x15');
    // Command names complete too.
    await t.step('whoa\t', 'whoami');
    await t.step('\r', /SCHEME +USER/, 3);
    // addauth asks for the password without echoing it; it stays out of the history.
    await t.step('addauth digest ops\r', 'password for ops: ');
    await t.step('hunter2\r', 4);
    expect(t.screen).not.toContain('hunter2');
    await t.step('whoami\r', /digest +ops/, 5);
    // deleteall asks.
    await t.step('deleteall /app\r', 'delete /app and its 2 descendants? [y/N] ');
    await t.step('n\r', 'not deleted', 6);
    expect(await client.exists('/app')).not.toBeNull();
    await t.step('history\r', '   6  history');
    expect(t.screen).toContain('   5  deleteall /app');
    expect(t.screen).not.toMatch(/\d  addauth/);
    t.type('exit\r');
    expect(await t.exited).toBe(0);
    const saved = readFileSync(history, 'utf8');
    expect(saved).toBe('ls /\nget /app/alpha\nwhoami\nwhoami\ndeleteall /app\nhistory\n');
    expect(saved).not.toContain('hunter2');
    expect(saved).not.toContain('ops');

    // The next run starts with that history: Up recalls the last command.
    const t2 = new Terminal(['--server', hosts, '--history-file', history]);
    await t2.prompt(0);
    await t2.step('\x1b[A\x1b[A', 'deleteall /app');
    t2.type('\x04');
  });

  it('Ctrl-C cancels the running command and the shell goes on; at the prompt it clears the line', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/w');
    const t = new Terminal(['--server', hosts, '--history-file', path.join(mkdtempSync(path.join(tmpdir(), 'zk-shell-')), 'h')]);
    await t.prompt(0);
    await t.step('watch -R /w\r', 'watching /w and its subtree (Ctrl-C stops)');
    await client.create('/w/x');
    await t.waitFor(/CREATED +\/w\/x/);
    await t.step('\x03', 'zk: interrupted', 1);
    await t.step('half a command\x03', '^C', 1);
    await t.step('ls /w\r', 'x\n');
    // A watch's event arrives between commands: printed above a redrawn prompt.
    await t.step('get -w /w\r', 3);
    await client.set('/w', 'changed');
    await t.waitFor('WATCHER: CHANGED /w');
    await t.prompt(3);
    t.type('\x04');
    expect(await t.exited).toBe(0);
  });

  it('the prompt shows SUSPENDED while the connection is cut, CONNECTED again after', async () => {
    const { chroot } = await f.chroot();
    const [host, port] = inject('zkConnect').split(':');
    const proxy = await FaultProxy.start({ target: { host: host!, port: Number(port) } });
    proxies.push(proxy);
    const t = new Terminal(['--server', proxy.connectString + chroot, '--timeout', '8000', '--history-file', path.join(mkdtempSync(path.join(tmpdir(), 'zk-shell-')), 'h')]);
    await t.prompt(0);
    proxy.refuse();
    proxy.cut();
    await t.prompt(0, 'SUSPENDED');
    proxy.heal();
    await t.prompt(0, 'CONNECTED');
    t.type('\x04');
    expect(await t.exited).toBe(0);
  });
});
