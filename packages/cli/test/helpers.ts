import { execFile } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ZooKeeperClient } from '@zookit/client';
import { uniqueChroot } from '@zookit/testing/vitest';
import { afterEach, inject } from 'vitest';
import { main } from '../src/index.ts';

/** What one run of `zk` produced. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built binary (scripts/test.sh builds before testing). */
export const BIN = path.resolve(import.meta.dirname, '../dist/bin.js');

/** Runs `zk` in-process with a non-terminal stdin (`input`, default empty). */
export async function zk(args: readonly string[], options: { input?: string; env?: Record<string, string | undefined>; tty?: boolean } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const stdin = Object.assign(Readable.from([options.input ?? '']), { isTTY: false });
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty === true },
    stderr: { write: (s: string) => (stderr += s) },
    stdin,
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}

/** Runs the built `zk` binary as a child process. */
export function zkBin(args: readonly string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env['PATH'] ?? '', ...options.env }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 99) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

/** Parses NDJSON output. */
export function lines(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Per-test fixture: a fresh chroot on the main server (and on the second one), a connect
 * string for each, and clients closed after the test.
 */
export function fixture() {
  const clients: ZooKeeperClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  });
  return {
    /** A fresh chroot on `server` (1 or 2): its connect string and a started client in it. */
    async chroot(server: 1 | 2 = 1): Promise<{ hosts: string; client: ZooKeeperClient; chroot: string }> {
      const base = inject(server === 1 ? 'zkConnect' : 'zkConnect2');
      const chroot = uniqueChroot('cli');
      const root = new ZooKeeperClient({ hosts: base, sessionTimeout: 4_000 });
      await root.start();
      await root.ensurePath(chroot);
      await root.close();
      const client = new ZooKeeperClient({ hosts: base + chroot, sessionTimeout: 4_000 });
      clients.push(client);
      await client.start();
      return { hosts: base + chroot, client, chroot };
    },
  };
}
