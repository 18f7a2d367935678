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
import { closeServer, parentChannel, reportClient, requiredEnv, untilStopped } from '@zookit/example-shared/child';

const required = requiredEnv('scenario.mjs');
const hosts = required('BACKEND_CONNECT');
const basePath = required('BACKEND_BASE');
const name = required('BACKEND_NAME');
const sessionTimeout = Number(process.env['BACKEND_SESSION_TIMEOUT'] ?? 2000);

const { send, release } = parentChannel({ name, pid: process.pid });

const zk = new ZooKeeperClient({ hosts, sessionTimeout });
reportClient(zk, send);
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

await untilStopped();
await sd.close(); // unregisters
closeServer(server);
await zk.stop();
await release();
