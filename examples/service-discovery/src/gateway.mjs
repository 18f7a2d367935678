// The gateway: an HTTP server on 127.0.0.1 that forwards GET /orders/<n> to a backend chosen
// by a ServiceProvider (round-robin). A failed attempt is noted (noteError: two errors within
// 30 s leave that backend out) and retried on another backend, so a backend that dies
// costs a retry, never a request.
//
//   GET /orders/<n>  → { backend, attempts: [{ id, ok }] }   (502 when every attempt failed)
//
// It reports every change of the provider's instance list over IPC (`instances`).
import http from 'node:http';
import { ZooKeeperClient } from '@zookit/client';
import { ServiceDiscovery, buildUri } from '@zookit/discovery';
import { closeServer, parentChannel, reportClient, requiredEnv, untilStopped } from '@zookit/example-shared/child';

const required = requiredEnv('scenario.mjs');
const hosts = required('GATEWAY_CONNECT');
const basePath = required('GATEWAY_BASE');
const MAX_ATTEMPTS = 3;

const { send, release } = parentChannel({ name: 'gateway', pid: process.pid });

const zk = new ZooKeeperClient({ hosts, sessionTimeout: 4000 });
reportClient(zk, send);
await zk.start();
const sd = new ServiceDiscovery(zk, { basePath });
await sd.start();
const orders = sd.serviceProvider('orders', { strategy: 'round-robin' });
orders.cache.on('changed', (list) => send({ type: 'instances', ids: list.map((i) => i.id) }));
orders.cache.on('error', (err) => send({ type: 'error', message: err.message }));
await orders.start();
send({ type: 'instances', ids: orders.cache.instances().map((i) => i.id) });

/** Forwards one request, retrying on another instance after a failure. */
async function forward(n) {
  const attempts = [];
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const tried = new Set(attempts.map((a) => a.id));
    let target = orders.getInstance();
    if (target && tried.has(target.id)) target = orders.getAllInstances().find((x) => !tried.has(x.id)) ?? null;
    if (!target) break;
    try {
      const res = await fetch(`${buildUri(target)}/orders/${n}`, { signal: AbortSignal.timeout(2_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = await res.json();
      attempts.push({ id: target.id, ok: true });
      return { status: 200, body: { backend: body.backend, attempts } };
    } catch (err) {
      attempts.push({ id: target.id, ok: false, error: err.cause?.code ?? err.message });
      orders.noteError(target);
    }
  }
  return { status: 502, body: { error: 'no backend answered', attempts } };
}

const server = http.createServer((req, res) => {
  const m = /^\/orders\/(\d+)$/.exec(req.url ?? '');
  if (req.method !== 'GET' || !m) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}\n');
    return;
  }
  forward(Number(m[1])).then(
    ({ status, body }) => res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`),
    (err) => res.writeHead(500, { 'content-type': 'application/json' }).end(`${JSON.stringify({ error: err.message })}\n`),
  );
});
server.listen(0, '127.0.0.1', () => send({ type: 'listening', port: server.address().port }));

await untilStopped();
closeServer(server);
await sd.close();
await zk.stop();
await release();
