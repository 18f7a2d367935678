// TreeCache on a real 3-member ensemble: churn by another client while the member the
// cache's client is connected to is killed (kill -9) and later restarted.
import { ConnectionState, ZooKeeperClient, sessionCredentials } from '@zookit/client';
import { startEnsemble, type ZooKeeperEnsemble } from '@zookit/testing';
import { uniqueChroot } from '@zookit/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TreeCache } from '../src/index.js';
import { churn, listing, record, replay, seeded, view } from './cache-helpers.js';

let ensemble: ZooKeeperEnsemble;
let chroot = '';
const clients: ZooKeeperClient[] = [];

beforeAll(async () => {
  ensemble = await startEnsemble({ size: 3 });
  chroot = uniqueChroot('tc');
  const admin = new ZooKeeperClient({ hosts: ensemble.connectString, sessionTimeout: 4_000 });
  await admin.start();
  await admin.ensurePath(chroot);
  await admin.close();
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  await ensemble?.stop();
});

async function client(hosts: string): Promise<ZooKeeperClient> {
  const zk = new ZooKeeperClient({ hosts: hosts + chroot, sessionTimeout: 6_000 });
  zk.on('error', () => {});
  clients.push(zk);
  await zk.start();
  return zk;
}

describe('TreeCache on an ensemble', () => {
  it('equals the server after churn across the kill and restart of its client\'s member', async () => {
    const seed = Number(process.env.CHURN_SEED ?? Date.now() % 100_000);
    const rnd = seeded(seed);
    const zk = await client(ensemble.connectString);
    const port = zk[sessionCredentials]()!.port;
    const member = ensemble.servers.find((s) => s.port === port)!;
    const others = ensemble.servers.filter((s) => s !== member).map((s) => s.connectString).join(',');
    const writer = await client(others);
    await writer.ensurePath('/churn');
    await churn(writer, '/churn', 40, rnd);
    const cache = new TreeCache(zk, '/churn', { batchSize: 4 });
    const events = record(cache);
    await cache.start();
    await churn(writer, '/churn', 40, rnd);
    const suspended = zk.waitForState(ConnectionState.SUSPENDED, { timeout: 15_000 });
    await member.kill();
    await suspended;
    await churn(writer, '/churn', 60, rnd);
    await zk.waitForState(ConnectionState.CONNECTED, { timeout: 30_000 });
    await churn(writer, '/churn', 40, rnd);
    await member.restart();
    await ensemble.waitForQuorum();
    await churn(writer, '/churn', 20, rnd);
    await expect.poll(() => cache.stale, { timeout: 20_000 }).toBe(false);
    await writer.sync('/churn');
    const truth = await listing(writer, '/churn');
    await expect.poll(() => view(cache), { timeout: 15_000, message: `seed ${seed}` }).toEqual(truth);
    expect(replay(events), `seed ${seed}`).toEqual(truth);
    expect(events.some((e) => e.type === 'resynced')).toBe(true);
    await cache.close();
  }, 90_000);
});
