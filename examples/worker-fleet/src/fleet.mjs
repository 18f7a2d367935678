// The fleet: puts jobs into ZooKeeper, forks the worker processes, kills one of them
// mid-job (once), waits for the rest to finish, and then checks in ZooKeeper that every
// job was done exactly once.
import path from 'node:path';
import { ZooKeeperClient } from '@zookit/client';
import { ChildrenWatch, Counter } from '@zookit/recipes';
import { forkChild, stopChildren, waitForExit } from '@zookit/example-shared/processes';
import { removeScratch, scratchPath } from '@zookit/example-shared/zookeeper';

const WORKER = path.join(import.meta.dirname, 'worker.mjs');

/**
 * Runs the worker fleet against the ensemble at `connectString` and resolves with a
 * summary (see README). Events for a live display go to `onEvent`:
 * `{ type: 'progress', done, total }`, `{ type: 'killed', worker, job }`, and every
 * worker message (`state`, `claimed`, `done`, `abandoned`, `rejected`, `finished`).
 *
 * @param {object} options
 * @param {string} options.connectString  ZooKeeper connect string
 * @param {number} [options.workers=4]    worker processes
 * @param {number} [options.jobs=20]      jobs in the queue
 * @param {boolean} [options.kill=true]   SIGKILL one worker mid-job, once
 * @param {number} [options.sessionTimeout=2000]  workers' session timeout (ms): how long a dead worker's lock lingers
 * @param {[number, number]} [options.workMs=[150, 400]]  how long one job takes (ms, random in range)
 * @param {number} [options.timeout=90000]  give up (and stop every worker) after this many ms
 * @param {(event: object) => void} [options.onEvent]
 * @param {AbortSignal} [options.signal]  stops every worker at once
 */
export async function runFleet(options) {
  const {
    connectString,
    workers = 4,
    jobs = 20,
    kill = true,
    sessionTimeout = 2_000,
    workMs = [150, 400],
    timeout = 90_000,
    onEvent = () => {},
    signal,
  } = options;
  const started = performance.now();
  const base = scratchPath('worker-fleet');
  const zk = new ZooKeeperClient({ hosts: connectString, sessionTimeout: 10_000 });
  await zk.start();
  const children = [];
  let watch;
  try {
    await Promise.all(['jobs', 'results', 'ledger', 'locks'].map((p) => zk.ensurePath(`${base}/${p}`)));
    await Promise.all(
      Array.from({ length: jobs }, (_, i) => zk.create(`${base}/jobs/${jobName(i)}`, JSON.stringify({ input: i + 1 }))),
    );
    watch = new ChildrenWatch(zk, `${base}/results`, (results) => onEvent({ type: 'progress', done: results.length, total: jobs }));
    await watch.ready;

    // Kill a worker mid-job once a quarter of the jobs are done, so the kill lands while
    // everyone is busy.
    let killed;
    let doneCount = 0;
    const killAfter = Math.max(1, Math.floor(jobs / 4));
    const onMessage = (msg, child) => {
      if (msg.type === 'done') doneCount++;
      onEvent(msg);
      if (kill && !killed && msg.type === 'claimed' && doneCount >= killAfter) {
        killed = { worker: msg.worker, job: msg.job, token: msg.token, pid: child.pid };
        child.kill('SIGKILL');
        onEvent({ type: 'killed', ...killed });
      }
    };
    for (let i = 0; i < workers; i++) {
      const env = {
        FLEET_CONNECT: connectString,
        FLEET_BASE: base,
        FLEET_WORKER: `w${i + 1}`,
        FLEET_INDEX: String(i),
        FLEET_SIZE: String(workers),
        FLEET_SESSION_TIMEOUT: String(sessionTimeout),
        FLEET_WORK_MS: workMs.join(','),
      };
      children.push(forkChild(WORKER, env, { onMessage, signal }));
    }
    const allExited = await waitForExit(children, timeout);
    signal?.throwIfAborted();
    const summary = await verify(zk, base, jobs);
    if (!allExited) summary.problems.push(`workers still running after ${timeout} ms (stopped)`);
    const failed = children.filter((c) => c.pid !== killed?.pid && c.exitCode !== 0);
    if (failed.length) summary.problems.push(`${failed.length} worker(s) failed (exit codes ${failed.map((c) => c.exitCode ?? c.signalCode).join(', ')})`);
    summary.exactlyOnce = summary.problems.length === 0;
    return {
      ...summary,
      workers,
      timedOut: !allExited,
      killed: killed && { ...killed, finishedBy: summary.perJob[killed.job]?.worker, finalToken: summary.perJob[killed.job]?.token },
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    watch?.stop();
    await stopChildren(children);
    await zk.stop();
    if (!signal?.aborted) await removeScratch(connectString, base);
  }
}

/** Reads everything back from ZooKeeper and checks that each job was done exactly once. */
async function verify(zk, base, jobs) {
  const [results, ledger, completed] = await Promise.all([
    zk.getChildren(`${base}/results`),
    zk.getChildren(`${base}/ledger`),
    new Counter(zk, `${base}/completed`).get(),
  ]);
  const perJob = {};
  const problems = [];
  for (let i = 0; i < jobs; i++) {
    const job = jobName(i);
    // The ledger gets one sequential node per committed result: duplicates would show here.
    const commits = ledger.filter((n) => n.startsWith(`${job}-`)).length;
    const [{ data: jobData }, result] = await Promise.all([
      zk.get(`${base}/jobs/${job}`),
      results.includes(job) ? zk.get(`${base}/results/${job}`).then((r) => JSON.parse(r.data.toString())) : undefined,
    ]);
    const record = JSON.parse(jobData.toString());
    perJob[job] = { worker: result?.worker, token: result?.token, attempts: record.attempts ?? 0, commits };
    if (!result) problems.push(`${job}: no result`);
    else if (result.output !== (i + 1) ** 2) problems.push(`${job}: wrong output ${result.output}`);
    if (commits !== 1) problems.push(`${job}: committed ${commits} times`);
    if (result && record.token !== result.token) problems.push(`${job}: result token ${result.token} is not the job's last token ${record.token}`);
  }
  if (completed !== jobs) problems.push(`counter says ${completed} completed, expected ${jobs}`);
  const byWorker = {};
  for (const { worker } of Object.values(perJob)) if (worker) byWorker[worker] = (byWorker[worker] ?? 0) + 1;
  return {
    jobs,
    results: results.length,
    commits: ledger.length,
    counter: completed,
    retried: Object.entries(perJob).filter(([, j]) => j.attempts > 1).map(([job]) => job),
    byWorker,
    perJob,
    problems,
    exactlyOnce: problems.length === 0,
  };
}

function jobName(i) {
  return `job-${String(i + 1).padStart(3, '0')}`;
}
