// The coordinator: raises the start Barrier, forks the workers, lowers the barrier once
// all of them are registered, waits for them, and checks the outputs and the timeline.
import path from 'node:path';
import { ZooKeeperClient } from '@zookit/client';
import { Barrier, ChildrenWatch } from '@zookit/recipes';
import { forkChild, stopChildren, waitForExit } from '@zookit/example-shared/processes';
import { removeScratch, scratchPath } from '@zookit/example-shared/zookeeper';

const WORKER = path.join(import.meta.dirname, 'worker.mjs');
const PHASES = ['map', 'reduce', 'check'];

/**
 * Runs the pipeline and resolves with a summary (see README).
 *
 * @param {object} options
 * @param {string} options.connectString  ZooKeeper connect string
 * @param {number} [options.workers=4]    worker processes
 * @param {number} [options.items=1000]   the job: the sum of i² for i in 1..items
 * @param {[number, number]} [options.workMs=[100, 500]]  how long a phase takes a worker (ms, random in range)
 * @param {number} [options.timeout=60000]  bound on the whole run (ms)
 * @param {(event: object) => void} [options.onEvent]  `registered`, `start`, and every worker message
 * @param {AbortSignal} [options.signal]
 */
export async function runPipeline(options) {
  const { connectString, workers = 4, items = 1000, workMs = [100, 500], timeout = 60_000, onEvent = () => {}, signal } = options;
  const started = performance.now();
  const base = scratchPath('barrier-pipeline');
  const zk = new ZooKeeperClient({ hosts: connectString, sessionTimeout: 10_000 });
  await zk.start();
  const children = [];
  let watch;
  try {
    await zk.ensurePath(`${base}/workers`);
    const start = new Barrier(zk, `${base}/start`);
    await start.create();

    let lower;
    const allRegistered = new Promise((resolve) => (lower = resolve));
    watch = new ChildrenWatch(zk, `${base}/workers`, (names) => {
      onEvent({ type: 'registered', workers: names.length, of: workers });
      if (names.length >= workers) {
        lower();
        return false; // stop watching
      }
    });
    for (let i = 0; i < workers; i++) {
      const env = {
        PIPELINE_CONNECT: connectString,
        PIPELINE_BASE: base,
        PIPELINE_WORKER: `w${i + 1}`,
        PIPELINE_INDEX: String(i),
        PIPELINE_SIZE: String(workers),
        PIPELINE_ITEMS: String(items),
        PIPELINE_TIMEOUT: String(timeout),
        PIPELINE_WORK_MS: workMs.join(','),
      };
      children.push(forkChild(WORKER, env, { onMessage: onEvent, signal }));
    }
    let timer;
    const registered = await Promise.race([
      allRegistered.then(() => true),
      new Promise((resolve) => (timer = setTimeout(() => resolve(false), timeout))),
    ]);
    clearTimeout(timer);
    if (!registered) throw new Error(`not every worker registered within ${timeout} ms`);
    await start.remove();
    onEvent({ type: 'start' });
    const allExited = await waitForExit(children, timeout);
    signal?.throwIfAborted();
    const summary = await verify(zk, base, workers, items);
    if (!allExited) summary.problems.push(`workers still running after ${timeout} ms (stopped)`);
    const failed = children.filter((c) => c.exitCode !== 0);
    if (failed.length) summary.problems.push(`${failed.length} worker(s) failed`);
    return { ...summary, ok: summary.problems.length === 0, elapsedMs: Math.round(performance.now() - started) };
  } finally {
    watch?.stop();
    await stopChildren(children);
    await zk.stop();
    if (!signal?.aborted) await removeScratch(connectString, base);
  }
}

/** Reads the outputs back: right answer, everyone agreed, and no phase overlapped the next. */
async function verify(zk, base, workers, items) {
  const expected = (items * (items + 1) * (2 * items + 1)) / 6;
  const problems = [];
  const phases = [];
  for (const phase of PHASES) {
    let names = [];
    try {
      names = await zk.getChildren(`${base}/out/${phase}`);
    } catch {
      // no output at all
    }
    const outputs = await Promise.all(names.map(async (n) => ({ worker: n, ...JSON.parse((await zk.get(`${base}/out/${phase}/${n}`)).data.toString()) })));
    if (outputs.length !== workers) problems.push(`${phase}: ${outputs.length} of ${workers} outputs`);
    phases.push({
      phase,
      outputs,
      firstStart: Math.min(...outputs.map((o) => o.start)),
      lastEnd: Math.max(...outputs.map((o) => o.end)),
    });
  }
  for (let i = 1; i < phases.length; i++) {
    const prev = phases[i - 1];
    const cur = phases[i];
    if (cur.firstStart < prev.lastEnd) problems.push(`${cur.phase} started ${prev.lastEnd - cur.firstStart} ms before ${prev.phase} ended`);
  }
  const reduce = phases[1].outputs;
  if (reduce.some((o) => o.seen !== workers)) problems.push(`a reducer saw fewer than ${workers} map outputs`);
  if (reduce.some((o) => o.total !== expected)) problems.push(`a reducer computed a wrong total`);
  if (phases[2].outputs.some((o) => !o.agreed)) problems.push('the workers did not agree on the total');
  return {
    workers,
    items,
    total: reduce[0]?.total,
    expected,
    phases: phases.map(({ phase, firstStart, lastEnd, outputs }) => ({ phase, firstStart, lastEnd, workers: outputs.length })),
    problems,
  };
}
