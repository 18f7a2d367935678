import { describe, expect, it } from 'vitest';
import { startServer } from '@zookit/testing';
import {
  BadVersionError, CREATOR_ALL_ACL, QuotaExceededError, InvalidACLError, InvalidArgumentError, NoAuthError, NoChildrenForEphemeralsError,
  NoNodeError, NodeExistsError, NotEmptyError, OPEN_ACL_UNSAFE, Perms, READ_ACL_UNSAFE, RequestTooLargeError,
  RolledBackError, UnimplementedError, ZooKeeperClient, makeDigestAcl, ReconfigDisabledError, ZooKeeperError,
} from '../src/index.js';
import { connect } from './helpers.js';

describe('create', () => {
  it('creates persistent, ephemeral and sequential nodes and returns the real path', async () => {
    const zk = await connect();
    expect(await zk.create('/a', 'x')).toBe('/a');
    const seq = await zk.create('/a/job-', Buffer.from('1'), { sequential: true });
    expect(seq).toMatch(/^\/a\/job-\d{10}$/);
    const eph = await zk.create('/a/e', new Uint8Array([1, 2]), { ephemeral: true });
    const stat = await zk.exists(eph);
    expect(stat?.ephemeralOwner).toBe(zk.sessionId);
    expect((await zk.get('/a/e')).data).toEqual(Buffer.from([1, 2]));
    const both = await zk.create('/a/es-', null, { ephemeral: true, sequential: true });
    expect(both).toMatch(/^\/a\/es-\d{10}$/);
  });

  it('returns the Stat with withStat, and creates parents with makePath', async () => {
    const zk = await connect();
    const res = await zk.create('/deep/er/node', 'v', { makePath: true, withStat: true });
    expect(res.path).toBe('/deep/er/node');
    expect(res.stat.dataLength).toBe(1);
    expect(res.stat.czxid).toBeGreaterThan(0n);
    expect(await zk.getChildren('/deep/er')).toEqual(['node']);
  });

  it('creates container nodes (createContainer) that hold children', async () => {
    const zk = await connect();
    expect(await zk.create('/c', null, { container: true })).toBe('/c');
    expect(await zk.create('/c/kid', 'x', { ephemeral: true })).toBe('/c/kid');
    expect((await zk.exists('/c'))?.numChildren).toBe(1);
  });

  it('refuses TTL nodes on a server without extended types, and creates them where enabled', async () => {
    const zk = await connect();
    await expect(zk.create('/ttl', 'x', { ttl: 60_000 })).rejects.toBeInstanceOf(UnimplementedError);
    await using server = await startServer({ extendedTypesEnabled: true });
    const zk2 = new ZooKeeperClient({ hosts: server.connectString });
    await zk2.start();
    try {
      const { path, stat } = await zk2.create('/ttl-', 'x', { ttl: 60_000, sequential: true, withStat: true });
      expect(path).toMatch(/^\/ttl-\d{10}$/);
      expect(stat.dataLength).toBe(1);
      expect(await zk2.exists(path)).not.toBeNull();
    } finally {
      await zk2.stop();
    }
  });

  it('reports NodeExists, NoNode and NoChildrenForEphemerals with code, path and operation', async () => {
    const zk = await connect();
    await zk.create('/x');
    const err = await zk.create('/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeExistsError);
    expect(err).toMatchObject({ code: -110, codeName: 'NODEEXISTS', path: '/x', op: 'create', message: 'NODEEXISTS: /x (create)' });
    await expect(zk.create('/missing/child')).rejects.toBeInstanceOf(NoNodeError);
    await zk.create('/eph', null, { ephemeral: true });
    await expect(zk.create('/eph/child')).rejects.toBeInstanceOf(NoChildrenForEphemeralsError);
  });

  it('refuses invalid input before sending anything', async () => {
    const zk = await connect();
    const bad: Array<() => Promise<unknown>> = [
      () => zk.create('no-slash'),
      () => zk.create('/trailing/'),
      () => zk.create('/a/../b'),
      () => zk.create('/a/./b'),
      () => zk.create('/a//b'),
      () => zk.create('/nul\u0000'),
      () => zk.create('/x', 'v', { bogus: true } as never),
      () => zk.create('/x', 42 as never),
      () => zk.create('/x', 'v', { ttl: -1 }),
      () => zk.create('/x', 'v', { ttl: 10, ephemeral: true }),
      () => zk.create('/x', 'v', { container: true, sequential: true }),
      () => zk.create('/x', 'v', { acl: [] }),
      () => zk.get('relative'),
      () => zk.set('/x', 'v', { version: -2 }),
      () => zk.delete('/x', { version: 1.5 }),
    ];
    for (const call of bad) await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(zk.inFlight).toEqual({ sent: 0, queued: 0 });
    expect(await zk.exists('/x')).toBeNull();
  });

  it('refuses data over the server limit with a typed error and keeps the connection', async () => {
    const zk = await connect();
    const sessionId = zk.sessionId;
    const err = await zk.create('/big', Buffer.alloc(1024 * 1024 + 10)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTooLargeError);
    expect((err as RequestTooLargeError).limit).toBe(1048575);
    await expect(zk.set('/', Buffer.alloc(1048576))).rejects.toBeInstanceOf(RequestTooLargeError);
    // Just under the limit goes through, and is readable back (the inbound limit is larger).
    await zk.create('/big', Buffer.alloc(1048575 - 200, 7));
    const { data } = await zk.get('/big');
    expect(data.length).toBe(1048575 - 200);
    expect(zk.sessionId).toBe(sessionId);
    expect(zk.state).toBe('CONNECTED');
  });
});

describe('reads', () => {
  it('exists returns null for a missing node and the Stat for a present one', async () => {
    const zk = await connect();
    expect(await zk.exists('/nope')).toBeNull();
    await zk.create('/yes', 'abc');
    const stat = await zk.exists('/yes');
    expect(stat).toMatchObject({ version: 0, dataLength: 3, numChildren: 0, ephemeralOwner: 0n });
  });

  it('get returns data and Stat; getChildren lists names, with the Stat on request', async () => {
    const zk = await connect();
    await zk.create('/p', 'parent');
    await zk.create('/p/a');
    await zk.create('/p/b');
    const { data, stat } = await zk.get('/p');
    expect(data.toString()).toBe('parent');
    expect(stat.numChildren).toBe(2);
    expect((await zk.getChildren('/p')).sort()).toEqual(['a', 'b']);
    const withStat = await zk.getChildren('/p', { includeStat: true });
    expect(withStat.children.sort()).toEqual(['a', 'b']);
    expect(withStat.stat.numChildren).toBe(2);
    await expect(zk.get('/nope')).rejects.toBeInstanceOf(NoNodeError);
    await expect(zk.getChildren('/nope')).rejects.toBeInstanceOf(NoNodeError);
  });

  it('counts descendants, lists own ephemerals, syncs and answers whoAmI', async () => {
    const zk = await connect();
    await zk.ensurePath('/t/u/v');
    await zk.create('/t/e1', null, { ephemeral: true });
    await zk.create('/t/u/e2', null, { ephemeral: true });
    expect(await zk.getAllChildrenNumber('/t')).toBe(4);
    expect((await zk.getEphemerals('/t')).sort()).toEqual(['/t/e1', '/t/u/e2']);
    await zk.sync('/t');
    const who = await zk.whoAmI();
    expect(who).toContainEqual({ authScheme: 'ip', user: '127.0.0.1' });
  });

  it('reads several nodes in one multiRead, with per-read errors', async () => {
    const zk = await connect();
    await zk.create('/m', 'data');
    await zk.create('/m/kid');
    const [a, b, c] = await zk.multiRead([
      { op: 'get', path: '/m' },
      { op: 'getChildren', path: '/m' },
      { op: 'get', path: '/none' },
    ]);
    expect((a as { data: Buffer }).data.toString()).toBe('data');
    expect(b).toEqual(['kid']);
    expect(c).toBeInstanceOf(NoNodeError);
  });

  it('reads the ensemble config and refuses reconfig on a standalone server', async () => {
    const zk = await connect();
    const { stat } = await zk.getConfig();
    expect(stat).toBeDefined();
    const err = await zk.reconfig({ joining: 'server.9=127.0.0.1:1:2;3' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZooKeeperError);
    expect([ReconfigDisabledError, UnimplementedError].some((c) => err instanceof c)).toBe(true);
  });
});

describe('writes', () => {
  it('set checks the version and returns the new Stat', async () => {
    const zk = await connect();
    await zk.create('/v', 'a');
    const s1 = await zk.set('/v', 'b', { version: 0 });
    expect(s1.version).toBe(1);
    await expect(zk.set('/v', 'c', { version: 0 })).rejects.toBeInstanceOf(BadVersionError);
    const s2 = await zk.set('/v', 'd');
    expect(s2.version).toBe(2);
    await expect(zk.set('/none', 'x')).rejects.toBeInstanceOf(NoNodeError);
  });

  it('delete checks version and emptiness; recursive delete removes a subtree', async () => {
    const zk = await connect();
    await zk.ensurePath('/tree/a/b');
    await zk.create('/tree/a/c', 'x');
    await zk.create('/tree/d');
    await expect(zk.delete('/tree')).rejects.toBeInstanceOf(NotEmptyError);
    await expect(zk.delete('/tree/d', { version: 3 })).rejects.toBeInstanceOf(BadVersionError);
    await zk.delete('/tree/d', { version: 0 });
    await expect(zk.delete('/tree/d')).rejects.toBeInstanceOf(NoNodeError);
    await zk.delete('/tree', { recursive: true });
    expect(await zk.exists('/tree')).toBeNull();
    await zk.delete('/tree', { recursive: true }); // nothing there: fine
  });

  it('ensurePath creates every missing level and tolerates existing ones', async () => {
    const zk = await connect();
    await zk.ensurePath('/china/henan');
    await zk.ensurePath('/china/henan');
    await zk.ensurePath('/china/hebei/x');
    expect((await zk.getChildren('/china')).sort()).toEqual(['hebei', 'henan']);
  });
});

describe('ACLs and auth', () => {
  it('reads and sets ACLs, and enforces digest ACLs per session', async () => {
    const zk = await connect();
    await zk.create('/open', 'x');
    const { acls, stat } = await zk.getAcls('/open');
    expect(acls).toEqual([...OPEN_ACL_UNSAFE]);
    expect(stat.aversion).toBe(0);
    await expect(zk.setAcls('/open', READ_ACL_UNSAFE, { version: 3 })).rejects.toBeInstanceOf(BadVersionError);
    const after = await zk.setAcls('/open', READ_ACL_UNSAFE, { version: 0 });
    expect(after.aversion).toBe(1);
    expect((await zk.getAcls('/open')).acls).toEqual([...READ_ACL_UNSAFE]);
    await expect(zk.set('/open', 'y')).rejects.toBeInstanceOf(NoAuthError);

    await zk.addAuth('digest', 'alice:secret');
    await zk.create('/private', 'mine', { acl: [makeDigestAcl('alice', 'secret', Perms.ALL)] });
    await zk.create('/creator', 'mine', { acl: CREATOR_ALL_ACL });
    expect((await zk.get('/private')).data.toString()).toBe('mine');
    expect(await zk.whoAmI()).toContainEqual({ authScheme: 'digest', user: 'alice' });

    const other = await connect({ chroot: zk.chroot });
    await expect(other.get('/private')).rejects.toBeInstanceOf(NoAuthError);
    await expect(other.get('/creator')).rejects.toBeInstanceOf(NoAuthError);
    await other.addAuth('digest', 'alice:secret');
    expect((await other.get('/private')).data.toString()).toBe('mine');
  });

  it('refuses an empty ACL on the server side as InvalidACL', async () => {
    const zk = await connect();
    // CREATOR_ALL_ACL without any authenticated identity is invalid.
    await expect(zk.create('/c', 'x', { acl: CREATOR_ALL_ACL })).rejects.toBeInstanceOf(InvalidACLError);
  });
});

describe('quotas', () => {
  it('reports QuotaExceeded when a hard count limit is enforced (3.7+)', async () => {
    await using server = await startServer({ jvmFlags: ['-Dzookeeper.enforceQuota=true'] });
    const zk = new ZooKeeperClient({ hosts: server.connectString });
    await zk.start();
    try {
      await zk.create('/q');
      // What `setquota -N 3 /q` writes: the limits and the current stats of /q.
      await zk.ensurePath('/zookeeper/quota/q');
      await zk.create('/zookeeper/quota/q/zookeeper_limits', 'count=-1,bytes=-1,countHardLimit=3,byteHardLimit=-1');
      await zk.create('/zookeeper/quota/q/zookeeper_stats', 'count=1,bytes=0');
      await zk.create('/q/a');
      await zk.create('/q/b');
      const err = await zk.create('/q/c').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QuotaExceededError);
      expect(err).toMatchObject({ code: -125, path: '/q/c', op: 'create' });
    } finally {
      await zk.stop();
    }
  });
});

describe('transactions', () => {
  it('commits every operation and returns one result each', async () => {
    const zk = await connect();
    await zk.create('/china', 'c');
    await zk.create('/china/hebei', 'h');
    await zk.set('/china/hebei', 'h2');
    const results = await zk.transaction()
      .check('/china/hebei', 1)
      .create('/china/shanxi', Buffer.from('s'))
      .create('/china/seq-', 'x', { sequential: true })
      .setData('/china', 'c2', 0)
      .delete('/china/hebei')
      .commit();
    expect(results[0]).toBe(true);
    expect(results[1]).toBe('/china/shanxi');
    expect(results[2]).toMatch(/^\/china\/seq-\d{10}$/);
    expect((results[3] as { version: number }).version).toBe(1);
    expect(results[4]).toBe(true);
    expect((await zk.getChildren('/china')).length).toBe(2);
  });

  it('applies nothing when one operation fails: the failing one its error, the others RolledBackError', async () => {
    const zk = await connect();
    await zk.create('/a', 'x');
    const results = await zk.transaction().create('/b').check('/a', 5).delete('/a').commit();
    expect(results[0]).toBeInstanceOf(RolledBackError);
    expect(results[1]).toBeInstanceOf(BadVersionError);
    expect((results[1] as BadVersionError).path).toBe('/a');
    expect(results[2]).toBeInstanceOf(RolledBackError);
    expect(await zk.exists('/b')).toBeNull();
    expect(await zk.exists('/a')).not.toBeNull();
  });

  it('refuses invalid operations when they are added, and a second commit', async () => {
    const zk = await connect();
    expect(() => zk.transaction().create('bad')).toThrow(InvalidArgumentError);
    expect(() => zk.transaction().check('/a', -5)).toThrow(InvalidArgumentError);
    const t = zk.transaction();
    expect(await t.commit()).toEqual([]);
    await expect(t.commit()).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('chroot', () => {
  it('applies the chroot to every path in and strips it from every path out', async () => {
    const root = await connect();
    await root.create('/app');
    const zk = await connect({ chroot: `${root.chroot}/app` });
    const seq = await zk.create('/job-', null, { sequential: true });
    expect(seq).toMatch(/^\/job-\d{10}$/);
    expect(await root.getChildren('/app')).toEqual([seq.slice(1)]);
    const res = await zk.transaction().create('/t').commit();
    expect(res).toEqual(['/t']);
    expect(await zk.getEphemerals()).toEqual([]);
    expect(await zk.getChildren('/')).toHaveLength(2);
  });
});
