#!/usr/bin/env node
// Measure how long @zookit/testing takes to bring up a standalone server and a 3-node
// ensemble (from the call until ready), median of N runs, with and without the
// fast-start JVM flags. Run after `npm run build`:
//
//   node packages/testing/scripts/startup-times.mjs [runs=5]
import { performance } from 'node:perf_hooks';
import { startEnsemble, startServer } from '../dist/index.js';

const runs = Math.max(1, Math.min(20, Number(process.argv[2] ?? 5)));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function measure(label, start) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const handle = await start();
    times.push(performance.now() - t0);
    await handle.stop();
  }
  console.log(`${label.padEnd(44)} median ${median(times).toFixed(0).padStart(5)} ms   runs: ${times.map((t) => t.toFixed(0)).join(', ')}`);
}

await measure('standalone (default, fast-start JVM flags)', () => startServer({ source: 'local' }));
await measure('standalone (jvmFastStart: false)', () => startServer({ source: 'local', jvmFastStart: false }));
await measure('3-node ensemble (default, fast-start flags)', () => startEnsemble({ size: 3 }));
await measure('3-node ensemble (jvmFastStart: false)', () => startEnsemble({ size: 3, jvmFastStart: false }));
