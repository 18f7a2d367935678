import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/index.ts';
import { fixture, lines, zk } from './helpers.ts';

const f = fixture();

describe("zkCli's verbs, non-interactively", () => {
  it('ls [-s] [-R], get [-s], stat', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/a', 'A');
    await client.create('/a/b', 'B');
    await client.create('/a/c');
    const r = await zk(['-s', hosts, '-c', 'ls /a; ls -R /a; get /a/b; stat /a']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^b\nc\n\/a\n\/a\/b\n\/a\/c\nB\ncZxid = 0x[0-9a-f]+\n/);
    expect(r.stdout).toContain('numChildren = 2');
    const j = lines((await zk(['-s', hosts, '--json', '-c', 'ls -s /a; get -s /a/b'])).stdout);
    expect(j[0]).toMatchObject({ path: '/a', children: ['b', 'c'], stat: { numChildren: 2, version: 0 } });
    expect(j[1]).toMatchObject({ path: '/a/b', data: 'B', stat: { dataLength: 1 } });
    expect((await zk(['-s', hosts, 'stat', '/none'])).stderr).toBe('zk: NONODE: /none (exists)\n');
  });

  it('binary data prints as a note on a terminal and as base64 in JSON', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/bin', Buffer.from([0xff, 0x00, 0xfe]));
    expect((await zk(['-s', hosts, 'get', '/bin'])).stdout).toBe('<3 bytes of binary data; --json shows base64>\n');
    expect(lines((await zk(['-s', hosts, '--json', 'get', '/bin'])).stdout)).toEqual([{ path: '/bin', dataBase64: '/wD+' }]);
  });

  it('create -s -e -c -t -p, set -v, delete -v', async () => {
    const { hosts, client } = await f.chroot();
    const r = await zk(['-s', hosts, '--json', '-c', 'create /p; create -s /p/q- x; create -c /c; create -t 60000 /ttl; create -p /x/y/z; set -v 0 /p v1; set -s /p v2']);
    expect(r.stderr).toBe('');
    const out = lines(r.stdout);
    expect(out[1]).toEqual({ created: '/p/q-0000000000' });
    expect(out[6]).toMatchObject({ path: '/p', stat: { version: 2 } });
    expect((await client.get('/p')).data.toString()).toBe('v2');
    expect(await client.exists('/x/y/z')).not.toBeNull();
    const bad = await zk(['-s', hosts, 'set', '-v', '0', '/p', 'v3']);
    expect(bad).toMatchObject({ code: ExitCode.ZOOKEEPER, stderr: 'zk: BADVERSION: /p (setData)\n' });
    expect((await zk(['-s', hosts, 'delete', '-v', '1', '/x/y/z'])).stderr).toBe('zk: BADVERSION: /x/y/z (delete)\n');
    expect((await zk(['-s', hosts, 'delete', '-v', '0', '/x/y/z'])).code).toBe(0);
    expect(await client.exists('/x/y/z')).toBeNull();
    expect((await zk(['-s', hosts, 'delete', '/x'])).stderr).toBe('zk: NOTEMPTY: /x (delete)\n');
  });

  it('create -e makes an ephemeral node that getEphemerals lists within the session', async () => {
    const { hosts, client } = await f.chroot();
    const r = await zk(['-s', hosts, '-c', 'create -e /e1; create -e /e2; getEphemerals /']);
    expect(r.stdout).toBe('Created /e1\nCreated /e2\n/e1\n/e2\n');
    expect(await client.exists('/e1')).toBeNull();
  });

  it('deleteall needs --yes in scripts; getAllChildrenNumber counts the subtree', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/d/a/b', null, { makePath: true });
    expect((await zk(['-s', hosts, 'getAllChildrenNumber', '/d'])).stdout).toBe('2\n');
    const refused = await zk(['-s', hosts, 'deleteall', '/d']);
    expect(refused).toMatchObject({ code: ExitCode.USAGE, stderr: 'zk: delete /d and its 2 descendants: pass --yes to confirm\n' });
    expect(await client.exists('/d')).not.toBeNull();
    expect((await zk(['-s', hosts, 'deleteall', '--yes', '/d'])).stdout).toBe('Deleted /d and 2 descendants\n');
    expect(await client.exists('/d')).toBeNull();
    await client.create('/d2');
    expect((await zk(['-s', hosts, '--yes', 'rmr', '/d2'])).code).toBe(0);
  });

  it('getAcl, setAcl and setAcl -R, addauth and whoami', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/acl/a/b', null, { makePath: true });
    expect((await zk(['-s', hosts, 'getAcl', '/acl'])).stdout).toBe('SCHEME  ID      PERMS\nworld   anyone  cdrwa\n');
    expect((await zk(['-s', hosts, 'setAcl', '-R', '/acl', 'world:anyone:rw,ip:127.0.0.1:cdrwa'])).stdout).toBe('ACL set on 3 nodes\n');
    const { acls } = await client.getAcls('/acl/a/b');
    expect(acls).toEqual([{ perms: 3, id: { scheme: 'world', id: 'anyone' } }, { perms: 31, id: { scheme: 'ip', id: '127.0.0.1' } }]);
    expect((await zk(['-s', hosts, 'setAcl', '/acl', 'world:anyone:xyz'])).stderr).toBe('zk: bad ACL "world:anyone:xyz": permissions are letters of cdrwa\n');
    const who = await zk(['-s', hosts, '--json', '-c', 'addauth digest bob:pw; whoami']);
    expect(lines(who.stdout)).toContainEqual({ scheme: 'digest', user: 'bob' });
    expect(who.stdout).not.toContain('pw');
    expect(await zk(['-s', hosts, 'addauth', 'digest', 'bob'])).toMatchObject({ code: ExitCode.USAGE, stderr: expect.stringMatching(/^zk: addauth digest needs USER:PASSWORD/) });
  });

  it('sync, config, close and connect, help', async () => {
    const { hosts } = await f.chroot();
    const r = await zk(['-s', hosts, '-c', `sync /; close; connect ${hosts}; ls /; config; help get`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Sync is OK\nConnected to .* \(session 0x[0-9a-f]+\)\n/);
    expect(r.stdout).toContain('Usage: get [options] <path>');
    const list = await zk(['help']);
    expect(list.stdout).toMatch(/^COMMAND +WHAT IT DOES\n/);
    expect(list.stdout).toContain('getAllChildrenNumber');
  });

  it('get -w prints the event when it fires; addWatch, watch -n, removewatches', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/w', 'x');
    const running = zk(['-s', hosts, '-c', 'get -w /w; addWatch -m PERSISTENT /w; watch /w -n 2; removewatches /w; removewatches /w']);
    // The one-shot watch (get -w), the persistent one (addWatch) and `watch` all see the sets:
    // keep changing the node until the script has seen two events and ended.
    let stdout = '';
    const done = running.then((r) => (stdout = r.stdout, r));
    await expect.poll(async () => {
      await client.set('/w', String(Date.now()));
      return stdout === '' ? undefined : stdout;
    }, { timeout: 10_000, interval: 200 }).toBeDefined();
    const r = await done;
    expect(r.stdout).toContain('WATCHER: CHANGED /w');
    expect(r.stdout).toMatch(/CHANGED +\/w/);
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.stderr).toContain('zk: removewatches: this session has no watch at /w');
  });

  it('watch -R streams events of the subtree as NDJSON until -n', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/tree');
    const running = zk(['-s', hosts, '--json', 'watch', '-R', '/tree', '-n', '3']);
    // Until the watch is in place, changes are missed: write until three events arrived.
    let i = 0;
    const writer = setInterval(() => void client.create(`/tree/n${i++}`).catch(() => {}), 100);
    const r = await running.finally(() => clearInterval(writer));
    const events = lines(r.stdout);
    expect(events).toHaveLength(3);
    for (const e of events) expect(e).toMatchObject({ type: 'CREATED', path: expect.stringMatching(/^\/tree\/n\d+$/) });
  });
});
