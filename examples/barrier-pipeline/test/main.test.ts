// `npm start`: src/main.mjs as a user runs it, a separate process on the ensemble in
// ZOOKEEPER_CONNECT (the shared runner of @zookit/example-shared/main).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const MAIN = path.resolve(import.meta.dirname, '../src/main.mjs');

/** Starts main.mjs; `output` is what it printed so far, `exited` its exit code. */
function start(args: string[]) {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, ZOOKEEPER_CONNECT: inject('zkConnect') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { child, stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (run.stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (run.stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { run, exited };
}

/** The processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const ppid = (p: string) => {
    try {
      return Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
    } catch {
      return -1; // gone meanwhile
    }
  };
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p) && ppid(p) === pid).map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('barrier-pipeline main.mjs', () => {
  it('runs on the ensemble in ZOOKEEPER_CONNECT, prints the summary and exits 0', async () => {
    const { run, exited } = start(['--workers', '2', '--items', '10']);
    expect(await exited).toBe(0);
    expect(run.stdout).toContain(`ZooKeeper: ${inject('zkConnect')} (`);
    expect(run.stdout).toContain('start barrier lowered: go');
    expect(run.stdout).toMatch(/sum of i² for i in 1\.\.10: 385 \(expected 385\)\n✔ 2 workers went through 3 phases in lockstep/);
  }, 60_000);

  it('SIGINT stops the run: the workers are killed, it says so and exits 130', async () => {
    const { run, exited } = start(['--workers', '2', '--items', '10']);
    await expect.poll(() => run.stdout, { timeout: 30_000, interval: 20 }).toContain('start barrier lowered: go');
    const workers = childrenOf(run.child.pid!);
    expect(workers).toHaveLength(2);
    run.child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(workers.filter(alive)).toEqual([]);
    expect(run.stderr).toContain('stopped: interrupted');
    expect(run.stdout).not.toContain('✔');
  }, 60_000);
});
