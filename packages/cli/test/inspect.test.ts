// The inspectors against layouts written by the real recipes: zookit's (in-process),
// Curator 5.4's (a Java peer: InterProcessMutex, LeaderLatch, x-discovery,
// DistributedQueue) and kazoo 2.8's (a Python peer: Lock, Queue, LockingQueue).
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Lock, ReadWriteLock } from '@zookit/recipes';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixture, lines, zk } from './helpers.ts';

const f = fixture();
const PEERS = path.join(import.meta.dirname, 'peers');
const JARS = [
  'curator-client', 'curator-framework', 'curator-recipes', 'curator-x-discovery', 'zookeeper', 'zookeeper-jute', 'slf4j-api', 'slf4j-nop',
  'guava', 'jackson-core', 'jackson-databind', 'jackson-annotations',
].map((j) => `/usr/share/java/${j}.jar`);
let classDir = '';
const peers: ChildProcessWithoutNullStreams[] = [];

beforeAll(() => {
  classDir = mkdtempSync(path.join(tmpdir(), 'zk-cli-peer-'));
  execFileSync('javac', ['-d', classDir, '-cp', JARS.join(':'), path.join(PEERS, 'InspectPeer.java')]);
}, 90_000);

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve(undefined);
    p.on('exit', resolve);
    p.stdin.end();
    setTimeout(() => p.kill('SIGKILL'), 5_000).unref();
  })));
});

/** Starts a peer; resolves once it printed "ready" (its nodes are in place). */
function peer(command: string, args: string[]): Promise<void> {
  const proc = spawn(command, args, { stdio: 'pipe' });
  peers.push(proc);
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout }).on('line', (l) => l === 'ready' && resolve());
    proc.on('exit', (code) => reject(new Error(`${command} exited ${code}: ${stderr.slice(-1500)}`)));
  });
}

