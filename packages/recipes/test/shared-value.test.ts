import { ConnectionState, InvalidArgumentError } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { Counter, SharedCount, SharedValue } from '../src/index.js';
import { harness } from './helpers.js';

const h = harness();

describe('SharedValue', () => {
  it('seeds a missing node, follows changes, and fires changed only when mzxid moves', async () => {
    const [zk, other] = await h.clients(2, { proxy: true });
    const shared = new SharedValue(zk!, '/sv/mode', Buffer.from('blue'));
    const seen: string[] = [];
    shared.on('changed', (v, version) => seen.push(`${v.toString()}@${version}`));
    await shared.start();
    expect(shared.value.toString()).toBe('blue');
    expect(shared.version).toBe(0);
    expect(seen).toEqual(['blue@0']);
    await other!.set('/sv/mode', 'green');
    await expect.poll(() => shared.value.toString()).toBe('green');
    // A reconnect re-reads the node; an unchanged value is not a change.
    const resynced = new Promise<void>((resolve) => zk!.once('state', () => resolve()));
    zk!.proxy!.cut();
    await resynced;
    await zk!.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
    await expect.poll(() => shared.stale).toBe(false);
    // The same bytes written again are a change (mzxid moved): reported.
    await other!.set('/sv/mode', 'green');
    await expect.poll(() => shared.version).toBe(2);
    expect(seen).toEqual(['blue@0', 'green@1', 'green@2']);
    await shared.close();
  });

  it('trySet: true shows the new value at once; false on a lost race shows the winner', async () => {
    const [a, b] = await h.clients(2);
    const sa = new SharedValue(a!, '/sv/race', Buffer.from('0'));
    const sb = new SharedValue(b!, '/sv/race', Buffer.from('seed-ignored'));
    await sa.start();
    await sb.start();
    expect(sb.value.toString()).toBe('0');
    const v = sa.version;
    expect(await sa.trySet(Buffer.from('a'), v)).toBe(true);
    expect(sa.value.toString()).toBe('a');
    expect(await sb.trySet(Buffer.from('b'), v)).toBe(false);
    expect(sb.versioned()).toEqual({ value: Buffer.from('a'), version: v + 1 });
    await expect(sa.trySet(Buffer.from('x'), -1)).rejects.toBeInstanceOf(InvalidArgumentError);
    await sb.set(Buffer.from('c'));
    expect(sb.value.toString()).toBe('c');
    await sa.close();
    await sb.close();
  });
});

describe('SharedCount and Counter int64', () => {
  it('SharedCount stores a 4-byte big-endian int and counts under contention', async () => {
    const zks = await h.clients(3);
    const counts = zks.map((zk) => new SharedCount(zk, '/sc/n', 0));
    await Promise.all(counts.map((c) => c.start()));
    await Promise.all(counts.map(async (c) => {
      for (let done = 0; done < 10;) if (await c.trySet(c.count + 1, c.version)) done++;
    }));
    const { data } = await zks[0]!.get('/sc/n');
    expect(data).toEqual(Buffer.from([0, 0, 0, 30]));
    await expect.poll(() => counts.map((c) => c.count)).toEqual([30, 30, 30]);
    await expect(counts[0]!.trySet(2 ** 31, counts[0]!.version)).rejects.toBeInstanceOf(InvalidArgumentError);
    await Promise.all(counts.map((c) => c.close()));
  });

  it('Counter int64 stores 8-byte big-endian values (DistributedAtomicLong layout)', async () => {
    const [zk] = await h.clients(1);
    const counter = new Counter(zk!, '/c64/n', { format: 'int64' });
    expect(await counter.add(5)).toBe(5);
    expect(await counter.add(-7)).toBe(-2);
    expect((await zk!.get('/c64/n')).data).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]));
    await zk!.set('/c64/n', Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]));
    expect(await counter.get()).toBe(2 ** 32);
    await expect(counter.add(0.5)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
