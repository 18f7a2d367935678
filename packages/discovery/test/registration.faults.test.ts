// Registration under connection loss: the server executes a create whose reply the client
// never sees (FaultProxy.cutAfterRequest), and the registry must end with exactly one node
// of its own — for a sequential instance too, whose name it cannot know.
import { ConnectionState } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { ServiceDiscovery, ServiceType } from '../src/index.js';
import { harness } from './helpers.js';

const h = harness();
const CREATE = 1;
const DELETE = 2;

async function discovery() {
  const zk = await h.client({ proxy: true });
  const sd = new ServiceDiscovery(zk, { basePath: '/services' });
  await sd.start();
  return { zk, sd };
}

describe('registration under connection loss', () => {
  it('a DYNAMIC create whose reply was lost ends as one node of ours with our data', async () => {
    const { zk, sd } = await discovery();
    await zk.ensurePath('/services/orders');
    const cut = zk.proxy!.cutAfterRequest(CREATE);
    const me = await sd.register({ name: 'orders', id: 'a', port: 1 });
    expect(await cut.fired).toBeDefined();
    expect(await zk.getChildren('/services/orders')).toEqual(['a']);
    expect((await zk.exists('/services/orders/a'))!.ephemeralOwner).toBe(zk.sessionId);
    expect((await sd.queryForInstance('orders', 'a'))?.port).toBe(me.port);
  });

  it('a DYNAMIC_SEQUENTIAL create whose reply was lost is adopted, not created twice', async () => {
    const { zk, sd } = await discovery();
    await zk.ensurePath('/services/orders');
    const cut = zk.proxy!.cutAfterRequest(CREATE);
    const me = await sd.register({ name: 'orders', id: 'seq-', serviceType: ServiceType.DYNAMIC_SEQUENTIAL });
    expect(await cut.fired).toBeDefined();
    const children = await zk.getChildren('/services/orders');
    expect(children).toHaveLength(1);
    expect(children[0]).toMatch(/^seq-\d{10}$/);
    await sd.unregister(me);
    expect(await zk.getChildren('/services/orders')).toEqual([]);
  });

  it('an unregister whose reply was lost still removes the node', async () => {
    const { zk, sd } = await discovery();
    const me = await sd.register({ name: 'orders', id: 'u' });
    const cut = zk.proxy!.cutAfterRequest(DELETE);
    await sd.unregister(me);
    expect(await cut.fired).toBeDefined();
    await zk.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    expect(await zk.exists('/services/orders/u')).toBeNull();
  });

  it('a registration made while disconnected completes once the client reconnects', async () => {
    const { zk, sd } = await discovery();
    zk.proxy!.blackhole();
    await zk.waitForState(ConnectionState.SUSPENDED, { timeout: 10_000 });
    const registering = sd.register({ name: 'orders', id: 'late' });
    zk.proxy!.heal();
    zk.proxy!.cut();
    await registering;
    expect((await zk.exists('/services/orders/late'))!.ephemeralOwner).toBe(zk.sessionId);
  });
});
