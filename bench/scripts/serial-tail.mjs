// Serial get latency tail of zookit over three consecutive rounds of 5,000 gets, after
// 3,000 warm-up gets: shows how the p99 settles once the JIT and the first major GC are past.
//   npm run build && node bench/scripts/serial-tail.mjs
import { ZooKeeperClient } from '@zookit/client';
import { startServer } from '@zookit/testing';
const server = await startServer({ jvmFastStart: false });
const zk = new ZooKeeperClient({ hosts: server.connectString }); await zk.start();
await zk.create('/p', 'x'.repeat(100));
for (let i = 0; i < 3000; i++) await zk.get('/p');
for (let round = 0; round < 3; round++) {
  const lat = [];
  for (let i = 0; i < 5000; i++) { const t = performance.now(); await zk.get('/p'); lat.push(performance.now() - t); }
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.floor(lat.length * p)].toFixed(3);
  console.log('p50', q(0.5), 'p90', q(0.9), 'p99', q(0.99), 'p99.5', q(0.995), 'max', lat.at(-1).toFixed(2));
}
await zk.stop(); await server.stop();
