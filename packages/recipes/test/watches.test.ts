import type { Stat } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { ChildrenWatch, DataWatch } from '../src/index.js';
import { harness } from './helpers.js';

const h = harness();

/** Collects callback values; `next(n)` resolves once n values arrived. */
function recorder<T>() {
  const values: T[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    values,
    push(v: T) {
      values.push(v);
      for (const w of waiters.splice(0)) if (values.length >= w.n) w.resolve(); else waiters.push(w);
    },
    until(n: number) {
      return values.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }));
    },
  };
}

describe('DataWatch', () => {
  it('reports the current value, every change, deletion as null and re-creation; stops on false', async () => {
    const [zk, writer] = await h.clients(2);
    const rec = recorder<string | null>();
    const watch = new DataWatch(zk!, '/cfg', (data: Buffer | null, _stat: Stat | null) => {
      rec.push(data === null ? null : data.toString());
      if (data?.toString() === 'stop') return false;
    });
    await rec.until(1);
    await writer!.create('/cfg', 'v1');
    await rec.until(2);
    await writer!.set('/cfg', 'v2');
    await rec.until(3);
    await writer!.delete('/cfg');
    await rec.until(4);
    await writer!.create('/cfg', 'v3');
    await rec.until(5);
    await writer!.set('/cfg', 'stop');
    await rec.until(6);
    await writer!.set('/cfg', 'after');
    await writer!.sync('/cfg');
    await zk!.sync('/cfg');
    expect(rec.values).toEqual([null, 'v1', 'v2', null, 'v3', 'stop']);
    expect(watch.stopped).toBe(true);
  });
});

describe('ChildrenWatch', () => {
  it('reports the current children and every change; stop() ends it', async () => {
    const [zk, writer] = await h.clients(2);
    await writer!.ensurePath('/workers');
    const rec = recorder<string[]>();
    const watch = new ChildrenWatch(zk!, '/workers', (children) => {
      rec.push([...children].sort());
    });
    await rec.until(1);
    await writer!.create('/workers/a');
    await rec.until(2);
    await writer!.create('/workers/b');
    await rec.until(3);
    await writer!.delete('/workers/a');
    await rec.until(4);
    watch.stop();
    await writer!.create('/workers/c');
    await zk!.sync('/workers');
    expect(rec.values).toEqual([[], ['a'], ['a', 'b'], ['b']]);
  });
});
