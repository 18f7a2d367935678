import { ConnectionState, InvalidArgumentError, NoNodeError } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { DiscoveryStateError, InstanceDecodeError, ServiceDiscovery, ServiceType } from '../src/index.js';
import { expire, harness } from './helpers.js';

const h = harness();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function discovery(options: { proxy?: boolean; payloadClass?: string } = {}) {
  const zk = await h.client({ proxy: options.proxy ?? false });
  const sd = new ServiceDiscovery(zk, { basePath: '/services', ...(options.payloadClass ? { payloadClass: options.payloadClass } : {}) });
  await sd.start();
  return { zk, sd };
}

describe('ServiceDiscovery registry', () => {
  it('registers a DYNAMIC instance as an ephemeral node at <basePath>/<name>/<id> under container parents', async () => {
    const { zk, sd } = await discovery();
    const me = await sd.register({ name: 'orders', address: '127.0.0.1', port: 8080, payload: { zone: 'a' }, uriSpec: '{scheme}://{address}:{port}' });
    expect(me.id).toMatch(UUID);
    const { data, stat } = await zk.get(`/services/orders/${me.id}`);
    expect(stat.ephemeralOwner).toBe(zk.sessionId);
    expect(JSON.parse(data.toString())).toEqual({
      name: 'orders', id: me.id, address: '127.0.0.1', port: 8080, sslPort: null, payload: { zone: 'a' },
      registrationTimeUTC: me.registrationTimeUTC, serviceType: 'DYNAMIC', uriSpec: { parts: [
        { value: 'scheme', variable: true }, { value: '://', variable: false }, { value: 'address', variable: true },
        { value: ':', variable: false }, { value: 'port', variable: true },
      ] },
    });
    // (The parents are created as containers; a Stat does not show it: the server reports 0 as their owner.)
    expect(await sd.queryForNames()).toEqual(['orders']);
    const [read] = await sd.queryForInstances('orders');
    expect(read).toMatchObject({ id: me.id, port: 8080, payload: { zone: 'a' }, enabled: true });
    expect(await sd.queryForInstance('orders', me.id)).toMatchObject({ id: me.id });
    expect(await sd.queryForInstance('orders', 'nope')).toBeNull();
    expect(await sd.queryForInstances('nothing')).toEqual([]);
  });

  it('creates STATIC and PERMANENT persistent, DYNAMIC_SEQUENTIAL ephemeral-sequential', async () => {
    const { zk, sd } = await discovery();
    await sd.register({ name: 's', id: 'st', serviceType: ServiceType.STATIC });
    await sd.register({ name: 's', id: 'pe', serviceType: ServiceType.PERMANENT });
    const seq = await sd.register({ name: 's', id: 'sq-', serviceType: ServiceType.DYNAMIC_SEQUENTIAL });
    expect((await zk.exists('/services/s/st'))!.ephemeralOwner).toBe(0n);
    expect((await zk.exists('/services/s/pe'))!.ephemeralOwner).toBe(0n);
    const children = await zk.getChildren('/services/s');
    const sq = children.find((c) => /^sq-\d{10}$/.test(c));
    expect(sq).toBeDefined();
    expect((await zk.exists(`/services/s/${sq}`))!.ephemeralOwner).toBe(zk.sessionId);
    expect((await sd.queryForInstances('s')).map((i) => i.id).sort()).toEqual(['pe', 'sq-', 'st']);
    await sd.unregister(seq);
    expect(await zk.exists(`/services/s/${sq}`)).toBeNull();
  });

  it('updates its own instance and keeps it registered; unregister twice is harmless', async () => {
    const { zk, sd } = await discovery();
    const me = await sd.register({ name: 'orders', id: 'i1', port: 1, payload: { zone: 'a' } });
    const updated = await sd.update({ ...me, payload: { zone: 'b' } });
    expect(updated.payload).toEqual({ zone: 'b' });
    expect(JSON.parse((await zk.get('/services/orders/i1')).data.toString()).payload).toEqual({ zone: 'b' });
    expect(sd.registered.get('i1')?.payload).toEqual({ zone: 'b' });
    await sd.unregister(me);
    await sd.unregister(me);
    expect(await zk.exists('/services/orders/i1')).toBeNull();
    expect(sd.registered.size).toBe(0);
  });

  it("updates another process's instance in place, keeping fields it does not model and the payload's @class", async () => {
    const { zk, sd } = await discovery();
    const foreign = '{"name":"orders","id":"j1","address":"10.0.0.1","port":80,"sslPort":null,"payload":{"@class":"com.example.Details","zone":"a"},'
      + '"registrationTimeUTC":1,"serviceType":"STATIC","uriSpec":null,"color":"blue"}';
    await zk.create('/services/orders/j1', foreign, { makePath: true });
    const read = (await sd.queryForInstance('orders', 'j1'))!;
    await sd.update({ ...read, payload: { zone: 'b' }, port: 81 });
    const json = JSON.parse((await zk.get('/services/orders/j1')).data.toString());
    expect(json).toMatchObject({ port: 81, color: 'blue', payload: { '@class': 'com.example.Details', zone: 'b' } });
    await expect(sd.update({ ...read, id: 'missing' })).rejects.toBeInstanceOf(NoNodeError);
    await expect(sd.update({ ...read, port: '81' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(sd.update({ ...read, serviceType: 'ODD' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('writes payloadClass into object payloads (option of the registry or of one write)', async () => {
    const { zk, sd } = await discovery({ payloadClass: 'java.util.LinkedHashMap' });
    await sd.register({ name: 'o', id: 'a', payload: { zone: 'a' } });
    await sd.register({ name: 'o', id: 'b', payload: { zone: 'b' } }, { payloadClass: 'com.example.D' });
    const payload = async (id: string) => JSON.parse((await zk.get(`/services/o/${id}`)).data.toString()).payload;
    expect(await payload('a')).toEqual({ '@class': 'java.util.LinkedHashMap', zone: 'a' });
    expect(await payload('b')).toEqual({ '@class': 'com.example.D', zone: 'b' });
  });

  it('refuses bad input before sending anything, and use before start() or after close()', async () => {
    const zk = await h.client();
    const sd = new ServiceDiscovery(zk, { basePath: '/services' });
    await expect(sd.register({ name: 'x' })).rejects.toBeInstanceOf(DiscoveryStateError);
    await sd.start();
    for (const bad of [{ name: '' }, { name: 'a/b' }, { name: 'x', port: 70000 }, { name: 'x', id: '..' }, { name: 'x', serviceType: 'ODD' }, { name: 'x', bogus: 1 }]) {
      await expect(sd.register(bad as never), JSON.stringify(bad)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(await zk.exists('/services')).toBeNull();
    expect(() => new ServiceDiscovery(zk, { basePath: 'relative' })).toThrow(InvalidArgumentError);
    await sd.register({ name: 'x', id: 'dup' });
    await expect(sd.register({ name: 'x', id: 'dup' })).rejects.toBeInstanceOf(DiscoveryStateError);
    await sd.close();
    expect(await zk.exists('/services/x/dup')).toBeNull();
    await expect(sd.queryForNames()).rejects.toBeInstanceOf(DiscoveryStateError);
  });

  it('closes quietly after its client was closed (the ephemerals went with the session)', async () => {
    const { zk, sd } = await discovery();
    await sd.register({ name: 'orders', id: 'c1' });
    const errors: Error[] = [];
    sd.on('error', (e) => errors.push(e));
    await zk.close();
    await sd.close();
    expect(errors).toEqual([]);
  });

  it('skips a malformed or empty instance node with a typed error on its error event', async () => {
    const { zk, sd } = await discovery();
    await sd.register({ name: 'orders', id: 'good' });
    await zk.create('/services/orders/empty', '');
    await zk.create('/services/orders/junk', '{"port":"eighty"');
    const errors: Error[] = [];
    sd.on('error', (e) => errors.push(e));
    expect((await sd.queryForInstances('orders')).map((i) => i.id)).toEqual(['good']);
    expect(errors.map((e) => (e as InstanceDecodeError).path).sort()).toEqual(['/services/orders/empty', '/services/orders/junk']);
    expect(errors.every((e) => e instanceof InstanceDecodeError)).toBe(true);
    await expect(sd.queryForInstance('orders', 'junk')).rejects.toBeInstanceOf(InstanceDecodeError);
  });
});

describe('ServiceDiscovery re-registration', () => {
  it('registers again in the new session after its session expired', async () => {
    const { zk, sd } = await discovery({ proxy: true });
    const me = await sd.register({ name: 'orders', id: 'e1', payload: { zone: 'a' } });
    const before = zk.sessionId;
    await expire(zk);
    await expect.poll(async () => (await zk.exists('/services/orders/e1').catch(() => null))?.ephemeralOwner === zk.sessionId, { timeout: 15_000 }).toBe(true);
    expect(zk.sessionId).not.toBe(before);
    expect((await sd.queryForInstance('orders', 'e1'))?.payload).toEqual(me.payload);
  });

  it('does not touch its node after a reconnect within the same session (CURATOR-320)', async () => {
    const { zk, sd } = await discovery({ proxy: true });
    const me = await sd.register({ name: 'orders', id: 'r1' });
    const observer = await h.client();
    const events: string[] = [];
    await observer.addWatch('/services/orders', (e) => events.push(e.type), { recursive: true });
    const stat = (await zk.exists('/services/orders/r1'))!;
    const session = zk.sessionId;
    zk.proxy!.cut();
    await zk.waitForState(ConnectionState.SUSPENDED, { timeout: 10_000 });
    await zk.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    expect(zk.sessionId).toBe(session);
    // Writes of one instance run in order: once this update is done, the reconnect's check ran before it.
    await sd.update({ ...me, port: 2 });
    await observer.sync('/services/orders/r1');
    expect((await zk.exists('/services/orders/r1'))!.czxid).toBe(stat.czxid);
    await expect.poll(() => events).toEqual(['CHANGED']);
  });

  it("replaces another session's ephemeral at its path after a reconnect", async () => {
    const { zk, sd } = await discovery({ proxy: true });
    await sd.register({ name: 'orders', id: 'o1', port: 1 });
    const other = await h.client();
    await other.delete('/services/orders/o1');
    await other.create('/services/orders/o1', 'squatter', { ephemeral: true });
    zk.proxy!.cut();
    await zk.waitForState(ConnectionState.SUSPENDED, { timeout: 10_000 });
    await expect.poll(async () => (await other.exists('/services/orders/o1'))?.ephemeralOwner === zk.sessionId, { timeout: 15_000 }).toBe(true);
    expect((await sd.queryForInstance('orders', 'o1'))?.port).toBe(1);
  });
});