describe('inspectors', () => {
  it('locks and election decode Curator and kazoo queues: holder, order, fencing tokens, sessions, identifiers', async () => {
    const { hosts } = await f.chroot();
    await Promise.all([
      peer('java', ['-cp', [classDir, ...JARS].join(':'), 'InspectPeer', hosts, '/cur']),
      peer('/usr/bin/python3', [path.join(PEERS, 'inspect_peer.py'), hosts, '/kz']),
    ]);
    const curator = lines((await zk(['-s', hosts, '--json', 'locks', '/cur/lock'])).stdout);
    expect(curator.map((r) => [r['position'], r['state'], r['kind'], r['naming']])).toEqual([[0, 'HOLDS', 'exclusive', 'curator'], [1, 'waits', 'exclusive', 'curator']]);
    expect(BigInt(curator[0]!['token'] as string)).toBeLessThan(BigInt(curator[1]!['token'] as string));
    expect(curator[0]!['session']).toBe(curator[1]!['session']);
    expect(curator[0]!['node']).toMatch(/^_c_[0-9a-f-]{36}-lock-\d{10}$/);

    const kazoo = lines((await zk(['-s', hosts, '--json', 'locks', '/kz/klock'])).stdout);
    expect(kazoo.map((r) => [r['state'], r['identifier'], r['naming']])).toEqual([['HOLDS', 'k-holder', 'kazoo'], ['waits', 'k-waiter', 'kazoo']]);

    // Semaphores of two leases, both held, a third acquirer waiting.
    const cs = await zk(['-s', hosts, '--json', 'locks', '/cur/sem']);
    expect(cs.stderr).toBe('Curator InterProcessSemaphoreV2: 2 leases held\n');
    expect(lines(cs.stdout).map((r) => [r['state'], r['kind'], r['naming']])).toEqual([['HOLDS', 'lease', 'curator'], ['HOLDS', 'lease', 'curator'], ['waits', 'lease', 'curator']]);
    const ks = await zk(['-s', hosts, '--json', 'locks', '/kz/ksem']);
    expect(ks.stderr).toBe('kazoo Semaphore: 2 leases held of 2\n');
    expect(lines(ks.stdout).map((r) => [r['state'], r['identifier']])).toEqual([['HOLDS', 'k-s1'], ['HOLDS', 'k-s2'], ['waits', 'k-s3']]);

    const leader = await zk(['-s', hosts, 'election', '/cur/leader']);
    expect(leader.stdout).toMatch(/^# +ROLE +IDENTIFIER +TOKEN\(czxid\) +SESSION +SINCE +LAYOUT +NODE\n0 +LEADER +cur-a +\d+ +0x[0-9a-f]+ .* curator +_c_.*-latch-\d{10}\n1 +follower +cur-b /);
  }, 90_000);

  it('locks decodes zookit locks and read-write locks (readers before the first writer hold)', async () => {
    const { hosts, client } = await f.chroot();
    const held = await new Lock(client, '/zl', { identifier: 'zk-holder' }).acquire();
    const waiting = new Lock(client, '/zl', { identifier: 'zk-waiter' });
    const pending = waiting.acquire();
    await expect.poll(async () => (await client.getChildren('/zl')).length).toBe(2);
    const rows = lines((await zk(['-s', hosts, '--json', 'locks', '/zl'])).stdout);
    expect(rows.map((r) => [r['state'], r['identifier'], r['token']])).toEqual([
      ['HOLDS', 'zk-holder', `0x${held.fencingToken.toString(16)}`], ['waits', 'zk-waiter', expect.any(String)],
    ]);
    await held.release();
    await (await pending).release();

    const rw = new ReadWriteLock(client, '/rw', { identifier: 'reader-1' });
    const r1 = await rw.readLock.acquire();
    const w = new ReadWriteLock(client, '/rw', { identifier: 'writer' }).writeLock.acquire();
    await expect.poll(async () => (await client.getChildren('/rw')).length).toBe(2);
    const human = await zk(['-s', hosts, 'locks', '/rw']);
    expect(human.stdout).toMatch(/\n0 +HOLDS +read +\d+ +0x[0-9a-f]+ +reader-1 +curator +_c_.*__READ__\d{10}\n1 +waits +exclusive +\d+ +0x[0-9a-f]+ +writer /);
    await r1.release();
    await (await w).release();
  });

  it('an empty lock, election, registry or queue: a note on stderr and nothing on stdout, in both modes', async () => {
    const { hosts, client } = await f.chroot();
    await Promise.all(['/lock', '/election', '/services/api', '/queue'].map((p) => client.create(p, '', { makePath: true })));
    const cases: Array<[string[], string]> = [
      [['locks', '/lock'], 'no lock contenders under /lock'],
      [['election', '/election'], 'no candidates under /election'],
      [['services', 'api'], 'no instances under /services/api'],
      [['queue', '/queue'], 'no queue items under /queue'],
    ];
    for (const [args, note] of cases) {
      expect(await zk(['-s', hosts, ...args])).toEqual({ code: 0, stdout: '', stderr: `${note}\n` });
      expect(await zk(['-s', hosts, '--json', ...args])).toEqual({ code: 0, stdout: '', stderr: '' });
    }
  });

  it('services lists x-discovery instances; queue shows Curator and kazoo items in consumption order', async () => {
    const { hosts } = await f.chroot();
    await Promise.all([
      peer('java', ['-cp', [classDir, ...JARS].join(':'), 'InspectPeer', hosts, '/cur']),
      peer('/usr/bin/python3', [path.join(PEERS, 'inspect_peer.py'), hosts, '/kz']),
    ]);
    const svc = lines((await zk(['-s', hosts, '--json', 'services', '--base', '/cur/services', 'api'])).stdout);
    expect(svc).toEqual([
      expect.objectContaining({ name: 'api', id: 'api-1', address: '10.0.0.1', port: 8080, sslPort: 8443, payload: 'blue', serviceType: 'DYNAMIC', uri: '{scheme}://{address}:{port}', enabled: true }),
      expect.objectContaining({ name: 'api', id: 'api-2', address: '10.0.0.2', port: 8081, sslPort: null, payload: 'green' }),
    ]);
    expect(svc[0]!['session']).not.toBe('0x0');
    expect((await zk(['-s', hosts, 'services', '-b', '/cur/services'])).stdout).toMatch(/^NAME +ID +ADDRESS +PORT +SSL +TYPE +SESSION +REGISTERED +PAYLOAD\napi +api-1 +10\.0\.0\.1 +8080 +8443 +DYNAMIC +0x/);

    // A disabled instance, as zookit discovery writes it (Curator's fields plus enabled: false).
    const { client } = await f.chroot();
    const w1 = { name: 'web', id: 'w1', address: '10.1.1.1', port: 80, sslPort: null, payload: null, registrationTimeUTC: 0, serviceType: 'STATIC', uriSpec: null, enabled: false };
    await client.create('/zsvc/web/w1', JSON.stringify(w1), { makePath: true });
    const zhosts = `${hosts.slice(0, hosts.indexOf('/'))}${client.chroot}`;
    expect((await zk(['-s', zhosts, 'services', '-b', '/zsvc'])).stdout).toMatch(/\nweb +w1 \(disabled\) +10\.1\.1\.1 +80 +STATIC +0x0\n/);

    const cq = lines((await zk(['-s', hosts, '--json', 'queue', '/cur/queue'])).stdout);
    expect(cq.map((r) => [r['position'], r['items'], r['layout']])).toEqual([
      [0, ['job-1'], 'Curator DistributedQueue'], [1, ['job-2'], 'Curator DistributedQueue'], [2, ['job-3'], 'Curator DistributedQueue'],
    ]);
    const kq = lines((await zk(['-s', hosts, '--json', 'queue', '/kz/kqueue'])).stdout);
    expect(kq.map((r) => [r['priority'], r['items']])).toEqual([[5, ['urgent']], [100, ['normal']]]);
    const klq = lines((await zk(['-s', hosts, '--json', 'queue', '/kz/klq'])).stdout);
    expect(klq.map((r) => [r['state'], r['items'], r['layout']])).toEqual([['taken', ['first'], 'kazoo LockingQueue'], ['ready', ['second'], 'kazoo LockingQueue']]);
    expect(klq[0]!['takenBy']).toMatch(/^[0-9a-f]{32} \(session 0x[0-9a-f]+\)$/);
  }, 90_000);
});
