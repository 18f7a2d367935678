import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Perms, digestId, joinPath, type Acl, type ZooKeeperClient } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/index.ts';
import { fixture, lines, zk } from './helpers.ts';

const f = fixture();
const tmp = () => mkdtempSync(path.join(tmpdir(), 'zk-cli-copy-'));

const READ_ONLY: Acl[] = [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }];
const DIGEST: Acl[] = [
  { perms: Perms.ALL, id: { scheme: 'digest', id: digestId('ops', 'pw') } },
  { perms: Perms.READ | Perms.CREATE | Perms.DELETE | Perms.ADMIN, id: { scheme: 'world', id: 'anyone' } },
];

/**
 * 5,000 nodes under /src: 50 directories of 99 leaves with binary data of varied size,
 * some read-only ACLs (also on a directory with children: it cannot be created first
 * with its own ACL), digest ACLs, two nodes of 400 KB (several transactions), one ephemeral.
 */
async function build(client: ZooKeeperClient): Promise<number> {
  let count = 1;
  await client.create('/src', 'root');
  for (let d = 0; d < 50; d++) {
    const tx = client.transaction();
    const dir = `/src/d${d}`;
    tx.create(dir, `dir ${d}`, { acl: d === 8 ? DIGEST : undefined! });
    for (let i = 0; i < 99; i++) {
      const data = Buffer.alloc((i * 37) % 300, d * 100 + i);
      tx.create(`${dir}/n${i}`, data, { acl: i % 10 === 3 ? READ_ONLY : i % 10 === 4 ? DIGEST : undefined! });
    }
    if (d === 7) tx.setData(dir, 'read-only dir');
    const results = await tx.commit();
    expect(results.filter((r) => r instanceof Error)).toEqual([]);
    // Its children exist before the ACL forbids creating them.
    if (d === 7) await client.setAcls(dir, READ_ONLY);
    count += 100;
  }
  await client.create('/src/d0/big1', Buffer.alloc(400_000, 1));
  await client.create('/src/d1/big2', Buffer.alloc(400_000, 2));
  await client.create('/src/d2/eph', 'gone', { ephemeral: true });
  return count + 2;
}

/** Every node under `root` (paths relative to it) with data and ACL, read with the client. */
async function snapshot(client: ZooKeeperClient, root: string): Promise<Map<string, { data: string; acls: Acl[] }>> {
  const out = new Map<string, { data: string; acls: Acl[] }>();
  const visit = async (p: string): Promise<void> => {
    const [children, { data }, { acls }] = await Promise.all([client.getChildren(p), client.get(p), client.getAcls(p)]);
    out.set(p.slice(root.length) || '/', { data: data.toString('base64'), acls });
    await Promise.all(children.map((c) => visit(joinPath(p, c))));
  };
  await visit(root);
  return out;
}

