// No watch build-up on a queue: each consumer process (one client) keeps one listing watch
// while waiting on an empty queue, whatever its concurrency. Counted on the server: `wchc`
// lists data watches only (none may sit on items or locks), `mntr`'s zk_watch_count counts
// child watches too; a serial file, so the server's count is ours alone.
import { fourLetterWord } from '@zookit/testing';
import { describe, expect, inject, it } from 'vitest';
import { DistributedQueue, type StopConsuming } from '../src/index.js';
import { harness, watchedUnder } from './helpers.js';

const h = harness();
const CONSUMERS = 50;

/** The server's zk_watch_count (data and child watches of every session). */
async function watchCount(): Promise<number> {
  const [host, port] = inject('zkConnect').split(':');
  const out = await fourLetterWord(host!, Number(port), 'mntr');
  const line = out.split('\n').find((l) => l.startsWith('zk_watch_count'));
  return Number(line!.split('\t')[1]);
}

describe('DistributedQueue: one listing watch per consumer', () => {
  it(`${CONSUMERS} consumers (concurrency 4 each) on an empty queue: one child watch each (the listing), no data watch; 20 items later each handled once, and again one watch each`, async () => {
    const zks = await h.clients(CONSUMERS);
    const base = await watchCount();
    const handled = new Map<string, number>();
    const stops: StopConsuming[] = zks.map((zk) =>
      new DistributedQueue(zk, '/hq').consume((item) => void handled.set(item.data.toString(), (handled.get(item.data.toString()) ?? 0) + 1), {
        concurrency: 4,
      }),
    );
    await expect.poll(() => stops.every((s) => s.stats.listings === 1), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => watchCount(), { timeout: 20_000 }).toBe(base + CONSUMERS);
    expect(await watchedUnder(`${zks[0]!.chroot}/hq`)).toEqual([]); // no data watch on items or locks

    const producer = new DistributedQueue(zks[0]!, '/hq');
    for (let i = 0; i < 20; i++) await producer.put(`item-${i}`);
    await expect.poll(() => handled.size, { timeout: 20_000 }).toBe(20);
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    // Idle again: one watch per consumer, still only on the listing (none on items or locks).
    await expect.poll(() => watchCount(), { timeout: 20_000 }).toBe(base + CONSUMERS);
    expect(await watchedUnder(`${zks[0]!.chroot}/hq`)).toEqual([]);
    const listings = stops.reduce((n, s) => n + s.stats.listings, 0);
    const contended = stops.reduce((n, s) => n + s.stats.contended, 0);
    console.log(`queue herd: ${CONSUMERS} consumers, 20 items: ${listings} listings, ${contended} contended lock attempts`);
    await Promise.all(stops.map((s) => s()));
  });
});
