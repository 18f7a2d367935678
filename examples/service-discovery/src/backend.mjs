// One backend of the `orders` service: an HTTP server on 127.0.0.1 that registers itself
// with ServiceDiscovery (an ephemeral node in Curator x-discovery's format, so a Java
// gateway would find it too).
//
//   GET /orders/<n>  → { backend, id, n }
//
// Started by scenario.mjs with child_process.fork; configuration comes from the environment.
// SIGTERM unregisters, closes the session and exits; SIGKILL leaves the node to expire with
// the session.
import http from 'node:http';
import { ZooKeeperClient } from '@zookit/client';
import { ServiceDiscovery } from '@zookit/discovery';

const hosts = required('BACKEND_CONNECT');
const basePath = required('BACKEND_BASE');
const name = required('BACKEND_NAME');
const sessionTimeout = Number(process.env['BACKEND_SESSION_TIMEOUT'] ?? 2000);

const send = (msg) => process.send?.({ name, pid: process.pid, at: Date.now(), ...msg });
const onParentGone = () => process.exit(1);
process.on('disconnect', onParentGone);

const zk = new ZooKeeperClient({ hosts, sessionTimeout });
zk.on('error', (err) => send({ type: 'error', message: String(err?.message ?? err) }));
await zk.start();
const sd = new ServiceDiscovery(zk, { basePath, payloadClass: 'java.util.LinkedHashMap' });
sd.on('error', (err) => send({ type: 'error', message: err.message }));
await sd.start();

let me = null;
const server = http.createServer((req, res) => {
  const m = /^\/orders\/(\d+)$/.exec(req.url ?? '');
  if (req.method !== 'GET' || !m) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify({ backend: name, id: me?.id, n: Number(m[1]) })}\n`);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;
me = await sd.register({ name: 'orders', address: '127.0.0.1', port, payload: { backend: name }, uriSpec: '{scheme}://{address}:{port}' });
send({ type: 'registered', id: me.id, port });

await new Promise((resolve) => {
  process.once('SIGTERM', resolve);
  process.once('SIGINT', resolve);
});
await sd.close(); // unregisters
server.close();
server.closeAllConnections();
await zk.stop();
process.off('disconnect', onParentGone);
process.disconnect?.();

function required(key) {
  const value = process.env[key];
  if (!value) throw new Error(`${key} is not set (this file is started by scenario.mjs)`);
  return value;
}