describe('dump, restore, mirror, diff', () => {
  it('dump → restore into a second server round-trips 5,000 nodes with data and ACLs exactly', async () => {
    const a = await f.chroot(1);
    const b = await f.chroot(2);
    const n = await build(a.client);
    const file = path.join(tmp(), 'src.jsonl');
    const dumped = await zk(['-s', a.hosts, '--json', 'dump', '/src', file]);
    expect(lines(dumped.stdout)).toEqual([{ dumped: '/src', file, nodes: n }]);
    const text = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(text[0]!)).toEqual({ format: 'zk-dump', version: 1, root: '/src' });
    expect(text).toHaveLength(n + 1);
    expect(text.some((l) => l.includes('"/src/d2/eph"'))).toBe(false);

    // A dry run writes nothing, so --readonly allows it.
    const dry = await zk(['-s', b.hosts, '--readonly', '--json', 'restore', file, '--to', '/copy', '--dry-run']);
    expect(lines(dry.stdout).at(-1)).toEqual({ created: n, updated: 0, unchanged: 0, deleted: 0, transactions: expect.any(Number), dryRun: true });
    expect(await b.client.exists('/copy')).toBeNull();

    const restored = await zk(['-s', b.hosts, '--json', 'restore', file, '--to', '/copy']);
    expect(restored.stderr).toBe('');
    const summary = lines(restored.stdout)[0]!;
    expect(summary).toMatchObject({ created: n, updated: 0, unchanged: 0, dryRun: false });
    expect(summary['transactions']).toBeGreaterThanOrEqual(3);

    const [src, copy] = await Promise.all([snapshot(a.client, '/src'), snapshot(b.client, '/copy')]);
    src.delete('/d2/eph');
    expect(copy.size).toBe(n);
    expect(copy).toEqual(src);

    // Restoring again changes nothing; diff across the clusters agrees.
    expect(lines((await zk(['-s', b.hosts, '--json', 'restore', file, '--to', '/copy'])).stdout)[0]).toMatchObject({ created: 0, updated: 0, unchanged: n });
    // --delete also removes what the dump does not have.
    await b.client.create('/copy/d3/stray');
    expect(lines((await zk(['-s', b.hosts, '--json', 'restore', file, '--to', '/copy', '--delete'])).stdout)[0]).toMatchObject({ created: 0, deleted: 1, unchanged: n });
    expect(await b.client.exists('/copy/d3/stray')).toBeNull();
  }, 120_000);

  it('mirror copies a subtree into another cluster exactly; diff --against finds the one changed node', async () => {
    const a = await f.chroot(1);
    const b = await f.chroot(2);
    const n = await build(a.client);
    const m = await zk(['-s', a.hosts, '--json', 'mirror', '/src', '--to', b.hosts]);
    expect(m.stderr).toBe('');
    expect(lines(m.stdout)[0]).toMatchObject({ created: n, updated: 0, dryRun: false });
    const [src, copy] = await Promise.all([snapshot(a.client, '/src'), snapshot(b.client, '/src')]);
    src.delete('/d2/eph');
    expect(copy).toEqual(src);

    const same = await zk(['-s', a.hosts, 'diff', '/src', '--against', b.hosts]);
    expect(same).toEqual({ code: ExitCode.OK, stdout: '', stderr: 'no differences\n' });
    await b.client.set('/src/d33/n42', 'changed');
    const changed = await zk(['-s', a.hosts, 'diff', '/src', '--against', b.hosts]);
    expect(changed).toEqual({ code: ExitCode.DIFFERS, stdout: '~ /d33/n42  (data)\n', stderr: '' });
    // A second mirror repairs it with one update.
    expect(lines((await zk(['-s', a.hosts, '--json', 'mirror', '/src', '--to', b.hosts])).stdout)[0]).toMatchObject({ created: 0, updated: 1 });

    // Nodes only on the target stay, unless --delete (and never someone's ephemeral node or its parents).
    await b.client.create('/src/extra/x', 'x', { makePath: true });
    await b.client.create('/src/d0/n0/child');
    await b.client.create('/src/held/e', null, { makePath: true, ephemeral: true });
    expect((await zk(['-s', a.hosts, 'diff', '/src', '--against', b.hosts])).stdout).toBe('+ /d0/n0/child\n+ /extra\n+ /extra/x\n+ /held\n');
    const plan = await zk(['-s', a.hosts, 'mirror', '/src', '--to', b.hosts, '--delete', '--dry-run']);
    expect(plan.stdout).toBe('delete      /src/d0/n0/child\ndelete      /src/extra/x\ndelete      /src/extra\nWould create 0, update 0, delete 3, left 5003 unchanged (into ' + b.hosts + ', 0 transactions)\n');
    expect(lines((await zk(['-s', a.hosts, '--json', 'mirror', '/src', '--to', b.hosts, '--delete'])).stdout)[0]).toMatchObject({ created: 0, updated: 0, deleted: 3 });
    // (diff, like dump, leaves ephemeral nodes out.)
    expect((await zk(['-s', a.hosts, 'diff', '/src', '--against', b.hosts])).stdout).toBe('+ /held\n');
    expect(await b.client.exists('/src/held/e')).not.toBeNull();
  }, 120_000);

  it('mirror to a cluster that does not answer is a connection failure, reported once', async () => {
    const a = await f.chroot();
    await a.client.create('/src', 'x');
    const r = await zk(['-s', a.hosts, '--timeout', '300', 'mirror', '/src', '--to', '127.0.0.1:1']);
    expect(r.code).toBe(ExitCode.CONNECTION);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^zk: could not connect to ZooKeeper within 300 ms \(tried 127\.0\.0\.1:1\)[^\n]*\n$/);
  });

  it('diff between two paths reports added, removed, data and ACL changes', async () => {
    const { hosts, client } = await f.chroot();
    for (const root of ['/l', '/r']) {
      await client.create(`${root}/same`, 'x', { makePath: true });
      await client.create(`${root}/data`, root);
      await client.create(`${root}/acl`, 'x', { acl: root === '/r' ? READ_ONLY : undefined! });
    }
    await client.create('/l/gone');
    await client.create('/r/new');
    const r = await zk(['-s', hosts, 'diff', '/l', '/r']);
    expect(r.code).toBe(ExitCode.DIFFERS);
    expect(r.stdout).toBe('~ /acl  (acl)\n~ /data  (data)\n- /gone\n+ /new\n');
    expect((await zk(['-s', hosts, 'diff', '/l'])).stderr).toBe('zk: diff: give a second path or --against HOSTS\n');
  });

  it('restore refuses malformed files with one line; dump of a missing path is NONODE', async () => {
    const { hosts } = await f.chroot();
    const dir = tmp();
    writeFileSync(path.join(dir, 'bad'), 'not json\n');
    expect(await zk(['-s', hosts, 'restore', path.join(dir, 'bad')])).toMatchObject({ code: ExitCode.FAILURE, stderr: `zk: ${path.join(dir, 'bad')}:1: not a JSON line\n` });
    expect(await zk(['-s', hosts, 'restore', path.join(dir, 'none')])).toMatchObject({ code: ExitCode.FAILURE, stderr: `zk: cannot read ${path.join(dir, 'none')} (ENOENT)\n` });
    expect(await zk(['-s', hosts, 'dump', '/missing', path.join(dir, 'x')])).toMatchObject({ code: ExitCode.ZOOKEEPER, stderr: 'zk: NONODE: /missing (getChildren)\n' });
    expect(await zk(['-s', hosts, '--readonly', 'restore', path.join(dir, 'bad')])).toMatchObject({ code: ExitCode.USAGE });
  });
});
