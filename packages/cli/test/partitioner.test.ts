// `zk partitioner` against two real zookit SetPartitioners (kazoo's layout: `party/` members,
// `locks/<item>` one kazoo lock per item): members and sessions, each item's holder, a
// waiter that is not a member, an item nobody holds, and the re-split after a member leaves;
// then a kazoo 2.8 member sharing a set with a zookit one.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ZooKeeperClient } from '@zookit/client';
import { Lock, SetPartitioner } from '@zookit/recipes';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, lines, zk } from './helpers.ts';

const f = fixture();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).reverse().map((c) => c().catch(() => {})));
});

async function client(hosts: string): Promise<ZooKeeperClient> {
  const c = new ZooKeeperClient({ hosts, sessionTimeout: 4_000 });
  await c.start();
  cleanups.push(() => c.close());
  return c;
}

/** Runs a partitioner, each assignment held until its signal aborts. */
function member(c: ZooKeeperClient, identifier: string, items = ['a', 'b', 'c', 'd']): SetPartitioner {
  const p = new SetPartitioner(c, '/sp', items, { identifier, timeBoundary: 300 });
  void (async () => {
    for await (const { signal } of p) await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
  })().catch(() => {});
  cleanups.push(() => p.close());
  return p;
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

describe('zk partitioner', () => {
  it('shows the members, who holds each item (by session), who waits and what nobody holds', async () => {
    const { hosts } = await f.chroot();
    const [c1, c2, c3] = await Promise.all([client(hosts), client(hosts), client(hosts)]);
    member(c1, 'w1');
    const p2 = member(c2, 'w2');
    const json = async () => lines((await zk(['-s', hosts, '--json', 'partitioner', '/sp'])).stdout);
    const split = async () => (await json()).filter((r) => r['type'] === 'member').map((r) => [r['identifier'], r['items']]);
    await expect.poll(split, { timeout: 20_000 }).toEqual([['w1', ['a', 'c']], ['w2', ['b', 'd']]]);

    // A non-member waits on item a; item e has a lock node nobody holds.
    const waiting = new Lock(c3, '/sp/locks/a', { naming: 'kazoo' });
    const ac = new AbortController();
    const pending = waiting.acquire({ signal: ac.signal }).catch(() => undefined);
    cleanups.push(async () => ac.abort());
    await c3.create('/sp/locks/e', '');
    await expect.poll(async () => (await json()).find((r) => r['item'] === 'a')?.['waiters']).toEqual([`session ${hex(c3.sessionId)}`]);
    const rows = await json();
    expect(rows.filter((r) => r['type'] === 'member').map((r) => [r['identifier'], r['session']])).toEqual([['w1', hex(c1.sessionId)], ['w2', hex(c2.sessionId)]]);
    expect(rows.filter((r) => r['type'] === 'item').map((r) => [r['item'], r['state'], r['holder'], r['session']])).toEqual([
      ['a', 'HOLDS', 'w1', hex(c1.sessionId)], ['b', 'HOLDS', 'w2', hex(c2.sessionId)], ['c', 'HOLDS', 'w1', hex(c1.sessionId)],
      ['d', 'HOLDS', 'w2', hex(c2.sessionId)], ['e', 'free', '', null],
    ]);
    const nodesA = await Promise.all((await c1.getChildren('/sp/locks/a')).map((n) => c1.get(`/sp/locks/a/${n}`)));
    const heldA = nodesA.find((n) => n.stat.ephemeralOwner === c1.sessionId)!;
    expect(rows.find((r) => r['item'] === 'a')?.['token']).toBe(hex(heldA.stat.czxid));

    const human = await zk(['-s', hosts, 'partitioner', '/sp']);
    expect(human.code).toBe(0);
    expect(human.stderr).toBe('2 members, 5 items (1 not held)\n');
    expect(human.stdout).toMatch(/^MEMBER +SESSION +HOLDS +NODE\nw1 +0x[0-9a-f]+ +a,c +[0-9a-f]{32}-w1\nw2 +0x[0-9a-f]+ +b,d +[0-9a-f]{32}-w2\n\nITEM +STATE +HOLDER +SESSION +TOKEN\(czxid\) +WAITING\na +HOLDS +w1 +0x[0-9a-f]+ +\d+ +session 0x[0-9a-f]+\n/);
    expect(human.stdout).toMatch(/\ne +free\n$/);

    // w2 leaves (the non-member gives up first, else it would take a when w1 re-splits): w1 holds all.
    ac.abort();
    await pending;
    await p2.close();
    await expect.poll(split, { timeout: 20_000 }).toEqual([['w1', ['a', 'b', 'c', 'd']]]);
    expect((await zk(['-s', hosts, 'partitioner', '/nothing'])).stderr).toBe('no partitioner members or item locks under /nothing\n');
  }, 60_000);

  it('reads a set shared by a kazoo member and a zookit member', async () => {
    const { hosts } = await f.chroot();
    const peer = spawn('/usr/bin/python3', [path.join(import.meta.dirname, 'peers', 'partition_peer.py'), hosts, '/sp', 'a,b,c', 'k1'], { stdio: 'pipe' });
    peer.stderr.resume();
    const exited = new Promise((resolve) => peer.on('exit', resolve));
    cleanups.push(async () => {
      peer.stdin.end();
      const kill = setTimeout(() => peer.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(kill);
    });
    member(await client(hosts), 'z1', ['a', 'b', 'c']);
    const json = async () => lines((await zk(['-s', hosts, '--json', 'partitioner', '/sp'])).stdout);
    const split = async () => (await json()).filter((r) => r['type'] === 'member').map((r) => [r['identifier'], r['items']]);
    await expect.poll(split, { timeout: 30_000 }).toEqual([['k1', ['a', 'c']], ['z1', ['b']]]);
    const rows = await json();
    const k1 = rows.find((r) => r['identifier'] === 'k1')!;
    expect(k1['node']).toMatch(/^[0-9a-f]{32}-k1$/);
    expect(rows.filter((r) => r['type'] === 'item').map((r) => [r['item'], r['holder'], r['session'] === k1['session']])).toEqual([['a', 'k1', true], ['b', 'z1', false], ['c', 'k1', true]]);
  }, 60_000);
});
