// One process of the leader-elected service: an HTTP server on 127.0.0.1 and a
// candidate in the election. Only the leader runs the periodic task.
//
//   GET /status  → { name, isLeader, leader, fencingToken, connectionState, ticks, ... }
//
// Started by cluster.mjs with child_process.fork; configuration comes from the environment.
// SIGTERM stops it gracefully: it gives up leadership at once (the next leader takes over
// without waiting for a session timeout), closes its session and exits.
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { BadVersionError, ConnectionState, NoNodeError, ZooKeeperClient } from '@zookit/client';
import { CancelledError, Counter, Election } from '@zookit/recipes';
import { closeServer, parentChannel, reportClient, requiredEnv } from '@zookit/example-shared/child';

const required = requiredEnv('cluster.mjs');
const hosts = required('SERVICE_CONNECT');
const base = required('SERVICE_BASE');
const name = required('SERVICE_NAME');
const port = Number(process.env['SERVICE_PORT'] ?? 0);
const sessionTimeout = Number(process.env['SERVICE_SESSION_TIMEOUT'] ?? 2000);
const tickMs = Number(process.env['SERVICE_TICK_MS'] ?? 250);

const { send, release } = parentChannel({ name, pid: process.pid });

const zk = new ZooKeeperClient({ hosts, sessionTimeout });
reportClient(zk, send);
await zk.start();

const election = new Election(zk, `${base}/election`, name);
const ticks = new Counter(zk, `${base}/ticks`);
const shutdown = new AbortController();
/** What this process knows about its own leadership. */
const me = { fencingToken: null, since: null, ticks: 0 };

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' || req.url !== '/status') {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}\n');
    return;
  }
  status().then(
    (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(body, null, 2)}\n`),
    (err) => res.writeHead(503, { 'content-type': 'application/json' }).end(`${JSON.stringify({ name, error: err.message })}\n`),
  );
});
server.listen(port, '127.0.0.1', () => send({ type: 'listening', port: server.address().port }));

process.once('SIGTERM', () => shutdown.abort(new Error('SIGTERM')));
process.once('SIGINT', () => shutdown.abort(new Error('SIGINT')));
shutdown.signal.addEventListener('abort', () => election.cancel(), { once: true });

// Stand for election again after every term (leadership lost on SUSPENDED/LOST), until shut down.
for (let term = 1; term <= 1_000 && !shutdown.signal.aborted; term++) {
  try {
    await election.run((signal, lease) => lead(AbortSignal.any([signal, shutdown.signal]), lease), { signal: shutdown.signal });
  } catch (err) {
    if (shutdown.signal.aborted || err instanceof CancelledError) break;
    send({ type: 'error', message: `election: ${err.message}` });
    // Most likely the connection is gone: stand again once we are back.
    await zk.waitForState(ConnectionState.CONNECTED, { signal: shutdown.signal, timeout: sessionTimeout * 5 }).catch(() => {});
  }
}

closeServer(server);
await zk.stop();
await release();

/** The leader's term: run the periodic task until leadership ends (`signal` aborts). */
async function lead(signal, lease) {
  me.fencingToken = lease.fencingToken;
  me.since = new Date().toISOString();
  send({ type: 'leader', fencingToken: String(me.fencingToken) });
  try {
    for (let i = 0; i < 1_000_000 && !signal.aborted; i++) {
      await periodicTask(me.fencingToken);
      await delay(tickMs, undefined, { signal }).catch(() => {});
    }
  } finally {
    me.fencingToken = null;
    me.since = null;
    send({ type: 'follower', reason: signal.reason?.message });
  }
}

/**
 * The periodic task: a fenced write. `task` remembers the highest fencing token that
 * wrote it; a leader whose token is older (a deposed leader that has not noticed yet)
 * is refused, and the compare-and-set on the version closes the race between read and write.
 */
async function periodicTask(token) {
  const path = `${base}/task`;
  let current;
  try {
    const { data, stat } = await zk.get(path);
    current = { ...JSON.parse(data.toString()), version: stat.version };
  } catch (err) {
    if (!(err instanceof NoNodeError)) throw err;
  }
  if (current && BigInt(current.token) > token) throw new Error(`fenced off: task holds token ${current.token} > ${token}`);
  const record = JSON.stringify({ leader: name, token: String(token), at: new Date().toISOString() });
  try {
    if (current) await zk.set(path, record, { version: current.version });
    else await zk.create(path, record);
  } catch (err) {
    if (err instanceof BadVersionError) return; // someone wrote in between: next tick re-reads
    throw err;
  }
  me.ticks++;
  await ticks.add(1);
}

async function status() {
  const [contenders, totalTicks, task] = await Promise.all([
    election.contenders(),
    ticks.get(),
    zk.get(`${base}/task`).then((r) => JSON.parse(r.data.toString()), () => null),
  ]);
  return {
    name,
    pid: process.pid,
    isLeader: election.isLeader,
    leader: contenders[0] ?? null,
    fencingToken: me.fencingToken === null ? null : String(me.fencingToken),
    leaderSince: me.since,
    connectionState: zk.state,
    sessionId: `0x${zk.sessionId.toString(16)}`,
    ticksByMe: me.ticks,
    ticksTotal: totalTicks,
    lastTask: task,
    contenders,
  };
}
