// Run by `ensemble.spawnClient` in a namespace of its own: acquires a Lock and reports
// over IPC, with CLOCK_MONOTONIC times (comparable with the test process's), every state
// change, the acquisition and the lease's abort. Message 'stop' closes it.
//   node lock-holder.mjs HOSTS PATH IDENTIFIER SUSPENDED_GRACE SESSION_TIMEOUT
import { ZooKeeperClient } from '@zookit/client';
import { Lock } from '@zookit/recipes';

const [hosts, path, identifier, grace, session] = process.argv.slice(2);
const now = () => Number(process.hrtime.bigint()) / 1e6;
// Warnings (a lost connection and why) go to the test too.
const logger = { warn: (log, meta) => process.send({ log, reason: meta?.reason, at: now() }) };
const zk = new ZooKeeperClient({ hosts, randomizeHosts: false, sessionTimeout: Number(session), connectTimeout: 30_000, logger });
zk.on('state', (state) => process.send({ state, at: now() }));
zk.on('error', (err) => process.send({ error: String(err), at: now() }));
process.on('message', (m) => {
  if (m === 'stop') void zk.close().finally(() => process.exit(0));
});
await zk.start();
const lock = new Lock(zk, path, { identifier, suspendedGrace: grace === 'Infinity' ? Infinity : Number(grace) });
const lease = await lock.acquire({ timeout: 30_000 });
lease.signal.addEventListener('abort', () => process.send({ aborted: lease.signal.reason?.reason ?? 'unknown', at: now() }), { once: true });
process.send({ acquired: true, token: String(lease.fencingToken), session: String(zk.sessionId), at: now() });
