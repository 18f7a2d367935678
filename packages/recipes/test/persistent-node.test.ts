import { ConnectionState, InvalidArgumentError, NoAuthError, READ_ACL_UNSAFE } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { Party, PersistentNode } from '../src/index.js';
import { expire, harness } from './helpers.js';

const h = harness();

function track(node: PersistentNode): string[] {
  const events: string[] = [];
  node.on('created', (p) => events.push(`created ${p}`));
  node.on('lost', (p) => events.push(`lost ${p}`));
  return events;
}

describe('PersistentNode', () => {
  it('an ephemeral node is re-created when deleted, keeps its data and is deleted by close()', async () => {
    const [zk, other] = await h.clients(2);
    const node = new PersistentNode(zk!, '/pn/a/eph', 'one');
    const events = track(node);
    node.start();
    expect(await node.waitForInitialCreate({ timeout: 10_000 })).toBe(true);
    expect(node.present).toBe(true);
    expect(node.actualPath).toBe('/pn/a/eph');
    const stat = await other!.exists('/pn/a/eph');
    expect(stat!.ephemeralOwner).toBe(zk!.sessionId);
    await node.setData('two');
    await other!.delete('/pn/a/eph');
    await expect.poll(() => events.length).toBe(3);
    expect(events).toEqual(['created /pn/a/eph', 'lost /pn/a/eph', 'created /pn/a/eph']);
    expect((await other!.get('/pn/a/eph')).data.toString()).toBe('two');
    await node.close();
    expect(node.present).toBe(false);
    expect(await other!.exists('/pn/a/eph')).toBeNull();
  });

  it('a protected sequential node keeps its name across a deletion and a session expiry', async () => {
    const [zk, other] = await h.clients(2, { proxy: true, sessionTimeout: 3_000 });
    const node = new PersistentNode(zk!, '/pn/seq/member-', 'm', { mode: 'ephemeral-sequential' });
    const events = track(node);
    node.start();
    expect(await node.waitForInitialCreate({ timeout: 10_000 })).toBe(true);
    const name = node.actualPath!;
    expect(name).toMatch(/^\/pn\/seq\/_c_[0-9a-f-]{36}-member-\d{10}$/);
    await other!.delete(name);
    await expect.poll(() => events.length).toBe(3);
    expect(node.actualPath).toBe(name);
    const lost = zk!.waitForState(ConnectionState.LOST, { timeout: 15_000 });
    await expire(zk!);
    await lost;
    await expect.poll(() => events.length, { timeout: 15_000 }).toBe(5);
    expect(events.slice(3)).toEqual([`lost ${name}`, `created ${name}`]);
    const stat = await other!.exists(name);
    expect(stat!.ephemeralOwner).toBe(zk!.sessionId);
    expect(await other!.getChildren('/pn/seq')).toEqual([name.slice('/pn/seq/'.length)]);
    await node.close();
    expect(await other!.getChildren('/pn/seq')).toEqual([]);
  });

  it('a persistent node survives its session, adopts itself on the new one and close() deletes it even after a disconnect', async () => {
    const [zk, other] = await h.clients(2, { proxy: true, sessionTimeout: 3_000 });
    const node = new PersistentNode(zk!, '/pn/p', 'keep', { mode: 'persistent' });
    const events = track(node);
    node.start();
    expect(await node.waitForInitialCreate({ timeout: 10_000 })).toBe(true);
    const czxid = (await other!.exists('/pn/p'))!.czxid;
    const lost = zk!.waitForState(ConnectionState.LOST, { timeout: 15_000 });
    await expire(zk!);
    await lost;
    await zk!.waitForState(ConnectionState.CONNECTED, { timeout: 15_000 });
    await other!.set('/pn/p', 'tampered');
    zk!.proxy!.cut();
    await zk!.waitForState(ConnectionState.CONNECTED, { timeout: 15_000 });
    // Re-confirmed (the same node, its data restored), not re-created.
    await expect.poll(async () => (await other!.get('/pn/p')).data.toString()).toBe('keep');
    expect((await other!.exists('/pn/p'))!.czxid).toBe(czxid);
    expect(events).toEqual(['created /pn/p']);
    // close() while the connection is down: the delete happens once it is back.
    zk!.proxy!.blackhole();
    await zk!.waitForState(ConnectionState.SUSPENDED, { timeout: 10_000 });
    const closing = node.close();
    zk!.proxy!.heal();
    await closing;
    expect(await other!.exists('/pn/p')).toBeNull();
  });

  it("waits out someone else's ephemeral node holding the name, then creates its own", async () => {
    const [zk, other] = await h.clients(2);
    await other!.create('/pn/taken', 'theirs', { ephemeral: true, makePath: true });
    const node = new PersistentNode(zk!, '/pn/taken', 'ours');
    node.start();
    expect(await node.waitForInitialCreate({ timeout: 300 })).toBe(false);
    expect(node.present).toBe(false);
    expect((await other!.get('/pn/taken')).data.toString()).toBe('theirs');
    await other!.delete('/pn/taken');
    expect(await node.waitForInitialCreate({ timeout: 10_000 })).toBe(true);
    expect((await other!.get('/pn/taken')).data.toString()).toBe('ours');
    await node.close();
  });

  it('a create the server refuses (NoAuth) is reported: waitForInitialCreate false, Party.join rejects with it', async () => {
    const [zk, other] = await h.clients(2);
    await other!.create('/readonly', null, { acl: READ_ACL_UNSAFE });
    const errors: Error[] = [];
    zk!.on('error', (e) => errors.push(e));
    const node = new PersistentNode(zk!, '/readonly/me', 'x');
    node.start();
    expect(await node.waitForInitialCreate({ timeout: 10_000 })).toBe(false);
    expect(node.lastError).toBeInstanceOf(NoAuthError);
    expect(errors.some((e) => e instanceof NoAuthError)).toBe(true);
    await node.close();
    await expect(new Party(zk!, '/readonly', 'p').join()).rejects.toBeInstanceOf(NoAuthError);
  });

  it('rejects bad input before anything is sent', async () => {
    const [zk] = await h.clients(1);
    expect(() => new PersistentNode(zk!, 'relative', 'x')).toThrow(InvalidArgumentError);
    expect(() => new PersistentNode(zk!, '/x', 'x', { mode: 'container' as never })).toThrow(InvalidArgumentError);
    expect(() => new PersistentNode(zk!, '/x', 42 as never)).toThrow(InvalidArgumentError);
  });
});
