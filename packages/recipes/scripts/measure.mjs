// Uncontended acquire+release cycles/s, contended handoffs/s with 8 contenders, and
// election failover (leader session closed -> new leader running), for zookit and for
// kazoo 2.8 on the same server in the same run.
//   npx turbo run build && node packages/recipes/scripts/measure.mjs [--no-kazoo]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ZooKeeperClient } from '@zookit/client';
import { Election, Lock } from '@zookit/recipes';
import { startServer } from '@zookit/testing';

const N = Number(process.env.N ?? 1000);
const SECONDS = Number(process.env.SECONDS ?? 3);
const server = await startServer();
const open = async () => {
  const zk = new ZooKeeperClient({ hosts: server.connectString, sessionTimeout: 10_000 });
  await zk.start();
  return zk;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const zk = await open();
  const lock = new Lock(zk, '/zookit/uncontended');
  await (await lock.acquire()).release();
  let t0 = performance.now();
  for (let i = 0; i < N; i++) await (await lock.acquire()).release();
  const uncontended = N / ((performance.now() - t0) / 1000);

  const zks = await Promise.all(Array.from({ length: 8 }, open));
  let handoffs = 0;
  let stop = false;
  t0 = performance.now();
  const timer = setTimeout(() => (stop = true), SECONDS * 1000);
  await Promise.all(
    zks.map(async (c, i) => {
      const l = new Lock(c, '/zookit/contended', { identifier: `w${i}` });
      while (!stop) {
        const lease = await l.acquire();
        handoffs++;
        await lease.release();
      }
    }),
  );
  clearTimeout(timer);
  const contended = handoffs / ((performance.now() - t0) / 1000);
  await Promise.all(zks.map((c) => c.close()));

  const failovers = [];
  for (let r = 0; r < 5; r++) {
    const cs = await Promise.all([open(), open(), open()]);
    const started = [];
    let onStart;
    const runs = cs.map((c, i) =>
      new Election(c, `/zookit/election-${r}`, `n${i}`)
        .run(
          (signal) =>
            new Promise((resolve) => {
              started.push({ i, at: performance.now() });
              onStart?.();
              signal.addEventListener('abort', resolve, { once: true });
            }),
        )
        .catch(() => {}),
    );
    while (started.length === 0 || (await cs[0].getChildren(`/zookit/election-${r}`)).length < 3) await new Promise((res) => setTimeout(res, 5));
    const next = new Promise((resolve) => (onStart = resolve));
    const leader = started[0].i;
    const tClose = performance.now();
    await cs[leader].close();
    await next;
    failovers.push(started[1].at - tClose);
    await Promise.all(cs.map((c) => c.close()));
    await Promise.all(runs);
  }
  await zk.close();
  const rows = [['zookit', uncontended, contended, median(failovers)]];
  if (!process.argv.includes('--no-kazoo')) {
    const out = execFileSync('/usr/bin/python3', [path.join(import.meta.dirname, 'kazoo_measure.py'), server.connectString, '/kazoo', String(N), String(SECONDS)]).toString();
    const k = JSON.parse(out.trim().split('\n').pop());
    rows.push(['kazoo 2.8', k.uncontended, k.contended, k.failover_ms]);
  }
  console.log(`server ${server.connectString}, N=${N} uncontended cycles, ${SECONDS}s contended run, 5 failovers (median)`);
  console.log('library     uncontended cycles/s   contended handoffs/s (8)   election failover ms');
  for (const [name, u, c, f] of rows) console.log(`${name.padEnd(12)}${u.toFixed(0).padStart(20)}${c.toFixed(0).padStart(27)}${f.toFixed(1).padStart(23)}`);
} finally {
  await server[Symbol.asyncDispose]();
}
