import { InvalidArgumentError } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { OwnershipLostError, RecipeDataError, TimedLease } from '../src/index.js';
import { aborted, harness } from './helpers.js';

const h = harness();

describe('TimedLease', () => {
  it("one holder at a time; the same identifier takes over its own lease; kazoo's JSON with the end by the server's clock", async () => {
    const [z1, z2] = await h.clients(2);
    const a = new TimedLease(z1!, '/tl/a', { duration: 60_000, identifier: 'host-a' });
    const lease = await a.tryAcquire();
    expect(lease).not.toBeNull();
    expect(await new TimedLease(z2!, '/tl/a', { duration: 60_000, identifier: 'host-b' }).tryAcquire()).toBeNull();
    const { data, stat } = await z2!.get('/tl/a/lease_holder');
    const json = JSON.parse(data.toString()) as { version: number; holder: string; end: string; duration_ms: number };
    expect(json).toMatchObject({ version: 1, holder: 'host-a', duration_ms: 60_000 });
    expect(json.end).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(lease!.expiresAt).toBe(stat.mtime + 60_000);
    expect(Date.parse(`${json.end}Z`) - lease!.expiresAt).toBeGreaterThanOrEqual(0);
    expect(Date.parse(`${json.end}Z`) - lease!.expiresAt).toBeLessThan(1_000);
    expect(stat.ephemeralOwner).toBe(0n); // survives the session
    const again = await new TimedLease(z2!, '/tl/a', { duration: 60_000, identifier: 'host-a' }).tryAcquire();
    expect(again!.fencingToken > lease!.fencingToken).toBe(true);
    await again!.release();
    expect(await z1!.exists('/tl/a/lease_holder')).toBeNull();
  });

  it('expires by the server clock: the signal aborts, another holder takes over with a larger token, the old renew() fails', async () => {
    const [z1, z2] = await h.clients(2);
    const old = (await new TimedLease(z1!, '/tl/exp', { duration: 1_500, identifier: 'old' }).tryAcquire())!;
    const next = new TimedLease(z2!, '/tl/exp', { duration: 60_000, identifier: 'new' });
    expect(await next.tryAcquire()).toBeNull();
    expect(((await aborted(old.signal)) as OwnershipLostError).reason).toBe('lost');
    const serverNow = async () => (await z2!.set('/tl/exp', null)).mtime;
    await expect.poll(serverNow, { timeout: 5_000 }).toBeGreaterThan(old.expiresAt);
    const taken = await next.tryAcquire();
    expect(taken!.fencingToken > old.fencingToken).toBe(true);
    await expect(old.renew()).rejects.toBeInstanceOf(OwnershipLostError);
    await old.release(); // versioned: the new holder's node stays
    expect(JSON.parse((await z1!.get('/tl/exp/lease_holder')).data.toString()).holder).toBe('new');
    await taken!.release();
  });

  it('renew() extends by the duration from now; a lease taken meanwhile fails renew() and aborts the signal', async () => {
    const [z1, z2] = await h.clients(2);
    const lease = (await new TimedLease(z1!, '/tl/renew', { duration: 30_000, identifier: 'a' }).tryAcquire())!;
    const before = lease.expiresAt;
    await lease.renew();
    expect(lease.expiresAt).toBeGreaterThanOrEqual(before);
    expect(lease.expiresAt).toBe((await z1!.exists('/tl/renew/lease_holder'))!.mtime + 30_000);
    // someone overwrites the holder node (a lease taken by force)
    await z2!.set('/tl/renew/lease_holder', JSON.stringify({ version: 1, holder: 'b', end: '2999-01-01T00:00:00' }));
    await expect(lease.renew()).rejects.toBeInstanceOf(OwnershipLostError);
    expect((lease.signal.reason as OwnershipLostError).reason).toBe('deleted');
    expect(await new TimedLease(z1!, '/tl/renew', { duration: 1_000, identifier: 'c' }).tryAcquire()).toBeNull(); // b's kazoo end is honoured
  });

  it('survives the session: a closed holder still holds until expiry', async () => {
    const [z1, z2] = await h.clients(2);
    expect(await new TimedLease(z1!, '/tl/s', { duration: 60_000, identifier: 'a' }).tryAcquire()).not.toBeNull();
    await z1!.close();
    expect(await new TimedLease(z2!, '/tl/s', { duration: 60_000, identifier: 'b' }).tryAcquire()).toBeNull();
  });

  it('bad input throws InvalidArgumentError before anything is sent; an unreadable holder node is a RecipeDataError', async () => {
    const zk = await h.client();
    expect(() => new TimedLease(zk, '/tl/bad', { duration: 0 })).toThrow(InvalidArgumentError);
    expect(() => new TimedLease(zk, '/tl/bad', { duration: 10, identifier: '' })).toThrow(InvalidArgumentError);
    expect(() => new TimedLease(zk, 'rel', { duration: 10 })).toThrow(InvalidArgumentError);
    expect(await zk.exists('/tl/bad')).toBeNull();
    await zk.create('/tl/bad/lease_holder', 'garbage', { makePath: true });
    await expect(new TimedLease(zk, '/tl/bad', { duration: 10 }).tryAcquire()).rejects.toBeInstanceOf(RecipeDataError);
  });
});
