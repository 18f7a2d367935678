// The `queue` workload for zookit (imported by node-worker.mjs): a producer session puts
// `count` items (up to `window` in flight) while `consumers` sessions consume them at least once
// (DistributedQueue.consume, one item at a time each, as the peers' consumers do). Measured
// from the first put until every item was handled and the queue is empty. Same shape as
// QueueBench.java (Curator's DistributedQueue with a lock path) and kazoo_bench.py
// (kazoo's LockingQueue).

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One round on a fresh queue path: { items_s, produce_s, lost, duplicates }. */
async function round(DistributedQueue, producer, consumers, path, count, window) {
  const seen = new Map();
  let allSeen;
  const all = new Promise((r) => (allSeen = r));
  const stops = consumers.map((zk) =>
    new DistributedQueue(zk, path).consume((item) => {
      const d = item.data.toString();
      seen.set(d, (seen.get(d) ?? 0) + 1);
      if (seen.size === count) allSeen();
    }),
  );
  const q = new DistributedQueue(producer, path);
  await q.put('warm-the-path');
  await Promise.race([new Promise((r) => { const t = setInterval(() => { if (seen.has('warm-the-path')) { clearInterval(t); r(); } }, 1); }), sleep(30_000)]);
  seen.clear();
  const t0 = performance.now();
  // Puts with up to `window` in flight (zookit's asynchronous API; Curator puts in the background by default).
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(window, count) }, async () => {
    while (next < count) await q.put(`item-${next++}`);
  }));
  const tp = performance.now();
  await Promise.race([all, sleep(120_000)]);
  // done = handled and acknowledged: the items listing is empty
  const deadline = performance.now() + 30_000;
  while ((await producer.getChildren(`${path}/items`)).length > 0 && performance.now() < deadline) await sleep(2);
  const t1 = performance.now();
  await Promise.all(stops.map((s) => s()));
  const duplicates = [...seen.values()].reduce((n, k) => n + k - 1, 0);
  return { items_s: count / ((t1 - t0) / 1000), produce_s: count / ((tp - t0) / 1000), lost: count - seen.size, duplicates };
}

export async function queue(a, P) {
  const { DistributedQueue } = await import('@zookit/recipes');
  const k = Number(P.consumers);
  const producer = await a.open(P.hosts);
  const consumers = await Promise.all(Array.from({ length: k }, () => a.open(P.hosts)));
  const window = Number(P.window);
  await round(DistributedQueue, producer, consumers, `${P.base}/qw-${P.run}`, Number(P.warmup), window);
  const r = await round(DistributedQueue, producer, consumers, `${P.base}/q-${P.run}`, Number(P.count), window);
  await Promise.all([producer, ...consumers].map((zk) => a.close(zk)));
  return r;
}
