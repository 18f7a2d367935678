import { ConnectionState, InvalidArgumentError } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { GroupMember, Party, ShallowParty } from '../src/index.js';
import { expire, harness } from './helpers.js';

const h = harness();

describe('GroupMember', () => {
  it('members see each other with their data; a member reports itself only once its node is confirmed', async () => {
    const [a, b] = await h.clients(2, { proxy: true, sessionTimeout: 3_000 });
    // b's connection is down: its node cannot be created, so b must not list itself.
    b!.proxy!.blackhole();
    await b!.waitForState(ConnectionState.SUSPENDED, { timeout: 10_000 });
    const mb = new GroupMember(b!, '/g', 'b', 'data-b');
    const starting = mb.start();
    expect(mb.members().has('b')).toBe(false);
    expect(mb.isMember).toBe(false);
    const ma = new GroupMember(a!, '/g', 'a', 'data-a');
    await ma.start();
    expect(await ma.waitForJoin({ timeout: 10_000 })).toBe(true);
    await expect.poll(() => [...ma.members()].map(([k, v]) => `${k}=${v}`)).toEqual(['a=data-a']);
    b!.proxy!.heal();
    await starting;
    expect(await mb.waitForJoin({ timeout: 10_000 })).toBe(true);
    await expect.poll(() => [...ma.members().keys()]).toEqual(['a', 'b']);
    await expect.poll(() => [...mb.members().keys()]).toEqual(['a', 'b']);
    await mb.setData('data-b2');
    await expect.poll(() => ma.members().get('b')?.toString()).toBe('data-b2');
    await mb.close();
    await expect.poll(() => [...ma.members().keys()]).toEqual(['a']);
    await ma.close();
    expect(() => new GroupMember(a!, '/g', 'x/y')).toThrow(InvalidArgumentError);
  });
});

describe('Party and ShallowParty', () => {
  it("use kazoo's node names, list identifiers, and re-join after a session expiry", async () => {
    const [a, b, reader] = await h.clients(3, { proxy: true, sessionTimeout: 3_000 });
    const party = new Party(a!, '/party', 'alpha');
    const other = new Party(b!, '/party', 'beta');
    await party.join();
    await other.join();
    expect((await party.members()).sort()).toEqual(['alpha', 'beta']);
    const names = await reader!.getChildren('/party');
    expect(names.every((n) => /^[0-9a-f]{32}__party__$/.test(n))).toBe(true);
    const lost = a!.waitForState(ConnectionState.LOST, { timeout: 15_000 });
    await expire(a!);
    await lost;
    await expect.poll(async () => (await other.members()).sort(), { timeout: 15_000 }).toEqual(['alpha', 'beta']);
    await party.leave();
    expect(await other.members()).toEqual(['beta']);
    expect(party.participating).toBe(false);
    await other.leave();

    const shallow = new ShallowParty(a!, '/shallow', 'gamma');
    await shallow.join();
    expect(await shallow.members()).toEqual(['gamma']);
    expect((await reader!.getChildren('/shallow'))[0]).toMatch(/^[0-9a-f]{32}-gamma$/);
    await shallow.leave();
    expect(await shallow.members()).toEqual([]);
  });
});
