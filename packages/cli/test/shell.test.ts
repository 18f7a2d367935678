import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FaultProxy } from '@zookit/testing';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { fixture } from './helpers.ts';
import { Terminal } from './terminal.ts';

const f = fixture();
const terminals: Terminal[] = [];
const track = (t: Terminal): Terminal => (terminals.push(t), t);
const proxies: FaultProxy[] = [];
afterEach(async () => {
  for (const t of terminals.splice(0)) t.kill();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

describe('the interactive shell, through a pseudo-terminal', { timeout: 60_000 }, () => {
  it('runs commands, completes commands and live paths with Tab, asks before deleteall, keeps history across runs without secrets', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/app/alpha', 'A-DATA', { makePath: true });
    await client.create('/app/beta');
    await client.create('/apple');
    const history = path.join(mkdtempSync(path.join(tmpdir(), 'zk-shell-')), 'history');
    const t = track(new Terminal(['--server', hosts, '--history-file', history]));
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
    const t2 = track(new Terminal(['--server', hosts, '--history-file', history]));
    await t2.prompt(0);
    await t2.step('\x1b[A\x1b[A', 'deleteall /app');
    t2.type('\x04');
  });

  it('Ctrl-C cancels the running command and the shell goes on; at the prompt it clears the line', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/w');
    const t = track(new Terminal(['--server', hosts, '--history-file', path.join(mkdtempSync(path.join(tmpdir(), 'zk-shell-')), 'h')]));
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
    const t = track(new Terminal(['--server', proxy.connectString + chroot, '--timeout', '8000', '--history-file', path.join(mkdtempSync(path.join(tmpdir(), 'zk-shell-')), 'h')]));
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
