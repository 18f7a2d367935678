// The network-namespace harness itself: members and clients in namespaces of their own,
// partitions, one-way cuts, cleanup and the sweep of leftovers.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepStaleNamespaces, startEnsemble, type NamespaceEnsemble, type SpawnedClient } from '../src/index.js';

const run = promisify(execFile);
const probeScript = path.join(import.meta.dirname, 'fixtures', 'tcp-probe.mjs');

async function namespaces(): Promise<string[]> {
  return (await run('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
}
async function namespaceOf(pid: number): Promise<string> {
  return (await run('ip', ['netns', 'identify', String(pid)])).stdout.trim();
}
/** Whether the test process can open a TCP connection to host:port within 1.5 s. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => (clearTimeout(t), s.destroy(), resolve(ok));
    const t = setTimeout(() => done(false), 1_500);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}
/** `startEnsemble({ network: 'namespaces' })` from the built package, printing the error's name, code and message. */
const START_CODE = `import(${JSON.stringify(path.join(import.meta.dirname, '..', 'dist', 'index.js'))}).then(({ startEnsemble }) => startEnsemble({ network: 'namespaces' })).then(() => console.log('started'), (e) => console.log(e.name, e.code, e.message))`;

/** Run `command args` to its exit; resolves with its stdout and stderr. */
function startInChild(command: string, args: readonly string[], options: { uid?: number; gid?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn(command, args, options);
    let s = '';
    p.stdout.on('data', (d) => (s += d));
    p.stderr.on('data', (d) => (s += d));
    p.once('error', (e) => resolve(String(e)));
    p.once('close', () => resolve(s));
  });
}
let seq = 0;
async function probe(c: SpawnedClient, target: string): Promise<boolean> {
  const n = ++seq;
  c.send({ probe: target, seq: n });
  return (await c.waitFor<{ seq?: number; ok: boolean }>((m) => m.seq === n, 5_000)).ok;
}

describe("startEnsemble({ network: 'namespaces' })", () => {
  let ens: NamespaceEnsemble;
  beforeAll(async () => {
    ens = await startEnsemble({ size: 3, network: 'namespaces' });
  });
  afterAll(async () => {
    await ens?.stop();
  });

  it('runs each member in its own namespace on its own address of the private /24', async () => {
    const prefix = ens.subnet.replace(/\.0\/24$/, '.');
    expect(ens.servers.map((s) => s.address)).toEqual([1, 2, 3].map((k) => `${prefix}${k}`));
    expect(ens.connectString).toBe(ens.servers.map((s) => `${s.address}:2181`).join(','));
    const names = await namespaces();
    for (const s of ens.servers) {
      expect(names).toContain(s.namespace);
      expect(s.namespace.startsWith(`zookit-${process.pid}-`)).toBe(true);
      expect(await namespaceOf(s.pid!)).toBe(s.namespace); // the JVM itself runs in there
    }
    const modes = await ens.modes();
    expect(modes.filter((m) => m === 'leader')).toHaveLength(1);
    expect(modes.filter((m) => m === 'follower')).toHaveLength(2);
    expect(await reachable(ens.servers[0]!.address, 2181)).toBe(true); // the test process reaches members
  });

  it('spawnClient runs node in a namespace of its own that reaches the members', async () => {
    const c = await ens.spawnClient(probeScript);
    await c.waitFor((m: { ready?: boolean }) => m.ready === true, 10_000);
    expect(await namespaceOf(c.pid!)).toBe(c.namespace);
    expect(ens.servers.map((s) => s.address)).not.toContain(c.address);
    for (const s of ens.servers) expect(await probe(c, `${s.address}:2181`)).toBe(true);
    // Nothing outside the harness network is reachable from there (no route out).
    expect(await probe(c, '127.0.0.53:53')).toBe(false);
    c.send('exit');
    expect((await c.exited).code).toBe(0);
  });

  it('partition: the leader cut from both followers stops serving, the followers elect a new one; heal rejoins it', async () => {
    const old = ens.servers[await ens.leader()]!;
    const followers = ens.servers.filter((s) => s !== old);
    await ens.partition([[old], followers]);
    const next = await ens.waitForLeader(followers, 20_000);
    expect(followers).toContain(ens.servers[next]);
    await ens.waitForMode(old, [undefined], 20_000); // the minority member serves nobody
    expect(await reachable(old.address, 2181)).toBe(true); // endpoints named in no group are not cut
    await ens.heal();
    await ens.waitForQuorum(30_000);
    expect((await ens.modes()).filter((m) => m === 'leader')).toHaveLength(1);
  });

  it('oneWay cuts one direction only; isolate cuts an endpoint from everyone; the control address is never cut', async () => {
    const [m1, m2, m3] = ens.servers as [typeof ens.servers[0], typeof ens.servers[0], typeof ens.servers[0]];
    const c = await ens.spawnClient(probeScript);
    await c.waitFor((m: { ready?: boolean }) => m.ready === true, 10_000);
    await ens.oneWay(ens.testProcess, m1);
    expect(await reachable(m1.address, 2181)).toBe(false); // our SYN is dropped
    await expect.poll(() => reachable(m2.address, 2181), { timeout: 10_000 }).toBe(true); // a connect on a busy machine can miss one try
    expect(await m1.fourLetterWord('ruok')).toBe('imok'); // the harness's own probes still pass
    await expect.poll(() => probe(c, `${m1.address}:2181`), { timeout: 10_000 }).toBe(true); // a connect on a busy machine can miss one try
    await ens.heal();
    await expect.poll(() => reachable(m1.address, 2181), { timeout: 10_000 }).toBe(true); // a connect on a busy machine can miss one try
    // m3 -> client only: the client's SYN reaches m3 but the SYN-ACK is dropped.
    await ens.oneWay(m3, c);
    expect(await probe(c, `${m3.address}:2181`)).toBe(false);
    await expect.poll(() => probe(c, `${m2.address}:2181`), { timeout: 10_000 }).toBe(true); // a connect on a busy machine can miss one try
    await ens.heal();
    await ens.isolate(c);
    for (const s of ens.servers) expect(await probe(c, `${s.address}:2181`)).toBe(false);
    await ens.heal();
    await expect.poll(() => probe(c, `${m2.address}:2181`), { timeout: 10_000 }).toBe(true); // a connect on a busy machine can miss one try
    await expect(ens.oneWay(m1, m1)).rejects.toThrow(RangeError);
    await expect(ens.partition([[m1, m2]])).rejects.toThrow(RangeError);
    await expect(ens.partition([[m1], [m1, m2]])).rejects.toThrow(/two groups/);
    await expect(ens.isolate({ name: 'm9', address: '10.9.9.9' })).rejects.toThrow(RangeError);
    await expect(ens.partition([[m1], [{ name: 'x', address: '10.1.2.3' }]])).rejects.toThrow(RangeError);
    await c.stop();
  }, 60_000);
});

describe('a 5-member ensemble', () => {
  it('partition([[m1, m2], [m3, m4, m5]]): the three elect a leader, the two serve nobody; heal brings all five back', async () => {
    await using ens = await startEnsemble({ size: 5, network: 'namespaces' });
    const [m1, m2, m3, m4, m5] = ens.servers;
    await ens.partition([[m1!, m2!], [m3!, m4!, m5!]]);
    const leader = await ens.waitForLeader([m3!, m4!, m5!], 30_000);
    expect([2, 3, 4]).toContain(leader);
    await ens.waitForMode(m1!, [undefined], 20_000);
    await ens.waitForMode(m2!, [undefined], 20_000);
    await ens.heal();
    await ens.waitForQuorum(30_000);
    const modes = await ens.modes();
    expect(modes.filter((m) => m === 'leader')).toHaveLength(1);
    expect(modes.filter((m) => m === 'follower')).toHaveLength(4);
  }, 90_000);
});

describe('cleanup', () => {
  it('stop() removes every namespace and link of the ensemble', async () => {
    const ens = await startEnsemble({ size: 1, network: 'namespaces' });
    const c = await ens.spawnClient(probeScript);
    await c.waitFor((m: { ready?: boolean }) => m.ready === true, 10_000);
    const ours = (await namespaces()).filter((n) => n.startsWith(`zookit-${process.pid}-`));
    expect(ours.length).toBeGreaterThanOrEqual(3); // hub, m1, c1
    await ens.stop();
    expect((await namespaces()).filter((n) => ours.includes(n))).toEqual([]);
    const links = (await run('ip', ['-o', 'link', 'show'])).stdout;
    expect(links).not.toMatch(new RegExp(`zkn${process.pid.toString(36)}-`));
    expect(c.pid).toBeUndefined();
  });

  it('the sweep removes namespaces of dead harness processes and never those of live ones', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((resolve) => child.once('exit', () => resolve(child.pid!)));
    const stale = `zookit-${deadPid}-7-hub`;
    const live = `zookit-${process.pid}-999-hub`;
    await run('ip', ['netns', 'add', stale]);
    await run('ip', ['netns', 'add', live]);
    try {
      const removed = await sweepStaleNamespaces();
      expect(removed).toContain(stale);
      expect(removed).not.toContain(live);
      const names = await namespaces();
      expect(names).not.toContain(stale);
      expect(names).toContain(live);
    } finally {
      await run('ip', ['netns', 'del', live]).catch(() => undefined);
      await run('ip', ['netns', 'del', stale]).catch(() => undefined);
    }
  });

  it('fails at once with a typed error where namespaces cannot be made (not root)', async () => {
    const t0 = performance.now();
    const out = await startInChild(process.execPath, ['-e', START_CODE], { uid: 65534, gid: 65534 });
    expect(out).toMatch(/^NetworkNamespacesUnavailableError NETNS_UNAVAILABLE .*not root/);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('fails at once with a typed error where namespaces cannot be made (no `ip`)', async () => {
    // A child (root) in a mount namespace of its own where overlays on /usr/bin and /usr/sbin
    // white `ip` out: /bin and /sbin are links to them, so it sees a machine without iproute2.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'zookit-no-ip-'));
    const hideIp = [
      'set -e',
      'mount -t tmpfs tmpfs "$1"',
      'for d in bin sbin; do',
      '  mkdir "$1/$d" "$1/$d-work"; mknod "$1/$d/ip" c 0 0',
      '  mount -t overlay overlay -o "lowerdir=/usr/$d,upperdir=$1/$d,workdir=$1/$d-work" "/usr/$d"',
      'done',
      'exec "$2" -e "$3"',
    ].join('\n');
    try {
      const t0 = performance.now();
      const out = await startInChild('unshare', ['--mount', '--propagation', 'private', '/bin/sh', '-c', hideIp, 'sh', dir, process.execPath, START_CODE]);
      expect(out).toMatch(/^NetworkNamespacesUnavailableError NETNS_UNAVAILABLE .*no `ip` binary/);
      expect(performance.now() - t0).toBeLessThan(10_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
