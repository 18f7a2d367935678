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

  /** Waits until the screen, after `from` characters, matches. Returns the end of the match. */
  async waitFor(pattern: RegExp | string, from = 0): Promise<number> {
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
    return find();
  }

  /** Waits for the prompt number `n` in `state`. */
  prompt(n: number, from = 0, state = 'CONNECTED'): Promise<number> {
    return this.waitFor(new RegExp(`\\[zk: [^\\]]*\\(${state}\\) ${n}\\] `), from);
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
    let at = await t.prompt(0);
    t.type('ls /\r');
    at = await t.waitFor('app\napple\n', at);
    at = await t.prompt(1, at);
    // One match: Tab completes the path from the server.
    t.type('get /app/al\t');
    at = await t.waitFor('get /app/alpha', at);
    t.type('\r');
    at = await t.waitFor('A-DATA\n', at);
    at = await t.prompt(2, at);
    // Two matches: Tab completes the common part, a second Tab lists them.
    t.type('ls /ap\t');
    at = await t.waitFor('ls /app', at);
    t.type('\t');
    at = await t.waitFor(/\/app +\/apple/, at);
    t.type('\x15');
    // Command names complete too.
    t.type('whoa\t');
    at = await t.waitFor('whoami', at);
    t.type('\r');
    at = await t.waitFor(/SCHEME +USER/, at);
    at = await t.prompt(3, at);
    // addauth asks for the password without echoing it; it stays out of the history.
    t.type('addauth digest ops\r');
    at = await t.waitFor('password for ops: ', at);
    t.type('hunter2\r');
    at = await t.prompt(4, at);
    expect(t.screen).not.toContain('hunter2');
    t.type('whoami\r');
    at = await t.waitFor(/digest +ops/, at);
    at = await t.prompt(5, at);
    // deleteall asks.
    t.type('deleteall /app\r');
    at = await t.waitFor('delete /app and its 2 descendants? [y/N] ', at);
    t.type('n\r');
    at = await t.waitFor('not deleted', at);
    at = await t.prompt(6, at);
    expect(await client.exists('/app')).not.toBeNull();
    t.type('history\r');
    await t.waitFor('   6  history', at);
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
    const at2 = await t2.prompt(0);
    t2.type('\x1b[A\x1b[A');
    await t2.waitFor('deleteall /app', at2);
    t2.type('\x04');
  });

  it('Ctrl-C cancels the running command and the shell goes on; at the prompt it clears the line', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/w');
    const t = new Terminal(['--server', hosts, '--history-file', path.join(mkdtempSync(path.join(tmpdir(), 'zk-shell-')), 'h')]);
    let at = await t.prompt(0);
    t.type('watch -R /w\r');
    at = await t.waitFor('watching /w and its subtree (Ctrl-C stops)', at);
    await client.create('/w/x');
    at = await t.waitFor(/CREATED +\/w\/x/, at);
    t.type('\x03');
    at = await t.waitFor('zk: interrupted', at);
    at = await t.prompt(1, at);
    t.type('half a command\x03');
    at = await t.waitFor('^C', at);
    at = await t.prompt(1, at);
    t.type('ls /w\r');
    at = await t.waitFor('x\n', at);
    // A watch's event arrives between commands: printed above a redrawn prompt.
    t.type('get -w /w\r');
    at = await t.prompt(3, at);
    await client.set('/w', 'changed');
    at = await t.waitFor('WATCHER: CHANGED /w', at);
    await t.prompt(3, at);
    t.type('\x04');
    expect(await t.exited).toBe(0);
  });

  it('the prompt shows SUSPENDED while the connection is cut, CONNECTED again after', async () => {
    const { chroot } = await f.chroot();
    const [host, port] = inject('zkConnect').split(':');
    const proxy = await FaultProxy.start({ target: { host: host!, port: Number(port) } });
    proxies.push(proxy);
    const t = new Terminal(['--server', proxy.connectString + chroot, '--timeout', '8000', '--history-file', path.join(mkdtempSync(path.join(tmpdir(), 'zk-shell-')), 'h')]);
    let at = await t.prompt(0);
    proxy.refuse();
    proxy.cut();
    at = await t.prompt(0, at, 'SUSPENDED');
    proxy.heal();
    await t.prompt(0, at, 'CONNECTED');
    t.type('\x04');
    expect(await t.exited).toBe(0);
  });
});
