import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/index.ts';
import { BIN, fixture, lines, zk, zkBin } from './helpers.ts';

const f = fixture();

describe('scripting forms', () => {
  it('runs one command given as arguments, with --server and with ZOOKEEPER_CONNECT', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/cfg', 'v1');
    expect(await zk(['--server', hosts, 'get', '/cfg'])).toEqual({ code: 0, stdout: 'v1\n', stderr: '' });
    expect(await zk(['get', '/cfg'], { env: { ZOOKEEPER_CONNECT: hosts } })).toEqual({ code: 0, stdout: 'v1\n', stderr: '' });
  });

  it('runs ;-separated commands with -c, quoting like a shell', async () => {
    const { hosts, client } = await f.chroot();
    const r = await zk(['-s', hosts, '-c', `create /a 'two words'; create /a/b "x;y"; ls /a`]);
    expect(r).toEqual({ code: 0, stdout: 'Created /a\nCreated /a/b\nb\n', stderr: '' });
    expect((await client.get('/a/b')).data.toString()).toBe('x;y');
  });

  it('reads commands from stdin when it is not a terminal, stopping at the first failure', async () => {
    const { hosts, client } = await f.chroot();
    const r = await zk(['-s', hosts], { input: 'create /x 1\n\nget /missing\ncreate /y 2\n' });
    expect(r.code).toBe(ExitCode.ZOOKEEPER);
    expect(r.stderr).toBe('zk: NONODE: /missing (getData)\n');
    expect(await client.exists('/y')).toBeNull();
  });

  it('the built binary does the same as a child process, with NDJSON under --json', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/n', 'data');
    const r = await zkBin(['--server', hosts, '--json', '-c', 'get /n; ls /']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([{ path: '/n', data: 'data' }, { path: '/', children: ['n'] }]);
    const piped = await zkBin(['--server', hosts], { input: 'get /n\n' });
    expect(piped).toEqual({ code: 0, stdout: 'data\n', stderr: '' });
  });
});

describe('interrupts', () => {
  it('Ctrl-C (SIGINT) cancels a streaming command of the binary: one line, exit 130', async () => {
    const { hosts } = await f.chroot();
    const child = spawn(process.execPath, [BIN, '--server', hosts, 'watch', '-R', '/'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const watching = new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), stderr.includes('watching') && resolve())));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await watching;
    child.kill('SIGINT');
    expect(await exited).toBe(ExitCode.INTERRUPTED);
    expect(stderr).toBe('watching / and its subtree (Ctrl-C stops)\nzk: interrupted\n');
  });
});

describe('bad input: one line on stderr, a distinct exit code, never a stack trace', () => {
  const cases: Array<[string, string[], number, RegExp]> = [
    ['path without /', ['get', 'foo'], ExitCode.USAGE, /^zk: path "foo" must start with "\/"$/],
    ['unknown command', ['frobnicate', '/'], ExitCode.USAGE, /^zk: unknown command "frobnicate"/],
    ['wrong flag', ['ls', '-x', '/'], ExitCode.USAGE, /^zk: ls: unknown option '-x'$/],
    ['wrong global flag', ['--bogus', 'ls'], ExitCode.USAGE, /^zk: unknown option '--bogus'/],
    ['missing argument', ['get'], ExitCode.USAGE, /^zk: get: missing required argument 'path'$/],
    ['bad version', ['set', '-v', 'x', '/a', 'b'], ExitCode.USAGE, /^zk: set: option '-v, --version <n>' argument 'x' is invalid/],
    ['bad server string', ['--server', 'host:port:x', 'ls'], ExitCode.USAGE, /^zk: --server must be host:port/],
    ['both -c and a command', ['-c', 'ls /', 'get', '/x'], ExitCode.USAGE, /^zk: give a command either as arguments or with -c, not both$/],
  ];
  for (const [what, args, code, pattern] of cases) {
    it(what, async () => {
      const { hosts } = await f.chroot();
      const withServer = args[0] === '--server' ? args : ['--server', hosts, ...args];
      const r = await zkBin(withServer);
      expect(r.code).toBe(code);
      expect(r.stderr.trimEnd()).toMatch(pattern);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    });
  }

  it('a missing server is a usage error; an unreachable one a connection failure', async () => {
    const none = await zkBin(['ls', '/']);
    expect(none.code).toBe(ExitCode.USAGE);
    expect(none.stderr).toBe('zk: no server: pass --server HOST:PORT[/chroot] or set ZOOKEEPER_CONNECT\n');
    const down = await zkBin(['--server', '127.0.0.1:1', '--timeout', '300', 'ls', '/']);
    expect(down.code).toBe(ExitCode.CONNECTION);
    expect(down.stderr).toMatch(/^zk: could not connect to ZooKeeper within 300 ms \(tried 127\.0\.0\.1:1\)[^\n]*\n$/);
  });

  it('ZooKeeper refusals carry the code name and exit 3; --json puts it in an error object', async () => {
    const { hosts } = await f.chroot();
    const r = await zk(['--server', hosts, '--json', 'delete', '/nope']);
    expect(r.code).toBe(ExitCode.ZOOKEEPER);
    expect(lines(r.stderr)).toEqual([{ error: { message: 'NONODE: /nope (delete)', exitCode: 3, code: 'NONODE', op: 'delete', path: '/nope' } }]);
  });
});

