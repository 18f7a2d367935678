// One worker of the fleet: a separate OS process with its own ZooKeeper session.
//
// It repeatedly picks a pending job, claims it under the job's Lock, does the work,
// and writes the result in one transaction that only commits while
//   - the lock node still exists (the lease's guard), and
//   - the job node still carries this worker's fencing token (its version is unchanged).
// A worker whose session expired mid-job can therefore never write a result, and a job
// is done exactly once however many workers die.
//
// Started by fleet.mjs with child_process.fork; configuration comes from the environment.
import { setTimeout as delay } from 'node:timers/promises';
import { ConnectionState, NoNodeError, ZooKeeperClient, isRetryable } from '@zookit/client';
import { Counter, Lock, LockTimeoutError } from '@zookit/recipes';
import { parentChannel, reportClient, requiredEnv } from '@zookit/example-shared/child';

const required = requiredEnv('fleet.mjs');
const hosts = required('FLEET_CONNECT');
const base = required('FLEET_BASE');
const id = required('FLEET_WORKER');
const index = Number(process.env['FLEET_INDEX'] ?? 0);
const fleetSize = Number(process.env['FLEET_SIZE'] ?? 1);
const sessionTimeout = Number(process.env['FLEET_SESSION_TIMEOUT'] ?? 2000);
const [minWork, maxWork] = (process.env['FLEET_WORK_MS'] ?? '150,400').split(',').map(Number);

// Progress events go to the fleet; if the fleet goes away, so do we.
const { send, release } = parentChannel({ worker: id });

const zk = new ZooKeeperClient({ hosts, sessionTimeout });
reportClient(zk, send);
await zk.start();
const completed = new Counter(zk, `${base}/completed`);

const jobsPath = `${base}/jobs`;
const resultsPath = `${base}/results`;

try {
  const jobCount = (await zk.getChildren(jobsPath)).length;
  // Every round does at least one job, waits for one, or ends: bounded by the job count.
  for (let round = 0; round < jobCount * 4 + 10; round++) {
    try {
      if (await workOnce()) break;
    } catch (err) {
      // Connection trouble: wait for the session to come back, then go round again.
      if (!isRetryable(err)) throw err;
      send({ type: 'retry', reason: err.message });
      await zk.waitForState(ConnectionState.CONNECTED, { timeout: sessionTimeout * 3 }).catch(() => {});
    }
  }
} finally {
  await zk.stop();
}
// Say goodbye (once the message is out), and let go of the IPC channel so the process can exit.
await release({ type: 'finished' });

/** One round: do a job, or wait for one. Resolves `true` when no job is pending. */
async function workOnce() {
  const [jobs, done] = await Promise.all([zk.getChildren(jobsPath), zk.getChildren(resultsPath)]);
  const finished = new Set(done);
  const pending = jobs.filter((j) => !finished.has(j)).sort();
  if (pending.length === 0) return true;
  // Start at a different job per worker, so the fleet spreads out instead of colliding.
  const offset = Math.floor((index * pending.length) / fleetSize) % pending.length;
  const order = [...pending.slice(offset), ...pending.slice(0, offset)];
  let worked = false;
  for (const job of order) {
    const lease = await new Lock(zk, `${base}/locks/${job}`, { identifier: id }).tryAcquire();
    if (!lease) continue; // someone else is on it
    try {
      await runJob(job, lease);
    } finally {
      await lease.release();
    }
    worked = true;
    break;
  }
  if (worked) return false;
  // Every pending job is held by another worker: queue on one of them. The lock comes to
  // us when its holder finishes (then the job is done and we skip it) or when the
  // holder's session expires (then we finish the job). No polling.
  const job = order[0];
  try {
    const lease = await new Lock(zk, `${base}/locks/${job}`, { identifier: id }).acquire({ timeout: sessionTimeout * 3 + 5_000 });
    try {
      await runJob(job, lease);
    } finally {
      await lease.release();
    }
  } catch (err) {
    if (!(err instanceof LockTimeoutError)) throw err;
  }
  return false;
}

/** Does one job under `lease`; returns what happened. */
async function runJob(job, lease) {
  const jobPath = `${jobsPath}/${job}`;
  // Re-check under the lock: it may have been finished while we queued.
  if (await zk.exists(`${resultsPath}/${job}`)) return 'already-done';
  let record;
  try {
    const { data, stat } = await zk.get(jobPath);
    record = { ...JSON.parse(data.toString()), version: stat.version };
  } catch (err) {
    if (err instanceof NoNodeError) return 'gone';
    throw err;
  }
  const token = lease.fencingToken;
  // The job node is the fenced resource: it remembers the highest token that claimed it.
  if (record.token !== undefined && BigInt(record.token) > token) return 'stale';
  const attempts = (record.attempts ?? 0) + 1;
  const claimed = await zk.set(jobPath, JSON.stringify({ input: record.input, token: String(token), claimedBy: id, attempts }), {
    version: record.version,
  });
  send({ type: 'claimed', job, token: String(token), attempts });

  // The "work": square the input, taking a while. It stops if the lock is lost meanwhile.
  try {
    await delay(minWork + Math.random() * (maxWork - minWork), undefined, { signal: lease.signal });
  } catch (err) {
    if (!lease.signal.aborted) throw err;
    send({ type: 'abandoned', job, token: String(token), reason: lease.signal.reason?.message });
    return 'abandoned';
  }
  const output = record.input * record.input;

  // Commit the result only while we still hold the lock and the job still has our token.
  const results = await lease
    .guard(zk.transaction())
    .check(jobPath, claimed.version)
    .create(`${resultsPath}/${job}`, JSON.stringify({ worker: id, pid: process.pid, token: String(token), output }))
    .create(`${base}/ledger/${job}-`, id, { sequential: true })
    .setData(jobPath, JSON.stringify({ input: record.input, token: String(token), claimedBy: id, attempts, done: true }), claimed.version)
    .commit();
  const failed = results.find((r) => r instanceof Error);
  if (failed) {
    send({ type: 'rejected', job, token: String(token), reason: failed.message });
    return 'rejected';
  }
  const total = await completed.add(1);
  send({ type: 'done', job, token: String(token), output, total });
  return 'done';
}
