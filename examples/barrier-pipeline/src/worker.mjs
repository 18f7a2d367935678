// One worker of the pipeline: a separate OS process with its own ZooKeeper session.
//
// It registers, waits at the start Barrier, then for each phase: enters the phase's
// DoubleBarrier (everyone is in before anyone starts), does its part, and leaves it
// (nobody goes on before everyone is done). So a phase may read every output of the
// phase before it.
//
// Started by pipeline.mjs with child_process.fork; configuration comes from the environment.
import { setTimeout as delay } from 'node:timers/promises';
import { ZooKeeperClient } from '@zookit/client';
import { Barrier, DoubleBarrier } from '@zookit/recipes';
import { parentChannel, reportClient, requiredEnv } from '@zookit/example-shared/child';

const required = requiredEnv('pipeline.mjs');
const hosts = required('PIPELINE_CONNECT');
const base = required('PIPELINE_BASE');
const id = required('PIPELINE_WORKER');
const index = Number(required('PIPELINE_INDEX'));
const size = Number(required('PIPELINE_SIZE'));
const items = Number(required('PIPELINE_ITEMS'));
const timeout = Number(process.env['PIPELINE_TIMEOUT'] ?? 30_000);
const [minWork, maxWork] = (process.env['PIPELINE_WORK_MS'] ?? '100,500').split(',').map(Number);

const { send, release } = parentChannel({ worker: id });

/** The phases, in order: each may read every output of the one before. */
const PHASES = {
  // Square my share of 1..items and add them up.
  async map() {
    let sum = 0;
    for (let i = index + 1; i <= items; i += size) sum += i * i;
    return { sum };
  },
  // Add up every worker's map output: all of them are there, the barrier says so.
  async reduce() {
    const outputs = await readOutputs('map');
    return { total: outputs.reduce((a, o) => a + o.sum, 0), seen: outputs.length };
  },
  // Check that every worker reduced to the same total.
  async check() {
    const outputs = await readOutputs('reduce');
    return { agreed: new Set(outputs.map((o) => o.total)).size === 1 && outputs.length === size, total: outputs[0]?.total, seen: outputs.length };
  },
};

const zk = new ZooKeeperClient({ hosts, sessionTimeout: 5_000 });
reportClient(zk, send);
await zk.start();
try {
  await zk.create(`${base}/workers/${id}`, String(process.pid), { ephemeral: true });
  send({ type: 'waiting' });
  if (!(await new Barrier(zk, `${base}/start`).wait({ timeout }))) throw new Error(`start barrier not lowered within ${timeout} ms`);
  send({ type: 'started' });
  for (const phase of Object.keys(PHASES)) {
    const barrier = new DoubleBarrier(zk, `${base}/phases/${phase}`, size, id);
    await barrier.enter({ timeout });
    const start = Date.now();
    send({ type: 'entered', phase });
    await delay(minWork + Math.random() * (maxWork - minWork)); // the phase's "heavy" part
    const output = await PHASES[phase]();
    const end = Date.now();
    await zk.create(`${base}/out/${phase}/${id}`, JSON.stringify({ ...output, start, end }), { makePath: true });
    send({ type: 'finished', phase, output });
    await barrier.leave({ timeout });
    send({ type: 'left', phase });
  }
} finally {
  await zk.stop();
}
await release({ type: 'exit' });

async function readOutputs(phase) {
  const names = await zk.getChildren(`${base}/out/${phase}`);
  return Promise.all(names.map(async (n) => JSON.parse((await zk.get(`${base}/out/${phase}/${n}`)).data.toString())));
}