describe('output', () => {
  it('colours only on a terminal, and not with --no-color or NO_COLOR', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/a');
    const esc = /\x1b\[/;
    const tty = await zk(['-s', hosts, '-c', 'getAcl /a; get /nope'], { tty: true });
    expect(tty.stdout).toMatch(esc);
    expect(tty.stderr).toMatch(esc);
    for (const run of [
      await zk(['-s', hosts, '-c', 'getAcl /a; get /nope']),
      await zk(['-s', hosts, '--no-color', '-c', 'getAcl /a; get /nope'], { tty: true }),
      await zk(['-s', hosts, '-c', 'getAcl /a; get /nope'], { tty: true, env: { NO_COLOR: '1' } }),
    ]) {
      expect(run.stdout).toBe('SCHEME  ID      PERMS\nworld   anyone  cdrwa\n');
      expect(run.stderr).toBe('zk: NONODE: /nope (getData)\n');
    }
  });
});

describe('connection options', () => {
  it('--readonly refuses every write before sending it', async () => {
    const { hosts, client } = await f.chroot();
    for (const cmd of [['create', '/a'], ['set', '/a', 'x'], ['delete', '/a'], ['deleteall', '/a', '--yes'], ['setAcl', '/a', 'world:anyone:r']]) {
      const r = await zk(['--server', hosts, '--readonly', ...cmd]);
      expect(r.code).toBe(ExitCode.USAGE);
      expect(r.stderr).toBe(`zk: ${cmd[0]} refused: this session is --readonly\n`);
    }
    expect(await client.getChildren('/')).toEqual([]);
    expect((await zk(['--server', hosts, '--readonly', 'ls', '/'])).code).toBe(0);
  });

  it('--auth digest:user:pass authenticates; the secret appears in no output', async () => {
    const { hosts } = await f.chroot();
    const secret = 's3cr3t-pw';
    const r = await zk(['--server', hosts, '--auth', `digest:alice:${secret}`, '-c', "create /p x; setAcl /p 'auth::cdrwa'; whoami; getAcl /p"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('digest  alice');
    expect(r.stdout + r.stderr).not.toContain(secret);
    const denied = await zk(['--server', hosts, 'get', '/p']);
    expect(denied).toMatchObject({ code: ExitCode.ZOOKEEPER, stderr: 'zk: NOAUTH: /p (getData)\n' });
    const allowed = await zk(['--server', hosts, '--auth', `digest:alice:${secret}`, 'get', '/p']);
    expect(allowed.stdout).toBe('x\n');
  });

  it('a bad --timeout, --auth or unreadable --sasl-password-file is a usage error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zk-cli-'));
    writeFileSync(path.join(dir, 'pw'), 'pw\n');
    expect(await zk(['--server', '127.0.0.1:2181', '--timeout', 'soon', 'ls'])).toMatchObject({ code: 2, stderr: 'zk: --timeout must be a whole number of milliseconds >= 100 (got "soon")\n' });
    expect(await zk(['--server', '127.0.0.1:2181', '--auth', 'digest', 'ls'])).toMatchObject({ code: 2 });
    expect(await zk(['--server', '127.0.0.1:2181', '--sasl-user', 'u', '--sasl-password-file', path.join(dir, 'none'), 'ls'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot read .*none \(ENOENT\)/) });
    expect(await zk(['--server', '127.0.0.1:2181', '--sasl-user', 'u', 'ls'])).toMatchObject({ code: 2, stderr: 'zk: --sasl-user and --sasl-password-file go together\n' });
  });
});
