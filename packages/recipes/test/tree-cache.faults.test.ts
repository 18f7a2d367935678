import { ConnectionState, sessionCredentials } from '@zookit/client';
import { expireSessionById } from '@zookit/testing';
import { describe, expect, inject, it } from 'vitest';
import { TreeCache } from '../src/index.js';
import { churn, listing, record, replay, seeded, view } from './cache-helpers.js';
import { harness } from './helpers.js';

const h = harness();

describe('TreeCache under churn and faults', () => {
  it('equals the server after churn interleaved with connection cuts, a black hole and a session expiry', async () => {
    const [zk, writer] = await h.clients(2, { proxy: true, sessionTimeout: 3_000 });
    const seed = Number(process.env.CHURN_SEED ?? Date.now() % 100_000);
    const rnd = seeded(seed);
    await writer!.ensurePath('/churn');
    await churn(writer!, '/churn', 40, rnd);
    // Small batches: a rebuild takes several round trips, so churn lands in the middle of it.
    const cache = new TreeCache(zk!, '/churn', { batchSize: 3, concurrency: 2 });
    const events = record(cache);
    await cache.start();
    const proxy = zk!.proxy!;
    const suspended = () => zk!.waitForState(ConnectionState.SUSPENDED, { timeout: 10_000 });
    // 1. live churn
    await churn(writer!, '/churn', 60, rnd);
    // 2. cuts while churning: the client reconnects at once, events in the gap are lost
    for (let k = 0; k < 3; k++) {
      proxy.cut();
      await churn(writer!, '/churn', 25, rnd);
    }
    // 3. a black hole long enough to be noticed, churn while suspended, then heal
    proxy.blackhole();
    await suspended();
    await churn(writer!, '/churn', 40, rnd);
    proxy.heal();
    await churn(writer!, '/churn', 20, rnd);
    // 4. churn during a slow rebuild (events land in the rebuild, never in the stale view)
    await zk!.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    const resynced = new Promise<void>((resolve) => cache.once('resynced', () => resolve()));
    proxy.delay(25);
    proxy.cut();
    await churn(writer!, '/churn', 60, rnd);
    await resynced;
    proxy.delay(0);
    // 5. a session expiry with churn before and after it
    await zk!.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    const creds = zk![sessionCredentials]()!;
    proxy.refuse();
    proxy.cut();
    await suspended();
    await churn(writer!, '/churn', 30, rnd);
    await expireSessionById(creds, { connectString: inject('zkConnect') });
    const lost = zk!.waitForState(ConnectionState.LOST, { timeout: 15_000 });
    proxy.heal();
    await lost;
    await churn(writer!, '/churn', 40, rnd);
    // settle
    await expect.poll(() => cache.stale, { timeout: 15_000 }).toBe(false);
    const truth = await listing(writer!, '/churn');
    await expect.poll(() => view(cache), { timeout: 10_000, message: `seed ${seed}` }).toEqual(truth);
    expect(replay(events), `seed ${seed}`).toEqual(truth);
    expect(events.filter((e) => e.type === 'resynced').length).toBeGreaterThanOrEqual(3);
    await cache.close();
  });
});
