// The scenario: forks three backends and the gateway, drives requests through the gateway,
// SIGKILLs one backend mid-run, and measures how long the gateway kept routing to it and
// how long the registry took to drop it.
import path from 'node:path';
import { conditions, forkChild, stopChildren } from '@zookit/example-shared/processes';
import { removeScratch, scratchPath } from '@zookit/example-shared/zookeeper';

const BACKEND = path.join(import.meta.dirname, 'backend.mjs');
const GATEWAY = path.join(import.meta.dirname, 'gateway.mjs');

/**
 * Runs the service-discovery scenario and resolves with a summary (see README).
 *
 * @param {object} options
 * @param {string} options.connectString     ZooKeeper connect string
 * @param {number} [options.backends=3]      backend processes
 * @param {number} [options.sessionTimeout=2000]  the backends' session timeout (ms)
 * @param {number} [options.concurrency=4]   requests in flight through the gateway
 * @param {number} [options.before=500]      ms of load before the kill (at least until every backend served)
 * @param {number} [options.after=500]       ms of load after the removal before stopping
 * @param {number} [options.timeout=30000]   bound on every wait (ms)
 * @param {(event: object) => void} [options.onEvent]  `registered`, `listening`, `instances`, `kill`, `removed` events, and `state`/`error` of every child's client
 * @param {AbortSignal} [options.signal]
 */
export async function runServiceDiscovery(options) {
  const { connectString, backends = 3, sessionTimeout = 2_000, concurrency = 4, before = 500, after = 500, timeout = 30_000, onEvent = () => {}, signal } = options;
  const started = performance.now();
  const base = scratchPath('service-discovery');
  const children = [];
  const registered = new Map(); // name -> { id, port, pid }
  const lists = []; // every 'instances' message of the gateway
  let gatewayPort = null;
  // until(what, predicate): re-checked on every message and every finished request.
  const { notify, until } = conditions({ timeout, signal });
  const onMessage = (msg) => {
    if (msg.type === 'registered') registered.set(msg.name, msg);
    if (msg.type === 'listening') gatewayPort = msg.port;
    if (msg.type === 'instances') lists.push(msg);
    onEvent(msg);
    notify();
  };

  const load = { requests: [], stop: false, notify };
  try {
    for (let i = 0; i < backends; i++) {
      const env = { BACKEND_CONNECT: connectString, BACKEND_BASE: base, BACKEND_NAME: `backend-${i + 1}`, BACKEND_SESSION_TIMEOUT: String(sessionTimeout) };
      children.push(forkChild(BACKEND, env, { onMessage, signal }));
    }
    await until('every backend to register', () => registered.size === backends);
    children.push(forkChild(GATEWAY, { GATEWAY_CONNECT: connectString, GATEWAY_BASE: base }, { onMessage, signal }));
    await until('the gateway to see every backend', () => gatewayPort !== null && lists.at(-1)?.ids.length === backends);

    // Load through the gateway; once every backend has served, SIGKILL one of them.
    const loaders = Array.from({ length: concurrency }, () => drive(gatewayPort, load, timeout));
    await new Promise((resolve) => setTimeout(resolve, before));
    await until('every backend to serve a request', () => new Set(load.requests.map((r) => r.backend)).size === backends || load.failedEarly);
    const victim = registered.get('backend-2') ?? [...registered.values()][0];
    const victimChild = children.find((c) => c.pid === victim.pid);
    const killedAt = Date.now();
    onEvent({ type: 'kill', name: victim.name, id: victim.id, pid: victim.pid });
    victimChild.kill('SIGKILL');
    const removal = await until('the registry to drop the killed backend', () => lists.find((l) => l.at >= killedAt && !l.ids.includes(victim.id)));
    const removalMs = removal.at - killedAt;
    onEvent({ type: 'removed', name: victim.name, removalMs });
    await new Promise((resolve) => setTimeout(resolve, after));
    load.stop = true;
    await Promise.all(loaders);
    return summarize({ backends, sessionTimeout, victim, killedAt, removalMs, requests: load.requests, elapsedMs: Math.round(performance.now() - started) });
  } finally {
    load.stop = true;
    await stopChildren(children);
    if (!signal?.aborted) await removeScratch(connectString, base);
  }
}

/** One request loop: GET /orders/<n> through the gateway until told to stop (bounded). */
async function drive(port, load, timeout) {
  for (let i = 0; i < 1_000_000 && !load.stop; i++) {
    const n = load.requests.length;
    const sentAt = Date.now();
    try {
      const res = await fetch(`http://127.0.0.1:${port}/orders/${n}`, { signal: AbortSignal.timeout(timeout) });
      const body = await res.json();
      load.requests.push({ n, sentAt, ok: res.status === 200, backend: body.backend, attempts: body.attempts ?? [] });
    } catch (err) {
      load.requests.push({ n, sentAt, ok: false, attempts: [], error: err.message });
      load.failedEarly = true;
    }
    load.notify();
  }
}

function summarize({ backends, sessionTimeout, victim, killedAt, removalMs, requests, elapsedMs }) {
  const failed = requests.filter((r) => !r.ok);
  const retried = requests.filter((r) => r.attempts.length > 1 && r.ok);
  const toVictim = requests.filter((r) => r.sentAt >= killedAt && r.attempts.some((a) => a.id === victim.id));
  const lastToVictim = toVictim.length ? Math.max(...toVictim.map((r) => r.sentAt)) - killedAt : null;
  const afterRemoval = requests.filter((r) => r.sentAt >= killedAt + removalMs && r.attempts.some((a) => a.id === victim.id));
  const byBackend = {};
  for (const r of requests) if (r.ok) byBackend[r.backend] = (byBackend[r.backend] ?? 0) + 1;
  const problems = [];
  if (failed.length) problems.push(`${failed.length} request(s) failed`);
  if (afterRemoval.length) problems.push(`${afterRemoval.length} request(s) were routed to ${victim.name} after its removal`);
  if (removalMs > sessionTimeout * 2 + 1_000) problems.push(`removal took ${removalMs} ms, more than the session timeout allows`);
  return {
    backends,
    sessionTimeout,
    victim: { name: victim.name, id: victim.id },
    requests: requests.length,
    failed: failed.length,
    retried: retried.length,
    routedToVictimAfterKill: toVictim.length,
    lastRoutedToVictimMs: lastToVictim,
    routedToVictimAfterRemoval: afterRemoval.length,
    removalMs,
    byBackend,
    problems,
    ok: problems.length === 0,
    elapsedMs,
  };
}
