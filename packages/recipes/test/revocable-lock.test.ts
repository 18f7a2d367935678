import { CallbackError, InvalidArgumentError } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { Lock } from '../src/index.js';
import { harness } from './helpers.js';

const h = harness();

describe('revocable Lock', () => {
  it("the holder's lease emits 'revoke' once per request; the waiter gets the lock after the holder releases", async () => {
    const [z1, z2] = await h.clients(2);
    const holder = new Lock(z1!, '/revocable/a', { revocable: true, identifier: 'holder' });
    const lease = await holder.acquire();
    let revokes = 0;
    lease.on('revoke', () => {
      revokes++;
      if (revokes === 2) void lease.release();
    });
    const waiter = new Lock(z2!, '/revocable/a', { identifier: 'waiter' });
    const waiting = waiter.acquire({ timeout: 20_000 });
    await expect.poll(() => waiter.contenders()).toEqual(['holder', 'waiter']);
    expect(await Lock.revoke(z2!, lease.path)).toBe(true);
    await expect.poll(() => revokes).toBe(1);
    expect(lease.isHeld).toBe(true); // cooperative: nothing forced
    expect(await Lock.revoke(z2!, lease.path)).toBe(true);
    const second = await waiting;
    expect(revokes).toBe(2);
    expect(lease.isHeld).toBe(false);
    expect(await Lock.revoke(z2!, lease.path)).toBe(false); // gone
    await second.release();
  });

  it('a request made before the grant is seen when the lease starts; a lock that is not revocable never emits', async () => {
    const [z1, z2] = await h.clients(2);
    const first = await new Lock(z1!, '/revocable/b').acquire();
    const revocable = new Lock(z2!, '/revocable/b', { revocable: true });
    const pending = revocable.acquire({ timeout: 20_000 });
    await expect.poll(() => z1!.getChildren('/revocable/b').then((c) => c.length)).toBe(2);
    const waiterNode = (await z1!.getChildren('/revocable/b')).map((c) => `/revocable/b/${c}`).find((p) => p !== first.path)!;
    let plainRevokes = 0;
    first.on('revoke', () => plainRevokes++);
    expect(await Lock.revoke(z1!, first.path)).toBe(true);
    expect(await Lock.revoke(z1!, waiterNode)).toBe(true);
    await first.release();
    const lease = await pending;
    const asked = new Promise<void>((resolve) => lease.on('revoke', () => resolve()));
    await asked;
    expect(plainRevokes).toBe(0);
    await lease.release();
  });

  it("a throwing 'revoke' listener is reported and does not stop the next one", async () => {
    const zk = await h.client();
    const errors: CallbackError[] = [];
    zk.on('error', (e) => void (e instanceof CallbackError && errors.push(e)));
    const lease = await new Lock(zk, '/revocable/c', { revocable: true }).acquire();
    let second = false;
    lease.on('revoke', () => {
      throw new Error('boom');
    });
    lease.on('revoke', () => void (second = true));
    await Lock.revoke(zk, lease.path);
    await expect.poll(() => second).toBe(true);
    expect(errors.map((e) => e.label)).toEqual(["Lease 'revoke' listener"]);
    expect(lease.isHeld).toBe(true);
    await lease.release();
  });

  it('bad input throws InvalidArgumentError before anything is sent', async () => {
    const zk = await h.client();
    expect(() => new Lock(zk, '/revocable/d', { revocable: 'yes' as never })).toThrow(InvalidArgumentError);
    await expect(Lock.revoke(zk, 'relative')).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
