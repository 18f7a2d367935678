import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@zookit/client';
import { Counter } from '../src/index.js';
import { harness } from './helpers.js';

const h = harness();

describe('Counter', () => {
  it('adds and subtracts as decimal text, concurrently from 4 sessions without losing updates', async () => {
    const zks = await h.clients(4);
    await Promise.all(zks.map(async (zk) => {
      const c = new Counter(zk, '/counters/jobs');
      for (let i = 0; i < 10; i++) await c.add(1);
    }));
    const counter = new Counter(zks[0]!, '/counters/jobs');
    expect(await counter.get()).toBe(40);
    expect(await counter.add(-1)).toBe(39);
    expect((await zks[0]!.get('/counters/jobs')).data.toString()).toBe('39');
    expect(await counter.add(0.5)).toBe(39.5);
    expect((await zks[0]!.get('/counters/jobs')).data.toString()).toBe('39.5');
  });

  it('stores a 4-byte big-endian integer with format int32 (Curator SharedCount)', async () => {
    const [zk] = await h.clients(1);
    const c = new Counter(zk!, '/counters/i32', { format: 'int32' });
    expect(await c.get()).toBe(0);
    expect(await c.add(-5)).toBe(-5);
    expect((await zk!.get('/counters/i32')).data).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xfb]));
    await expect(c.add(0.5)).rejects.toThrow(InvalidArgumentError);
  });
});
