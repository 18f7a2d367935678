// The cluster: forks the service processes, waits for a leader, shows every process's
// GET /status, takes the leader down, and measures how long the others take to elect a
// new one.
import path from 'node:path';
import { conditions, forkChild, stopChildren } from '@zookit/example-shared/processes';
import { removeScratch, scratchPath } from '@zookit/example-shared/zookeeper';

const SERVICE = path.join(import.meta.dirname, 'service.mjs');

/**
 * Runs the leader-service scenario and resolves with a summary (see README).
 *
 * @param {object} options
 * @param {string} options.connectString   ZooKeeper connect string
 * @param {number} [options.nodes=3]       service processes
 * @param {'stop' | 'kill' | ((leader: { name: string, pid: number }) => Promise<string | void>)} [options.failover='stop']
 *   how the leader is taken down: `stop` = SIGTERM (it resigns at once), `kill` = SIGKILL
 *   (its leadership ends when its session expires), or a function doing it yourself and
 *   resolving with a description (the demo kills the leader's ZooKeeper server this way)
 * @param {number} [options.sessionTimeout=2000]  the services' session timeout (ms)
 * @param {number} [options.timeout=30000]  bound on every wait (ms)
 * @param {(event: object) => void | Promise<void>} [options.onEvent]  `state`, `listening`, `leader`, `follower`, `status`, `failover`
 *   events; the run waits for what it returns on its own `status` and `failover` events (a caller may hold it there).
 *   A throw or a rejection is reported on stderr and never stops the run.
 * @param {AbortSignal} [options.signal]
 */
export async function runLeaderService(options) {
  const { connectString, nodes = 3, failover = 'stop', sessionTimeout = 2_000, timeout = 30_000, onEvent = () => {}, signal } = options;
  const started = performance.now();
  const base = scratchPath('leader-service');
  const children = [];
  const ports = new Map();
  const leaders = []; // every 'leader' event, in order
  // until(what, predicate): re-checked on every message from a service.
  const { notify, until } = conditions({ timeout, signal });
  /** Runs the caller's onEvent isolated; resolves when it is done, never rejects. */
  const emit = async (event) => {
    try {
      await onEvent(event);
    } catch (err) {
      console.error(`onEvent(${event.type}) failed:`, err);
    }
  };
  const onMessage = (msg) => {
    if (msg.type === 'listening') ports.set(msg.name, msg.port);
    if (msg.type === 'leader') leaders.push(msg);
    void emit(msg);
    notify();
  };

  try {
    for (let i = 0; i < nodes; i++) {
      const env = {
        SERVICE_CONNECT: connectString,
        SERVICE_BASE: base,
        SERVICE_NAME: `node-${i + 1}`,
        SERVICE_SESSION_TIMEOUT: String(sessionTimeout),
      };
      children.push(forkChild(SERVICE, env, { onMessage, signal }));
    }
    await until('every service to listen', () => ports.size === nodes);
    const first = await until('a leader', () => leaders[0]);
    const before = await statuses(ports);
    await emit({ type: 'status', statuses: before });

    // Take the leader down and time the handover.
    const leaderChild = children.find((c) => c.pid === first.pid);
    let customHow;
    const t0 = Date.now();
    await emit({ type: 'failover', phase: 'begin', leader: first.name, how: typeof failover === 'function' ? 'custom' : failover });
    if (failover === 'stop') leaderChild.kill('SIGTERM');
    else if (failover === 'kill') leaderChild.kill('SIGKILL');
    else customHow = await failover({ name: first.name, pid: first.pid });
    const next = await until('a new leader', () => leaders.find((l) => l.at >= t0 && l.name !== first.name));
    const failoverMs = next.at - t0;
    await emit({ type: 'failover', phase: 'end', leader: next.name, failoverMs });

    // The old leader's process is gone when we stopped or killed it; with a custom
    // failover it may still run (as a follower now).
    if (failover === 'stop' || failover === 'kill') {
      await leaderChild.exited;
      ports.delete(first.name);
    }
    const statusesAfter = await statusesWithLeader(ports, next.name, timeout);
    await emit({ type: 'status', statuses: statusesAfter });
    const leading = statusesAfter.filter((s) => s.isLeader);
    const problems = [];
    if (leading.length !== 1 || leading[0].name !== next.name) problems.push(`expected ${next.name} alone to lead, got ${leading.map((s) => s.name).join(', ') || 'nobody'}`);
    if (!(BigInt(next.fencingToken) > BigInt(first.fencingToken))) problems.push(`fencing token did not grow: ${first.fencingToken} → ${next.fencingToken}`);
    return {
      nodes,
      firstLeader: { name: first.name, fencingToken: first.fencingToken },
      newLeader: { name: next.name, fencingToken: next.fencingToken },
      failover: typeof failover === 'function' ? (typeof customHow === 'string' ? customHow : 'custom') : failover === 'stop' ? 'SIGTERM (the leader resigns)' : 'SIGKILL (its session expires)',
      failoverMs,
      before,
      after: statusesAfter,
      leaderChanged: next.name !== first.name,
      problems,
      ok: problems.length === 0,
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await stopChildren(children);
    if (!signal?.aborted) await removeScratch(connectString, base);
  }
}

/** GET /status of every service. */
async function statuses(ports) {
  const entries = [...ports].sort(([a], [b]) => a.localeCompare(b));
  return Promise.all(
    entries.map(async ([name, port]) => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/status`, { signal: AbortSignal.timeout(5_000) });
        return { port, ...(await res.json()) };
      } catch (err) {
        return { name, port, error: err.message };
      }
    }),
  );
}

/** GET /status until `leader` reports itself leading (it just said so over IPC; bounded). */
async function statusesWithLeader(ports, leader, timeout) {
  const deadline = Date.now() + timeout;
  let all = [];
  for (let i = 0; i < 100 && Date.now() < deadline; i++) {
    all = await statuses(ports);
    if (all.some((s) => s.name === leader && s.isLeader)) return all;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return all;
}
