// TimedLease under faults: the reply to the holder node's write is lost (the server applied
// it, the connection is cut before the reply). The lease is ours: it must not be reported
// as failed, nor become impossible to renew or release.
import { ConnectionState, type ZooKeeperClient } from '@zookit/client';
import type { FaultProxy } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { TimedLease } from '../src/index.js';
import { harness } from './helpers.js';

const h = harness();
const CREATE2 = 15;
const SET_DATA = 5;

/**
 * Cuts the connection after the next `opcode` request that follows the first request naming
 * the holder node (its read, just before the write). Resolves once the cut happened.
 */
function cutHolderWrite(proxy: FaultProxy, opcode: number): Promise<unknown> {
  return new Promise((resolve) => {
    proxy.onClientData = (chunk) => {
      if (chunk.includes('lease_holder')) {
        proxy.onClientData = undefined;
        void proxy.cutAfterRequest(opcode).fired.then(resolve);
      }
      return chunk;
    };
  });
}

async function proxied(): Promise<[ZooKeeperClient, FaultProxy]> {
  const [zk] = await h.clients(1, { sessionTimeout: 6_000, proxy: true });
  return [zk!, zk!.proxy!];
}

describe('TimedLease: the reply to the holder write is lost', () => {
  it('tryAcquire(): the create was applied, so the lease is ours once reconnected (not an error, not taken by another)', async () => {
    const [zk, proxy] = await proxied();
    const [other] = await h.clients(1);
    const cut = cutHolderWrite(proxy, CREATE2);
    const lease = await new TimedLease(zk, '/tlf/a', { duration: 60_000, identifier: 'host-a' }).tryAcquire();
    expect(await cut).toBeDefined();
    expect(lease).not.toBeNull();
    const { stat } = await other!.get('/tlf/a/lease_holder');
    expect(lease!.fencingToken).toBe(stat.mzxid);
    expect(lease!.expiresAt).toBe(stat.mtime + 60_000);
    expect(await new TimedLease(other!, '/tlf/a', { duration: 60_000, identifier: 'host-b' }).tryAcquire()).toBeNull();
    await lease!.release();
    expect(await other!.exists('/tlf/a/lease_holder')).toBeNull();
  });

  it('renew(): the set was applied, so the renewal counts; the next renew() and release() still work', async () => {
    const [zk, proxy] = await proxied();
    const [other] = await h.clients(1);
    const lease = await new TimedLease(zk, '/tlf/b', { duration: 60_000, identifier: 'host-a' }).tryAcquire();
    expect(lease).not.toBeNull();
    const cut = cutHolderWrite(proxy, SET_DATA);
    await lease!.renew();
    expect(await cut).toBeDefined();
    expect(lease!.signal.aborted).toBe(false);
    await zk.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    await lease!.renew();
    const { stat } = await other!.get('/tlf/b/lease_holder');
    expect(lease!.expiresAt).toBe(stat.mtime + 60_000);
    await lease!.release();
    expect(await other!.exists('/tlf/b/lease_holder')).toBeNull();
  });
});
