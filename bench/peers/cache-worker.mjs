// Benchmark child for the `cache` workload with zookit's TreeCache:
// `node --expose-gc cache-worker.mjs zookit cache key=value...`; prints `RESULT <json>`.
// 1. initial load of the tree at `path` (through the parent's FaultProxy at `hosts`): ms, retained heap per node;
// 2. an outage: prints `OUTAGE` (the parent refuses and cuts the proxy, answers OK), changes the tree through a
//    direct client (`direct`) — 5 nodes deleted and re-created with the same data, 5 set —, waits until
//    `outage` ms have passed, prints `HEAL` (the parent heals, answers OK); then times the reconnect → all
//    changes visible, and counts the events emitted.
import { createInterface } from 'node:readline';

const [, workload, ...kv] = process.argv.slice(2);
const P = Object.fromEntries(kv.map((s) => { const i = s.indexOf('='); return [s.slice(0, i), s.slice(i + 1)]; }));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function settleMemory() {
  for (let i = 0; i < 3; i++) { globalThis.gc?.(); await sleep(50); }
  globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function ask(line) {
  process.stdout.write(`${line}\n`);
  await lines.next();
}

/** The outage's writes: 5 delete + re-create (same data), 5 sets; returns the expected Stat of each. */
export async function outageWrites(direct, base) {
  const expected = new Map();
  for (let i = 0; i < 10; i++) {
    const p = `${base}/a0/b0/c${i}`;
    if (i < 5) {
      const { data } = await direct.get(p);
      await direct.delete(p);
      await direct.create(p, data);
    } else await direct.set(p, Buffer.alloc(100, 48 + (Date.now() % 10)));
    expected.set(p, await direct.exists(p));
  }
  return expected;
}

async function main() {
  if (workload !== 'cache') throw new Error(`unknown workload ${workload}`);
  const { ZooKeeperClient, ConnectionState } = await import('@zookit/client');
  const { TreeCache } = await import('@zookit/recipes');
  const zk = new ZooKeeperClient({ hosts: P.hosts, sessionTimeout: 30_000, maxReconnectDelay: 200 });
  const direct = new ZooKeeperClient({ hosts: P.direct, sessionTimeout: 30_000 });
  await Promise.all([zk.start(), direct.start()]);
  const h0 = await settleMemory();
  const cache = new TreeCache(zk, P.path);
  let events = 0;
  for (const e of ['created', 'changed', 'deleted']) cache.on(e, () => events++);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await cache.start();
  const loadMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const nodes = cache.size;
  const h1 = await settleMemory();
  // outage
  await ask('OUTAGE');
  const o0 = performance.now();
  const expected = await outageWrites(direct, P.path);
  await sleep(Math.max(0, Number(P.outage) - (performance.now() - o0)));
  events = 0;
  let reconnectedAt = 0;
  zk.on('state', (s) => { if (s === ConnectionState.CONNECTED && !reconnectedAt) reconnectedAt = performance.now(); });
  const resynced = new Promise((resolve) => cache.once('resynced', () => resolve(performance.now())));
  await ask('HEAL');
  const healedAt = performance.now();
  const visible = () => [...expected].every(([p, s]) => { const n = cache.get(p); return n && n.stat.czxid === s.czxid && n.stat.mzxid === s.mzxid; });
  while (!visible()) await sleep(1);
  const visibleAt = performance.now();
  const resyncedAt = await resynced;
  await sleep(500); // late events still count
  await cache.close();
  await Promise.all([zk.stop(), direct.stop()]);
  return {
    nodes, load_ms: loadMs, load_cpu_ms: (cpu.user + cpu.system) / 1000, heap_b_node: (h1 - h0) / nodes,
    rebuild_ms: visibleAt - reconnectedAt, resynced_ms: resyncedAt - reconnectedAt, heal_to_visible_ms: visibleAt - healedAt, events,
  };
}

main().then((r) => { process.stdout.write(`RESULT ${JSON.stringify(r)}\n`); process.exit(0); }, (e) => {
  process.stdout.write(`RESULT ${JSON.stringify({ error: String(e?.stack ?? e).slice(0, 500) })}\n`);
  process.exit(1);
});
